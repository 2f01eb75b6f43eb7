"""Why is there no path from A to B? How far each side reaches, the closest pair of nodes
between the two slices, and the likely reasons at the break (unknown external function,
unresolved field owner, unresolved indirect call, macro-hidden function, excluded
preprocessor branch)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import NotFound
from ..extract.ppcond import Config
from ..graph.program import Program
from .slicing import _bfs, match_nodes, suggestions
from .whynot_ctx import ProgramContext, near_keys
from .whynot_gap import _hub, _undirected_bfs, distances, gap_between  # noqa: F401 (tests use them from here)

SCHEMA = "srcscan-whynot/1"
MAX_REASONS = 8
MAX_LIST = 8


@dataclass
class Reason:
    kind: str  # reversed | external-function | ambiguous-field | indirect-call | macro-hidden | preprocessor | no-caller
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


def _match(g, symbol: str, ignore_case: bool) -> list[str]:
    """Nodes a symbol names, spelled as for trace: a bare name, Struct.field, func(), func:local,
    a model key or a node id (a graph built on demand builds them by name first)."""
    if hasattr(g, "expand_names"):
        g.expand_names(symbol, ignore_case)
    out = match_nodes(g, symbol, ignore_case)
    if not out:
        hint = suggestions(g, symbol)
        raise NotFound(f"no value named {symbol!r}" + (f"; did you mean: {', '.join(hint)}?" if hint else ""))
    return out


def _match_any(g, symbol: str, ignore_case: bool) -> list[str]:
    try:
        return _match(g, symbol, ignore_case)
    except NotFound:
        return []


def _path_on(g, a: list[str], b: set[str], control: bool, limit: int = 1 << 30) -> list[str] | None:
    """A cheapest path from a start to a node of ``b`` under the tracer's path rule."""
    return _path_in(_bfs(g, a, True, limit, control=control), b)


def _path_in(tree, b: set[str]) -> list[str] | None:
    """The path of a search tree (slicing._bfs) to its least node of ``b``, or None."""
    ends = sorted(n for n in b if n in tree)
    if not ends:
        return None
    path = [ends[0]]
    while tree[path[-1]] is not None and len(path) <= len(tree):
        path.append(tree[path[-1]])
    return list(reversed(path))


MAX_GAP = 12  # undirected steps searched between the two slices
REVERSE_LIMIT = 1500  # nodes searched downstream of B for a path back to A (the reversed reason)
NEAR_GAP = 4  # reasons further than this from the gap are left out (counted in reasons_more)


def _closest(g, fwd: set[str], bwd: set[str]) -> list[str]:
    """The closest pair across the break: a node only the forward slice reaches and a
    different node only the backward slice reaches, joined by the shortest undirected gap
    (never through a model hub; ties broken by node id, so every run and format agrees).
    Returns the gap from the forward node to the backward node, or [] (none within MAX_GAP)."""
    side_a = sorted(n for n in fwd - bwd if not _hub(g, n))
    side_b = {n for n in bwd - fwd if not _hub(g, n)}
    if not side_a or not side_b:
        return []
    return gap_between(g, side_a, side_b, MAX_GAP)


