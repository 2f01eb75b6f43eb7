"""Bounded nesting: what the extractor is never handed.

Parsing and fact extraction cost grows with nesting depth (every fact carries the guards
and ``#if`` conditions around it; tree-sitter's query engine and the recursive expression
helpers go one level per parenthesis). Real sources nest a few dozen levels; generated or
hostile ones can nest a hundred thousand. Before a file is parsed, one linear scan measures
three depths: parentheses and brackets, braces, ``#if`` groups. Where one passes its limit,
the enclosing top-level block (a function body, a struct, an initializer) is blanked (same
length, newlines kept, so every line number stays right) and a warning names the file and
the line; outside any block the whole file is left out. Nothing is dropped silently: the
warning travels with the file's facts (``FileFacts.skipped``), so a cached run says it too.
"""
from __future__ import annotations

import re
from itertools import accumulate

from .records import FileFacts

# C's own translation limits are 63 (parentheses, #if) and 127 (blocks); these are far above
# anything written by hand, and low enough that the per-fact cost (a guard list as long as the
# nesting) stays small. benchmarks/depth_ladder.py measures time against depth for each kind.
MAX_PARENS = 16_384  # ( and [
MAX_BRACES = 2_048  # {
MAX_PP = 256  # #if / #ifdef / #ifndef groups
# Constructs open around one point as the extractor sees them (#if groups, if/else chains,
# loops, ternaries, with or without braces); facts.py raises TooDeep past this.
MAX_OPEN = 512
# Chains nest without brackets (else-if, unbraced loops, ?:); the parser's own cost grows
# with their depth before the extractor sees anything, so their keywords are counted per
# top-level block (an upper bound of the depth; 8192 is far past any hand-written function).
MAX_CONTROL = 8_192
# Chains of operators (a = a = ..., a + a + ...) nest as deep as a statement is long: a
# statement (text between ';', '{' and '}') past this many bytes is generated data.
MAX_STATEMENT = 64 * 1024


