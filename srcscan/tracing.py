"""Trace: slices of the flow graph from the nodes a query names — upstream (where the value
comes from), downstream (where it goes) and explicit paths to a target."""
from __future__ import annotations

import difflib
import hashlib
import time
from dataclasses import dataclass, field

from . import __version__, graphstore
from .cache import FactCache, version_key
from .datafiles import model_files, read_text
from .errors import NotFound, UnreadableSource, UsageError
from .index import IndexStats, index, snapshot_files
from .model import FLOW_VERSION
from .ppcond import Config
from .program import Program
from .snapshot import Snapshot
from .util import paused_gc

SCHEMA = "srcscan-trace/1"
TRACE_VERSION = 2  # bump when slicing changes what a trace holds (cached history traces carry it)
MAX_SLICE = 4000
MAX_PATHS = 60
MAX_TO_PATHS = 20
MAX_TERMINALS = 12  # sources/sinks a slice's leaves are extended to
TERMINALS_PER_LEAF = 3


@dataclass
class Analysis:
    """A snapshot indexed and turned into a flow graph (reusable across several queries)."""

    snapshot: Snapshot
    graph: "graphstore.CompactGraph"
    stats: IndexStats
    why: str = ""
    functions: int = 0
    excluded: int = 0
    program: Program | None = None
    warnings: list[str] = field(default_factory=list)
    scope: str = "full"


def _graph_key(keys: list[tuple[str, str]], config: Config, control: bool) -> str:
    h = hashlib.sha1()
    h.update(f"{version_key()}:{graphstore.GRAPH_VERSION}:{FLOW_VERSION}".encode())
    for f in model_files():
        h.update(read_text(f).encode())
    h.update(repr((sorted(config.defines.items()), sorted(config.undefs), config.keep_if0, control)).encode())
    for path, key in keys:
        h.update(f"{path}\0{key}\n".encode())
    return "graph:" + h.hexdigest()


def analyse(snapshot: Snapshot, cache: FactCache | None = None, jobs: int = 0, config: Config | None = None,
            control: bool = True, why: str = "", need_program: bool = False) -> Analysis:
    with paused_gc():
        return _analyse(snapshot, cache, jobs, config or Config(), control, why, need_program)


def _analyse(snapshot, cache, jobs, config, control, why, need_program, cache_facts=None) -> Analysis:
    """``cache`` holds facts and the graph; ``cache_facts`` (lazy scope) holds facts only."""
    t0 = time.perf_counter()
    files = snapshot_files(snapshot, cache if cache is not None else cache_facts)
    gkey = _graph_key(files, config, control)
    if cache is not None and not need_program:
        try:
            got = graphstore.load(cache.db, str(cache.path), gkey)
        except Exception:  # a damaged or foreign entry: rebuild below
            got = None
        if got is not None:
            g, (functions, excluded) = got
            st = IndexStats(files=len(files), reused=len(files), seconds=time.perf_counter() - t0,
                            warnings=list(snapshot.warnings) + cache.warnings)
            return Analysis(snapshot, g, st, why, functions, excluded)
    from .flow import BuildOptions, build_graph

    facts, st = index(snapshot, cache if cache is not None else cache_facts, jobs)
    program = Program(facts)
    builder = build_graph(program, options=BuildOptions(config=config, control=control))
    functions = program.stats()["functions"]
    g = graphstore.CompactGraph.from_networkx(builder.g)
    if cache is not None:
        try:
            graphstore.save(cache.db, gkey, g, (functions, builder.excluded))
        except Exception as e:  # the trace is fine without a cached graph
            st.warnings.append(f"could not cache the flow graph ({e})")
    st.seconds = time.perf_counter() - t0
    return Analysis(snapshot, g, st, why, functions, builder.excluded, program)


