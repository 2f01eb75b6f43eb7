"""Rewrite declaration macros before parsing (rules in queries/macros.toml).

The rewrite keeps every newline where it was, so line numbers are unchanged; columns can
shift on a rewritten line only. ``Rewriter.apply`` returns the new bytes and the spans it
rewrote (so facts can say which function names a macro rule produced)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..datafiles import load_toml


_DIRECTIVE = re.compile(rb"(#\s*(define|undef|ifdef|ifndef)\s+|defined\s*\(?\s*)$")


@dataclass
class Rule:
    rule: str
    template: str | None  # None = blank
    bare: bool = False  # the macro takes no argument list: replace the name alone


class Rewriter:
    """Macro names are exact (``VMMDECL``) or prefixes ending in ``*`` (``IEM_MC_IF_*``); an exact
    name wins over a prefix. Templates use ``{0}``, ``{1}``... for the arguments, ``{name}`` for
    the macro's own name and ``{args}`` for the argument list as written."""

    def __init__(self, config: dict):
        self.rules: dict[bytes, Rule] = {}
        self.prefixes: list[tuple[bytes, Rule]] = []
        self.blank_args: set[bytes] = set()

        def add(m: str, rule: Rule, with_args: bool = False) -> None:
            if m.endswith("*"):
                self.prefixes.append((m[:-1].encode(), rule))
                if with_args:
                    self.blank_args.add(m[:-1].encode() + b"*")
            else:
                self.rules[m.encode()] = rule
                if with_args:
                    self.blank_args.add(m.encode())

        for r in config.get("rewrite", []):
            for m in r["macros"]:
                add(m, Rule(r["rule"], r["template"], bool(r.get("bare", False))))
        for b in config.get("blank", []):
            for m in b.get("macros", []):
                add(m, Rule("blank", None))
            for m in b.get("macros_with_args", []):
                add(m, Rule("blank", None), True)
        pp = config.get("preprocessor", {})
        self.fragments = pp.get("fragments", "keep") == "first-branch"
        self.define_comments = bool(pp.get("blank_define_comments", False))
        self.prefixes.sort(key=lambda x: len(x[0]), reverse=True)
        names = sorted(self.rules, key=len, reverse=True)
        alts = _trie_regex(names, [p for p, _ in self.prefixes])
        self.regex = re.compile(rb"\b(" + alts + rb")\b") if alts else None

    def _rule(self, name: bytes) -> tuple[Rule | None, bool]:
        """(rule, takes an argument list even when blanking)."""
        rule = self.rules.get(name)
        if rule is not None:
            return rule, name in self.blank_args
        for p, r in self.prefixes:
            if name.startswith(p):
                return r, p + b"*" in self.blank_args
        return None, False

    def apply(self, data: bytes) -> tuple[bytes, list[tuple[int, int, str]]]:
        """Return (rewritten bytes, [(start, end, rule)] spans in the *new* bytes)."""
        if self.define_comments:
            data = blank_define_comments(data)
        if self.fragments:
            data = blank_fragment_branches(data)
        if self.regex is None or not self.regex.search(data):
            return data, []
        out = bytearray()
        spans = []
        pos = failed = 0
        for m in self.regex.finditer(data):
            if m.start() < pos:
                continue
            name = m.group(1)
            lo = max(0, m.start() - 256)  # the directive is right before the name: a bounded look back
            line_start = data.rfind(b"\n", lo, m.start()) + 1 or lo
            if _DIRECTIVE.search(data[line_start:m.start()]):
                continue  # the macro's own #define/#ifdef line, or defined(NAME)
            rule, with_args = self._rule(name)
            if rule is None:
                continue
            start, end = m.start(), m.end()
            if rule.bare and rule.template is not None:
                repl = rule.template.encode()
                out += data[pos:start]
                spans.append((len(out), len(out) + len(repl), rule.rule))
                out += repl
                pos = end
                continue
            if rule.template is None and not with_args:
                out += data[pos:start] + b" " * (end - start)
                pos = end
                continue
            if failed > MAX_FAILED_SCANS:  # unclosed mention after unclosed mention: stop scanning
                continue
            args_end, args = _macro_args(data, end)
            if args is None:  # a mention without arguments (e.g. in a comment): leave it
                failed += 1
                continue
            original = data[start:args_end]
            if rule.template is None:
                repl = b""
            else:
                try:
                    texts = [a.decode("utf-8", "replace").strip() for a in args]
                    repl = rule.template.format(*texts, name=name.decode(), args=", ".join(texts)).encode()
                except (IndexError, KeyError):
                    continue
            nl = original.count(b"\n")
            repl = repl.replace(b"\n", b" ")
            if len(repl) < len(original) - nl:
                repl = repl + b" " * (len(original) - nl - len(repl))
            repl += b"\n" * nl
            out += data[pos:start]
            spans.append((len(out), len(out) + len(repl), rule.rule))
            out += repl
            pos = args_end
        out += data[pos:]
        return bytes(out), spans