class TooDeep(Exception):
    """Raised by the extractor at the first construct opened past MAX_OPEN (``line``)."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line

_KINDS = {"parens": ("parentheses", MAX_PARENS), "braces": ("blocks", MAX_BRACES), "pp": ("#if groups", MAX_PP),
          "control": ("control keywords (if, else, loops, ?:)", MAX_CONTROL),
          "statement": ("bytes", MAX_STATEMENT)}
_STATEMENT_END = re.compile(rb"[;{}]|^[ \t]*#[^\n]*", re.M)  # (a directive line ends one too: #define lists)
_CONTROL = re.compile(rb"\b(?:if|else|while|for|do|switch)\b|\?")


def _table(opens: bytes, closes: bytes) -> tuple[bytes, list[int]]:
    keep = set(opens + closes)
    delete = bytes(b for b in range(256) if b not in keep)
    delta = [0] * 256
    for b in opens:
        delta[b] = 1
    for b in closes:
        delta[b] = -1
    return delete, delta


_PAREN_DEL, _PAREN_DELTA = _table(b"([", b")]")
_BRACE_DEL, _BRACE_DELTA = _table(b"{", b"}")
_PP = re.compile(rb"^[ \t]*#[ \t]*(if|ifdef|ifndef|endif)\b", re.M)


def max_depth(data: bytes, delete: bytes, delta: list[int]) -> int:
    """The deepest running count of opening minus closing bytes (C-speed: the other bytes
    are deleted first, the running sum is ``accumulate``)."""
    kept = data.translate(None, delete)
    return max(accumulate(map(delta.__getitem__, kept)), default=0)


def _pp_depth(data: bytes) -> int:
    if b"#" not in data:
        return 0
    return max(accumulate(-1 if m.group(1) == b"endif" else 1 for m in _PP.finditer(data)), default=0)


def too_deep(data: bytes) -> bool:
    """Does any depth pass its limit? (The quick test every file gets.)"""
    return (max_depth(data, _PAREN_DEL, _PAREN_DELTA) > MAX_PARENS or max_depth(data, _BRACE_DEL, _BRACE_DELTA)
            > MAX_BRACES or _pp_depth(data) > MAX_PP
            or (data.count(b"?") + data.count(b"if") + data.count(b"else") + data.count(b"while")
                + data.count(b"for") + data.count(b"do") + data.count(b"switch") > MAX_CONTROL
                and len(_CONTROL.findall(data)) > MAX_CONTROL)
            or (len(data) > MAX_STATEMENT and _longest_statement(data) > MAX_STATEMENT))


def _longest_statement(data: bytes) -> int:
    """The longest run of bytes between statement ends (``_STATEMENT_END``). Splitting at ';'
    first (in C) leaves the regular expression only the rare long pieces, searched in place so
    a directive still has to start a line."""
    longest, pos = 0, 0
    for piece in data.split(b";"):
        end = pos + len(piece)
        if len(piece) > longest and len(piece) > MAX_STATEMENT:  # (else it cannot matter)
            last = pos
            for m in _STATEMENT_END.finditer(data, pos, end):
                longest = max(longest, m.start() - last)
                last = m.end()
            longest = max(longest, end - last)
        pos = end + 1
    return longest


_TOKENS = re.compile(rb"[()\[\]{};]|^[ \t]*#[ \t]*(?:if|ifdef|ifndef|endif)\b|\b(?:if|else|while|for|do|switch)\b|\?"
                     rb"|^[ \t]*#[ \t]*(?:define|undef|include|pragma|elif|else|error|line)\b", re.M)


def _line(data: bytes, pos: int) -> int:
    return data.count(b"\n", 0, pos) + 1


def blank_deep(data: bytes, path: str = "") -> tuple[bytes | None, list[str]]:
    """(the bytes with every over-deep top-level block blanked, or None when the file must
    be left out, [one warning per blanked block, each starting with ``path`` (``a.c:``), then
    the line]."""
    buf = bytearray(data)
    notes: list[str] = []
    depth = {"parens": 0, "braces": 0, "pp": 0, "control": 0, "statement": 0}
    last_end = 0  # where the current statement began
    block_start = None  # offset of the '{' that opened the current top-level block
    skipping = None  # (kind, line) while blanking to the end of a block
    for m in _TOKENS.finditer(data):
        tok = m.group()
        c = tok[:1]
        depth["statement"] = m.start() - last_end
        word = tok.rstrip()
        directive = c in b" \t#" and (word.endswith(b"elif") or not word.endswith((b"if", b"ifdef", b"ifndef", b"endif")))
        if c in b";{}" or directive:
            last_end = m.end()
            if c not in b";{}":
                continue  # another directive: it only ends a statement
        if c == b";":
            pass
        elif c in b"([":
            depth["parens"] += 1
        elif c in b")]":
            depth["parens"] = max(0, depth["parens"] - 1)
        elif c == b"{":
            if depth["braces"] == 0:
                block_start = m.start()
            depth["braces"] += 1
        elif c == b"}":
            depth["braces"] = max(0, depth["braces"] - 1)
            if depth["braces"] == 0:
                depth["control"] = 0
                if skipping is not None:
                    _blank(buf, block_start, m.end())
                    notes.append(_note(path, data, skipping, block_start, m.end()))
                    skipping = None
                    depth["parens"] = 0
        elif c.isalpha() or c == b"?":  # a control keyword
            depth["control"] += 1
        else:  # a conditional directive
            depth["pp"] += -1 if tok.rstrip().endswith(b"endif") else 1
            depth["pp"] = max(0, depth["pp"])
        if skipping is None:
            over = next((k for k, (_, limit) in _KINDS.items() if depth[k] > limit), None)
            if over is not None:
                if depth["braces"] == 0 or block_start is None:
                    kind, limit = _KINDS[over]
                    what = f"a statement longer than {limit} bytes" if over == "statement" else \
                        f"{kind} nested deeper than {limit} levels"
                    return None, [f"{path}{_line(data, m.start())}: {what} outside any block; file skipped"]
                skipping = (over, _line(data, m.start()))
    if skipping is not None:  # the block never closes: blank to the end
        _blank(buf, block_start, len(data))
        notes.append(_note(path, data, skipping, block_start, len(data)))
    return bytes(buf), notes


def _note(path: str, data: bytes, skipping, start: int, end: int) -> str:
    kind, limit = _KINDS[skipping[0]]
    a, b = _line(data, start), _line(data, max(start, end - 1))
    what = f"more than {limit} {kind} in one block" if skipping[0] == "control" else \
        f"a statement longer than {limit} bytes (operators nest as deep)" if skipping[0] == "statement" else \
        f"{kind} nested deeper than {limit} levels"
    return (f"{path}{skipping[1]}: {what}; the enclosing block "
            f"(lines {a}-{b}) was skipped, flows through it are missing")


def _blank(buf: bytearray, start: int, end: int) -> None:
    """Spaces in place of everything but newlines (byte offsets and lines unchanged)."""
    chunk = bytes(buf[start:end])
    buf[start:end] = re.sub(rb"[^\n]", b" ", chunk)


def extract_bounded(path: str, data: bytes, key: str = "") -> FileFacts:
    """``facts.extract`` behind the nesting limits; what was left out is in ``ff.skipped``
    as 'LINE: what' (see ``skip_warnings``)."""
    from .facts import extract
    from .keys import precompute

    from .respell import respell

    data, notes = respell(data)  # K&R lists, digraphs, brace macros, split identifiers (same length and lines)
    kept: bytes | None = data
    if too_deep(data):
        kept, deep = blank_deep(data)  # notes without the path: facts may be reused under another
        notes += deep
    while kept is not None:
        try:
            ff = extract(path, kept, key)
            break
        except TooDeep as e:  # nested without brackets (else-if chains, loops, ternaries)
            kept = _blank_block_at(kept, e.line, notes)
    if kept is None:
        ff = FileFacts(path=path, key=key, bytes=len(data), lines=data.count(b"\n") + 1)
    ff.skipped = notes
    return precompute(ff)


_BRACE = re.compile(rb"[{}]")


def _blank_block_at(data: bytes, line: int, notes: list[str]) -> bytes | None:
    """Blank the top-level block holding ``line`` (None: it is outside any block)."""
    pos = 0
    for _ in range(line - 1):
        pos = data.index(b"\n", pos) + 1
    depth, start = 0, None
    for m in _BRACE.finditer(data, 0, pos):
        if m.group() == b"{":
            if depth == 0:
                start = m.start()
            depth += 1
        elif depth:
            depth -= 1
    what = f"constructs (#if groups, if/else, loops, ?:) nested deeper than {MAX_OPEN} levels"
    if depth == 0 or start is None:
        notes.append(f"{line}: {what} outside any block; file skipped")
        return None
    end = len(data)
    for m in _BRACE.finditer(data, pos):
        depth += 1 if m.group() == b"{" else -1
        if depth == 0:
            end = m.end()
            break
    buf = bytearray(data)
    _blank(buf, start, end)
    notes.append(f"{line}: {what}; the enclosing block (lines {_line(data, start)}-{_line(data, end - 1)}) "
                 "was skipped, flows through it are missing")
    return bytes(buf)


def skip_warnings(ff: FileFacts) -> list[str]:
    """The warnings of the parts of a file that were left out, with its current path."""
    return [f"{ff.path}:{n}" for n in getattr(ff, "skipped", None) or ()]
