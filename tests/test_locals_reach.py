"""Reaching definitions made near-linear (issue 32, item 2) give the same answers as the
quadratic-per-use rule they replace: random definitions and uses (nested ifs and loops,
#if conditions) through both, and a function assigning one local thousands of times builds
its graph with one edge per use, not one per earlier definition."""
from __future__ import annotations

import random

from hypothesis import given, settings, strategies as st

from srcscan.graph.locals import _LOOPS, _Def, _dominates, _Index, _reach


def reference(vs, pos, guards, pp):
    """The rule as it was written first (O(n^2) per use): the specification."""
    before = [d for d in vs if d.pos < pos]
    out = []
    for i, d in enumerate(before):
        if not any(_dominates(k, guards, pp) for k in before[i + 1:]):
            out.append(d)
    loops = [g for g in guards if g[0] in _LOOPS]
    if loops:
        for d in vs:
            if d.pos < pos:
                continue
            shared = [g for g in loops if g in d.guards]
            if not shared:
                continue
            loop = shared[-1]
            if not any(loop in k.guards and _dominates(k, guards, pp) for k in before):
                out.append(d)
    if not before or not any(_dominates(k, guards, pp) for k in before):
        out.append(None)
    return out


def random_function(rng: random.Random, n: int):
    """Statements of a random structured body: (pos, guards, pp) with guards the stack of
    constructs open around it; some guards repeat (two loops on one line from a macro)."""
    stmts, stack, line = [], [], 1
    for _ in range(n):
        r = rng.random()
        if r < 0.15 and len(stack) < 5:
            kind = rng.choice(["if", "else", "while", "for", "do", "switch", "case"])
            stack.append((kind, line if rng.random() < 0.9 else 1, f"c{rng.randrange(3)}"))
        elif r < 0.3 and stack:
            stack.pop()
        pp = frozenset(rng.sample(["A", "B", "!A"], rng.randrange(3)))
        stmts.append(((line, rng.randrange(3)), tuple(stack), pp))
        line += 1
    return stmts


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32), st.integers(1, 60))
def test_same_answers_as_the_quadratic_rule(seed, n):
    rng = random.Random(seed)
    stmts = random_function(rng, n)
    defs = sorted({s[0]: s for s in rng.sample(stmts, max(1, len(stmts) // 2))}.values())
    vs = [_Def(p, g, pp, (i, p[0])) for i, (p, g, pp) in enumerate(defs, 1)]
    ix = _Index(vs)
    for pos, guards, pp in stmts:
        assert _reach(vs, ix, pos, guards, pp) == reference(vs, pos, guards, pp)


def test_many_assignments_cost_a_linear_number_of_checks(monkeypatch):
    """``rc = g(a + i); if (rc < 0) return rc;`` 2,000 times: each use reads only the definition
    just before it, and finding that takes a few dominance checks per use, not one per earlier
    definition (counted, not timed: the time ladder is benchmarks/locals_ladder.py)."""
    from srcscan.extract.nesting import extract_bounded
    from srcscan.graph import locals as lv
    from srcscan.graph.flow import build_graph
    from srcscan.graph.program import Program

    n = 2000
    calls = [0]
    real = lv._dominates

    def counted(*a):
        calls[0] += 1
        return real(*a)

    monkeypatch.setattr(lv, "_dominates", counted)
    # (a data value, not a status code: queries/config.toml [status] ends a path at `rc`)
    body = "".join(f"    val = g(a + {i});\n    if (val < 0)\n        return val;\n" for i in range(n))
    src = "int g(int);\nint f(int a)\n{\n    int val = 0;\n" + body + "    return val;\n}\n"
    g = build_graph(Program({"a.c": extract_bounded("a.c", src.encode(), "k")})).g
    assert len([v for v in g.nodes if v.startswith("local:a.c:f:val@")]) == n + 1
    assert g.number_of_edges() == 2 * n  # each definition -> its check and its return
    assert calls[0] <= 4 * (2 * n + 1), calls[0]  # was ~n*n/2 (2 million)
