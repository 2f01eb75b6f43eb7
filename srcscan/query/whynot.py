"""Why is there no path from A to B? How far each side reaches, the closest pair of nodes
between the two slices, and the likely reasons at the break (unknown external function,
unresolved field owner, unresolved indirect call, macro-hidden function, excluded
preprocessor branch)."""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..errors import NotFound
from ..graph.flow import BuildOptions, FlowBuilder, build_graph
from ..graph.compact import names_node
from .slicing import _bfs
from ..extract.ppcond import Config
from ..graph.program import Program

SCHEMA = "srcscan-whynot/1"
MAX_REASONS = 8
MAX_LIST = 8


@dataclass
class Reason:
    kind: str  # external-function | ambiguous-field | indirect-call | macro-hidden | preprocessor | no-caller
    text: str
    side: str  # from | to | both
    file: str | None = None
    line: int | None = None
    function: str | None = None
    detail: dict = field(default_factory=dict)
    near: int = 1 << 20  # distance from the closest pair (smaller = more likely the break)

    def to_json(self) -> dict:
        return {"kind": self.kind, "text": self.text, "side": self.side, "file": self.file, "line": self.line,
                "function": self.function, **({"detail": self.detail} if self.detail else {})}


def _match(g: nx.DiGraph, symbol: str, ignore_case: bool) -> list[str]:
    """Nodes a symbol names, spelled as for trace: a bare name, Struct.field, func(), func:local,
    a model key or a node id."""
    import difflib

    from ..errors import UsageError

    s = (symbol or "").strip()
    if not s:
        raise UsageError("empty symbol")
    if s in g:
        return [s]
    norm = (lambda x: x.casefold()) if ignore_case else (lambda x: x)
    want = norm(s)
    out = {n for n, d in g.nodes(data=True) if names_node(want, n, d.get("kind"), d.get("label"), d.get("name"), norm)}
    if not out:
        cands = sorted({d.get(k) for _, d in g.nodes(data=True) for k in ("name", "label") if d.get(k)})
        hint = difflib.get_close_matches(s, cands, n=5, cutoff=0.6)
        raise NotFound(f"no value named {symbol!r}" + (f"; did you mean: {', '.join(hint)}?" if hint else ""))
    return sorted(out)


def _match_any(g, symbol: str, ignore_case: bool) -> list[str]:
    """Nodes a symbol names in a graph built on demand (or []), as trace matches them."""
    from ..errors import UsageError
    from .slicing import match_nodes

    if hasattr(g, "expand_names"):
        g.expand_names(symbol, ignore_case)
    try:
        return match_nodes(g, symbol, ignore_case)
    except UsageError:
        return []


def _names(g: nx.DiGraph, nodes: list[str], wide) -> list[str]:
    """The same nodes in the graph built on demand (built by name first)."""
    for n in nodes:
        d = g.nodes[n]
        for text in (d.get("label"), d.get("name")):
            if text and hasattr(wide, "expand_names"):
                wide.expand_names(text)
    return list(nodes)


class _NxView:
    """The read-only graph API the path search uses, over a networkx DiGraph."""

    def __init__(self, g: nx.DiGraph):
        self.g = g

    def out_edges_kind(self, n):
        return ((v, d["kind"]) for v, d in self.g.succ[n].items())

    def in_edges_kind(self, n):
        return ((u, d["kind"]) for u, d in self.g.pred[n].items())

    def kind(self, n):
        return self.g.nodes[n].get("kind")


def _slice(g: nx.DiGraph, starts: list[str], forward: bool, control: bool) -> set[str]:
    """What the starts reach (or are reached from) under the tracer's path rule (slicing.step)."""
    return set(_bfs(_NxView(g), starts, forward, 1 << 30, control=control))


def _path(g: nx.DiGraph, a: list[str], b: set[str], control: bool) -> list[str] | None:
    """A cheapest path from a start to a node of ``b`` under the tracer's path rule."""
    return _path_on(_NxView(g), a, b, control)


def _path_on(g, a: list[str], b: set[str], control: bool) -> list[str] | None:
    """_path over any graph with the tracer's read API (a graph built on demand too)."""
    for n in list(a):
        if hasattr(g, "expand"):
            g.expand(n, True)
    tree = _bfs(g, a, True, 1 << 30, control=control)
    ends = sorted(n for n in b if n in tree)
    if not ends:
        return None
    path = [ends[0]]
    while tree[path[-1]] is not None and len(path) <= len(tree):
        path.append(tree[path[-1]])
    return list(reversed(path))


