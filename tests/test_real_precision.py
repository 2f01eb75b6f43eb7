"""Opt-in precision checks on a real VirtualBox tree (issue 8):
SRCSCAN_VBOX_SRC=<checkout holding src/VBox/VMM and include> pytest -m real tests/test_real_precision.py"""
import os
from pathlib import Path

import pytest

import srcscan

pytestmark = pytest.mark.real
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    d = os.environ.get("SRCSCAN_VBOX_SRC")
    if not d:
        pytest.skip("set SRCSCAN_VBOX_SRC to a VirtualBox checkout to run tests on the real tree")
    return d, tmp_path_factory.mktemp("precision-cache")


def _steps(doc, function):
    """(source node, line, preproc) of every evidence of edges inside FUNCTION."""
    out = []
    for e in doc["edges"]:
        for ev in e.get("evidence") or [e]:
            if ev.get("function") == function:
                out.append((e["src"], ev["line"], tuple(ev.get("preproc") or ())))
    return out


def test_every_ring_branch_of_the_tsc_local_is_shown(tree):
    src, cache = tree
    doc = srcscan.trace("cTscTicksPerSecond", src=src, cache=cache).to_json()
    conds = {p for _, _, p in _steps(doc, "TMCpuTicksPerSecond")}
    assert ("defined(IN_RING3)",) in conds
    assert ("!defined(IN_RING3)", "defined(IN_RING0)") in conds
    assert ("!defined(IN_RING3)", "!defined(IN_RING0)") in conds  # the #else branch
    shift = [e for e in doc["edges"] if e["dst"].endswith(".i8TscShift") and e["kind"] == "control"]
    assert shift and any("u64TscFreq" in e["src"] for e in shift)


def test_define_in_ring3_keeps_only_the_ring3_branch(tree):
    src, cache = tree
    doc = srcscan.trace("cTscTicksPerSecond", src=src, cache=cache, defines=["IN_RING3"]).to_json()
    conds = {p for _, _, p in _steps(doc, "TMCpuTicksPerSecond")}
    assert ("defined(IN_RING3)",) in conds
    assert not any(any("IN_RING0" in c for c in p) for p in conds)


def test_function_recovery_at_least_99_percent(tree):
    src, _ = tree
    vmm = Path(src) / "src" / "VBox" / "VMM"
    if not vmm.is_dir():
        pytest.skip("SRCSCAN_VBOX_SRC has no src/VBox/VMM")
    import json
    import subprocess
    import sys

    r = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "function_recovery.py"), str(vmm), "--json"],
                       capture_output=True, text=True, check=True)
    res = json.loads(r.stdout)
    assert res["pct_right_name"] >= 99.0, res