def analyse_demand(snapshot: Snapshot, cache: FactCache | None = None, jobs: int = 0, config: Config | None = None,
                   control: bool = True, why: str = "") -> Analysis:
    """Facts of every file, but a flow graph built only as far as traces ask (demand.py): for
    one-off traces of many revisions (history). Nothing but facts is cached."""
    from .demand import DemandGraph
    from .flow import BuildOptions, FlowBuilder

    t0 = time.perf_counter()
    config = config or Config()
    facts, st = index(snapshot, cache, jobs)
    program = Program(facts)
    g = DemandGraph(FlowBuilder(program, options=BuildOptions(config=config, control=control)))
    st.seconds = time.perf_counter() - t0
    a = Analysis(snapshot, g, st, why, program.stats()["functions"], 0, program)
    a.scope = "full (graph built on demand)"
    return a


# ---------------------------------------------------------------------- matching

def match_nodes(g: "graphstore.CompactGraph | graphstore.SqliteGraph", symbol: str, ignore_case: bool = False) -> list[str]:
    """Nodes a user's symbol names: a bare name (cTscTicksPerSecond), Struct.field, func(),
    func:local, a model key (cfgm:/TM/TSCTicksPerSecond) or a node id."""
    if not symbol or not symbol.strip():
        raise UsageError("empty symbol")
    s = symbol.strip()
    if s in g:
        return [s]
    return sorted(set(g.find(s, ignore_case)))


def suggestions(g: "graphstore.CompactGraph | graphstore.SqliteGraph", symbol: str, n: int = 5) -> list[str]:
    cands = sorted(g.all_names())
    close = difflib.get_close_matches(symbol, cands, n=n, cutoff=0.6)
    low = symbol.casefold()
    ci = [c for c in cands if c.casefold() == low and c != symbol]
    return list(dict.fromkeys(ci + close))[:n]


# ---------------------------------------------------------------------- slicing

# Path preference: a data flow is a better explanation than a guess through an unknown
# call, which is better than a control dependence.
EDGE_COST = {"control": 6, "through": 3}


# After a control edge a path goes at most this many data steps: a value computed under a
# condition that reads the traced value reaches a field, and the field the struct it is part
# of and where that goes (the KVM shift: loop on the frequency -> local -> field -> guest
# memory). Beyond that, implicit flows fan out to unrelated data (locks, pointers, counters).
CONTROL_TAIL = 3


class _Tree(dict):
    """A cheapest-path tree (node -> the neighbour one step closer to a start) and the nodes
    where a path ends because it came through a control edge (CONTROL_TAIL)."""

    ends: frozenset = frozenset()
    left: dict = {}  # node -> data steps its path has left (None: no control edge on it)


def _budget_key(b: int | None) -> int:
    return 1 << 30 if b is None else b


def _bfs(g: "graphstore.CompactGraph | graphstore.SqliteGraph", starts: list[str], forward: bool, limit: int, control: bool = True,
         allowed: set[str] | dict | None = None) -> _Tree:
    """Cheapest-path tree (Dijkstra with EDGE_COST). Control edges are followed only when
    ``control`` is set, and only forwards; after one, a path takes at most CONTROL_TAIL more
    data steps (a node first reached that way is taken again when a path with more steps left
    reaches it)."""
    import heapq

    parent = _Tree()
    left: dict[str, int | None] = {}  # data steps a node's path has left (None: no control edge on it)
    start_set = set(starts)
    best: dict[tuple[str, int], int] = {(s, _budget_key(None)): 0 for s in start_set}
    # ties are broken by node id, never by the order edges were stored in: the same graph
    # built in another order (cached, or on demand) gives the same slice; then more steps left first
    heap = sorted((0, s, -_budget_key(None), None) for s in start_set)
    nxt = g.out_edges_kind if forward else g.in_edges_kind
    if allowed is not None and hasattr(g, "known_edges_kind"):
        # a graph built on demand: inside a slice every edge is built already
        import functools

        nxt = functools.partial(g.known_edges_kind, forward)
    prefetch = getattr(g, "prefetch", None)  # a database-backed graph loads neighbours in batches
    while heap and (len(parent) < limit):
        cost, u, negb, par = heapq.heappop(heap)
        b = None if -negb == _budget_key(None) else -negb
        if u in parent:
            if _budget_key(b) <= _budget_key(left[u]):
                continue
        parent[u] = par
        left[u] = b
        if b == 0:
            continue
        if prefetch is not None:
            prefetch(u, heap, forward)
        for v, kind in nxt(u):
            if allowed is not None and v not in allowed:
                continue
            if kind == "control":
                if not control or not forward or b is not None:
                    continue
                nb = CONTROL_TAIL
            else:
                nb = None if b is None else b - 1
            if v in parent and _budget_key(nb) <= _budget_key(left[v]):
                continue
            c = cost + EDGE_COST.get(kind, 1)
            k = (v, _budget_key(nb))
            if c < best.get(k, 1 << 30):
                best[k] = c
                heapq.heappush(heap, (c, v, -_budget_key(nb), u))
    parent.ends = frozenset(n for n, b in left.items() if b == 0)
    parent.left = left
    return parent