class WhyNot:
    """Explains a missing path over any flow graph (built whole, stored, or built on demand);
    ``ctx`` (whynot_ctx) answers what the graph does not hold."""

    def __init__(self, g, ctx, config: Config, control: bool = True):
        self.g, self.ctx, self.config, self.control = g, ctx, config, control
        self._wide_a = self._wide_b = None

    def explain(self, a: str, b: str, ignore_case: bool = False) -> dict:
        g = self.g
        try:
            starts, targets = _match(g, a, ignore_case), _match(g, b, ignore_case)
        except NotFound:
            if not self.ctx.excluded:
                raise
            wide = self.ctx.wide()  # the name may exist only in excluded branches
            wa, wb = _match_any(wide, a, ignore_case), _match_any(wide, b, ignore_case)
            if not wa or not wb:
                raise  # not in any configuration either: the unknown-name error
            starts = [n for n in wa if n in g]
            targets = [n for n in wb if n in g]
            self._wide_a, self._wide_b = wa, wb
        tree = _bfs(g, starts, True, 1 << 30, control=self.control)
        fwd = set(tree)
        bwd = set(_bfs(g, targets, False, 1 << 30, control=self.control))
        doc = {"schema": SCHEMA, "query": {"from": a, "to": b, "defines": sorted(self.config.defines),
                                           "undefs": sorted(self.config.undefs), "control": self.control},
               "from": {"nodes": starts, "reach": len(fwd) - len(starts), "ends": self._ends(fwd, True)},
               "to": {"nodes": targets, "reach": len(bwd) - len(targets), "ends": self._ends(bwd, False)}}
        path = _path_in(tree, set(targets)) if starts and targets else None  # (the same search)
        if path is not None:
            doc.update(path_exists=True, path=path, closest=None, reasons=[])
            doc["labels"] = self._labels(doc)
            return doc
        gap = _closest(g, fwd, bwd)
        closest = None
        if gap:
            closest = {"from": gap[0], "to": gap[-1], "distance": len(gap) - 1, "gap": gap,
                       "from_label": g.attrs_of(gap[0]).get("label"), "to_label": g.attrs_of(gap[-1]).get("label")}
        reasons = self._reasons(fwd, bwd, gap)
        reasons += self._preprocessor(starts, targets, fwd, bwd)
        reasons += self._reversed(starts, targets)
        reasons.sort(key=lambda r: (r.near, r.kind, r.text))
        kept = [r for r in reasons if r.near <= NEAR_GAP or not gap][:MAX_REASONS]
        doc.update(path_exists=False, path=None, closest=closest,
                   reasons=[dict(r.to_json(), distance=r.near) for r in kept],
                   reasons_more=len(reasons) - len(kept),
                   excluded_by_preprocessor=self.ctx.excluded)
        doc["labels"] = self._labels(doc)
        return doc

    def _labels(self, doc: dict) -> dict[str, str]:
        """node id -> label of every node the answer names (the text shows labels, not ids)."""
        ids = set(doc["from"]["ends"]) | set(doc["to"]["ends"]) | set(doc.get("path") or ())
        ids |= set((doc.get("closest") or {}).get("gap") or ())
        return {n: self.g.attrs_of(n).get("label") or n for n in sorted(ids) if n in self.g}

    # ---------------------------------------------------------------- slices
    def _ends(self, nodes: set[str], forward: bool) -> list[str]:
        deg = self.g.out_degree if forward else self.g.in_degree
        return sorted(n for n in nodes if deg(n) == 0)[:MAX_LIST]

    # ---------------------------------------------------------------- reasons
    def _reasons(self, fwd: set[str], bwd: set[str], gap: list[str]) -> list[Reason]:
        out = self._reasons_at(fwd, bwd)
        # steps from the gap (undirected); a reason in a function the gap runs through counts as on it
        gap_fns = {self.g.attrs_of(n).get("owner") for n in gap}
        near = distances(self.g, gap, [nodes for _, nodes in out], NEAR_GAP) if gap else [99] * len(out)
        for (r, _), d in zip(out, near):
            r.near = min(d, 1) if r.function in gap_fns else d
        return [r for r, _ in out]

    def _reasons_at(self, fwd: set[str], bwd: set[str]) -> list[tuple[Reason, list[str]]]:
        """Each reason with the nodes it is at."""
        g, out, ctx = self.g, [], self.ctx
        seen = set()

        def add(r: Reason, nodes) -> None:
            key = (r.kind, r.text)
            if key in seen:
                return
            seen.add(key)
            out.append((r, list(nodes)))

        for side, nodes in (("from", fwd), ("to", bwd)):
            for n in sorted(nodes):
                d = g.attrs_of(n)
                if d.get("ambiguous") and d.get("kind") == "field":
                    owners = ctx.owners(d.get("name"))
                    add(Reason("ambiguous-field", f"owner of field {d.get('name')!r} unresolved ({d.get('label')}); "
                               f"declared in {', '.join(owners[:5]) or 'no known struct'}", side,
                               detail={"node": n, "owners": owners}), [n])
            if side == "from":
                through = [(u, v) for u in sorted(fwd) for v, kind in g.out_edges_kind(u) if kind == "through"]
                evidence = g.evidence_many(through)
                for u, v in through:
                    ev = evidence[(u, v)][0]
                    add(Reason("external-function",
                               f"{ev.get('via')}() has no definition and no model: its result is a guess "
                               f"(arguments -> result) and nothing flows into it", side, ev["file"], ev["line"],
                               ev["function"], {"callee": ev.get("via")}), [u, v])
                for node, call in self._calls_reading(nodes):
                    self._call_reason(call, node, side, add)
        for fkey, callee, file, line, fname in ctx.unresolved():
            nodes = [n for n in fwd if g.attrs_of(n).get("owner") == fkey]
            tnodes = [n for n in bwd if g.attrs_of(n).get("owner") == fkey]
            if nodes or tnodes:
                add(Reason("indirect-call", f"call through {callee} resolves to no function (no assignment or "
                           f"registration table stores one in that slot)", "from" if nodes else "to", file,
                           line, fname, {"callee": callee}), nodes + tnodes)
        for n in sorted(bwd):
            d = g.attrs_of(n)
            if d.get("kind") == "param" and g.in_degree(n) == 0:
                fkey = d.get("owner")
                add(Reason("no-caller", f"{fkey}() is never called with a known argument (only through "
                           f"a pointer srcscan did not resolve, from outside the tree, or not at all)", "to",
                           d.get("file"), d.get("line"), fkey), [n])
        return out

    def _calls_reading(self, nodes: set[str]):
        """(node, call) for the calls that go nowhere whose arguments read a node of the slice."""
        by_fn: dict[str, list[str]] = {}
        for n in nodes:
            d = self.g.attrs_of(n)
            if d.get("kind") in ("local", "param") and d.get("owner"):
                by_fn.setdefault(d["owner"], []).append(n)
        for fkey, ns in sorted(by_fn.items()):
            ns.sort()
            names = {self.g.attrs_of(n).get("name") for n in ns}
            for call in self.ctx.external_calls(fkey):
                if names.intersection(call[6]):
                    yield ns[0], call

    @staticmethod
    def _call_reason(call, node, side, add) -> None:
        name, line, file, fname, kind, macro, _ = call
        if kind == "macro-hidden":
            add(Reason("macro-hidden", f"{name} is a macro (#define {name} {macro}): "
                       f"srcscan does not expand it, so the value stops at {name}(...)", side, file, line,
                       fname, {"callee": name}), [node])
        else:
            add(Reason("external-function", f"{name}() has no definition in the tree and no model: the value "
                       f"passed to it goes nowhere", side, file, line, fname, {"callee": name}), [node])

    def _reversed(self, starts: list[str], targets: list[str]) -> list[Reason]:
        """The value flows the other way: B reaches A (the question asked in reverse)."""
        if not starts or not targets:
            return []
        # a hint, not a proof: searched only as far as REVERSE_LIMIT nodes downstream of B
        path = _path_on(self.g, targets, set(starts), self.control, REVERSE_LIMIT)
        if path is None:
            return []
        return [Reason("reversed", f"the value flows the other way: {path[0]} reaches {path[-1]} in "
                       f"{len(path) - 1} step{'s' if len(path) != 2 else ''} (ask why-not B A, or trace A "
                       f"upstream)", "both", detail={"path": path}, near=-2)]

    def _preprocessor(self, starts: list[str], targets: list[str], fwd: set[str], bwd: set[str]) -> list[Reason]:
        """Would the path exist with every #if branch kept? Then the configuration cut it."""
        if not self.ctx.excluded:
            return []
        # a path through an excluded fact leaves the forward slice and enters the backward one
        # through facts that name them: without such a fact there is nothing to look for
        names = self.ctx.excluded_names()

        def near(nodes: set[str]) -> set[str]:
            out, owners = set(), set()
            for n in nodes:
                d = self.g.attrs_of(n)
                out.update(near_keys(d.get("kind"), d.get("name"), d.get("owner")))
                owners.add(d.get("owner"))
            for fkey in owners - {None}:  # calls that go nowhere here may reach an excluded function
                out.update("c:" + c[0] for c in self.ctx.external_calls(fkey))
            return out

        if self._wide_a is None and not (names & near(fwd) and names & near(bwd)):
            return []
        wide = self.ctx.wide()
        cfg = self.ctx.pp_config(self.config)  # (with what the tree's headers decide)
        s = self._wide_a or [n for n in starts if n in wide]
        t = self._wide_b or [n for n in targets if n in wide]
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
                       f"({self.ctx.excluded} facts excluded)", "both", ev["file"], ev["line"], ev.get("function"),
                       {"preproc": ev.get("preproc"), "path": path}, near=-1)]


