"""Slicing rule for control dependence: a path takes at most CONTROL_TAIL data steps after a
control edge, and a node first reached that way is followed on when a data path reaches it."""
from srcscan.graph.store import KINDS, CompactGraph
from srcscan.query.slicing import CONTROL_TAIL, _bfs, _tree_paths


def graph(edges):
    ids = sorted({n for e in edges for n in e[:2]})
    index = {n: i for i, n in enumerate(ids)}
    succ = [[] for _ in ids]
    for u, v, k in edges:
        succ[index[u]].append((index[v], KINDS.index(k)))
    attrs = [("local", n, n, "f", "f.c", 1, False, None) for n in ids]
    return CompactGraph(ids, attrs, succ)


CHAIN = [("s", "x", "control"), ("x", "a", "assign"), ("a", "b", "assign"), ("b", "c", "assign"),
         ("c", "d", "assign"), ("x", "y", "control")]


def test_a_control_edge_leaves_a_few_data_steps():
    assert CONTROL_TAIL == 3
    tree = _bfs(graph(CHAIN), ["s"], True, 100)
    assert set(tree) == {"s", "x", "a", "b", "c"}  # not d (4th step), not y (second control edge)
    assert tree.ends == {"c"}
    paths = list(_tree_paths(graph(CHAIN), tree, "s", True, "sink", 10))
    assert (["s", "x", "a", "b", "c"], "control") in paths


def test_upstream_never_follows_control():
    assert set(_bfs(graph(CHAIN), ["c"], False, 100, control=True)) == {"c", "b", "a", "x"}


def test_a_data_path_reopens_a_node_a_control_edge_closed():
    data = ["s", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10", "c"]
    g = graph(CHAIN + [(u, v, "assign") for u, v in zip(data, data[1:])])
    tree = _bfs(g, ["s"], True, 100)
    # c is reached first through the control edge (cost 6 + 3 data steps = 9) with no steps
    # left, then by data alone (cost 11): it is followed on to d, along the data path
    assert "d" in tree and "c" not in tree.ends
    assert tree["c"] == "p10" and tree["d"] == "c"


def test_no_control_flag_drops_control_edges():
    assert set(_bfs(graph(CHAIN), ["s"], True, 100, control=False)) == {"s"}
