"""why-not's gap between the two slices (issue 34): searched from both sides at once so that a
graph built on demand builds only the functions around half the distance from each side, it
must name the very path the one-sided search of issue 15 names (same nodes, same tie-breaks:
the least node of the backward side at the least distance, each step's least parent), on any
graph, hubs included, and stop at the same limit."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srcscan.query.whynot import _undirected_bfs, distances, gap_between


class Graph:
    """A directed graph with the read API the search uses; counts the nodes whose neighbours
    were asked (what a graph built on demand builds functions for)."""

    def __init__(self, edges, hubs=()):
        self.succ, self.pred, self.hubs = {}, {}, set(hubs)
        for u, v in edges:
            self.succ.setdefault(u, set()).add(v)
            self.pred.setdefault(v, set()).add(u)
        self.asked = set()

    def successors(self, n):
        self.asked.add(n)
        return iter(sorted(self.succ.get(n, ())))

    def predecessors(self, n):
        self.asked.add(n)
        return iter(sorted(self.pred.get(n, ())))

    def kind(self, n):
        return "sink" if n in self.hubs else "local"


def one_sided(g, side_a, side_b, limit):
    """The gap as issue 15's search found it (one BFS from side_a, stopping at side_b)."""
    dist, parent = _undirected_bfs(g, side_a, limit, stop=side_b)
    hits = sorted((dist[n], n) for n in side_b if n in dist and dist[n] > 0)
    if not hits:
        return []
    out = [hits[0][1]]
    while parent[out[-1]] is not None:
        out.append(parent[out[-1]])
    return out[::-1]


@st.composite
def cases(draw):
    n = draw(st.integers(4, 40))
    names = [f"n{i:02d}" for i in range(n)]
    edges = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=3 * n))
    hubs = draw(st.sets(st.sampled_from(names), max_size=3))
    rest = [x for x in names if x not in hubs]
    a = draw(st.sets(st.sampled_from(rest), min_size=1, max_size=4)) if rest else set()
    b = draw(st.sets(st.sampled_from([x for x in rest if x not in a] or ["none"]), min_size=1, max_size=4))
    limit = draw(st.integers(1, 12))
    return edges, hubs, sorted(a), set(b) - {"none"}, limit


@settings(max_examples=400, deadline=None)
@given(cases())
def test_the_two_sided_gap_is_the_one_sided_gap(case):
    edges, hubs, a, b, limit = case
    if not a or not b:
        return
    assert gap_between(Graph(edges, hubs), a, b, limit) == one_sided(Graph(edges, hubs), a, b, limit)


@pytest.mark.parametrize("seed", range(5))
def test_on_a_long_chain_of_wide_levels_it_asks_about_far_fewer_nodes(seed):
    # two bushy trees joined by a chain: one side's search grows through every level of the
    # far tree before it reaches it; meeting in the middle does not
    rnd = random.Random(seed)
    edges = []
    for root, tag in (("a", "A"), ("b", "B")):
        level = [root]
        for d in range(4):
            nxt = []
            for u in level:
                for i in range(3):
                    v = f"{tag}{d}_{u}_{i}"
                    edges.append((u, v) if rnd.random() < 0.5 else (v, u))
                    nxt.append(v)
            level = nxt
    chain = ["a"] + [f"c{i}" for i in range(6)] + ["b"]
    edges += list(zip(chain, chain[1:]))
    one, two = Graph(edges), Graph(edges)
    assert gap_between(two, ["a"], {"b"}, 12) == one_sided(one, ["a"], {"b"}, 12) == chain
    assert len(two.asked) * 2 < len(one.asked)


@pytest.mark.parametrize("length", [1, 2, 5, 12])
def test_a_gap_longer_than_the_limit_is_no_gap(length):
    chain = [f"c{i:02d}" for i in range(length + 1)]
    edges = list(zip(chain, chain[1:]))
    assert gap_between(Graph(edges), chain[:1], {chain[-1]}, length) == chain
    assert gap_between(Graph(edges), chain[:1], {chain[-1]}, length - 1) == []


@st.composite
def groups_cases(draw):
    n = draw(st.integers(3, 40))
    names = [f"n{i:02d}" for i in range(n)]
    edges = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)), max_size=3 * n))
    hubs = draw(st.sets(st.sampled_from(names), max_size=3))
    gap = draw(st.lists(st.sampled_from([x for x in names if x not in hubs] or ["none"]), min_size=1, max_size=5,
                        unique=True))
    groups = draw(st.lists(st.lists(st.sampled_from(names), max_size=4), max_size=6))
    return edges, hubs, [x for x in gap if x != "none"], groups, draw(st.integers(1, 5))


@settings(max_examples=400, deadline=None)
@given(groups_cases())
def test_reason_distances_are_those_of_the_search_from_the_gap(case):
    # (a reason further than the limit is left out whatever its distance: 99 for all of them)
    edges, hubs, gap, groups, limit = case
    if not gap:
        return
    dist, _ = _undirected_bfs(Graph(edges, hubs), gap, limit)
    want = [min([dist.get(n, 99) for n in nodes] or [99]) for nodes in groups]
    assert distances(Graph(edges, hubs), gap, groups, limit) == want


def test_reason_distances_leave_the_widest_level_of_the_gap_search_unexpanded():
    # a gap node with a wide fan three steps out, reasons one step past it
    edges = [("g", "a"), ("a", "b")] + [("b", f"w{i}") for i in range(30)] + [(f"w{i}", f"x{i}") for i in range(30)]
    edges += [("r", "w0")]
    one, two = Graph(edges), Graph(edges)
    dist, _ = _undirected_bfs(one, ["g"], 4)
    assert distances(two, ["g"], [["r"], ["x3"], ["nowhere"]], 4) == [dist["r"], dist["x3"], 99] == [4, 4, 99]
    assert len(two.asked) * 3 < len(one.asked)


def test_a_reason_behind_a_model_hub_is_not_near_the_gap():
    # a model node (one per source/sink API) joins unrelated flows: never a step towards a reason
    edges = [("g", "a"), ("a", "hub"), ("r", "hub"), ("a", "b"), ("b", "s")]
    assert distances(Graph(edges, {"hub"}), ["g"], [["r"], ["s"], ["hub"]], 3) == [99, 3, 2]
    assert distances(Graph(edges, {"hub"}), ["g"], [["r"], ["s"], ["a", "r"]], 3) == [99, 3, 1]
