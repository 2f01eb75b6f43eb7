"""Constructs the parser cannot follow, respelled before parsing (issue 32): every rewrite keeps
the file's length and its line breaks where they were, so byte offsets and line numbers of
everything else stay as they are.

- an identifier split by a line continuation (``gCo\\<newline>nt``) is joined, the break moved
  after it;
- digraphs (``<% %> <: :> %:``) become the tokens they stand for;
- object-like macros that are only a brace (``#define BEGIN {`` / ``#define END }``) are
  replaced by that brace where they are used;
- lines ended by a lone CR become lines ended by a newline;
- a K&R definition (``int set(v) int v; {``) gets its parameter list written the ANSI way
  (``int set(int v)``) in the space of the old list and declarations; one that does not fit is
  left as it was and reported (``notes``: 'LINE: what', shown as a warning naming the function).

Comments, string and character literals are never touched."""
from __future__ import annotations

import re

_OPAQUE = re.compile(rb'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'', re.S)
_SPLIT = re.compile(rb"([A-Za-z_][A-Za-z0-9_]*)\\\n([A-Za-z0-9_]+)")
_DIGRAPHS = re.compile(rb"<%|%>|<:(?!:[^:>])|:>|%:")
_DIGRAPH_OF = {b"<%": b"{ ", b"%>": b" }", b"<:": b"[ ", b":>": b" ]", b"%:": b"# "}
_BRACE_MACRO = re.compile(rb"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)[ \t]+([{}])[ \t]*$", re.M)
_ANY_BRACE_MACRO = re.compile(rb"define[ \t]+[A-Za-z_]\w*[ \t]+[{}][ \t]*$", re.M)  # (starts with a literal: fast)
_KR_HEAD = re.compile(rb"\b([A-Za-z_]\w*)[ \t]*\(([ \t]*[A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*[ \t]*)\)")
_KR_DECLS = re.compile(rb"[^{}()=;]*;(?:[^{}()=;]*;)*\s*")  # declarations up to the body's "{"
KR_SCAN = 4096  # bytes of declarations looked at after a candidate parameter list
_KEYWORDS = {b"if", b"while", b"for", b"switch", b"return", b"sizeof", b"do", b"else", b"case", b"defined"}
# cheap tests on the raw bytes: a file none of these match (nearly every file) is not touched
_IDENT = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")


def _any_split(data: bytes) -> bool:
    i = data.find(b"\\\n")
    while i != -1:
        if 0 < i and i + 2 < len(data) and data[i - 1] in _IDENT and data[i + 2] in _IDENT:
            return True
        i = data.find(b"\\\n", i + 2)
    return False


def _any_digraph(data: bytes) -> bool:
    return any(d in data for d in (b"<%", b"%>", b"<:", b":>", b"%:"))


_ANY_KR = re.compile(rb"\)\s*(?!return\b|else\b|goto\b|case\b|throw\b|delete\b|co_return\b)"
                     rb"(?:register\s+)?[A-Za-z_]\w*[ \t\*]+\**[A-Za-z_]\w*\s*[;,\[]")


def _mask(data: bytes) -> bytes:
    """``data`` with comments and literals blanked (newlines kept): what patterns look at."""
    return _OPAQUE.sub(lambda m: re.sub(rb"[^\n]", b" ", m.group()), data)


_LONE_CR = re.compile(rb"\r(?!\n)")


def respell(data: bytes) -> tuple[bytes, list[str]]:
    """(the bytes to parse, notes 'LINE: what' on constructs left as they were). Lines ended by
    a lone CR (classic Mac files) end with a newline: a ``//`` comment stops at its line, and
    lines are counted as an editor shows them."""
    if b"\r" in data:
        data = _LONE_CR.sub(b"\n", data)
    split, digraph = _any_split(data), _any_digraph(data)
    brace, kr = _ANY_BRACE_MACRO.search(data), _ANY_KR.search(data)
    if not (split or digraph or brace or kr):
        return data, []
    buf = bytearray(data)
    notes: list[str] = []
    code = _mask(data)
    if split:
        _join_splits(buf, code)
        code = _mask(bytes(buf))
    if digraph:
        for m in _DIGRAPHS.finditer(code):
            buf[m.start():m.end()] = _DIGRAPH_OF[m.group()]
        code = _mask(bytes(buf))
    braces = {m.group(1): m.group(2) for m in _BRACE_MACRO.finditer(code)} if brace else {}
    if braces:
        use = re.compile(rb"\b(" + b"|".join(re.escape(n) for n in braces) + rb")\b")
        for m in use.finditer(code):
            line_start = code.rfind(b"\n", 0, m.start()) + 1
            if code[line_start:m.start()].lstrip().startswith(b"#"):
                continue  # the definition itself, another directive
            buf[m.start():m.end()] = braces[m.group(1)] + b" " * (m.end() - m.start() - 1)
        code = _mask(bytes(buf))
    if kr:
        _kr(buf, code, notes)
    return bytes(buf), notes


def _join_splits(buf: bytearray, code: bytes) -> None:
    for m in reversed(list(_SPLIT.finditer(code))):
        a, b = m.group(1), m.group(2)
        line_start = code.rfind(b"\n", 0, m.start()) + 1
        directive = code[line_start:m.start()].lstrip().startswith(b"#")
        # joined, and the break after it: a continuation in a directive, a newline elsewhere
        buf[m.start():m.end()] = a + b + (b"\\\n" if directive else b"\n ")


def _depth_at(code: bytes, pos: int, cache: dict) -> int:
    """Brace depth at ``pos`` (counted once per file, in order of the K&R candidates)."""
    start, depth = cache.get("at", (0, 0))
    if pos < start:
        start, depth = 0, 0
    depth += code.count(b"{", start, pos) - code.count(b"}", start, pos)
    cache["at"] = (pos, depth)
    return depth


def _kr(buf: bytearray, code: bytes, notes: list[str]) -> None:
    depths: dict = {}
    for m in _KR_HEAD.finditer(code):
        name = m.group(1)
        d = _KR_DECLS.match(code, m.end(), min(len(code), m.end() + KR_SCAN))
        if d is None or d.end() >= len(code) or code[d.end():d.end() + 1] != b"{" or not code[m.end():d.end()].strip():
            continue
        if name in _KEYWORDS or _depth_at(code, m.start(), depths) != 0:
            continue
        ids = [x.strip() for x in m.group(2).split(b",")]
        decls: dict[bytes, bytes] = {}
        ok = True
        for part in code[m.end():d.end()].split(b";")[:-1]:
            part = part.strip()
            head = re.match(rb"((?:register\s+)?[A-Za-z_][\w \t]*?)\s*(\**\s*[A-Za-z_]\w*(?:\[[^\]]*\])?)\s*(,.*)?$",
                            part, re.S)
            if head is None or not head.group(1).strip():
                ok = False
                break
            typ = head.group(1).strip()
            for r in [head.group(2)] + (head.group(3)[1:].split(b",") if head.group(3) else []):
                got = re.search(rb"[A-Za-z_]\w*", r)
                if got is None:
                    ok = False
                    break
                decls[got.group()] = typ + b" " + r.strip()
        if not ok or not decls or not set(decls) <= set(ids):
            continue  # not a K&R list (a declaration the pattern happened to match)
        line = code.count(b"\n", 0, m.start()) + 1
        params = b", ".join(decls.get(i, b"int " + i) for i in ids)
        start, end = m.start(2) - 1, d.end()  # from the old list's "(" to the body's "{"
        old = code[start:end]
        new = b"(" + params + b")"
        newlines = old.count(b"\n")
        if len(new) + newlines > len(old):
            notes.append(f"{line}: K&R definition of {name.decode(errors='replace')}() has a parameter list too "
                         "long to respell; its parameters are not followed")
            continue
        buf[start:end] = new + b" " * (len(old) - len(new) - newlines) + b"\n" * newlines