def why_not(facts: dict, a: str, b: str, config: Config | None = None, control: bool = True,
            ignore_case: bool = False) -> dict:
    """Explain why no path leads from A to B over the facts of a snapshot (path -> FileFacts);
    the graph is built on demand, only as far as the two slices and the gap reach."""
    from ..graph.demand import DemandGraph
    from ..graph.flow import BuildOptions, FlowBuilder

    config = config or Config()
    program = Program(facts)
    g = DemandGraph(FlowBuilder(program, options=BuildOptions(config=config, control=control)))
    return explain_on(g, ProgramContext(program, g.b, g.b.m, config, control), a, b, config, control, ignore_case)


def explain(analysis, cache, a: str, b: str, config: Config, control: bool = True, ignore_case: bool = False,
            jobs: int = 0) -> dict:
    """why-not on the graph an analysis holds: built on demand (its program answers the rest),
    or whole and cached (a record stored with it answers the rest, without reading facts)."""
    from ..extract.index import index
    from ..graph.demand import DemandGraph
    from ..graph.flow import BuildOptions, FlowBuilder
    from .whynot_ctx import PREFIX, StoredContext

    g = analysis.graph

    def program() -> Program:  # the facts are read only when this is called
        return analysis.get_program() or Program(index(analysis.snapshot, cache, jobs)[0])

    if isinstance(g, DemandGraph):
        key = g.store.gkey if g.store is not None and cache is not None else ""  # (the excluded count is kept under it)
        ctx = ProgramContext(analysis.get_program(), g.b, g.b.m, config, control, cache, key)
    else:
        blob = cache.get_blob(PREFIX + analysis.gkey) if cache is not None and analysis.gkey else None
        stored = None
        if blob is not None:
            try:
                stored = StoredContext(blob, lambda: ProgramContext(program(), None, None, config, control))
            except ValueError as e:  # damaged or foreign: made again below, and replaced
                from ..util import note

                note(f"warning: the cached why-not record was damaged ({e}); rebuilt and replaced")
                blob = None
        if blob is None and cache is not None and analysis.gkey:  # a graph cached without one: make it once
            from ..graph.flow import build_graph
            from .whynot_ctx import record

            p = program()
            blob = record(p, build_graph(p, options=BuildOptions(config=config, control=control)), None, config)
            try:
                cache.put_blob(PREFIX + analysis.gkey, blob)
            except Exception:  # the answer does not need it kept
                pass
        if stored is not None:  # the program is read only if the preprocessor reason needs it
            ctx = stored
        elif blob is not None:
            ctx = StoredContext(blob, lambda: ProgramContext(program(), None, None, config, control))
        else:  # no cache: the program answers, on a graph built on demand
            g = DemandGraph(FlowBuilder(program(), options=BuildOptions(config=config, control=control)))
            ctx = ProgramContext(g.b.p, g.b, g.b.m, config, control)
    return explain_on(g, ctx, a, b, config, control, ignore_case)


