"""why-not's undirected searches between the two slices (issue 34): the gap between them and
each reason's distance from it, searched from both ends at once so that a graph built on
demand builds only the functions around about half of each distance, with the same answers
(and tie-breaks) as issue 15's search from one side (``_undirected_bfs``)."""
from __future__ import annotations


def _hub(g, n: str) -> bool:
    """Model nodes (one per source or sink API) join unrelated flows: never a step of a gap."""
    return g.kind(n) in ("source", "sink")


def _undirected_bfs(g, seeds, limit: int, stop=None):
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


def distances(g, gap: list[str], groups: list[list[str]], limit: int) -> list[int]:
    """Each group's least undirected distance from the gap as ``_undirected_bfs(g, gap, limit)``
    counts it, or 99 beyond ``limit`` (only distances up to NEAR_GAP decide anything). Each is
    searched from the gap and from the group at once (``gap_between``): a search from the gap
    alone grows its widest level, on a graph built on demand the functions of every node of it."""
    if any(_hub(g, n) for nodes in groups for n in nodes):  # (a model hub is next to every user of it)
        dist, _ = _undirected_bfs(g, gap, limit)
        return [min([dist.get(n, 99) for n in nodes] or [99]) for nodes in groups]
    out = []
    for nodes in groups:
        path = gap_between(g, sorted(set(gap)), set(nodes), limit) if nodes else []
        out.append(len(path) - 1 if path else 99)
    return out


def gap_between(g, side_a: list[str], side_b: set[str], limit: int) -> list[str]:
    """The path ``_undirected_bfs(g, side_a, limit, stop=side_b)`` leads to the least node of
    ``side_b`` at the least distance (each node's parent: the least node of the level before
    next to it), found by searching from both sides at once: each round grows the side with
    the smaller frontier by one level, and the two meet at half the distance (on a graph built
    on demand, a search of 12 levels from one side builds the functions of every node within
    11 steps; two of 6 build far fewer). The same path, by the argument in the comments."""
    nbrs: dict[str, set[str]] = {}

    def around(u: str) -> set[str]:
        got = nbrs.get(u)
        if got is None:
            got = nbrs[u] = set(g.successors(u)) | set(g.predecessors(u))
        return got

    # A: the one-sided search's own levels (its distances and parents, exactly)
    dist_a = {n: 0 for n in side_a}
    parent_a: dict[str, str | None] = {n: None for n in side_a}
    level_a = sorted(side_a)
    # B: distances to side_b through nodes the one-sided search may step through (no hubs:
    # a hub it reaches is a dead end, so it is never inside a path and never a node of side_b)
    dist_b = {n: 0 for n in side_b}
    level_b = sorted(side_b)
    a = b = 0
    grown = level_a
    while True:
        if any(n in dist_a and n in dist_b for n in grown):
            break  # the first meeting: the distance is a + b (it was more before this round)
        if a + b >= limit or not level_a or not level_b:
            return []
        if len(level_a) <= len(level_b):
            nxt = []
            for u in level_a:
                if _hub(g, u) and parent_a[u] is not None:
                    continue
                for v in sorted(around(u)):
                    if v not in dist_a:
                        dist_a[v] = a + 1
                        parent_a[v] = u
                        nxt.append(v)
            level_a, a = sorted(nxt), a + 1
            grown = level_a
        else:
            nxt = []
            for u in level_b:
                for v in around(u):
                    if v not in dist_b and not _hub(g, v):
                        dist_b[v] = b + 1
                        nxt.append(v)
            level_b, b = sorted(nxt), b + 1
            grown = level_b
    # on[j]: the nodes j steps from side_b that lie on a shortest path (their distance from
    # side_a is a + b - j). At j = b they are the meeting nodes at distance a from side_a; a
    # node one step nearer side_b is on one when it is next to one of those (its neighbour at
    # distance a + b - j - 1 from side_a is the one-sided search's parent of it, and every
    # such neighbour is j + 1 steps from side_b). Nodes under b steps from side_b were grown,
    # so their neighbours are known.
    on: dict[int, set[str]] = {b: {n for n in dist_b if dist_b[n] == b and dist_a.get(n) == a}}
    for j in range(b - 1, -1, -1):
        on[j] = {n for n in dist_b if dist_b[n] == j and not around(n).isdisjoint(on[j + 1])}
    if not on[0]:
        return []
    out = [min(on[0])]  # the least node of side_b at the least distance
    for j in range(1, b + 1):  # its parent: the least neighbour one level nearer side_a
        out.append(min(around(out[-1]) & on[j]))
    while parent_a[out[-1]] is not None:
        out.append(parent_a[out[-1]])
    return out[::-1]
