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