_PP_LINE = re.compile(rb"#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b[^\n]*")


def _pp_lines(data: bytes, start: int = 0, end: int | None = None):
    """Conditional directives (``#`` first on its line) between start and end."""
    for m in _PP_LINE.finditer(data, start, len(data) if end is None else end):
        ls = data.rfind(b"\n", 0, m.start()) + 1
        if not data[ls:m.start()].strip():
            yield m
_COMMENT = re.compile(rb"/\*.*?\*/|//[^\n]*", re.S)


def _is_fragment(text: bytes) -> bool:
    """A branch holding only part of a statement or declarator: indented (not a file-level
    item), no line of it ends a statement or a block, and it holds no other directive."""
    text = _COMMENT.sub(b"", text)
    raw = [ln for ln in text.split(b"\n") if ln.strip()]
    if not raw:
        return True
    if any(not ln[:1].isspace() and not ln.startswith((b",", b")", b"&", b"|")) for ln in raw):
        return False
    lines = [ln.strip() for ln in raw]
    return not any(ln.startswith(b"#") or ln.endswith((b";", b"{", b"}", b"\\")) for ln in lines)


def _else_branch(text: bytes) -> bool:
    """A branch continuing the if/else chain before the directive (``#ifdef X`` then ``else if
    (...) { ... }``): it starts with ``else`` and its braces balance."""
    text = _COMMENT.sub(b"", text).strip()
    return text[:4] == b"else" and text[4:5] in (b"", b" ", b"\t", b"\n", b"\r", b"{") and \
        text.count(b"{") == text.count(b"}")


_MULTILINE_DEFINE = re.compile(rb"#[ \t]*define\b[^\n]*\\\r?\n(?:[^\n]*\\\r?\n)*[^\n]*", re.M)
_BLOCK_COMMENT = re.compile(rb"/\*.*?\*/", re.S)


def blank_define_comments(data: bytes) -> bytes:
    """Blank /* comments */ inside multi-line #define bodies: the parser ends a macro body at
    a comment and reads the rest of the continuation lines as code."""
    if b"#" not in data or b"/*" not in data:
        return data
    buf = None
    for m in _MULTILINE_DEFINE.finditer(data):
        if b"/*" not in m.group(0):
            continue
        for c in _BLOCK_COMMENT.finditer(data, m.start(), m.end()):
            if buf is None:
                buf = bytearray(data)
            _blank(buf, c.start(), c.end())
    return bytes(buf) if buf is not None else data


