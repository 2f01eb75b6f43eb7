"""The slice and path search over a flow graph: which nodes a user's symbol names, and the
cheapest-path trees (upstream, downstream) with the edge cost table and the control-tail rule."""
from __future__ import annotations

import difflib

from ..errors import UsageError
from ..graph import store as graphstore

MAX_SLICE = 4000
MAX_TERMINALS = 12  # sources/sinks a slice's leaves are extended to
TERMINALS_PER_LEAF = 3


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


def _within_control_tail(path: list[str], control_edges: set) -> bool:
    """A path has no control edge after its first, nor more than CONTROL_TAIL steps after it."""
    seen_at = None
    for i, e in enumerate(zip(path, path[1:])):
        if e in control_edges:
            if seen_at is not None:
                return False
            seen_at = i
    return seen_at is None or len(path) - 2 - seen_at <= CONTROL_TAIL
