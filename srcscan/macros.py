"""Rewrite declaration macros before parsing (rules in queries/macros.toml).

The rewrite keeps every newline where it was, so line numbers are unchanged; columns can
shift on a rewritten line only. ``Rewriter.apply`` returns the new bytes and the spans it
rewrote (so facts can say which function names a macro rule produced)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .datafiles import load_toml


_DIRECTIVE = re.compile(rb"(#\s*(define|undef|ifdef|ifndef)\s+|defined\s*\(?\s*)$")


@dataclass
class Rule:
    rule: str
    template: str | None  # None = blank


class Rewriter:
    def __init__(self, config: dict):
        self.rules: dict[bytes, Rule] = {}
        self.blank_args: set[bytes] = set()
        for r in config.get("rewrite", []):
            for m in r["macros"]:
                self.rules[m.encode()] = Rule(r["rule"], r["template"])
        for b in config.get("blank", []):
            for m in b.get("macros", []):
                self.rules[m.encode()] = Rule("blank", None)
            for m in b.get("macros_with_args", []):
                self.rules[m.encode()] = Rule("blank", None)
                self.blank_args.add(m.encode())
        names = sorted(self.rules, key=len, reverse=True)
        self.regex = re.compile(rb"\b(" + b"|".join(re.escape(n) for n in names) + rb")\b") if names else None

    def apply(self, data: bytes) -> tuple[bytes, list[tuple[int, int, str]]]:
        """Return (rewritten bytes, [(start, end, rule)] spans in the *new* bytes)."""
        if self.regex is None or not self.regex.search(data):
            return data, []
        out = bytearray()
        spans = []
        pos = 0
        for m in self.regex.finditer(data):
            if m.start() < pos:
                continue
            name = m.group(1)
            line_start = data.rfind(b"\n", 0, m.start()) + 1
            if _DIRECTIVE.search(data[line_start:m.start()]):
                continue  # the macro's own #define/#ifdef line, or defined(NAME)
            rule = self.rules[name]
            start, end = m.start(), m.end()
            if rule.template is None and name not in self.blank_args:
                out += data[pos:start] + b" " * (end - start)
                pos = end
                continue
            args_end, args = _macro_args(data, end)
            if args is None:  # a mention without arguments (e.g. in a comment): leave it
                continue
            original = data[start:args_end]
            if rule.template is None:
                repl = b""
            else:
                try:
                    repl = rule.template.format(*[a.decode("utf-8", "replace").strip() for a in args]).encode()
                except IndexError:
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
    j = i
    while j < n:
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
        j += 1
    return i, None


@lru_cache(maxsize=1)
def default_rewriter() -> Rewriter:
    return Rewriter(load_toml("macros.toml"))
