"""Finding names the way a code browser does: ranked search over the values of a graph and the
files of a snapshot (the explorer's search box; the CLI's did-you-mean keeps its own short list).

Ranking, best first: the exact name, the exact name in another case, a prefix, a prefix in
another case, a substring (any case), then close spellings (difflib's ratio, at least 0.6);
inside a tier shorter names first (a prefix's completion), then by name. ``mode`` narrows the
tiers: ``prefix``, ``substring``, ``fuzzy`` or ``regex`` (Python syntax, any case; patterns that
could backtrack for ever are refused)."""
from __future__ import annotations

import difflib
import re
from collections import Counter
from dataclasses import dataclass

from ..errors import UsageError

MODES = ("auto", "prefix", "substring", "fuzzy", "regex")
MAX_PATTERN = 200
TIERS = ("exact", "exact (other case)", "prefix", "prefix (other case)", "substring", "close spelling", "regex")
# a quantified group that holds a quantifier ((a+)+, (a|a*)*): exponential backtracking
_NESTED = re.compile(r"\((?:[^()\\]|\\.)*[*+}](?:[^()\\]|\\.)*\)\s*[*+{]")


@dataclass(frozen=True)
class Hit:
    name: str
    tier: int  # index into TIERS

    @property
    def how(self) -> str:
        return TIERS[self.tier]


def _regex(pattern: str) -> re.Pattern:
    if len(pattern) > MAX_PATTERN:
        raise UsageError(f"regex: longer than {MAX_PATTERN} characters")
    if _NESTED.search(pattern):
        raise UsageError("regex: a repeated group that itself repeats could take for ever; simplify it")
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as e:
        raise UsageError(f"regex: {e}") from None


def rank(names, query: str, mode: str = "auto", limit: int = 50) -> list[Hit]:
    """The names matching ``query``, best first (see the module docstring)."""
    if mode not in MODES:
        raise UsageError(f"search mode {mode!r}: choose one of {', '.join(MODES)}")
    q = (query or "").strip()
    if not q:
        return []
    if mode == "regex":
        rx = _regex(q)
        return [Hit(n, 6) for n in sorted((n for n in names if rx.search(n)), key=lambda n: (len(n), n))][:limit]
    low = q.casefold()
    hits: list[tuple] = []
    rest = []
    for n in names:
        nl = n.casefold()
        if mode == "auto" and n == q:
            tier = 0
        elif mode == "auto" and nl == low:
            tier = 1
        elif mode in ("auto", "prefix") and n.startswith(q):
            tier = 2
        elif mode in ("auto", "prefix") and nl.startswith(low):
            tier = 3
        elif mode in ("auto", "substring") and low in nl:
            tier = 4
        else:
            rest.append(n)
            continue
        hits.append((tier, len(n), n))
    if mode in ("auto", "fuzzy") and len(hits) < limit:
        sm = difflib.SequenceMatcher()
        sm.set_seq2(low)
        close = []
        for n in rest:
            sm.set_seq1(n.casefold())
            if sm.real_quick_ratio() >= 0.6 and sm.quick_ratio() >= 0.6:
                r = sm.ratio()
                if r >= 0.6:  # ties (names that differ in case) go to the spelling closer in case
                    close.append((-r, -difflib.SequenceMatcher(None, n, q).ratio(), len(n), n))
        hits += [(5, 0, c[-1]) for c in sorted(close)]
    hits.sort(key=lambda h: (h[0], h[1] if h[0] < 5 else 0))
    return [Hit(n, t) for t, _, n in hits[:limit]]


def kinds_of(g, names: list[str]) -> dict[str, Counter]:
    """name -> how many nodes of each kind carry it (as name or label)."""
    want = set(names)
    out: dict[str, Counter] = {n: Counter() for n in names}
    attrs = getattr(g, "attrs", None)
    if attrs is not None:  # the compact graph: one pass
        for a in attrs:
            kind, label, name = a[0], a[1], a[2]
            for v in {label, name}:
                if v in want:
                    out[v][kind] += 1
        return out
    for n in names:
        for nid in g.find(n, False):
            out[n][g.nodes[nid].get("kind")] += 1
    return out


def rank_files(paths, query: str, mode: str = "auto", limit: int = 30) -> list[Hit]:
    """Files whose base name (or, for a query holding '/', whole path) matches, ranked as names."""
    paths = list(paths)
    if "/" in query:
        return rank(paths, query, mode, limit)
    base: dict[str, list[str]] = {}
    for p in paths:
        base.setdefault(p.rsplit("/", 1)[-1], []).append(p)
    out = []
    for h in rank(base, query, mode, limit):
        out += [Hit(p, h.tier) for p in sorted(base[h.name])]
    return out[:limit]
