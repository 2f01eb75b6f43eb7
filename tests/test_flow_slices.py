"""Whole slices of a generated flow several hundred nodes long: every node is in the slice
(no silent cap), the one path to the sink is listed whole, and upstream finds the same chain.

The C file is generated (``chain_source``) so its expected size is computed, not typed in:
a value goes through N steps that mix plain locals, calls of helpers (through their summary
edges, the helper's parameter and return in the slice too) and stores into struct fields,
and ends in a log sink.
"""
from __future__ import annotations

import pytest

import srcscan

N = 400


def chain_source(n: int, calls: bool = True) -> tuple[str, dict]:
    """C source of a chain of ``n`` steps from a config key read into ``chainHead:uIn`` to a LogRel sink,
    and the sizes a trace must find: downstream slice nodes, the path's nodes, upstream nodes."""
    helpers, fields, body = [], [], []
    down = up = 0  # nodes in a slice beside the path: a helper's parameter (and its return upstream)
    on_path = 0  # field nodes on the path
    prev = "uIn"
    for i in range(1, n + 1):
        cur = f"v{i}"
        if i % 5 == 0 and calls:
            helpers.append(f"static uint64_t h{i}(uint64_t u)\n{{\n    return u + {i};\n}}\n")
            body.append(f"    uint64_t {cur} = h{i}({prev});")
            down, up = down + 1, up + 2  # the return edge inside the helper leads back out only upstream
        elif i % 5 == 2:
            fields.append(f"uint64_t f{i};")
            body.append(f"    g_Chain.f{i} = {prev};")
            body.append(f"    uint64_t {cur} = g_Chain.f{i};")
            on_path += 1
        else:
            body.append(f"    uint64_t {cur} = {prev} + {i};")
        prev = cur
    src = ("typedef unsigned long long uint64_t;\n"
           f"typedef struct CHAIN {{ {' '.join(fields)} }} CHAIN;\n"
           "CHAIN g_Chain;\n\n" + "\n".join(helpers) +
           "\nvoid chainHead(PCFGMNODE pNode)\n{\n    uint64_t uIn = 0;\n"
           '    CFGMR3QueryU64(pNode, "Chain", &uIn);\n' + "\n".join(body) +
           f'\n    LogRel(("chain %llu\\n", {prev}));\n}}\n')
    path = 1 + n + on_path + 1  # uIn, the locals, the fields, the sink
    # upstream of the last local: the config source, uIn, the locals and fields (no sink)
    # downstream also starts at uIn's first definition (= 0): the config read through &uIn is a
    # second definition of uIn, and `chainHead:uIn` names both
    return src, {"path": path, "down": path + down + 1, "up": path + up}


def _analysed(tmp_path_factory, calls):
    src, want = chain_source(N, calls)
    d = tmp_path_factory.mktemp("chain")
    (d / "chain.c").write_text(src)
    return srcscan.analyse_sources([str(d)], cache=False), want


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    return _analysed(tmp_path_factory, True)


@pytest.fixture(scope="module")
def plain_chain(tmp_path_factory):
    """The same without helper calls: a slice with one leaf each way."""
    return _analysed(tmp_path_factory, False)


def test_expected_sizes_are_large():
    _, want = chain_source(N)
    assert want["path"] > 400 and want["down"] > 500  # far past any cap of tens of nodes


def test_downstream_slice_is_whole(chain):
    an, want = chain
    tr = srcscan.trace("chainHead:uIn", analysis=an, direction="down")
    assert len(tr.nodes) == want["down"]
    assert not [w for w in tr.warnings if "cut" in w]
    sink = [p for p in tr.paths if p["ends_at"] == "sink"]
    assert len(sink) == 1 and len(sink[0]["nodes"]) == want["path"]
    assert sink[0]["nodes"][-1].startswith("sink:log:")


def test_to_path_is_whole(chain):
    an, want = chain
    tr = srcscan.trace("chainHead:uIn", analysis=an, to="log:LogRel")
    paths = [p["nodes"] for p in tr.paths if p["direction"] == "to"]
    assert paths and len(paths[0]) == want["path"]


def test_upstream_slice_is_whole(chain):
    an, want = chain
    last = f"chainHead:v{N}"
    tr = srcscan.trace(last, analysis=an, direction="up")
    assert len(tr.nodes) == want["up"]
    assert any(n.startswith("source:cfgm:") for n in tr.nodes)


def _source_paths(an):
    tr = srcscan.trace(f"chainHead:v{N}", analysis=an, direction="up")
    return [p["nodes"] for p in tr.paths if p["ends_at"] == "source"]


def test_upstream_path_is_whole(plain_chain):
    an, want = plain_chain
    root = _source_paths(an)
    assert len(root) == 1 and len(root[0]) == want["path"] and root[0][0].startswith("source:cfgm:")


def test_upstream_path_to_source_listed_among_many_leaves(chain):
    """Past 60 side leaves (the helpers' parameters) the one whole path to the source is still
    listed (it used to be crowded out by 60 truncated paths)."""
    an, want = chain
    root = _source_paths(an)
    assert len(root) == 1 and len(root[0]) == want["path"]


def test_plain_paths_listed_before_guesses(tmp_path):
    """Past MAX_PATHS leaves, the paths listed are the plain data paths first, then those
    through a guess or a control step (here 70 globals set under a condition on the value, one
    step each) even when the plain path is longer; those keep a small share of the listing
    (issue 27: at most max(2, a tenth)), the others are counted as not listed."""
    n = 70
    body = "\n".join(f"    if (u > {i})\n        g_u{i} = 1;" for i in range(n))
    src = ("typedef unsigned long long uint64_t;\n" + "".join(f"uint64_t g_u{i};\n" for i in range(n)) +
           "uint64_t g_uEnd;\n\nvoid manyLeaves(uint64_t u)\n{\n    uint64_t a = u + 1;\n    uint64_t b = a + 1;\n"
           "    uint64_t c = b + 1;\n" + body + "\n    g_uEnd = c;\n}\n")
    (tmp_path / "leaves.c").write_text(src)
    an = srcscan.analyse_sources([str(tmp_path)], cache=False)
    tr = srcscan.trace("manyLeaves#0 (u)", analysis=an, direction="down")
    assert len(tr.nodes) == n + 5  # u, a, b, c, g_uEnd and the globals
    ends = [p["nodes"][-1] for p in tr.paths]
    assert ends[0] == "global:g_uEnd" and len(ends) == 3
    assert tr.left_out == {"downstream": n - 2}