def _ends(g: "graphstore.CompactGraph | graphstore.SqliteGraph", tree: dict[str, str | None], forward: bool, starts: set[str]) -> list[tuple[str, str]]:
    out = []
    deg = g.out_degree if forward else g.in_degree
    for n in tree:
        if n in starts:
            continue
        kind = g.kind(n)
        if kind == ("sink" if forward else "source"):
            out.append((n, kind))
        elif deg(n) == 0:
            out.append((n, "leaf" if forward else "root"))
    return out


def _tree_paths(g, tree: dict[str, str | None], start: str, forward: bool, want: str, limit: int):
    """One path per leaf of the cheapest-path tree, so every node of the slice is on some
    path; a leaf that is not a source/sink is extended along the cheapest way on to one
    (a value that reaches guest memory through a struct already reached another way).
    Paths are ranked (ending at a source/sink first, then shorter) and only the best
    ``limit`` are built."""
    has_child = {p for p in tree.values() if p is not None}
    depth: dict[str, int] = {}

    def dep(n):
        d, m, trail = 0, n, []
        while m is not None and m not in depth:
            trail.append(m)
            m = tree[m]
        d = depth[m] if m is not None else -1
        for x in reversed(trail):
            d += 1
            depth[x] = d
        return depth[n]

    terms = sorted(n for n in tree if g.kind(n) == want)[:MAX_TERMINALS]
    ends = getattr(tree, "ends", frozenset())
    left = getattr(tree, "left", {})
    inner = {n for n in tree if n not in ends}  # a value reached through a condition goes no further
    hops = [_bfs(g, [t], not forward, MAX_SLICE, control=False, allowed=inner) for t in terms]
    hop_depth = []
    for hop in hops:
        hd: dict[str, int] = {}
        for n in hop:
            d, m = 0, n
            while hop.get(m) is not None and d < 40:
                m, d = hop[m], d + 1
            hd[n] = d
        hop_depth.append(hd)
    ranked = []
    for leaf in tree:
        if leaf in has_child or leaf == start:
            continue
        base = dep(leaf)
        if g.kind(leaf) == want:
            ranked.append((0, base, leaf, -1))
            continue
        room = _budget_key(left.get(leaf))  # a path through a control edge has few steps left
        ext = sorted((hd[leaf], i) for i, hd in enumerate(hop_depth)
                     if 0 < hd.get(leaf, 0) <= room)[:TERMINALS_PER_LEAF]
        if ext:
            ranked += [(0, base + d, leaf, i) for d, i in ext]
        else:
            ranked.append((1, base, leaf, -1))
    ranked.sort()
    seen = set()
    for _, _, leaf, hi in ranked:
        if len(seen) >= limit:
            break
        chain = list(reversed(_walk_back(tree, leaf)))  # start .. leaf (in search order)
        if hi >= 0:
            hop, on, n = hops[hi], set(chain), leaf
            while hop.get(n) is not None and hop[n] not in on and len(chain) < 60:
                n = hop[n]
                chain.append(n)
                on.add(n)
        kind = g.kind(chain[-1])
        end_deg = g.out_degree(chain[-1]) if forward else g.in_degree(chain[-1])
        why = want if kind == want else ("control" if left.get(chain[-1]) is not None else
                                         ("leaf" if forward else "root") if end_deg == 0 else "cut")
        path = chain if forward else list(reversed(chain))
        key = tuple(path)
        if key not in seen:
            seen.add(key)
            yield path, why


