"""Calling-context check of listed paths (issue 27): a path that enters a function through an
argument at one call site (an ``arg`` edge, or an ``alias-arg`` edge: an argument read from a
may-alias location) must leave it, if it leaves through the function's
result or an out argument (a ``return`` / ``out`` edge at a call), back to that call site.
Passing through global memory (a field, a global, a source or a sink) forgets the context, as
the path rule does (query/slicing.py). Reads the documented trace JSON only, so it checks any
trace, whichever version of srcscan wrote it.

A call site is (file, calling function, callee, line). The ``arg`` evidence of a call carries
the call's own line; the ``return`` evidence of ``x = f(a)`` carries the assignment's first
line, which is the call's line unless the call starts on a later line of the statement (its
first line does not hold ``f(``); then any of the next few lines matches."""
from __future__ import annotations

GLOBAL_KINDS = frozenset(("field", "global", "source", "sink"))
# entering a function at a call site: an argument, also one read from a may-alias location
# (``alias-arg``: the type's field standing for an object the caller cannot name)
ENTER_KINDS = frozenset(("arg", "alias-arg"))
SPAN = 6  # lines a statement's call may start below the statement's first line
MAX_EVIDENCE = 20  # (flow.MAX_EVIDENCE: a longer evidence list was cut)


def _sites(edge: dict, kind: str | None = None) -> set[tuple] | None:
    """The places (file, function, line, first line of code) an edge's evidence names, of
    ``kind`` when given; None when the list was cut and none of them is of that kind."""
    evs = edge.get("evidence") or [edge]
    out = {(e.get("file"), e.get("function"), e.get("line"), e.get("code") or "")
           for e in evs if kind is None or e.get("kind") == kind}
    if len(evs) >= MAX_EVIDENCE and not out:
        return None
    return out


def _short(fn: str | None) -> str:
    return (fn or "").rsplit(":", 1)[-1]


def _alias_entry(edge: dict, dst: dict) -> bool:
    """An ``alias-load`` edge into a function's parameter made at a call in another function:
    how srcscan before ``alias-arg`` wrote an argument read from a may-alias location (a trace
    JSON of any version is checked)."""
    if edge.get("kind") != "alias-load" or dst.get("kind") != "param":
        return False
    callee = _short(dst.get("owner"))
    return any(ev.get("function") and _short(ev.get("function")) != callee
               for ev in (edge.get("evidence") or [edge]))


def _same(enter: tuple, leave: tuple, callee: str) -> bool:
    """Whether an argument passed at ``enter`` and a result or out value taken at ``leave``
    belong to one call of ``callee``."""
    ef, efn, eline, _ = enter
    lf, lfn, lline, lcode = leave
    if (ef, efn) != (lf, lfn) or eline is None or lline is None:
        return False
    if eline == lline:
        return True
    short = callee.rsplit("::", 1)[-1].rsplit(":", 1)[-1]
    return short + "(" not in lcode.replace(" (", "(") and lline < eline <= lline + SPAN


def path_violations(path: dict, edges: dict, nodes: dict) -> list[dict]:
    """The calling-context violations of one listed path: for each, the edge it entered by and
    the edge it left by (ids), and the function.

    Entering: an ``arg`` or ``alias-arg`` edge into a parameter of function F. Leaving: any edge out of F's
    result node (``ret:F``, whatever the kind of the edge that uses the result: an assignment,
    an argument of a sink) or an ``out`` edge from one of F's out parameters."""
    stack: list[tuple[str, dict, set]] = []  # (function, arg edge, its call sites), innermost last
    out = []
    ns = path["nodes"]
    for i, eid in enumerate(path["edges"]):
        e = edges[eid]
        u, v = ns[i], ns[i + 1]
        k = e["kind"]
        un = nodes.get(u, {})
        if k in ENTER_KINDS or _alias_entry(e, nodes.get(v, {})):
            sites = _sites(e, k)
            if sites:  # (unknown sites: nothing to hold the exit to)
                stack.append((nodes.get(v, {}).get("owner"), e, sites))
        elif stack and (k == "out" or un.get("kind") == "return"):
            fn = un.get("owner")
            sites = _sites(e, "out" if k == "out" else None)
            if sites:
                callee, enter, esites = stack.pop()
                if callee != fn or not any(_same(a, b, fn or "") for a in esites for b in sites):
                    out.append({"path": path["id"], "enter": enter["id"], "leave": e["id"],
                                "function": fn, "entered": callee})
        if nodes.get(v, {}).get("kind") in GLOBAL_KINDS:
            stack.clear()
    return out


def violations(trace: dict) -> list[dict]:
    """Every calling-context violation of a trace JSON's listed paths."""
    edges = {e["id"]: e for e in trace.get("edges", ())}
    nodes = {n["id"]: n for n in trace.get("nodes", ())}
    out = []
    for p in trace.get("paths", ()):
        out += path_violations(p, edges, nodes)
    return out
