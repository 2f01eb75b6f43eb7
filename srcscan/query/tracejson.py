"""The documented JSON form of a trace (docs/trace-schema.md)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:
    from .trace import Trace

SCHEMA = "srcscan-trace/2"  # 2: new node and edge kinds (constant; summary, alias-*, const) and id forms


def _ends_of_slice(tr: Trace, keep: set[str]) -> set[tuple[str, str]]:
    """Without the whole slice (the text view): still every source, sink and constant the slice
    reaches, with the edges joining them to it (and those edges' other ends), so a summary
    names every place a value is read or written, not only those on listed paths. Adds to ``keep``."""
    g = tr.graph
    up, down = ("upstream", "start", "both"), ("downstream", "start", "both", "target")
    out: set[tuple[str, str]] = set()
    # (a graph built on demand: only the edges the slice's search built; the slice's nodes were
    # expanded the way it went, so every edge joining them to a source or sink is built, and
    # asking for more would build every other caller of a sink such as a log call)
    known = getattr(g, "known_edges_kind", None)
    outs = (lambda n: known(True, n)) if known else g.out_edges_kind
    ins = (lambda n: known(False, n)) if known else g.in_edges_kind
    for n in tr.nodes:
        if n not in g or not (g.kind(n) in ("source", "sink", "constant") or n.startswith("const:")):
            continue
        keep.add(n)
        for v, _ in outs(n):  # a source or constant into the upstream slice
            if tr.nodes.get(v) in up:
                out.add((n, v))
                keep.add(v)
        for u, _ in ins(n):  # the downstream slice into a sink
            if tr.nodes.get(u) in down:
                out.add((u, n))
                keep.add(u)
    return out


MAX_WITNESS = 400  # nodes a witness search inside one callee visits at most


def _witness(g, u: str, v: str, callee: str | None) -> list[str] | None:
    """The steps a summary edge u -> v (a call's argument to that call's result or written-back
    variable) stands for: u, the callee's parameter, its inner steps, its return (or out
    parameter), v; None when they cannot be told (the search keeps the summary edge either way)."""
    if not callee:
        return None

    def fn_of(n: str) -> str | None:
        owner = g.attrs_of(n).get("owner") or ""
        return owner if owner.rpartition(":")[2] == callee else None

    params = [p for p, k in g.out_edges_kind(u) if k == "arg" and fn_of(p)]
    exits = {r for r, k in g.in_edges_kind(v) if k in ("return", "out") and fn_of(r)}
    for p in sorted(params):
        key = fn_of(p)
        parent, todo = {p: None}, [p]
        while todo and len(parent) < MAX_WITNESS:
            x = todo.pop(0)
            if x in exits:
                chain = [x]
                while parent[chain[-1]] is not None:
                    chain.append(parent[chain[-1]])
                return [u, *reversed(chain), v]
            for y, k in g.out_edges_kind(x):
                if y not in parent and k not in ("control",) and g.attrs_of(y).get("owner") == key:
                    parent[y] = x
                    todo.append(y)
    return None


def to_json(tr: Trace, full: bool = True) -> dict:
    g = tr.graph
    a = tr.analysis
    snap = a.snapshot
    if full:
        keep = set(tr.nodes)
    else:
        keep = set(tr.start) | {n for p in tr.paths for n in p["nodes"]}
    edge_ids: dict[tuple[str, str], str] = {}
    edges = []
    wanted = set(g.edges_among(keep)) if full else _ends_of_slice(tr, keep)
    for p in tr.paths:
        ns = p["nodes"]
        wanted.update(zip(ns, ns[1:]))
    evidence = g.evidence_many(sorted(wanted))

    def edge(u: str, v: str) -> str:
        if (u, v) in edge_ids:
            return edge_ids[(u, v)]
        ev = evidence.get((u, v)) or [{"kind": "assign", "file": None, "line": None, "code": "", "function": None,
                                        "guards": [], "preproc": [], "via": None}]
        eid = f"e{len(edges) + 1}"
        first = ev[0]
        edges.append({"id": eid, "src": u, "dst": v, "kind": first["kind"], "file": first["file"],
                      "line": first["line"], "column": first.get("column", 0), "code": first["code"],
                      "function": first["function"], "guards": first["guards"], "preproc": first["preproc"],
                      "via": first["via"], "indirect": first.get("indirect", False),
                      "evidence": [{k: e[k] for k in ("kind", "file", "line", "code", "function", "guards", "preproc",
                                                       "via")} for e in ev]})
        edge_ids[(u, v)] = eid
        return eid

    paths = []
    witnesses: dict[tuple[str, str], list[str] | None] = {}
    callee_roles: dict[str, str] = {}  # nodes only a callee's steps show
    for i, p in enumerate(tr.paths):
        ns = p["nodes"]
        eids = [edge(ns[j], ns[j + 1]) for j in range(len(ns) - 1)]
        doc = {"id": f"p{i + 1}", "direction": p["direction"], "nodes": ns, "edges": eids, "from": ns[0],
               "to": ns[-1], "ends_at": p["ends_at"]}
        calls = []
        for j, eid in enumerate(eids):
            u, v = ns[j], ns[j + 1]
            if (u, v) not in witnesses:
                first = (evidence.get((u, v)) or [{}])[0]
                witnesses[(u, v)] = _witness(g, u, v, first.get("via")) if first.get("kind") == "summary" else None
            inner = witnesses[(u, v)]
            if inner:
                pairs = list(zip(inner, inner[1:]))
                evidence.update(g.evidence_many([x for x in pairs if x not in evidence]))
                keep.update(inner)
                for n in inner:
                    callee_roles.setdefault(n, "upstream" if p["direction"] == "upstream" else "downstream")
                call = {"edge": eid, "callee": (evidence.get((u, v)) or [{}])[0].get("via"), "nodes": inner,
                        "edges": [edge(a, b) for a, b in pairs]}
                calls.append(call)
                edges[int(eid[1:]) - 1].setdefault("callee_steps", {k: call[k] for k in ("callee", "nodes", "edges")})
        if calls:  # a step through a call (a summary edge), shown through the callee
            doc["calls"] = calls
        paths.append(doc)
    for u, v in sorted(wanted):
        edge(u, v)
    nodes = []
    for n in sorted(keep):
        d = g.nodes[n]
        nodes.append({"id": n, "kind": d.get("kind"), "label": d.get("label"), "name": d.get("name"),
                      "owner": d.get("owner"), "file": d.get("file"), "line": d.get("line"),
                      "ambiguous": bool(d.get("ambiguous")),
                      "role": tr.nodes.get(n) or callee_roles.get(n, "upstream"),
                      "model": d.get("model"),
                      "values": []})
    st = a.stats
    n_sources = sum(1 for x in nodes if x["kind"] == "source")
    n_sinks = sum(1 for x in nodes if x["kind"] == "sink")
    return {
        "schema": SCHEMA,
        "tool": {"name": "srcscan", "version": __version__},
        "query": {"symbol": tr.symbol, "to": tr.to, "direction": tr.direction, "ignore_case": tr.ignore_case,
                  "defines": [f"{k}={v}" if v != 1 else k for k, v in sorted(tr.config.defines.items())],
                  "undefs": sorted(tr.config.undefs)},
        "source": {"kind": snap.kind, "root": snap.root, "label": snap.label, "why": a.why,
                   "revision": snap.revision.to_json(), **snap.repository()},
        "stats": {"files": st.files, "parsed": st.parsed, "reused": st.reused, "functions": a.functions,
                  "graph_nodes": g.number_of_nodes(), "graph_edges": g.number_of_edges(), "nodes": len(nodes),
                  "edges": len(edges), "paths": len(paths), "sources": n_sources, "sinks": n_sinks,
                  "excluded_by_preprocessor": a.excluded, "seconds": round(st.seconds + tr.seconds, 3),
                  "scope": a.scope, "slice_nodes": len(tr.nodes),
                  "paths_not_listed": dict(sorted(tr.left_out.items()))},
        "start": tr.start,
        "nodes": nodes,
        "edges": edges,
        "paths": paths,
        "warnings": list(dict.fromkeys(a.warnings + st.warnings + tr.warnings)),
    }
