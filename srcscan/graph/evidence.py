"""An edge's evidence: the statements behind it, in the order reports show them, and the small
helpers the flow builder shares with them (kept apart from flow.py)."""
from __future__ import annotations

import re
from functools import lru_cache

from ..extract.ppcond import HDR_NOTE
from ..extract.records import Access
from .compact import EDGE_COST

MAX_EVIDENCE = 20
_CONST_RE = re.compile(r"[0-9]|[-+*/%<>|&~^]")


@lru_cache(maxsize=1)
def _not_values() -> frozenset:
    """Constants that are not values a reader traces (null pointers): queries/config.toml."""
    from ..datafiles import load_toml

    return frozenset(load_toml("config.toml").get("constants", {}).get("not_values", ()))


def steps_of(acc: Access) -> list:
    return [st for st in acc.steps if st[0] in ("->", ".")]


def evidence_dict(ev: tuple, resolve=None) -> dict:
    """One piece of evidence as reports read it, from the tuple FlowBuilder._edge keeps;
    ``resolve`` (Config.resolve) turns a condition's [hdr: ] marker into what the headers said."""
    kind, file, line, col, stmt, function, via, indirect = ev
    if type(stmt) is tuple:  # (code, guards' text, #if conditions): a stored graph fragment's (fragments.py)
        code, guards, preproc = stmt
    else:
        code, guards, preproc = stmt.code, [g.text for g in stmt.guards], stmt.preproc
    if resolve is not None and any(HDR_NOTE in c for c in preproc):
        preproc = [resolve(c) for c in preproc]
    return {"kind": kind, "file": file, "line": line, "column": col, "code": code, "function": function,
            "guards": list(guards), "preproc": list(preproc), "via": via, "indirect": indirect}


def canonical(ev: dict, resolve=None) -> tuple[str, list[dict]]:
    """(kind, evidence list) of an edge from its evidence by statement: the best explanation
    first (a data flow before a guess through an unknown call, before a control dependence),
    then by file and line; at most MAX_EVIDENCE kept."""
    evs = sorted(ev.values(), key=lambda e: (EDGE_COST.get(e[0], 1), e[1] or "", e[2] or 0, e[3] or 0))
    return evs[0][0], [evidence_dict(e, resolve) for e in evs[:MAX_EVIDENCE]]
