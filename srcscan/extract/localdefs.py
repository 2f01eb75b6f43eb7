"""A file's own ``#define`` / ``#undef`` deciding the ``#if`` branches below them.

One linear pass over the file's directives (a text scan, joined continuation lines) keeps what
the file itself has said about each name so far: defined with a number, defined (no number),
or undefined. A directive inside a branch the file's own knowledge cannot decide makes its name
unknown again (three-valued, like ppcond). An include guard (``#ifndef X`` then ``#define X``
as the file's first directives) counts as taken, so a header's own defines count too.

The result, per ``#if``/``#ifdef``/``#ifndef``/``#elif`` line: the file's knowledge of the
names that directive's condition mentions. The extractor appends it to the condition text as
`` [file: A=16, B defined, C undefined]`` (see ppcond: the condition is then evaluated with it,
and a branch it makes certainly false is dead: left out unless --keep-if0 keeps dead code).

The same pass notes what headers may decide (``walk``): the file's ``#include`` lines, what
it leaves defined or undefined at its end (a header's exports), and per #if the names that
the file itself leaves open after some #include (graph/ppheaders.py decides them from the
headers the includes resolve to)."""
from __future__ import annotations

import re

from .ppcond import HDR_NOTE, Config, evaluate  # noqa: F401 (HDR_NOTE: for the extractor)

DEFINED = "defined"
UNDEFINED = "undefined"
UNKNOWN = "unknown"  # (in a header's exports: defined or undefined in a branch nobody decides)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER = re.compile(r"^\(?\s*(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*\)?$")
MAX_NAMES = 8  # names of one condition noted (a longer condition keeps the first ones)


_SCAN = re.compile(rb"^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif|define|undef|include)\b((?:[^\n]*\\\r?\n)*[^\n]*)",
                   re.M)
_INCLUDE = re.compile(r'^[<"]([^>"]+)[>"]')
# cheap scans first (a literal '#' leads, no line anchors): what a file defines, what it tests
_DEFINED_NAME = re.compile(rb"#[ \t]*(?:define|undef)[ \t]+([A-Za-z_][A-Za-z0-9_]*)")
_TESTS = re.compile(rb"#[ \t]*(ifndef|ifdef|if|elif)\b([^\n]*)")


def _lines(data: bytes):
    """(line number, directive, rest) of each directive, continuation lines joined."""
    line, last = 1, 0
    for m in _SCAN.finditer(data):
        line += data.count(b"\n", last, m.start())
        last = m.start()
        rest = re.sub(rb"\\\r?\n", b" ", m.group(2)).decode("latin-1")
        rest = re.sub(r"/\*.*?\*/|//.*$", " ", rest).strip()
        yield line, m.group(1).decode(), rest


def _worth_it(data: bytes) -> bool:
    """Whether some #if of the file mentions a name the file itself defines or undefines
    (most files define only names they never test, or only their include guard: nothing to
    decide). A cheap scan that may say yes for nothing, never no for something."""
    names = set(_DEFINED_NAME.findall(data))
    if not names:
        return False
    tests = list(_TESTS.finditer(data))
    if tests and tests[0].group(1) == b"ifndef":  # the include guard: #ifndef X, #define X
        guard = tests[0].group(2).split()[:1]
        m = _DEFINED_NAME.search(data, tests[0].end())
        if guard and m is not None and m.group(1) == guard[0] and not data[tests[0].end():m.start()].strip():
            tests = tests[1:]
    return any(t in names for m in tests for t in re.findall(rb"[A-Za-z_][A-Za-z0-9_]*", m.group(2)))


def _condition(kind: str, rest: str) -> str:
    name = rest.split()[0] if rest.split() else ""
    if kind == "ifdef":
        return f"defined({name})"
    if kind == "ifndef":
        return f"!defined({name})"
    return rest


def _c_int(text: str) -> int | None:
    """A C integer literal's value: 0x hexadecimal, a leading 0 octal, else decimal; None for
    what is none of them (``08``)."""
    try:
        if text[:2] in ("0x", "0X"):
            return int(text, 16)
        return int(text, 8) if len(text) > 1 and text[0] == "0" else int(text)
    except ValueError:
        return None


def _not3(a):
    return None if a is None else not a


def _or3(a, b):
    return True if (a is True or b is True) else (None if (a is None or b is None) else False)


