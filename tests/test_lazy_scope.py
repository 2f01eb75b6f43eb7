"""Lazy scope: a trace reads only the files that mention what it follows, and gets the same
answer as the full index."""
import shutil

from srcscan.extract.cache import FactCache
from srcscan.sources.snapshot import DirSnapshot
from srcscan.query.analysis import analyse
from srcscan.query.lazy import analyse_lazy
from srcscan.query.trace import trace

from conftest import SAMPLE


def _tree(tmp_path):
    root = tmp_path / "tree"
    shutil.copytree(SAMPLE, root)
    other = root / "src" / "VBox" / "Devices" / "Unrelated"
    other.mkdir(parents=True)
    for i in range(40):  # unrelated code the TSC trace never needs
        (other / f"Dev{i}.cpp").write_text(
            f"static int devConstruct{i}(int iInstance)\n{{\n    int cItems = iInstance * {i};\n"
            f"    return cItems + 1;\n}}\n")
    return root


def _paths(doc):
    nodes = {n["id"]: n["label"] for n in doc["nodes"]}
    return sorted(" -> ".join(nodes[x] for x in p["nodes"]) for p in doc["paths"])


def test_lazy_reads_fewer_files_with_the_same_answer(tmp_path):
    root = _tree(tmp_path)
    snap = DirSnapshot([root], whole=True)
    lazy = analyse_lazy(snap, "cTscTicksPerSecond", cache=FactCache(tmp_path / "c1"))
    assert lazy.scope.startswith("lazy: ")
    used, total = [int(x) for x in lazy.scope.split()[1:4:2]]
    assert total == len(snap.files()) and used <= total - 40
    full = analyse(DirSnapshot([root], whole=True), FactCache(tmp_path / "c2"))
    assert _paths(trace(lazy, "cTscTicksPerSecond").to_json()) == _paths(trace(full, "cTscTicksPerSecond").to_json())


def test_lazy_uses_a_cached_full_graph(tmp_path):
    root = _tree(tmp_path)
    cache = FactCache(tmp_path / "c")
    analyse(DirSnapshot([root], whole=True), cache)
    again = analyse_lazy(DirSnapshot([root], whole=True), "cTscTicksPerSecond", cache=cache)
    assert again.scope.startswith("full") and again.stats.parsed == 0


def test_second_lazy_trace_reuses_scope_and_graph(tmp_path):
    root = _tree(tmp_path)
    cache = FactCache(tmp_path / "c")
    first = analyse_lazy(DirSnapshot([root], whole=True), "cTscTicksPerSecond", cache=cache)
    again = analyse_lazy(DirSnapshot([root], whole=True), "cTscTicksPerSecond", cache=cache)
    assert again.scope.endswith("reused") and again.stats.parsed == 0
    assert _paths(trace(again, "cTscTicksPerSecond").to_json()) == _paths(trace(first, "cTscTicksPerSecond").to_json())


def test_lazy_follows_a_value_into_a_helper_defined_in_a_header(tmp_path):
    """A device passes a field to an inline helper of a header no file of the first round
    names by the field; the helper passes it on to a function of a third file. The lazy scope
    reads the header and that file, and finds the path the full index finds."""
    root = tmp_path / "tree"
    (root / "include").mkdir(parents=True)
    (root / "dev").mkdir()
    (root / "include" / "devhlp.h").write_text(
        "static inline void devHlpRead(unsigned long GCPhys)\n{\n    memRead(GCPhys);\n}\n")
    (root / "dev" / "mem.c").write_text("void memRead(unsigned long GCPhysMem)\n{\n    g_uLast = GCPhysMem;\n}\n")
    (root / "dev" / "dev.c").write_text(
        '#include "devhlp.h"\ntypedef struct DEVSTATE { unsigned long uBase; } DEVSTATE;\n'
        "void devSync(DEVSTATE *pThis)\n{\n    devHlpRead(pThis->uBase);\n}\n")
    for i in range(10):
        (root / "dev" / f"other{i}.c").write_text(f"int other{i}(int x)\n{{\n    return x + {i};\n}}\n")
    lazy = analyse_lazy(DirSnapshot([root], whole=True), "DEVSTATE.uBase", cache=FactCache(tmp_path / "c1"))
    assert lazy.scope.startswith("lazy: 3 of 13 files")
    want = ["DEVSTATE.uBase -> devHlpRead#0 (GCPhys) -> memRead#0 (GCPhysMem)"]
    assert _paths(trace(lazy, "DEVSTATE.uBase", to="memRead#0").to_json()) == want
    full = analyse(DirSnapshot([root], whole=True), FactCache(tmp_path / "c2"))
    assert _paths(trace(full, "DEVSTATE.uBase", to="memRead#0").to_json()) == want