_STRING = re.compile(rb'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def _same_imbalance(texts: list[bytes]) -> bool:
    """Every branch opens (or closes) the same number of braces/parentheses: the branches are
    alternative openings of one block (`#ifdef X if (a) { #else if (b) { #endif`)."""
    deltas = set()
    for t in texts:
        t = _STRING.sub(b"", _COMMENT.sub(b"", t))
        deltas.add((t.count(b"{") - t.count(b"}"), t.count(b"(") - t.count(b")")))
    return len(deltas) == 1 and deltas != {(0, 0)}


def _blank(buf: bytearray, start: int, end: int) -> None:
    for i in range(start, end):
        if buf[i] not in (0x0A, 0x0D):
            buf[i] = 0x20


def blank_fragment_branches(data: bytes) -> bytes:
    """#if groups whose branches are all fragments (a split `if (...)` condition, extra
    parameters), or whose first branch goes on with the if/else chain before it (``else if``):
    keep the first branch's text and blank the directives and the other branches, so the
    parser sees one well-formed statement. Lengths and newlines are unchanged."""
    if b"#" not in data:
        return data
    groups: list[list] = []
    stack: list[list] = []
    for m in _pp_lines(data):
        kw = m.group(1)
        if kw.startswith(b"if"):
            stack.append([m])
        elif stack:
            stack[-1].append(m)
            if kw == b"endif":
                g = stack.pop()
                if all(g[i].group(1) != b"endif" for i in range(len(g) - 1)):
                    groups.append(g)
    buf = None
    for g in groups:
        bodies = [(g[i].end(), g[i + 1].start()) for i in range(len(g) - 1)]
        if not bodies or any(next(_pp_lines(data, s, e), None) for s, e in bodies):
            continue  # nested groups: leave alone
        texts = [data[s:e] for s, e in bodies]
        if not all(_is_fragment(t) for t in texts) and not _same_imbalance(texts) and not _else_branch(texts[0]):
            continue
        if not data[bodies[0][0]:bodies[0][1]].strip():
            continue
        if buf is None:
            buf = bytearray(data)
        for m in g:
            _blank(buf, m.start(), m.end())
        for s, e in bodies[1:]:
            _blank(buf, s, e)
    return bytes(buf) if buf is not None else data


def _trie_regex(names: list[bytes], prefixes: list[bytes]) -> bytes:
    """One alternation with shared prefixes factored out (``VMM(?:R3DECL|DECL|...)``): Python's
    regex engine tries alternatives one by one, so a flat list of a hundred names is slow."""
    trie: dict = {}
    for n in names:
        node = trie
        for ch in n:
            node = node.setdefault(ch, {})
        node[""] = True
    for p in prefixes:
        node = trie
        for ch in p:
            node = node.setdefault(ch, {})
        node["*"] = True

    def build(node) -> bytes:
        alts = []
        for ch in sorted(k for k in node if k not in ("", "*")):
            alts.append(re.escape(bytes([ch])) + build(node[ch]))
        if "*" in node:
            alts.append(rb"\w*")
        if not alts:
            return b""
        optional = "" in node and "*" not in node
        if len(alts) == 1 and not optional:
            return alts[0]
        return b"(?:" + b"|".join(alts) + b")" + (b"?" if optional else b"")

    if not trie:
        return b""
    return build(trie)


_ARG_CHARS = re.compile(rb"[(),;{]")
# Bounds on the argument scan (an unclosed '(' would otherwise be scanned to the end of the
# file once per mention: quadratic): tokens per argument list, failed scans per file.
MAX_ARG_TOKENS = 4096
MAX_FAILED_SCANS = 256


def _macro_args(data: bytes, i: int) -> tuple[int, list[bytes] | None]:
    """Parse a balanced (a, b, ...) argument list starting at or after data[i]."""
    n = len(data)
    while i < n and data[i] in b" \t":
        i += 1
    if i >= n or data[i] != 0x28:  # '('
        return i, None
    depth = 0
    args = []
    cur = i + 1
    for k, m in enumerate(_ARG_CHARS.finditer(data, i)):
        if k > MAX_ARG_TOKENS:  # no macro call of a real tree has such an argument list
            return i, None
        j = m.start()
        c = data[j]
        if c == 0x28:
            depth += 1
        elif c == 0x29:
            depth -= 1
            if depth == 0:
                args.append(data[cur:j])
                return j + 1, args
        elif c == 0x2C and depth == 1:
            args.append(data[cur:j])
            cur = j + 1
        elif c in (0x3B, 0x7B) and depth <= 1:  # ';' or '{' before the close: not a macro call
            return i, None
    return i, None


@lru_cache(maxsize=1)
def default_rewriter() -> Rewriter:
    return Rewriter(load_toml("macros.toml"))