def _walk_back(tree: dict[str, str | None], end: str) -> list[str]:
    path = [end]
    while tree[path[-1]] is not None and len(path) <= len(tree):
        path.append(tree[path[-1]])
    return path


@dataclass
class Trace:
    symbol: str
    analysis: Analysis
    start: list[str]
    to: str | None = None
    direction: str = "both"
    ignore_case: bool = False
    config: Config = field(default_factory=Config)
    paths: list[dict] = field(default_factory=list)
    nodes: dict[str, str] = field(default_factory=dict)  # node -> role
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    targets: list[str] = field(default_factory=list)

    @property
    def graph(self):
        return self.analysis.graph

    def to_json(self, full: bool = True) -> dict:
        """The documented JSON. ``full=False`` keeps only the nodes and edges on listed paths
        (enough for the text view, much cheaper on big slices)."""
        return to_json(self, full)


def trace(analysis: Analysis, symbol: str, to: str | None = None, direction: str = "both",
          ignore_case: bool = False, config: Config | None = None) -> Trace:
    """Trace SYMBOL through an analysed snapshot. Raises NotFound for unknown symbols."""
    if direction not in ("up", "down", "both"):
        raise UsageError(f"--direction {direction}: choose up, down or both")
    t0 = time.perf_counter()
    g = analysis.graph
    start = match_nodes(g, symbol, ignore_case)
    if not start:
        hint = suggestions(g, symbol)
        raise NotFound(f"no value named {symbol!r} in {analysis.snapshot.describe()}"
                       + (f"; did you mean: {', '.join(hint)}?" if hint else ""))
    tr = Trace(symbol, analysis, start, to, direction, ignore_case, config or Config())
    for s in start:
        tr.nodes[s] = "start"
        if g.nodes[s].get("ambiguous"):
            tr.warnings.append(f"{g.nodes[s]['label']}: the struct owning this field could not be resolved "
                               "(shown as ambiguous, not merged with any struct)")
    starts = set(start)
    if to:
        targets = [t for t in match_nodes(g, to, ignore_case) if t not in starts]
        if not targets:
            hint = suggestions(g, to)
            raise NotFound(f"no value named {to!r} for --to" + (f"; did you mean: {', '.join(hint)}?" if hint else ""))
        tr.targets = targets
        _to_paths(tr, g, start, targets)
    else:
        for direction_name, forward in (("upstream", False), ("downstream", True)):
            if direction not in (direction_name[:-6] if False else ("up" if not forward else "down"), "both"):
                continue
            ends_all = []
            want = "sink" if forward else "source"
            for s in start:
                # upstream follows data only; control dependence is shown downstream
                tree = _bfs(g, [s], forward=forward, limit=MAX_SLICE, control=forward)
                if len(tree) >= MAX_SLICE:
                    tr.warnings.append(f"{direction_name} slice of {s} cut at {MAX_SLICE} nodes")
                for n in tree:
                    role = tr.nodes.get(n)
                    if role is None:
                        tr.nodes[n] = direction_name
                    elif role not in ("start", direction_name):
                        tr.nodes[n] = "both"
                for p, why in _tree_paths(g, tree, s, forward, want, MAX_PATHS):
                    ends_all.append((why != want, len(p), p[-1] if forward else p[0], s, why, p))
            # fair share: the best paths of each start node, round-robin, sources/sinks first
            per_start: dict[str, list] = {}
            for e in sorted(ends_all, key=lambda e: e[:3]):
                per_start.setdefault(e[3], []).append(e)
            chosen = []
            queues = [per_start[s] for s in sorted(per_start)]
            i = 0
            while len(chosen) < MAX_PATHS and any(i < len(q) for q in queues):
                chosen += [q[i] for q in queues if i < len(q)][:MAX_PATHS - len(chosen)]
                i += 1
            chosen.sort(key=lambda e: (e[3], e[0], e[1], e[2]))
            for *_, why, p in chosen:
                _add_path(tr, g, p, direction_name, why)
            if len(ends_all) > len(chosen):
                tr.warnings.append(f"{len(ends_all) - len(chosen)} more {direction_name} paths not listed "
                                   "(use --to TARGET or --format json/html for the whole slice)")
    tr.seconds = time.perf_counter() - t0
    return tr