def _and3(a, b):
    return False if (a is False or b is False) else (None if (a is None or b is None) else True)


def _config(known: dict) -> Config:
    cfg = Config({n: v for n, v in known.items() if isinstance(v, int)},
                 {n for n, v in known.items() if v == UNDEFINED})
    cfg.opaque = {n for n, v in known.items() if v == DEFINED}
    return cfg


def local_knowledge(data: bytes) -> dict[int, dict[str, int | str]]:
    """line of each #if/#ifdef/#ifndef/#elif -> {name: value, "defined" or "undefined"} for
    the names its condition mentions that the file itself decided above it."""
    if b"#" not in data or not _worth_it(data):
        return {}
    return walk(data).knowledge


class Walk:
    """What one pass over a file's directives found (see the module's docstring)."""

    def __init__(self):
        self.knowledge: dict[int, dict] = {}  # #if line -> what the file said of its names
        self.open: dict[int, list[str]] = {}  # #if line -> names left to the headers included above
        self.includes: list[tuple[int, str, bool]] = []  # (line, target, certainly compiled)
        self.exports: dict[str, int | str] = {}  # at the end: name -> value, defined, undefined, unknown


def walk(data: bytes) -> Walk:
    """One pass over the directives of ``data``: local knowledge, includes, exports, open names."""
    w = Walk()
    if b"#" not in data:
        return w
    known: dict[str, int | str] = {}
    unsure: set[str] = set()  # defined or undefined in a branch the file cannot decide
    out = w.knowledge
    # one frame per open #if: [this branch's truth (True/False/None), some earlier branch taken]
    stack: list[list] = []
    directives = list(_lines(data))
    guard = None
    if len(directives) >= 2 and directives[0][1] == "ifndef" and directives[1][1] == "define" \
            and directives[0][2].split()[:1] == directives[1][2].split()[:1]:
        guard = directives[0][0]  # an include guard: its block is the whole file

    def live():  # whether the current line certainly runs / certainly not / unknown
        t = True
        for truth, _ in stack:
            if truth is False:
                return False
            if truth is None:
                t = None
        return t

    for line, kind, rest in directives:
        if kind in ("if", "ifdef", "ifndef", "elif"):
            cond = _condition(kind, rest)
            names = [n for n in dict.fromkeys(_IDENT.findall(cond)) if n != "defined"]
            seen = {n: known[n] for n in names if n in known}
            if seen:
                out[line] = dict(list(seen.items())[:MAX_NAMES])
            left = [n for n in names if n not in known and n not in unsure]
            if left and w.includes:
                w.open[line] = left[:MAX_NAMES]
            truth = True if line == guard else evaluate(cond, _config(known))
            if kind == "elif":
                if stack:
                    t, some = stack[-1]
                    some = _or3(some, t)  # an earlier branch of this chain was taken
                    stack[-1] = [_and3(_not3(some), truth), some]
            else:
                stack.append([truth, False])
        elif kind == "else":
            if stack:
                t, some = stack[-1]
                some = _or3(some, t)
                stack[-1] = [_not3(some), some]
        elif kind == "endif":
            if stack:
                stack.pop()
        elif kind == "include":
            m = _INCLUDE.match(rest)
            now = live()
            if m is not None and now is not False:
                w.includes.append((line, m.group(1), now is True))
        else:  # define / undef
            parts = rest.split(None, 1)
            if not parts or not _IDENT.fullmatch(parts[0].split("(")[0]):
                continue
            name = parts[0].split("(")[0]
            now = live()
            if now is False:
                continue
            if now is None:
                known.pop(name, None)  # maybe defined, maybe not: unknown again
                unsure.add(name)
                continue
            unsure.discard(name)
            if kind == "undef":
                known[name] = UNDEFINED
            else:
                value = parts[1].strip() if len(parts) > 1 and "(" not in parts[0] else ""
                m = _NUMBER.match(value)
                v = _c_int(m.group(1)) if m else None
                known[name] = DEFINED if v is None else v
    w.exports = {**{n: UNKNOWN for n in unsure}, **known}
    return w


def note(knowledge: dict[str, int | str]) -> str:
    """`` [file: A=16, B defined, C undefined]``: what a condition's suffix says."""
    parts = [f"{n}={v}" if isinstance(v, int) else f"{n} {v}" for n, v in knowledge.items()]
    return f" [file: {', '.join(parts)}]"