MAX_GAP = 12  # undirected steps searched between the two slices
NEAR_GAP = 4  # reasons further than this from the gap are left out (counted in reasons_more)


def _hub(g: nx.DiGraph, n: str) -> bool:
    """Model nodes (one per source or sink API) join unrelated flows: never a step of a gap."""
    return g.nodes[n].get("kind") in ("source", "sink")


def _undirected_bfs(g: nx.DiGraph, seeds, limit: int, stop=None):
    """Level-by-level undirected BFS from ``seeds`` in sorted order, never through hubs.
    Returns (distance, parent); with ``stop`` (a set), ends after the first level holding one."""
    dist = {n: 0 for n in seeds}
    parent: dict[str, str | None] = {n: None for n in seeds}
    level = sorted(dist)
    d = 0
    while level and d < limit:
        if stop is not None and any(n in stop for n in level):
            break
        d += 1
        nxt = []
        for u in level:
            if _hub(g, u) and parent[u] is not None:
                continue
            for v in sorted(set(g.successors(u)) | set(g.predecessors(u))):
                if v not in dist:
                    dist[v] = d
                    parent[v] = u
                    nxt.append(v)
        level = sorted(nxt)
    return dist, parent


def _closest(g: nx.DiGraph, fwd: set[str], bwd: set[str]) -> tuple[list[str], dict[str, int]]:
    """The closest pair across the break: a node only the forward slice reaches and a
    different node only the backward slice reaches, joined by the shortest undirected gap
    (never through a model hub; ties broken by node id, so every run and format agrees).
    Returns (gap from the forward node to the backward node, or [], and each node's undirected
    distance from the forward side)."""
    side_a = sorted(n for n in fwd - bwd if not _hub(g, n))
    side_b = {n for n in bwd - fwd if not _hub(g, n)}
    if not side_a or not side_b:
        return [], {}
    dist, parent = _undirected_bfs(g, side_a, MAX_GAP, stop=side_b)
    hits = sorted((dist[n], n) for n in side_b if n in dist and dist[n] > 0)
    if not hits:
        return [], dist
    hit = hits[0][1]
    out = [hit]
    while parent[out[-1]] is not None:
        out.append(parent[out[-1]])
    return out[::-1], dist