def _to_paths(tr: Trace, g: "graphstore.CompactGraph | graphstore.SqliteGraph", start: list[str], targets: list[str]) -> None:
    down = set(_bfs(g, start, True, 10 ** 6))
    up = set(_bfs(g, targets, False, 10 ** 6))
    import networkx as nx

    sub = g.subgraph_nx(down & up)
    control_edges = {(u, v) for u in sub for v, kind in g.out_edges_kind(u) if kind == "control" and v in sub}
    for t in targets:
        tr.nodes.setdefault(t, "target")
    for s in start:
        for t in targets:
            if s not in sub or t not in sub:
                continue
            try:
                found = 0
                for i, p in enumerate(nx.shortest_simple_paths(sub, s, t)):
                    if not _within_control_tail(p, control_edges):
                        if i >= 20 * MAX_TO_PATHS:
                            break
                        continue
                    found += 1
                    if found > MAX_TO_PATHS:
                        tr.warnings.append(f"more paths from {s} to {t} not listed")
                        break
                    for n in p:
                        tr.nodes.setdefault(n, "downstream")
                    _add_path(tr, g, p, "to", "target")
            except nx.NetworkXNoPath:
                continue


def _within_control_tail(path: list[str], control_edges: set) -> bool:
    """A path has no control edge after its first, nor more than CONTROL_TAIL steps after it."""
    seen_at = None
    for i, e in enumerate(zip(path, path[1:])):
        if e in control_edges:
            if seen_at is not None:
                return False
            seen_at = i
    return seen_at is None or len(path) - 2 - seen_at <= CONTROL_TAIL


def _add_path(tr: Trace, g: "graphstore.CompactGraph | graphstore.SqliteGraph", nodes: list[str], direction: str, ends_at: str) -> None:
    tr.paths.append({"direction": direction, "nodes": nodes, "ends_at": ends_at})


# ---------------------------------------------------------------------- JSON

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
    wanted = set(g.edges_among(keep)) if full else set()
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
    for i, p in enumerate(tr.paths):
        ns = p["nodes"]
        eids = [edge(ns[j], ns[j + 1]) for j in range(len(ns) - 1)]
        paths.append({"id": f"p{i + 1}", "direction": p["direction"], "nodes": ns, "edges": eids, "from": ns[0],
                      "to": ns[-1], "ends_at": p["ends_at"]})
    for u, v in sorted(wanted):
        edge(u, v)
    nodes = []
    for n in sorted(keep):
        d = g.nodes[n]
        nodes.append({"id": n, "kind": d.get("kind"), "label": d.get("label"), "name": d.get("name"),
                      "owner": d.get("owner"), "file": d.get("file"), "line": d.get("line"),
                      "ambiguous": bool(d.get("ambiguous")), "role": tr.nodes.get(n, "upstream"),
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
                   "revision": snap.revision.to_json()},
        "stats": {"files": st.files, "parsed": st.parsed, "reused": st.reused, "functions": a.functions,
                  "graph_nodes": g.number_of_nodes(), "graph_edges": g.number_of_edges(), "nodes": len(nodes),
                  "edges": len(edges), "paths": len(paths), "sources": n_sources, "sinks": n_sinks,
                  "excluded_by_preprocessor": a.excluded, "seconds": round(st.seconds + tr.seconds, 3),
                  "scope": a.scope, "slice_nodes": len(tr.nodes)},
        "start": tr.start,
        "nodes": nodes,
        "edges": edges,
        "paths": paths,
        "warnings": list(dict.fromkeys(a.warnings + st.warnings + tr.warnings)),
    }


# ---------------------------------------------------------------------- lazy scope

LAZY_AUTO_FILES = 3000  # --scope auto: above this many files (and no cached graph), lazy
LAZY_MAX_ROUNDS = 8
LAZY_MAX_SHARE = 0.5  # beyond this share of the files, a full index is as cheap
LAZY_FULL_FALLBACK_FILES = 5000  # ...unless the tree is so big that a full graph does not fit in memory
LAZY_MAX_NEW_NAMES = 40  # on huge trees, a round needing more names than this ends the growth


