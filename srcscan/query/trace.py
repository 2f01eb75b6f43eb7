"""A trace: the slices of the flow graph from the nodes a query names, upstream (where the
value comes from), downstream (where it goes) and explicit paths to a target (``--to``)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

from ..errors import NotFound, UsageError
from ..extract.ppcond import Config
from ..graph import store as graphstore
from .analysis import Analysis
from .slicing import (CONTROL_TAIL, MAX_SLICE, _bfs, _tree_paths, match_nodes, realizable, sibling_hop, suggestions,
                      through_guess)

TRACE_VERSION = 23  # bump when slicing changes what a trace holds (cached history traces carry it)
MAX_PATHS = 60
MAX_TO_PATHS = 20
MAX_CONTROL_TAIL = 50


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
    rebuilt: str = ""  # why the graph was rebuilt while this trace was written out (damaged cache)
    control_tail: int = CONTROL_TAIL  # data steps a path takes after a control edge
    max_paths: int | None = MAX_PATHS
    left_out: dict[str, int] = field(default_factory=dict)  # direction -> paths found but not listed

    @property
    def graph(self):
        return self.analysis.graph

    def to_json(self, full: bool = True) -> dict:
        """The documented JSON. ``full=False`` keeps only the nodes and edges on listed paths
        (enough for the text view, much cheaper on big slices)."""
        from .tracejson import to_json

        try:
            return to_json(self, full)
        except graphstore.DamagedGraph as e:  # the cached graph's evidence is unreadable
            if self.analysis.rebuild is None:
                raise
            fresh = trace(self.analysis.rebuild(e), self.symbol, to=self.to, direction=self.direction,
                          ignore_case=self.ignore_case, config=self.config, control_tail=self.control_tail, max_paths=self.max_paths)
            self.__dict__.update(fresh.__dict__)  # this trace now runs on the rebuilt graph
            self.rebuilt = f"{e}; rebuilt the flow graph"
            return to_json(self, full)


def trace(analysis: Analysis, symbol: str, to: str | None = None, direction: str = "both",
          ignore_case: bool = False, config: Config | None = None, suggest: bool = True,
          control_tail: int = CONTROL_TAIL, max_owners: int | None = None, max_paths: int | None = MAX_PATHS) -> Trace:
    """Trace SYMBOL through an analysed snapshot. Raises NotFound for unknown symbols (with
    close names when ``suggest``: a history walk asks for them only where it reports them),
    and starts.AmbiguousStart when the symbol names values of more than ``max_owners`` owners.
    ``control_tail``: data steps a path takes after a control edge (0: it stops at the data
    written under the branch). ``max_paths`` bounds the listed paths per direction (None: one
    per leaf of the slice). A cached graph found damaged while it is read (node rows,
    adjacency) is dropped and built again once (``Trace.rebuilt`` says so), like damaged
    evidence in ``to_json``."""
    from ..extract.records import DamagedFacts

    args = (to, direction, ignore_case, config, suggest, control_tail, max_owners, max_paths)
    said = []
    while True:  # (a graph built on demand may find one damaged file's facts after another)
        try:
            tr = _trace(analysis, symbol, *args)
        except (graphstore.DamagedGraph, DamagedFacts) as e:
            if analysis.rebuild is None:
                raise
            analysis = analysis.rebuild(e)
            said.append(f"{e}; rebuilt the flow graph")
            continue
        if said:
            tr.rebuilt = "; ".join(said)
        return tr


def _damaged_repository(analysis: Analysis, name: str) -> None:
    """A name not found while files of the revision could not be read is not "no value named":
    it may live in those files. RevisionError (exit 2) naming them."""
    from ..errors import RevisionError

    unread = getattr(analysis.snapshot, "unreadable", None)
    if unread:
        raise RevisionError(f"no value named {name!r}, but {len(unread)} file(s) cannot be read from the repository "
                            f"({', '.join(unread[:2])}{'...' if len(unread) > 2 else ''}); the repository is damaged: "
                            "see 'git fsck'")


def _trace(analysis: Analysis, symbol: str, to: str | None, direction: str, ignore_case: bool,
           config: Config | None, suggest: bool, control_tail: int, max_owners: int | None,
           max_paths: int | None) -> Trace:
    if direction not in ("up", "down", "both"):
        raise UsageError(f"--direction {direction}: choose up, down or both")
    if not isinstance(control_tail, int) or not 0 <= control_tail <= MAX_CONTROL_TAIL:
        raise UsageError(f"--control-tail {control_tail}: give a number from 0 to {MAX_CONTROL_TAIL}")
    t0 = time.perf_counter()
    g = analysis.graph
    start = match_nodes(g, symbol, ignore_case) or through_typedef(analysis, symbol, ignore_case)
    if not start:
        _damaged_repository(analysis, symbol)
        hint = suggestions(g, symbol) if suggest else []
        raise NotFound(f"no value named {symbol!r} in {analysis.snapshot.describe()}"
                       + (f"; did you mean: {', '.join(hint)}?" if hint else ""))
    from .starts import check

    check(g, symbol, start, max_owners)
    tr = Trace(symbol, analysis, start, to, direction, ignore_case, config or Config(), control_tail=control_tail,
               max_paths=max_paths)
    for s in start:
        tr.nodes[s] = "start"
        if g.nodes[s].get("ambiguous"):
            tr.warnings.append(f"{g.nodes[s]['label']}: the struct owning this field could not be resolved "
                               "(shown as ambiguous, not merged with any struct)")
    starts = set(start)
    if to:
        named = match_nodes(g, to, ignore_case) or through_typedef(analysis, to, ignore_case)
        targets = [t for t in named if t not in starts]
        if named and not targets:  # (not "no value named X; did you mean: X")
            raise UsageError(f"--to {to!r} names the value the trace starts from ({symbol!r}); "
                             "give another value to find paths to")
        if not targets:
            _damaged_repository(analysis, to)
            hint = suggestions(g, to) if suggest else []
            raise NotFound(f"no value named {to!r} for --to" + (f"; did you mean: {', '.join(hint)}?" if hint else ""))
        tr.targets = targets
        _to_paths(tr, g, start, targets, tail=control_tail)
    else:
        for direction_name, forward in (("upstream", False), ("downstream", True)):
            if direction not in (direction_name[:-6] if False else ("up" if not forward else "down"), "both"):
                continue
            ends_all = []
            want = "sink" if forward else "source"
            cap = max_paths if max_paths is not None else 10 ** 9
            for s in start:
                # upstream follows data only; control dependence is shown downstream
                tree = _bfs(g, [s], forward=forward, limit=MAX_SLICE, control=forward, tail=control_tail)
                if len(tree) >= MAX_SLICE:
                    tr.warnings.append(f"{direction_name} slice of {s} cut at {MAX_SLICE} nodes")
                for n in tree:
                    role = tr.nodes.get(n)
                    if role is None:
                        tr.nodes[n] = direction_name
                    elif role not in ("start", direction_name):
                        tr.nodes[n] = "both"
                left = getattr(tree, "left", {})
                others = set(start) - {s}
                for p, why in _tree_paths(g, tree, s, forward, want, 10 ** 9, control_tail):  # all: counted, then chosen
                    guessed = any(left.get(n) is not None for n in p)  # through may-alias or control
                    if others and not others.isdisjoint(p) and (guessed or through_guess(g, p, forward)):
                        continue  # another start's own path, with a guess added at its end
                    ends_all.append((guessed, why != want, len(p), p[-1] if forward else p[0], s, why, p))
            if len(start) > 1:
                # a guess to an end that another start reaches by plain data adds nothing: that start's path tells it
                plain = [not (e[0] or through_guess(g, e[6], forward)) for e in ends_all]
                sure: dict[str, set] = {}
                for ok, e in zip(plain, ends_all):
                    if ok:
                        sure.setdefault(e[3], set()).add(e[4])
                ends_all = [e for ok, e in zip(plain, ends_all) if ok or not sure.get(e[3], set()) - {e[4]}]
            # fair share: the best paths of each start node, round-robin, plain data paths first,
            # then sources/sinks first; paths through a may-alias guess or a control step only in a small share
            # of a listing that has plain data paths (--all lists them all)
            per_start: dict[str, list] = {}
            for e in _guess_share(g, ends_all, forward, cap) if max_paths is not None else sorted(ends_all, key=lambda e: e[:4]):
                per_start.setdefault(e[4], []).append(e)
            chosen = []
            queues = [per_start[s] for s in sorted(per_start)]
            i = 0
            while len(chosen) < cap and any(i < len(q) for q in queues):
                chosen += [q[i] for q in queues if i < len(q)][:cap - len(chosen)]
                i += 1
            chosen.sort(key=lambda e: (e[4], e[0], e[1], e[2], e[3]))
            for *_, why, p in chosen:
                _add_path(tr, g, p, direction_name, why)
            if len(ends_all) > len(chosen):
                tr.left_out[direction_name] = len(ends_all) - len(chosen)
                tr.warnings.append(f"{len(ends_all) - len(chosen)} more {direction_name} paths not listed "
                                   "(--all lists every path; --to TARGET the paths to one value)")
    tr.seconds = time.perf_counter() - t0
    return tr


GUESS_SHARE = 10  # at most one listed path in this many goes through a may-alias guess or a control step
GUESS_MIN = 2  # (but always this many, also when nothing else is listed: the best guess and control step)


def _guess_share(g, ends: list, forward: bool, cap: int) -> list:
    """The candidate paths, best first: plain data paths before those through a may-alias
    guess or a control step, which keep only a share of the listing when plain data paths
    exist (a guess names some object of a per-object struct, most often another one; a control
    step reaches other data than the value: docs/objects.md)."""
    marked = sorted(((e[0] or through_guess(g, e[6], forward), e) for e in ends), key=lambda x: (x[0], *x[1][:4]))
    plain = sum(1 for gs, _ in marked if not gs)
    # (a listing of guesses alone shows the best few: each names some object, most often
    # another one, and the rest are one --all away)
    room = max(GUESS_MIN, min(plain, cap) // (GUESS_SHARE - 1))
    return [e for gs, e in marked if not gs] + [e for gs, e in marked if gs][:room]


def through_typedef(analysis: Analysis, symbol: str, ignore_case: bool = False) -> list[str]:
    """``DEVSTATE.cbLen`` where DEVSTATE is a typedef of ``struct DevState_st``: the fields of
    the struct(s) the typedef stands for (every #if branch). Reads the program only on this miss."""
    head, dot, rest = symbol.strip().partition(".")
    if not dot or not head.isidentifier() or not rest:
        return []
    try:
        p = analysis.get_program()
    except Exception:  # (the facts could not be read again: the name is simply unknown)
        return []
    if p is None:
        return []
    out: set[str] = set()
    for struct in p.struct_alts(head):
        if struct != head:
            out.update(match_nodes(analysis.graph, f"{struct}.{rest}", ignore_case))
    return sorted(out)


def _to_paths(tr: Trace, g: "graphstore.CompactGraph | graphstore.SqliteGraph", start: list[str], targets: list[str],
              control: bool = True, tail: int = CONTROL_TAIL) -> None:
    """The paths from the start nodes to the targets that obey the path rule (slicing.step),
    shortest first."""
    import networkx as nx

    down = set(_bfs(g, start, True, 10 ** 6, control=control, tail=tail))
    sub = g.subgraph_nx(_reaching(g, targets, down))
    kinds = {(u, v): k for u in sub for v, k in g.out_edges_kind(u) if v in sub}
    for t in targets:
        tr.nodes.setdefault(t, "target")
    for s in start:
        for t in targets:
            if s not in sub or t not in sub:
                continue
            try:
                found = 0
                for i, p in enumerate(nx.shortest_simple_paths(sub, s, t)):
                    if not realizable(p, lambda u, v: kinds[(u, v)], g.kind, control, tail=tail) or sibling_hop(p):
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


def _reaching(g, targets: list[str], within: set[str]) -> set[str]:
    """The nodes of ``within`` (what the starts reach under the path rule) that reach a target
    by any edges; the paths through them are checked against the rule one by one."""
    seen = set(t for t in targets if t in within)
    todo = list(seen)
    while todo:
        u = todo.pop()
        for v, _ in g.in_edges_kind(u):
            if v in within and v not in seen:
                seen.add(v)
                todo.append(v)
    return seen


def _add_path(tr: Trace, g: "graphstore.CompactGraph | graphstore.SqliteGraph", nodes: list[str], direction: str, ends_at: str) -> None:
    tr.paths.append({"direction": direction, "nodes": nodes, "ends_at": ends_at})
