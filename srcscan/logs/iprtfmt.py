"""IPRT format strings (``RTStrFormatV``) turned into regular expressions.

``compile_format("TM: cTSCTicksPerSecond=%'RU64 (%#RX64)\\n")`` gives one ``LinePattern``
per output line the format prints; each pattern has a named group ``a<N>`` for every
argument it prints, where N is the argument's position after the format string (so
``%*d`` consumes two arguments and binds the second). ``parse_value`` turns the printed
text back into a number, a bool or a string.

What IPRT prints, as far as matching needs it: ``'`` groups decimal thousands with spaces
(``3 478 274 491``), ``#`` puts ``0x`` before hex, ``%RX..`` is lower-case hex, the
``%RG..``/``%RH..`` address types are zero-padded hex, ``%RTbool`` is ``true``/``false``,
``%Rrc`` is a status define (``VERR_...``) or a number.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

# one conversion: flags, width, precision, then the type
_SPEC = re.compile(
    r"%(?P<flags>[-+ #0']*)(?P<width>\*|\d+)?(?:\.(?P<prec>\*|\d*))?"
    r"(?P<conv>%"
    r"|R(?:[UIX](?:128|64|32|16|8)|G[ipuvx]|H[ciprsuvx]|C[ipuvx]|R[ipuvx]"
    r"|T(?:bool|xuint|xint|uintptr|uint|intptr|int|uuid|utf16|unicp|naipv4|naipv6|mac|ptr|gcptr|rcptr"
    r"|r0ptr|r3ptr|ccintptr|ccuintptr|thrd|nthrd|proc|sem|sock|file|fmode|foff|gid|uid|ino|iop|ldrm|reg|sel"
    r"|fp16|fp32|fp64)"
    r"|hr[cfa]|hx[ds]|r[cfsa]|w[cfa]|bn|fn|\[[A-Za-z0-9_-]{1,32}\])"
    r"|(?:hh|h|ll|l|L|q|j|z|Z|t|I64|I32|I)?[diouxXcspnMNeEfgGaAS])"
)

_DEC = r"[-+]?\d+"
_DEC_GROUPED = r"[-+]?\d{1,3}(?: \d{3})*"
_HEX = r"[0-9a-fA-F]+"
_FLOAT = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?|[-+]?(?:inf|nan|INF|NAN)"
_RC = r"[A-Z][A-Z0-9_]+|-?\d+|Unknown Status [^)]*\)"
_TEXT = r".*?"


@dataclass(frozen=True)
class Spec:
    text: str  # the conversion as written, e.g. "%'RU64"
    kind: str  # dec | hex | oct | bool | str | char | float | rc | ptr | none
    arg: int  # index (after the format) of the argument it prints; -1 for %% and %n-like
    consumes: int  # arguments consumed, counting * width/precision
    signed: bool = False

    @property
    def group(self) -> str:
        return f"a{self.arg}"


@dataclass
class LinePattern:
    """One printed line of a format: its regex and what it needs to match."""

    source: str  # regex source (patterns with equal source are interchangeable)
    specs: list[Spec]
    literal: str  # literal text before the first conversion, whitespace collapsed, stripped
    literal_chars: int  # number of literal non-space characters: how specific the pattern is
    longest_word: str  # longest literal run without spaces (a cheap pre-filter)
    open: bool  # the format did not end the line here (next output continues it)
    index: int  # which line of the format (0-based)
    whole_word: str = ""  # longest literal word printed between blanks: a token of every matching line
    _regex: re.Pattern | None = field(default=None, repr=False)

    @property
    def regex(self) -> re.Pattern:
        if self._regex is None:
            self._regex = re.compile(self.source)
        return self._regex


@dataclass
class Format:
    text: str
    lines: list[LinePattern]
    nargs: int  # arguments the whole format consumes
    specs: list[Spec]


def _value_regex(flags: str, conv: str, prec: str | None) -> tuple[str, str, bool]:
    """(regex, kind, signed) for one conversion."""
    alt = "#" in flags
    grouped = "'" in flags
    if conv.startswith("R"):
        t = conv[1:]
        if t[0] in "UI" and t[1:].isdigit():
            return (_DEC_GROUPED if grouped else _DEC), "dec", t[0] == "I"
        if t[0] == "X" and t[1:].isdigit():
            return ("(?:0[xX])?" if alt else "") + _HEX, "hex", False
        if t[0] in "GHCR" and len(t) == 2:  # guest/host/context addresses and integers
            if t[1] in "iu":
                return (_DEC_GROUPED if grouped else _DEC), "dec", t[1] == "i"
            return "(?:0[xX])?" + _HEX, "hex", False
        if t.startswith("T"):
            name = t[1:]
            if name == "bool":
                return "true|false", "bool", False
            if name in ("int", "intptr", "foff", "gid", "uid", "ino", "unicp"):
                return (_DEC_GROUPED if grouped else _DEC), "dec", name in ("int", "intptr", "foff")
            if name in ("uint", "uintptr"):
                return (_DEC_GROUPED if grouped else _DEC), "dec", False
            if name == "uuid":
                return r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "str", False
            if name == "mac":
                return r"[0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5}", "str", False
            if name == "naipv4":
                return r"\d{1,3}(?:\.\d{1,3}){3}", "str", False
            if name in ("utf16", "naipv6", "ldrm", "fp16", "fp32", "fp64"):
                return _TEXT, "str", False
            return "(?:0[xX])?" + _HEX + r"|NIL\w*|~0", "hex", False  # handles, pointers, registers
        if t == "rc" or t == "hrc" or t == "wc":
            return _RC, "rc", False
        return _TEXT, "str", False  # %Rrs %Rrf %Rra %Rhx* %Rbn %Rfn %R[type]
    c = conv[-1]
    if c in "di":
        return (_DEC_GROUPED if grouped else _DEC), "dec", True
    if c == "u":
        return (_DEC_GROUPED if grouped else _DEC), "dec", False
    if c in "xX":
        return ("(?:0[xX])?" if alt else "") + _HEX, "hex", False
    if c == "o":
        return "0?[0-7]+", "oct", False
    if c == "c":
        return ".?", "char", False
    if c in "sS":
        if prec and prec.isdigit():
            return f".{{0,{int(prec)}}}?", "str", False
        return _TEXT, "str", False
    if c == "p":
        return r"(?:0[xX])?[0-9a-fA-F]+|\(nil\)|NULL|<NULL>", "ptr", False
    if c in "eEfgGaA":
        return _FLOAT, "float", True
    if c == "n":
        return "", "none", False
    return _TEXT, "str", False  # %M %N: a nested format, any text


def _literal(text: str, start: bool = False) -> str:
    """Regex for literal text: whitespace runs match any run of blanks (padding and
    older/newer releases differ in alignment)."""
    out = []
    for part in re.split(r"(\s+)", text):
        if not part:
            continue
        out.append((r"[ \t]+" if out or not start else r"[ \t]*") if part.isspace() else re.escape(part))
    return "".join(out)


def parse_format(fmt: str) -> list[str | Spec]:
    """Split a format into literal strings and Specs (arguments numbered from 0)."""
    items: list[str | Spec] = []
    pos = 0
    arg = 0
    buf = []
    while True:
        i = fmt.find("%", pos)
        if i < 0:
            buf.append(fmt[pos:])
            break
        buf.append(fmt[pos:i])
        m = _SPEC.match(fmt, i)
        if not m:  # not a conversion IPRT knows: printed as is
            buf.append("%")
            pos = i + 1
            continue
        pos = m.end()
        conv = m.group("conv")
        if conv == "%":
            buf.append("%")
            continue
        flags, width, prec = m.group("flags"), m.group("width"), m.group("prec")
        extra = (width == "*") + (prec == "*")
        consumes = extra + (2 if conv[-1] in "MN" and not conv.startswith("R") else 1)
        _, kind, signed = _value_regex(flags, conv, prec)
        if "".join(buf):
            items.append("".join(buf))
        buf = []
        items.append(Spec(m.group(0), kind, arg + extra if kind != "none" else -1, consumes, signed))
        arg += consumes
    if buf and "".join(buf):
        items.append("".join(buf))
    return items


def compile_format(fmt: str, prefix: str = "") -> Format:
    """Compile an IPRT format (optionally after a literal prefix such as ``"func: "``) into
    one LinePattern per printed line. Empty lines are dropped."""
    items = parse_format(fmt)
    specs = [x for x in items if isinstance(x, Spec)]
    if prefix:  # printed by the macro itself: its conversions match but bind no argument
        items = [replace(x, arg=-1) if isinstance(x, Spec) else x for x in parse_format(prefix)] + items
    nargs = sum(s.consumes for s in specs)
    # split literal items at newlines into lines
    lines: list[list[str | Spec]] = [[]]
    for it in items:
        if isinstance(it, Spec):
            lines[-1].append(it)
            continue
        parts = it.split("\n")
        for k, part in enumerate(parts):
            if k:
                lines.append([])
            if part:
                lines[-1].append(part)
    ends_open = not fmt.endswith("\n")
    out = []
    for idx, line in enumerate(lines):
        last = idx == len(lines) - 1
        if not line or (last and not ends_open):
            continue
        out.append(_compile_line(line, idx, open_=last and ends_open))
    return Format(fmt, out, nargs, specs)


def _compile_line(items: list[str | Spec], index: int, open_: bool) -> LinePattern:
    parts = ["^"]
    specs: list[Spec] = []
    seen: set[str] = set()
    literal_before = []
    in_prefix = True
    longest = ""
    chars = 0
    whole = ""
    for k, it in enumerate(items):
        if isinstance(it, str):
            if in_prefix:
                literal_before.append(it)
            chars += sum(1 for ch in it if not ch.isspace())
            for w in re.finditer(r"\S+", it):
                if len(w.group()) > len(longest):
                    longest = w.group()
                starts = w.start() > 0 or k == 0
                ends = w.end() < len(it) or (k == len(items) - 1 and not open_)
                if starts and ends and len(w.group()) > len(whole):
                    whole = w.group()
            parts.append(_literal(it, start=len(parts) == 1))
            continue
        in_prefix = False
        m = _SPEC.match(it.text)
        rx, kind, _ = _value_regex(m.group("flags"), m.group("conv"), m.group("prec"))
        if kind == "none":
            continue
        left = "-" in m.group("flags")
        padded = kind not in ("str", "char") or (m.group("width") and not left)
        pad = "[ \t]*" if padded else ""
        name = it.group
        if it.arg < 0:  # a prefix's conversion: matched, bound to nothing
            parts.append(f"{pad}(?:{rx})")
        elif name in seen:  # the same argument printed twice in one line (rare): match, don't bind twice
            parts.append(f"{pad}(?:{rx})")
        else:
            seen.add(name)
            parts.append(f"{pad}(?P<{name}>{rx})")
            specs.append(it)
        if left and (kind not in ("str", "char") or m.group("width")):
            parts.append("[ \t]*")
    if not open_:
        parts.append(r"[ \t\r]*$")
    literal = " ".join("".join(literal_before).split())
    return LinePattern("".join(parts), specs, literal, chars, longest, open_, index, whole_word=whole)


def parse_value(kind: str, text: str):
    """The value behind a printed text: int for dec/hex/oct/ptr, float, bool, else the
    text (status codes and strings stay text). Unparseable numbers stay text."""
    t = text.strip()
    try:
        if kind == "dec":
            return int(t.replace(" ", ""))
        if kind in ("hex", "ptr"):
            return int(t[2:] if t[:2] in ("0x", "0X") else t, 16)
        if kind == "oct":
            return int(t, 8)
        if kind == "float":
            return float(t)
        if kind == "bool":
            return t == "true"
        if kind == "rc" and re.fullmatch(r"-?\d+", t):
            return int(t)
    except ValueError:
        return text
    return text