def _query_names(symbol: str) -> set[str]:
    """Identifiers a query names: 'GIMKVM.cTscTicksPerSecond' -> {GIMKVM, cTscTicksPerSecond}."""
    import re

    s = symbol.split(":", 1)[1] if symbol.split(":", 1)[0] in ("field", "local", "param", "ret", "global",
                                                                 "source", "sink") else symbol
    return {t for t in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", s) if len(t) > 2}


def _slice_names(analysis: "Analysis", tr: "Trace") -> tuple[set[str], set[str]]:
    """(names, type names) to look for next: the functions, fields and globals on the slice
    (their other definitions and uses join the scope), and the declared types of its locals
    and parameters (the headers declaring them resolve field owners)."""
    from .program import _base_type

    g = analysis.graph
    prog = analysis.program
    names: set[str] = set()
    types: set[str] = set()
    for n in tr.nodes:
        if n not in g:
            continue
        d = g.nodes[n]
        kind = d["kind"]
        if kind in ("field", "global"):
            names.add(d["name"])
        elif kind in ("return", "param"):
            names.add((d.get("owner") or "").rsplit(":", 1)[-1])
        if kind in ("local", "param") and prog is not None:
            for fn in prog.functions.get(d.get("owner") or "", []):
                t = fn.locals.get(d["name"])
                b = _base_type(t) if t else None
                if b:
                    types.add(b)
    # calls the slice's functions make to functions not in scope yet (unknown callees may be
    # where a value comes from, e.g. TMCpuTicksPerSecond() defined in another file)
    if prog is not None:
        from .models import load_models

        models = load_models()
        known = set(models.sources) | set(models.sinks) | set(models.propagators) | set(models.handles)
        fnames: set[str] = set()
        for n in tr.nodes:
            if n in g:
                d = g.nodes[n]
                if d["kind"] in ("local", "param", "return") and d.get("owner"):
                    fnames.add(d["owner"])
        out_edges = [(u, v) for u in tr.nodes if u in g for v in g.successors(u)]
        for evs in g.evidence_many(out_edges).values():
            fnames.update(ev["function"] for ev in evs if ev.get("function"))
        slice_fields = {g.nodes[n]["name"] for n in tr.nodes if n in g and g.kind(n) in ("field", "global")}
        for key, defs in prog.functions.items():  # functions that store into a field on the slice
            if any(a.target.last in slice_fields for fn in defs for a in fn.assigns):
                fnames.add(key)
        slice_locals = {(g.nodes[n].get("owner"), g.nodes[n]["name"]) for n in tr.nodes
                        if n in g and g.kind(n) == "local"}
        slice_rets = {g.nodes[n].get("owner") for n in tr.nodes if n in g and g.kind(n) == "return"}

        def callees(fn, expr, depth=0):
            for ci in expr.calls:
                c = fn.calls[ci]
                if c.indirect is None and c.callee not in known and c.callee not in prog.functions \
                        and not c.callee.isupper():  # ALL_CAPS: a macro, no function body to find
                    names.add(c.callee)
                if depth < 3:  # f(g(x)): an unknown f passes g's result through
                    for a in c.args:
                        callees(fn, a, depth + 1)

        for key in fnames:
            for fn in prog.functions.get(key, []) + prog.functions.get(key.rsplit(":", 1)[-1], []):
                # only calls whose result reaches a value on the slice
                for a in fn.assigns:
                    if a.target.last in slice_fields or (fn.key, a.target.root) in slice_locals:
                        callees(fn, a.value)
                if fn.key in slice_rets:
                    for r in fn.returns:
                        callees(fn, r.value)
    return {x for x in names if len(x) > 2}, {x for x in types if len(x) > 2}


_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _word_patterns(names: list[str], ignore_case: bool, after: bytes = rb"(?![A-Za-z0-9_])") -> list:
    """Per identifier: its bytes and a pattern that starts with the literal (so the regex
    engine scans for it at C speed) and checks what follows; the word start is checked on
    each hit."""
    import re

    flags = re.IGNORECASE if ignore_case else 0
    return [(n.encode().lower() if ignore_case else n.encode(),
             re.compile(re.escape(n.encode()) + after, flags)) for n in names]


# A type name is looked for where a header defines it: `typedef ... PVM;`, `} GIMKVM;`.
_TYPE_DEF_END = rb"\s*[;,]"
_BUILTIN_TYPES = {"int", "unsigned", "signed", "char", "short", "long", "bool", "float", "double", "void", "size_t",
                  "ssize_t", "uintptr_t", "intptr_t", "ptrdiff_t", "int8_t", "int16_t", "int32_t", "int64_t",
                  "uint8_t", "uint16_t", "uint32_t", "uint64_t", "wchar_t", "off_t"}
MAX_HITS_PER_NAME = 2000  # a name hit this often inside other words in one file counts as mentioned


def _mentions(data: bytes, patterns: list) -> bool:
    low = None
    for lit, pat in patterns:
        if pat.flags & 2:  # re.IGNORECASE
            low = data.lower() if low is None else low
            if lit not in low:
                continue
        elif lit not in data:  # the common case: not there at all (memmem)
            continue
        for k, m in enumerate(pat.finditer(data)):
            i = m.start()
            if i == 0 or data[i - 1] not in _WORD or k >= MAX_HITS_PER_NAME:
                return True
    return False


def analyse_lazy(snapshot: Snapshot, symbol: str, to: str | None = None, cache: FactCache | None = None,
                 jobs: int = 0, config: Config | None = None, control: bool = True, why: str = "",
                 ignore_case: bool = False, need_program: bool = False) -> Analysis:
    """Analyse only the files a trace needs: start with files mentioning the query's names
    (a byte scan), trace, add files mentioning the names the slice reaches, until nothing
    new is needed. When the scope grows past half the tree, a tree of up to
    LAZY_FULL_FALLBACK_FILES files is indexed in full instead; a bigger one keeps the scope
    it has, with a warning. ``analysis.scope`` says which was used."""
    memo = cache is not None and cache.memo is None
    if memo:
        cache.memo = {}  # facts decoded in one round are reused by the next
    try:
        with paused_gc():
            return _analyse_lazy(snapshot, symbol, to, cache, jobs, config or Config(), control, why, ignore_case,
                                 need_program)
    finally:
        if memo:
            cache.memo = None


def _analyse_lazy(snapshot, symbol, to, cache, jobs, config, control, why, ignore_case, need_program) -> Analysis:
    t0 = time.perf_counter()
    files = snapshot_files(snapshot, cache)
    if cache is not None and graphstore.exists(cache.db, _graph_key(files, config, control)):
        return analyse(snapshot, cache, jobs, config, control, why, need_program)  # a full graph is cached
    lazykey = "lazy:" + hashlib.sha1(repr((_graph_key(files, config, control), symbol, to, ignore_case)).encode()
                                     ).hexdigest()
    if cache is not None:  # this query ran before on this snapshot: reuse its scope and graph
        import json

        blob = cache.get_blob(lazykey)
        if blob is not None:
            try:
                scope, rounds, notes = json.loads(blob)
                sub = _Subset(snapshot, set(scope))
                analysis = analyse(sub, cache, jobs, config, control, why, need_program)
                analysis.snapshot = snapshot
                analysis.warnings.extend(notes)
                analysis.scope = f"lazy: {len(scope)} of {len(files)} files, {rounds} round(s), reused"
                analysis.stats.seconds = time.perf_counter() - t0
                return analysis
            except (ValueError, TypeError):
                pass
    unreadable: dict[str, str] = {}

    def data(path: str) -> bytes:
        if path in unreadable:
            return b""
        try:
            return snapshot.read(path)  # not kept: a whole tree is 430 MB; each round reads from the page cache
        except (OSError, UnreadableSource) as e:
            unreadable[path] = f"{path}: unreadable ({getattr(e, 'strerror', None) or e}); skipped"
            return b""

    wanted = _query_names(symbol) | (_query_names(to) if to else set())
    wanted_types: set[str] = set()
    scope: set[str] = set()
    searched: set[str] = set()
    rounds = 0
    analysis = None
    headers = [p for p, _ in files if p.endswith((".h", ".hpp", ".hh", ".mac"))]
    while rounds < LAZY_MAX_ROUNDS:
        new = sorted(wanted - searched)
        new_types = sorted(wanted_types - searched)
        if not new and not new_types:
            break
        if len(files) > LAZY_FULL_FALLBACK_FILES and len(new) > LAZY_MAX_NEW_NAMES:
            # each name costs a scan of the whole tree: on a huge tree, stop growing here
            analysis.warnings.append(f"lazy scope stopped after {rounds} round(s) with {len(new)} more names to "
                                     f"follow ({', '.join(new[:5])}, ...); flows through files outside the "
                                     f"{len(scope)} read are not shown (use --scope full)")
            break
        rounds += 1
        searched |= set(new) | set(new_types)
        for names, paths, after in ((new, [p for p, _ in files], rb"(?![A-Za-z0-9_])"),
                                    ([t for t in new_types if t not in _BUILTIN_TYPES], headers, _TYPE_DEF_END)):
            if not names:
                continue
            pats = _word_patterns(names, ignore_case, after)
            for path in paths:
                if path not in scope and _mentions(data(path), pats):
                    scope.add(path)
        if len(scope) > LAZY_MAX_SHARE * len(files):
            if len(files) <= LAZY_FULL_FALLBACK_FILES:
                analysis = tr = None
                full = analyse(snapshot, cache, jobs, config, control, why, need_program=True)
                full.stats.warnings.append(f"lazy scope grew past {int(LAZY_MAX_SHARE * 100)}% of the files; "
                                           "used the full index")
                return full
            capped = True  # a huge tree: keep the scope we have rather than load everything
        else:
            capped = False
        sub = _Subset(snapshot, scope)
        analysis = tr = None  # the last round's graph and facts go before this round's are built
        # rounds trace on a graph built on demand (same answer, a fraction of the building);
        # the scope's whole graph is built once, at the end, for the cache
        analysis = analyse_demand(sub, cache, jobs, config, control, why)
        try:
            tr = trace(analysis, symbol, to=to, ignore_case=ignore_case, config=config)
        except NotFound:
            tr = None
            if match_nodes(analysis.graph, symbol, ignore_case):
                break  # the symbol is there but --to is not (yet): nothing more to follow
            break
        if capped:
            analysis.warnings.append(f"lazy scope reached {len(scope)} of {len(files)} files and stopped growing; "
                                    "flows through files outside it are not shown (use --scope full)")
            break
        more, more_types = _slice_names(analysis, tr)
        wanted |= more
        wanted_types |= more_types
    notes = analysis.warnings if analysis is not None else []
    analysis = tr = None
    analysis = _analyse(_Subset(snapshot, scope or {files[0][0]}), None, jobs, config, control, why, True,
                        cache_facts=cache)
    analysis.warnings.extend(notes)
    if cache is not None and scope:
        import json

        sub = _Subset(snapshot, scope)
        try:
            graphstore.save(cache.db, _graph_key(sub.files(), config, control), analysis.graph,
                            (analysis.functions, analysis.excluded))
            cache.put_blob(lazykey, json.dumps([sorted(scope), rounds, analysis.warnings]).encode())
        except Exception as e:  # the trace is fine without it
            analysis.warnings.append(f"could not cache the lazy scope ({e})")
    analysis.warnings.extend(unreadable.values())
    analysis.snapshot = snapshot
    analysis.scope = f"lazy: {len(scope)} of {len(files)} files, {rounds} round(s)"
    analysis.stats.seconds = time.perf_counter() - t0
    return analysis


class _Subset(Snapshot):
    """The files of a snapshot restricted to a set of paths."""

    def __init__(self, base: Snapshot, paths: set[str]):
        super().__init__(kind=base.kind, root=base.root, label=base.label, revision=base.revision)
        self.base, self.paths = base, paths
        self.warnings = base.warnings

    def files(self):
        return [(p, k) for p, k in self.base.files() if p in self.paths]

    def read(self, path: str) -> bytes:
        return self.base.read(path)
