"""Where a listed path ends, as the JSON says it (``ends_at``): downstream at a leaf (a value
nothing reads on) or a source/sink, upstream at a root (nothing flows into it); a path the
calling-context rule stops is a cut. Checked on tests/flows/summaries.c, where each caller
stores the helper's result into a global nothing reads."""
from pathlib import Path

import srcscan

SRC = str(Path(__file__).parent / "flows" / "summaries.c")


def _ends(symbol, direction="down"):
    doc = srcscan.trace(symbol, src=SRC, cache=False, direction=direction).to_json()
    return {(p["to"] if direction == "down" else p["from"], p["ends_at"]) for p in doc["paths"]}


def test_downstream_paths_end_at_the_leaf():
    ends = _ends("sumCallerA#0 (uA)")
    assert {n for n, why in ends if why == "leaf"} == {"global:g_uSumA"}
    assert all(why in ("leaf", "cut") for _, why in ends), ends


def test_upstream_paths_end_at_the_root():
    ends = _ends("g_uSumB", "up")
    assert {n for n, why in ends if why == "root"} == {"param:sumCallerB#0"}
    assert all(why in ("root", "cut") for _, why in ends), ends


FAN_C = """typedef unsigned long long uint64_t;

void fanSinks(uint64_t uS, void *pv)
{
    uint64_t cb = uS + 1;
    memcpy(pv, pv, uS);
    memmove(pv, pv, uS);
    memset(pv, 0, uS);
    RTMemCpy(pv, pv, uS);
    memcpy(pv, pv, cb);
    memmove(pv, pv, cb);
    memset(pv, 0, cb);
    RTMemCpy(pv, pv, cb);
}
"""


def test_a_leaf_is_extended_to_at_most_three_sinks(tmp_path):
    """cb reaches four copy-size sinks that the start reaches more cheaply: its path is listed
    on to three of them (the output stays short), the start's own four paths all listed."""
    (tmp_path / "fan.c").write_text(FAN_C)
    doc = srcscan.trace("fanSinks#0 (uS)", src=str(tmp_path), cache=False).to_json()
    sinks = {f"sink:copy-size:{f}" for f in ("memcpy", "memmove", "memset", "RTMemCpy")}
    direct = {p["to"] for p in doc["paths"] if len(p["nodes"]) == 2}
    via_cb = [p for p in doc["paths"] if "local:fan.c:fanSinks:cb" in p["nodes"]]
    assert direct == sinks
    assert len(via_cb) == 3 and {p["to"] for p in via_cb} < sinks
    assert all(p["ends_at"] == "sink" for p in doc["paths"])


TWO_WAYS_C = """typedef unsigned long long uint64_t;
uint64_t g_uG, g_uH, g_uOutA, g_uOutB;

static uint64_t helpT(uint64_t u)
{
    uint64_t t = u + g_uH;
    return t;
}

void treeA(uint64_t uA)
{
    g_uG = uA;
    g_uH = g_uG;
    g_uOutA = helpT(uA);
}

void treeB(uint64_t uB)
{
    g_uOutB = helpT(uB);
}
"""


def test_every_node_of_the_slice_is_on_a_listed_path(tmp_path):
    """helpT:t is reached first through the argument (whose context only returns to treeA), then
    more freely through the globals (on to treeB's caller too): the paths follow the freer
    way, and the argument's step is still listed as a path of its own (a cut)."""
    (tmp_path / "tree.c").write_text(TWO_WAYS_C)
    doc = srcscan.trace("treeA#0 (uA)", src=str(tmp_path), cache=False).to_json()
    on_paths = {n for p in doc["paths"] for n in p["nodes"]}
    assert {n["id"] for n in doc["nodes"]} <= on_paths, [n["id"] for n in doc["nodes"] if n["id"] not in on_paths]
    assert any(p["to"] == "global:g_uOutB" and "global:g_uH" in p["nodes"] for p in doc["paths"])