def explain_on(g, ctx, a: str, b: str, config: Config, control: bool = True, ignore_case: bool = False) -> dict:
    """why-not over a graph and its context (whynot_ctx.ProgramContext or StoredContext)."""
    return WhyNot(g, ctx, config, control).explain(a, b, ignore_case)


def render_text(doc: dict) -> str:
    q = doc["query"]
    labels = doc.get("labels") or {}

    def lab(ids) -> list[str]:
        return [labels.get(n, n) for n in ids]

    out = [f"srcscan why-not {q['from']} -> {q['to']}"]
    if doc["path_exists"]:
        out.append("a path exists after all:")
        out += [("  " if i == 0 else "  -> ") + n for i, n in enumerate(lab(doc["path"]))]
        return "\n".join(out) + "\n"
    f, t = doc["from"], doc["to"]
    out.append(f"no path. {q['from']} reaches {f['reach']} nodes downstream; {q['to']} is reached from "
               f"{t['reach']} nodes upstream.")
    if f["ends"]:
        out.append("  downstream of " + q["from"] + " ends at: " + ", ".join(lab(f["ends"])))
    if t["ends"]:
        out.append("  upstream of " + q["to"] + " starts at: " + ", ".join(lab(t["ends"])))
    c = doc["closest"]
    if c:
        out.append(f"closest pair: {labels.get(c['from'], c['from'])}  ..{c['distance']} step{'s' if c['distance'] != 1 else ''} "
                   f"(ignoring direction)..  {labels.get(c['to'], c['to'])}")
        if c["distance"] > 1:
            out.append("  gap: " + " ~ ".join(lab(c["gap"])))
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