class WhyNot:
    def __init__(self, program: Program, builder: FlowBuilder, config: Config, control: bool = True,
                 models=None):
        self.p, self.b, self.g, self.config, self.control = program, builder, builder.g, config, control
        self.models = models or builder.m
        self._wide_graph = None
        self._wide_a = self._wide_b = None

    def _wide(self):
        """The graph with every #if branch kept (for the preprocessor reason), built on demand:
        only the functions a path search from the query's names reaches."""
        if self._wide_graph is None:
            from ..graph.demand import DemandGraph

            self._wide_graph = DemandGraph(FlowBuilder(self.p, self.models, BuildOptions(
                config=Config(keep_if0=True), control=self.control)))
        return self._wide_graph

    def explain(self, a: str, b: str, ignore_case: bool = False) -> dict:
        g = self.g
        try:
            starts, targets = _match(g, a, ignore_case), _match(g, b, ignore_case)
        except NotFound:
            if not self.b.excluded:
                raise
            wide = self._wide()  # the name may exist only in excluded branches
            wa, wb = _match_any(wide, a, ignore_case), _match_any(wide, b, ignore_case)
            if not wa or not wb:
                raise  # not in any configuration either: the unknown-name error
            starts = [n for n in wa if n in g]
            targets = [n for n in wb if n in g]
            self._wide_a, self._wide_b = wa, wb
        fwd = _slice(g, starts, True, self.control)
        bwd = _slice(g, targets, False, self.control)
        doc = {"schema": SCHEMA, "query": {"from": a, "to": b, "defines": sorted(self.config.defines),
                                           "undefs": sorted(self.config.undefs), "control": self.control},
               "from": {"nodes": starts, "reach": len(fwd) - len(starts), "ends": self._ends(fwd, True)},
               "to": {"nodes": targets, "reach": len(bwd) - len(targets), "ends": self._ends(bwd, False)}}
        path = _path(g, starts, set(targets), self.control) if starts and targets else None
        if path is not None:
            doc.update(path_exists=True, path=path, closest=None, reasons=[])
            return doc
        gap, dist = _closest(g, fwd, bwd)
        closest = None
        if gap:
            closest = {"from": gap[0], "to": gap[-1], "distance": len(gap) - 1, "gap": gap,
                       "from_label": g.nodes[gap[0]].get("label"), "to_label": g.nodes[gap[-1]].get("label")}
        near, _ = _undirected_bfs(g, gap, NEAR_GAP + 1) if gap else ({}, {})
        reasons = self._reasons(fwd, bwd, near, gap)
        reasons += self._preprocessor(starts, targets)
        reasons.sort(key=lambda r: (r.near, r.kind, r.text))
        kept = [r for r in reasons if r.near <= NEAR_GAP or not gap][:MAX_REASONS]
        doc.update(path_exists=False, path=None, closest=closest,
                   reasons=[dict(r.to_json(), distance=r.near) for r in kept],
                   reasons_more=len(reasons) - len(kept),
                   excluded_by_preprocessor=self.b.excluded)
        return doc

    # ---------------------------------------------------------------- slices
    def _ends(self, nodes: set[str], forward: bool) -> list[str]:
        g = self.g
        deg = g.out_degree if forward else g.in_degree
        ends = sorted(n for n in nodes if deg(n) == 0)
        return ends[:MAX_LIST]

    # ---------------------------------------------------------------- reasons
    def _reasons(self, fwd: set[str], bwd: set[str], dist: dict[str, int], gap: list[str]) -> list[Reason]:
        g, out = self.g, []
        gap_fns = {g.nodes[n].get("owner") for n in gap}
        seen = set()

        def add(r: Reason, nodes) -> None:
            key = (r.kind, r.text)
            if key in seen:
                return
            seen.add(key)
            # steps from the gap (undirected); a reason in a function the gap runs through counts as on it
            r.near = min([dist.get(n, 99) for n in nodes] or [99])
            if r.function in gap_fns:
                r.near = min(r.near, 1)
            out.append(r)

        for side, nodes in (("from", fwd), ("to", bwd)):
            for n in sorted(nodes):
                d = g.nodes[n]
                if d.get("ambiguous") and d.get("kind") == "field":
                    owners = sorted(self.p.field_owners.get(d.get("name"), ()))
                    add(Reason("ambiguous-field", f"owner of field {d.get('name')!r} unresolved ({d.get('label')}); "
                               f"declared in {', '.join(owners[:5]) or 'no known struct'}", side,
                               detail={"node": n, "owners": owners}), [n])
            for u, v, e in g.edges(data=True) if side == "from" else ():
                if e["kind"] == "through" and u in fwd:
                    ev = e["evidence"][0]
                    add(Reason("external-function",
                               f"{ev.get('via')}() has no definition and no model: its result is a guess "
                               f"(arguments -> result) and nothing flows into it", side, ev["file"], ev["line"],
                               ev["function"], {"callee": ev.get("via")}), [u, v])
            out_calls = self._calls_reading(nodes) if side == "from" else []
            for fn, c, n in out_calls:
                self._call_reason(fn, c, n, side, add)
        for fkey, c in self.b.unresolved_indirect:
            fn = self.p.functions.get(fkey, [None])[0]
            if fn is None:
                continue
            nodes = [n for n in fwd if g.nodes[n].get("owner") == fkey]
            tnodes = [n for n in bwd if g.nodes[n].get("owner") == fkey]
            if nodes or tnodes:
                add(Reason("indirect-call", f"call through {c.callee} resolves to no function (no assignment or "
                           f"registration table stores one in that slot)", "from" if nodes else "to", fn.file,
                           c.line, fn.name, {"callee": c.callee}), nodes + tnodes)
        for n in sorted(bwd):
            d = g.nodes[n]
            if d.get("kind") == "param" and g.in_degree(n) == 0:
                fkey = d.get("owner")
                add(Reason("no-caller", f"{fkey}() is never called with a known argument (only through "
                           f"a pointer srcscan did not resolve, from outside the tree, or not at all)", "to",
                           d.get("file"), d.get("line"), fkey), [n])
        return out

    def _calls_reading(self, nodes: set[str]):
        """Calls (function, call, node) whose arguments read a node of the slice."""
        by_fn: dict[str, list[str]] = {}
        for n in nodes:
            d = self.g.nodes[n]
            if d.get("kind") in ("local", "param") and d.get("owner"):
                by_fn.setdefault(d["owner"], []).append(n)
        for fkey, ns in sorted(by_fn.items()):
            names = {self.g.nodes[n].get("name") for n in ns}
            for fn in self.p.functions.get(fkey, []):
                for c in fn.calls:
                    for arg in c.args:
                        hit = [r for r in arg.reads if r.root in names] + (
                            [arg.addr_of] if arg.addr_of is not None and arg.addr_of.root in names else [])
                        if hit:
                            yield fn, c, ns[0]
                            break

    def _call_reason(self, fn, c, node, side, add) -> None:
        m = self.models
        name = c.callee
        if c.indirect is not None or name in m.sources or name in m.sinks or name in m.propagators or \
                name in m.handles:
            return
        if self.p.resolve_function(name, fn.file):
            return
        if self.config.excludes(c.preproc):
            return
        if name in self.p.defines:
            add(Reason("macro-hidden", f"{name} is a macro (#define {name} {self.p.defines[name][:60]}): "
                       f"srcscan does not expand it, so the value stops at {name}(...)", side, fn.file, c.line,
                       fn.name, {"callee": name}), [node])
        else:
            add(Reason("external-function", f"{name}() has no definition in the tree and no model: the value "
                       f"passed to it goes nowhere", side, fn.file, c.line, fn.name, {"callee": name}), [node])

    def _preprocessor(self, starts: list[str], targets: list[str]) -> list[Reason]:
        """Would the path exist with every #if branch kept? Then the configuration cut it."""
        cfg = self.config
        if not (cfg.defines or cfg.undefs) and cfg.keep_if0 and not self.b.excluded:
            return []
        if self.b.excluded == 0:
            return []
        wide = self._wide()
        s = self._wide_a or [n for n in _names(self.g, starts, wide) if n in wide]
        t = self._wide_b or [n for n in _names(self.g, targets, wide) if n in wide]
        path = _path_on(wide, s, set(t), self.control)
        if path is None:
            return []
        cut = []
        evidence = wide.evidence_many(list(zip(path, path[1:])))
        for u, v in zip(path, path[1:]):
            for ev in evidence.get((u, v), []):
                if cfg.excludes(ev.get("preproc") or []):
                    cut.append(ev)
        if not cut:
            return []
        ev = cut[0]
        conds = " && ".join(ev.get("preproc") or [])
        return [Reason("preprocessor", f"a path exists in another configuration: the step at {ev['file']}:"
                       f"{ev['line']} sits under #if {conds}, excluded by this configuration "
                       f"({self.b.excluded} facts excluded)", "both", ev["file"], ev["line"], ev.get("function"),
                       {"preproc": ev.get("preproc"), "path": path}, near=-1)]


