"""A file's own ``#define``s expanded inside an expression, for the statement-level taint sinks.

The facts see ``GET_BITS(RXCSUM, PCSS)`` as a call of an unknown function with a name as its
argument; the value it reads (``RXCSUM`` standing for ``pThis->auRegs[RXCSUM_IDX]``) is hidden
in the file's macros. ``Macros.expand`` rewrites an expression's text the way the preprocessor
would, with the object-like and function-like macros the file itself defines (not its headers'):
arguments are expanded before they are substituted, except next to ``##``, which pastes tokens;
``#x`` makes a string; a macro is not expanded inside its own expansion; the depth and the size
of an expansion are bounded. A macro defined twice (under different ``#if`` branches) keeps
its first definition."""
from __future__ import annotations

import re

MAX_DEPTH = 8  # nested expansions
MAX_TOKENS = 2000  # tokens of one expansion

_DEFINE = re.compile(rb"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)(\([^)\n]*\))?((?:[^\n]*\\\r?\n)*[^\n]*)", re.M)
_TOKEN = re.compile(r"""\s*(?:([A-Za-z_]\w*)|(\d[\w.]*|'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")|(\#\#|\#|->|<<=|>>=|<<|>>|[-+*/%&|^=!<>]=|&&|\|\||\+\+|--|\S))""")
_COMMENT = re.compile(r"/\*.*?\*/|//[^\n]*", re.S)


def _tokens(text: str) -> list[str]:
    out, pos = [], 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            break
        out.append(m.group(m.lastindex))
        pos = m.end()
    return out


class Macros:
    """The macros of one file: name -> (parameters or None for an object-like macro, body tokens)."""

    def __init__(self, table: dict[str, tuple[list[str] | None, list[str]]]):
        self.table = table

    @classmethod
    def of(cls, data: bytes, skip: frozenset = frozenset()) -> "Macros":
        """The ``#define``s of a file's text (``skip``: names never expanded, e.g. size macros)."""
        table: dict[str, tuple[list[str] | None, list[str]]] = {}
        if b"define" not in data:
            return cls(table)
        data = re.sub(rb"\\\r?\n", b" ", data)  # continuation lines joined (a parameter list may span them)
        for m in _DEFINE.finditer(data):
            name = m.group(1).decode("latin-1")
            if name in table or name in skip:
                continue
            body = re.sub(r"\\\r?\n", " ", m.group(3).decode("latin-1"))
            body = _COMMENT.sub(" ", body).strip()
            params = None
            if m.group(2) is not None:
                params = [p.strip() for p in m.group(2).decode("latin-1")[1:-1].split(",") if p.strip()]
                if any(p == "..." for p in params):
                    continue  # variadic: not expanded
            table[name] = (params, _tokens(body))
        return cls(table)

    def __bool__(self) -> bool:
        return bool(self.table)

    def mentions(self, text: str) -> bool:
        """Whether ``text`` names one of the macros (cheap: a word test)."""
        return any(w in self.table for w in re.findall(r"[A-Za-z_]\w*", text))

    def expand(self, text: str) -> str | None:
        """``text`` with the file's macros expanded, or None when nothing was expanded (or the
        expansion grew past its bound)."""
        toks = _tokens(text)
        try:
            out = self._expand(toks, frozenset(), 0)
        except _TooBig:
            return None
        return None if out == toks else " ".join(out)

    # -------------------------------------------------------------- expansion
    def _expand(self, toks: list[str], active: frozenset, depth: int) -> list[str]:
        if depth > MAX_DEPTH:
            raise _TooBig
        out: list[str] = []
        i = 0
        while i < len(toks):
            t = toks[i]
            entry = self.table.get(t) if t not in active else None
            if entry is None:
                out.append(t)
                i += 1
                continue
            params, body = entry
            if params is None:
                out += self._expand(body, active | {t}, depth + 1)
                i += 1
            else:
                args, end = _arguments(toks, i + 1)
                if args is None:  # a function-like macro's name without arguments: left alone
                    out.append(t)
                    i += 1
                    continue
                if len(args) == 1 and not args[0] and not params:
                    args = []
                if len(args) != len(params):
                    out.append(t)
                    i += 1
                    continue
                out += self._expand(self._substitute(body, params, args, active, depth), active | {t}, depth + 1)
                i = end
            if len(out) > MAX_TOKENS:
                raise _TooBig
        return out

    def _substitute(self, body, params, args, active, depth) -> list[str]:
        index = {p: k for k, p in enumerate(params)}
        out: list[str] = []
        k = 0
        while k < len(body):
            t = body[k]
            if t == "#" and k + 1 < len(body) and body[k + 1] in index:
                out.append('"' + " ".join(args[index[body[k + 1]]]).replace('"', '\\"') + '"')
                k += 2
                continue
            if t in index:
                pasted = (k > 0 and body[k - 1] == "##") or (k + 1 < len(body) and body[k + 1] == "##")
                arg = args[index[t]]
                out += arg if pasted else self._expand(arg, active, depth + 1)
                k += 1
                continue
            out.append(t)
            k += 1
        # token pasting: a ## b -> ab
        pasted: list[str] = []
        k = 0
        while k < len(out):
            if out[k] == "##" and pasted and k + 1 < len(out):
                pasted[-1] = pasted[-1] + out[k + 1]
                k += 2
                continue
            pasted.append(out[k])
            k += 1
        return pasted


class _TooBig(Exception):
    pass


def _arguments(toks: list[str], i: int) -> tuple[list[list[str]] | None, int]:
    """The arguments of a macro call whose ``(`` is at ``toks[i]``: (arguments, index after ``)``)."""
    if i >= len(toks) or toks[i] != "(":
        return None, i
    args: list[list[str]] = [[]]
    depth = 0
    for j in range(i + 1, len(toks)):
        t = toks[j]
        if t in ("(", "[", "{"):
            depth += 1
        elif t in (")", "]", "}"):
            if depth == 0:
                return args, j + 1
            depth -= 1
        elif t == "," and depth == 0:
            args.append([])
            continue
        args[-1].append(t)
    return None, i


_PARSER: list = []


def parse_expression(text: str):
    """The node of expression ``text`` parsed alone (None when it does not parse cleanly)."""
    if not _PARSER:
        from ..extract.syntax import parser

        _PARSER.append(parser())
    root = _PARSER[0].parse(f"void f(void) {{ ({text}); }}".encode("utf-8", "replace")).root_node
    if root.has_error:
        return None
    stack = [root]
    while stack:
        n = stack.pop()
        if n.type == "parenthesized_expression":
            return n
        stack.extend(reversed(n.named_children))
    return None


def expanded(macros: "Macros | None", node):
    """``node``'s text with the file's macros expanded, parsed (None when no macro is in it)."""
    if macros is None:
        return None
    text = node.text.decode("utf-8", "replace")
    if not macros.mentions(text):
        return None
    wide = macros.expand(text)
    return parse_expression(wide) if wide is not None else None
