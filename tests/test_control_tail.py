"""Slicing rule for control dependence: a path stops at the data written under the condition
(CONTROL_TAIL 0), or takes at most N data steps after a control edge when asked (trace
--control-tail N), and a node first reached that way is followed on when a data path reaches it."""
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


def test_a_control_edge_stops_at_the_data_under_the_condition():
    assert CONTROL_TAIL == 0
    tree = _bfs(graph(CHAIN), ["s"], True, 100)
    assert set(tree) == {"s", "x"} and tree.ends == {"x"}
    assert list(_tree_paths(graph(CHAIN), tree, "s", True, "sink", 10)) == [(["s", "x"], "control")]


def test_a_control_tail_leaves_that_many_data_steps():
    tree = _bfs(graph(CHAIN), ["s"], True, 100, tail=3)
    assert set(tree) == {"s", "x", "a", "b", "c"}  # not d (4th step), not y (second control edge)
    assert tree.ends == {"c"}
    paths = list(_tree_paths(graph(CHAIN), tree, "s", True, "sink", 10, 3))
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


def test_cheapest_path_trees_have_no_cycles():
    """Whatever the graph, walking a slice's parents from any node ends at a start: a node
    taken again in a freer state never becomes its own ancestor (that hung real traces)."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    kinds = ["assign", "arg", "return", "out", "summary", "control", "alias-load", "alias-store"]
    names = [f"n{i}" for i in range(7)]
    edge = st.tuples(st.sampled_from(names), st.sampled_from(names), st.sampled_from(kinds))

    @settings(max_examples=600, deadline=None)
    @given(st.lists(edge, min_size=1, max_size=30), st.booleans(), st.sets(st.sampled_from(names)))
    def check(edges, forward, fields):
        g = graph([e for e in edges if e[0] != e[1]] or [("n0", "n1", "assign")])
        g.attrs = [("field" if n in fields else "local",) + a[1:] for n, a in zip(g.ids, g.attrs)]
        start = g.ids[0]
        tree = _bfs(g, [start], forward, 100)
        for n in tree:
            seen, m = set(), n
            while m is not None:
                assert m not in seen, f"cycle through {m}"
                seen.add(m)
                m = tree[m]
            assert start in seen

    check()


def test_a_node_taken_again_in_a_freer_state_keeps_a_tree():
    # found by search: n2 is reached through an argument (phase 1), n1 from it; n1 then
    # reaches n2 again with more freedom, which must not make n2 its own ancestor
    edges = [("n2", "n1", "assign"), ("n1", "n2", "alias-store"), ("n3", "n2", "return"), ("n3", "n0", "control"),
             ("n3", "n2", "alias-load"), ("n0", "n2", "arg"), ("n2", "n0", "return"), ("n2", "n1", "control")]
    g = graph(edges)
    fields = {"n0", "n1", "n3"}
    g.attrs = [("field" if n in fields else "local",) + a[1:] for n, a in zip(g.ids, g.attrs)]
    tree = _bfs(g, ["n0"], True, 100)
    for n in tree:
        seen, m = set(), n
        while m is not None:
            assert m not in seen
            seen.add(m)
            m = tree[m]


def _kinds(g, kinds: dict):
    g.attrs = [(kinds.get(n, "local"),) + a[1:] for n, a in zip(g.ids, g.attrs)]
    return g


def test_the_cheaper_explanation_wins():
    # two ways from s to t: two data steps (cost 2) or one guess through an unknown call (3)
    g = graph([("s", "a", "assign"), ("a", "t", "assign"), ("s", "t", "through")])
    assert _bfs(g, ["s"], True, 100)["t"] == "a"
    g = graph([("s", "a", "assign"), ("a", "b", "assign"), ("b", "c", "assign"), ("c", "t", "assign"),
               ("s", "t", "through")])
    assert _bfs(g, ["s"], True, 100)["t"] == "s"  # four data steps cost more than one guess


def test_a_leaf_is_extended_to_a_sink_and_ends_are_named():
    # y's only way on is through z, which the tree reached from x: y's path still goes on to k
    g = _kinds(graph([("s", "x", "assign"), ("s", "y", "assign"), ("x", "z", "assign"), ("y", "z", "assign"),
                      ("z", "k", "model"), ("s", "w", "assign")]), {"k": "sink"})
    tree = _bfs(g, ["s"], True, 100)
    paths = dict((tuple(p), why) for p, why in _tree_paths(g, tree, "s", True, "sink", 10))
    assert paths[("s", "y", "z", "k")] == "sink" and paths[("s", "x", "z", "k")] == "sink"
    assert paths[("s", "w")] == "leaf"  # nothing further: a leaf, not a cut
    first = next(iter(_tree_paths(g, tree, "s", True, "sink", 10)))
    assert first[1] == "sink"  # paths that end at a sink come first


def test_a_slice_limit_cuts_and_says_so():
    g = graph([("s", "a", "assign"), ("a", "b", "assign"), ("b", "c", "assign")])
    tree = _bfs(g, ["s"], True, 2)
    assert set(tree) == {"s", "a"}
    assert list(_tree_paths(g, tree, "s", True, "sink", 10)) == [(["s", "a"], "cut")]


def test_symbols_name_nodes_and_near_misses_are_suggested():
    from srcscan.query.slicing import match_nodes, suggestions

    g = graph([("field:TM.cTicks", "local:f.c:f:uHz", "assign")])
    g.attrs = [("field", "TM.cTicks", "cTicks", "TM", "f.c", 1, False, None),
               ("local", "f:uHz", "uHz", "f", "f.c", 2, False, None)]
    assert match_nodes(g, "field:TM.cTicks") == ["field:TM.cTicks"]  # a node id
    assert match_nodes(g, "cTicks") == ["field:TM.cTicks"] and match_nodes(g, "f:uHz") == ["local:f.c:f:uHz"]
    assert suggestions(g, "ctICKS")[0] == "cTicks"  # the same name in another case first


def test_the_control_tail_option(capsys):
    """trace --control-tail N: the shift computed under a loop and stored after it is reached
    only when one more data step is asked for; a bad N is a one-line usage error."""
    import json
    from pathlib import Path

    from srcscan import cli

    src = str(Path(__file__).parent / "flows" / "control.c")
    base = ["trace", "kvmUpdate#0 (u64TscFreq)", "--to", "KVMTIME.i8TscShift", "--src", src, "--no-cache",
            "--format", "json"]
    assert cli.main(base) == 1
    capsys.readouterr()
    assert cli.main(base + ["--control-tail", "1"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["paths"] and any(e["kind"] == "control" for e in doc["edges"])
    assert cli.main(base + ["--control-tail", "-1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("srcscan: error: --control-tail -1") and "Traceback" not in "".join(err)


def test_the_control_tail_through_the_api():
    from pathlib import Path

    import srcscan

    src = str(Path(__file__).parent / "flows" / "control.c")
    q = dict(to="KVMTIME.i8TscShift", src=src, cache=False)
    assert srcscan.trace("kvmUpdate#0 (u64TscFreq)", control_tail=1, **q).paths
    from srcscan.errors import NotFound

    try:
        got = srcscan.trace("kvmUpdate#0 (u64TscFreq)", **q).paths
    except NotFound:
        got = []
    assert not got
