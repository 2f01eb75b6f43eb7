"""The calling-context rule over listed paths (issue 27): no listed path enters a function
through an argument at one call site and leaves through its result or an out argument at
another. The checker (srcscan.query.ctxcheck) is tested on hand-made traces, then run over
every path srcscan lists for the values the annotated flow files (tests/flows) name."""
import pytest

import srcscan
from srcscan.errors import NotFound
from srcscan.query.ctxcheck import violations
from test_flows import _cases, _options


def _edge(eid, src, dst, kind, line, function, via=None, code="x = f(a);"):
    ev = {"kind": kind, "file": "a.c", "line": line, "code": code, "function": function, "via": via}
    return {"id": eid, "src": src, "dst": dst, "kind": kind, **ev, "evidence": [ev]}


NODES = [{"id": "local:a.c:A:x", "kind": "local", "owner": "A"},
         {"id": "param:f#0", "kind": "param", "owner": "f"},
         {"id": "ret:f", "kind": "return", "owner": "f"},
         {"id": "local:a.c:B:y", "kind": "local", "owner": "B"},
         {"id": "global:g", "kind": "global", "owner": None}]


def _trace(leave_line, leave_fn, through_global=False):
    edges = [_edge("e1", "local:a.c:A:x", "param:f#0", "arg", 10, "A", "f"),
             _edge("e2", "param:f#0", "ret:f", "return", 3, "f"),
             _edge("e3", "ret:f", "local:a.c:B:y", "return", leave_line, leave_fn, "f")]
    nodes = ["local:a.c:A:x", "param:f#0", "ret:f", "local:a.c:B:y"]
    if through_global:
        edges[1:2] = [_edge("e4", "param:f#0", "global:g", "assign", 2, "f"),
                      _edge("e5", "global:g", "ret:f", "return", 3, "f")]
        nodes[2:2] = ["global:g"]
    return {"nodes": NODES, "edges": edges,
            "paths": [{"id": "p1", "nodes": nodes, "edges": [e["id"] for e in edges]}]}


def test_the_checker_finds_a_path_leaving_at_another_call():
    got = violations(_trace(20, "B"))
    assert [(v["path"], v["enter"], v["leave"], v["function"]) for v in got] == [("p1", "e1", "e3", "f")]
    assert violations(_trace(11, "A")), "another call in the same caller is another call site"


def test_the_checker_accepts_the_same_call_and_global_memory():
    assert violations(_trace(10, "A")) == []
    assert violations(_trace(20, "B", through_global=True)) == []


def test_the_checker_sees_a_call_entered_from_a_may_alias_field():
    """A getter entered from the type's field (its caller's object is not known: an
    ``alias-arg`` step at that call) and left through an out argument at another caller
    (issue 27: HGCMSvcGetCStr entered at getNotification's call, left at setProperty's)."""
    nodes = NODES + [{"id": "field:P.addr", "kind": "field", "owner": "P"},
                     {"id": "param:get#0*.addr", "kind": "param", "owner": "get"},
                     {"id": "param:get#1*", "kind": "param", "owner": "get"}]

    def trace(leave_line, leave_fn):
        edges = [_edge("e1", "global:g", "field:P.addr", "assign", 5, "K"),
                 _edge("e2", "field:P.addr", "param:get#0*.addr", "alias-arg", 30, "N", "get"),
                 _edge("e3", "param:get#0*.addr", "param:get#1*", "assign", 2, "get"),
                 _edge("e4", "param:get#1*", "local:a.c:B:y", "out", leave_line, leave_fn, "get")]
        ns = ["global:g", "field:P.addr", "param:get#0*.addr", "param:get#1*", "local:a.c:B:y"]
        return {"nodes": nodes, "edges": edges, "paths": [{"id": "p1", "nodes": ns, "edges": ["e1", "e2", "e3", "e4"]}]}

    assert [(v["enter"], v["leave"], v["function"]) for v in violations(trace(40, "B"))] == [("e2", "e4", "get")]
    assert violations(trace(30, "N")) == []
    # a trace written before alias-arg: the same entry as an alias-load made in the caller
    old = trace(40, "B")
    for e in old["edges"]:
        if e["id"] == "e2":
            e["kind"] = e["evidence"][0]["kind"] = "alias-load"
    assert [(v["enter"], v["leave"]) for v in violations(old)] == [("e2", "e4")]
    # an alias-load the callee makes itself (its parameter's object read as the type's field)
    # is not a call
    for e in old["edges"]:
        if e["id"] == "e2":
            e["function"] = e["evidence"][0]["function"] = "get"
    assert violations(old) == []


def _symbols():
    seen = set()
    for p in _cases():
        path, _, _, opts, a, _ = p.values
        d, u, keep, control = _options(opts)
        key = (path, a.strip(), tuple(d), tuple(u), keep, control)
        if key not in seen:
            seen.add(key)
            yield pytest.param(*key, id=f"{path.name}:{a.strip()}")


@pytest.mark.parametrize("path,symbol,d,u,keep,control", list(_symbols()))
def test_no_listed_path_breaks_the_calling_context(path, symbol, d, u, keep, control):
    from test_flows import _analysis

    try:
        tr = srcscan.trace(symbol, analysis=_analysis(path, list(d), list(u), keep, control), defines=list(d),
                           undefs=list(u), keep_if0=keep, control=control)
    except NotFound:
        return
    got = violations(tr.to_json())
    assert not got, f"{path.name}: {symbol}: {got}"


def test_a_path_is_listed_in_the_state_the_search_had_on_it():
    """A node reached twice in states neither of which allows all the other does (after a
    control step, phase 0 with few steps left; through a call, phase 1 with any number): the
    path listed to what lies beyond it is the one the search took, not a splice of both
    (which would enter f's parameter at one call and leave through a return to another)."""
    from srcscan.graph.store import KINDS, CompactGraph
    from srcscan.query.slicing import _bfs, _tree_paths, _walk_back, realizable

    chain = ["s", "p", "q1", "q2", "q3", "q4", "q5", "u"]
    edges = [("s", "p", "arg")] + [(a, b, "assign") for a, b in zip(chain[1:], chain[2:])]
    edges += [("s", "u", "control"), ("u", "y", "return")]
    ids = sorted({n for e in edges for n in e[:2]})
    index = {n: i for i, n in enumerate(ids)}
    succ = [[] for _ in ids]
    for a, b, k in edges:
        succ[index[a]].append((index[b], KINDS.index(k)))
    g = CompactGraph(ids, [("local", n, n, "f", "f.c", 1, False, None) for n in ids], succ)
    kinds = {(a, b): k for a, b, k in edges}
    tree = _bfs(g, ["s"], True, 100, tail=3)
    assert "y" in tree
    path = list(reversed(_walk_back(tree, "y")))
    assert path == ["s", "u", "y"]
    for p, _ in _tree_paths(g, tree, "s", True, "sink", 10, 3):
        assert realizable(p, lambda a, b: kinds[(a, b)], g.kind, tail=3), p