def why_not(facts: dict, a: str, b: str, config: Config | None = None, control: bool = True,
            ignore_case: bool = False) -> dict:
    """Explain why no path leads from A to B over the facts of a snapshot (path -> FileFacts)."""
    config = config or Config()
    program = Program(facts)
    builder = build_graph(program, options=BuildOptions(config=config, control=control))
    return WhyNot(program, builder, config, control).explain(a, b, ignore_case)


def render_text(doc: dict) -> str:
    q = doc["query"]
    out = [f"srcscan why-not {q['from']} -> {q['to']}"]
    if doc["path_exists"]:
        out.append("a path exists after all:")
        out += [("  " if i == 0 else "  -> ") + n for i, n in enumerate(doc["path"])]
        return "\n".join(out) + "\n"
    f, t = doc["from"], doc["to"]
    out.append(f"no path. {q['from']} reaches {f['reach']} nodes downstream; {q['to']} is reached from "
               f"{t['reach']} nodes upstream.")
    if f["ends"]:
        out.append("  downstream of " + q["from"] + " ends at: " + ", ".join(f["ends"]))
    if t["ends"]:
        out.append("  upstream of " + q["to"] + " starts at: " + ", ".join(t["ends"]))
    c = doc["closest"]
    if c:
        out.append(f"closest pair: {c['from']}  ..{c['distance']} step{'s' if c['distance'] != 1 else ''} "
                   f"(ignoring direction)..  {c['to']}")
        if c["distance"] > 1:
            out.append("  gap: " + " ~ ".join(c["gap"]))
    else:
        out.append("closest pair: none (the two slices are not connected at all)")
    if doc["reasons"]:
        out.append("likely reasons, most likely first:")
        for r in doc["reasons"]:
            where = f" at {r['file']}:{r['line']}" if r.get("file") else ""
            fn = f" in {r['function']}()" if r.get("function") else ""
            out.append(f"  [{r['kind']}] {r['text']}{where}{fn}")
        if doc.get("reasons_more"):
            out.append(f"  ({doc['reasons_more']} more further from the gap; --format json lists the kept ones "
                       "with their distance)")
    else:
        out.append("no known cause found near the break")
    return "\n".join(out) + "\n"
