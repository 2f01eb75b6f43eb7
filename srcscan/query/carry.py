"""Carrying a revision's answer to the next one when the files that changed cannot touch it.

Over a range where most revisions change one file, most of those files have nothing to do
with the flow asked about. The previous revision's answer (its trace) is taken for the next
one when every file that differs between the two, in its old and in its new version:

- holds none of the answer's nodes or edges;
- mentions none of the names the answer depends on by name: its fields and globals, the
  functions its nodes live in, the callees and models its edges go through (``via``), the
  functions its statements call (an unknown callee that gains a body would add a flow), the
  query's own names (the symbol, ``--to``): a new write, caller, call or pointer target of
  any of them has to name it;
- defines none of the other identifiers of the answer's statements and conditions as a
  macro (``#define``/``#undef``) or a type (``} NAME;``, ``typedef ... NAME;``), and has no
  typedef naming a type that owns one of its fields (``typedef GIMKVM *PGIMKVM;``): those
  change what a statement means without naming the slice.

A file that does any of that, more than MAX_CHANGED changed files, or a file that cannot be
read sends the revision to a full trace. The lazy scope (lazy.py) grows a slice by the same
rule (a file that mentions none of the slice's names adds nothing to it).
"""
from __future__ import annotations

import re

MAX_CHANGED = 16  # more changed files than this: trace (the check is meant for small steps)

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CALL = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_KEYWORDS = frozenset("""if else for while do switch case default return break continue goto sizeof typedef struct
union enum const volatile static extern inline register auto signed unsigned int char short long float double
void bool true false NULL defined this new delete operator class public private protected template typename
virtual""".split())


def _names(tj: dict, symbol: str, to: str | None) -> tuple[set[str], set[str], set[str], set[str]]:
    """(names whose mention matters, identifiers whose definition matters, files of the
    answer, types owning its fields: any typedef naming one matters, e.g. a pointer type)."""
    from .lazy import _query_names

    words = _query_names(symbol) | (_query_names(to) if to else set())
    defs: set[str] = set()
    owners: set[str] = set()
    files: set[str] = set()
    for n in tj.get("nodes", []):
        files.add(n.get("file") or "")
        kind = n.get("kind")
        if kind in ("field", "global", "source", "sink"):
            words.add(str(n.get("name") or ""))
        if kind in ("field",) and n.get("owner"):
            owners.add(str(n["owner"]))
        if kind in ("local", "param", "return") and n.get("owner"):
            words.add(str(n["owner"]).rsplit(":", 1)[-1])
    for e in tj.get("edges", []):
        files.add(e.get("file") or "")
        for k in ("function", "via"):
            if e.get(k):
                words.add(str(e[k]).rsplit(":", 1)[-1])
        code = str(e.get("code") or "")
        words.update(_CALL.findall(code))
        for text in [code, *map(str, e.get("guards") or []), *map(str, e.get("preproc") or [])]:
            defs.update(_IDENT.findall(text))
    words = {w for w in words if len(w) > 1 and w not in _KEYWORDS}
    defs = ({d for d in defs if len(d) > 1 and d not in _KEYWORDS} | owners) - words
    files.discard("")
    return words, defs, files, owners - words


def _patterns(words: set[str], defs: set[str], owners: set[str]) -> list:
    pats = [re.compile(rb"(?<![A-Za-z0-9_])(?:" + b"|".join(re.escape(w.encode()) for w in sorted(words)) +
                       rb")(?![A-Za-z0-9_])")] if words else []
    if defs:
        alt = b"|".join(re.escape(d.encode()) for d in sorted(defs))
        pats.append(re.compile(rb"#\s*(?:define|undef)\s+(?:" + alt + rb")(?![A-Za-z0-9_])"))
        pats.append(re.compile(rb"\}\s*(?:" + alt + rb")\s*[;,]"))
        pats.append(re.compile(rb"typedef[^;{}]*[\s*](?:" + alt + rb")\s*;"))
    if owners:
        alt = b"|".join(re.escape(o.encode()) for o in sorted(owners))
        pats.append(re.compile(rb"typedef[^;{}]*(?<![A-Za-z0-9_])(?:" + alt + rb")(?![A-Za-z0-9_])[^;{}]*;"))
    return pats


def changed_paths(old_files, new_files) -> set[str]:
    """Paths whose version differs between two revisions' (path, key) lists (added, removed, changed)."""
    return {p for p, _ in set(old_files) ^ set(new_files)}


def can_carry(tj: dict, symbol: str, to: str | None, changed: set[str], old_snap, new_snap,
              ignore_case: bool = False) -> bool:
    """Whether the answer ``tj`` of ``old_snap`` is also the answer of ``new_snap``, which
    differs from it in the files ``changed`` (see the module docstring). Never for a query
    matching names ignoring case (the checks here match them exactly)."""
    if not changed or len(changed) > MAX_CHANGED or ignore_case:
        return not changed
    words, defs, files, owners = _names(tj, symbol, to)
    if changed & files:
        return False
    pats = _patterns(words, defs, owners)
    for path in changed:
        for snap in (old_snap, new_snap):
            if not snap.has(path):
                continue
            try:
                data = snap.read(path)
            except Exception:  # noqa: BLE001 - unreadable: let the trace say so
                return False
            if any(p.search(data) for p in pats):
                return False
    return True
