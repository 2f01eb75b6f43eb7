"""The semantic mutant catalogue (scripts/mutants/*.toml): bugs a developer could write, one
small patch each, applied by exact string replacement (no line numbers, so the catalogue
survives other people's edits of the same modules) to a private copy of the tree.

Each TOML file names a module under srcscan/, the fast tests to run against its mutants, and
its mutants:

    module = "query/slicing.py"
    tests = ["tests/test_flows.py", "tests/test_flow_slices.py"]

    [[mutant]]
    id = "control-upstream"
    bug = "control dependence followed upstream too"
    old = '''if not control or not forward or left is not None:'''
    new = '''if not control or left is not None:'''
    # equivalent = "why it cannot change behaviour"   (listed, never run or counted)

A mutant whose ``old`` snippet is not in the module exactly once is *stale* (the code moved
on): reported, not counted. Run through ``scripts/mutation.py --catalogue``.
"""
from __future__ import annotations

import time
import tomllib
from dataclasses import dataclass
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent / "mutants"


@dataclass
class Entry:
    file: str  # the catalogue file
    module: str  # under srcscan/
    tests: list[str]
    id: str
    bug: str
    old: str
    new: str
    equivalent: str | None = None


def load(catalogue: Path = CATALOGUE, modules: list[str] | None = None) -> list[Entry]:
    """Every mutant of the catalogue; with ``modules``, those whose file stem or module path
    matches one of them (``slicing``, ``query/slicing.py``)."""
    out = []
    for f in sorted(catalogue.glob("*.toml")):
        doc = tomllib.loads(f.read_text(encoding="utf-8"))
        module, tests = doc["module"], list(doc.get("tests", ["tests/test_flows.py"]))
        if modules and not any(m in (f.stem, module, "srcscan/" + module) for m in modules):
            continue
        for m in doc.get("mutant", []):
            out.append(Entry(f.name, module, tests, m["id"], m["bug"], m["old"], m["new"], m.get("equivalent")))
    return out


def run(entries: list[Entry], copy: Path, root: Path, run_tests, out=print, budget: float = 0) -> int:
    """Run each mutant in ``copy`` (a private copy of the tree); print each outcome, then the
    kill table per module and the survivors. Returns the number of survivors."""
    t0 = time.perf_counter()
    by_module: dict[str, list[Entry]] = {}
    for e in entries:
        by_module.setdefault(e.module, []).append(e)
    rows, survivors, equivalents, stale = [], [], [], []
    for module, ms in by_module.items():
        src = (root / "srcscan" / module).read_text(encoding="utf-8")
        target = copy / "srcscan" / module
        counts = {"killed": 0, "timeout": 0, "survived": 0, "stale": 0, "equivalent": 0, "error": 0}
        runnable = []
        for e in ms:
            n = src.count(e.old)
            if e.equivalent:
                counts["equivalent"] += 1
                equivalents.append(e)
            elif n != 1:
                counts["stale"] += 1
                stale.append((e, n))
            else:
                runnable.append(e)
        tests = sorted({t for e in runnable for t in e.tests if (copy / t).exists()})
        base = 0.0
        if runnable:
            target.write_text(src, encoding="utf-8")
            state, base = run_tests(copy, tests, 900)
            if state != "survived":
                out(f"srcscan/{module}: the tests do not pass on the clean module ({state}); skipped")
                counts["error"] += len(runnable)
                runnable = []
        limit = max(30.0, 3 * base)
        if runnable:
            out(f"srcscan/{module}: {len(runnable)} mutants; tests {' '.join(tests)} ({base:.1f} s clean, "
                f"limit {limit:.0f} s)")
        for e in runnable:
            if budget and time.perf_counter() - t0 > budget:
                out(f"  budget of {budget:.0f} s used: {e.id} and later not run")
                counts["error"] += 1
                continue
            target.write_text(src.replace(e.old, e.new), encoding="utf-8")
            state, dt = run_tests(copy, tests, limit)
            key = state if state in counts else "error"
            counts[key] += 1
            out(f"  {state:8} {dt:5.1f} s  {e.id}: {e.bug}")
            if key == "survived":
                survivors.append(e)
        target.write_text(src, encoding="utf-8")
        rows.append((module, counts))
    out("")
    out(f"{'module':22} {'mutants':>7} {'killed':>6} {'survived':>8} {'stale':>5} {'equiv':>5} {'score':>6}")
    tk = ts = 0
    for module, c in rows:
        k, s = c["killed"] + c["timeout"], c["survived"]
        tk, ts = tk + k, ts + s
        total = sum(c.values())
        score = f"{100.0 * k / (k + s):.1f}%" if k + s else "-"
        out(f"{module:22} {total:7} {k:6} {s:8} {c['stale']:5} {c['equivalent']:5} {score:>6}")
    if tk + ts:
        out(f"{'total':22} {len(entries):7} {tk:6} {ts:8} {len(stale):5} {len(equivalents):5} "
            f"{100.0 * tk / (tk + ts):5.1f}%  ({time.perf_counter() - t0:.0f} s)")
    for e in survivors:
        out(f"survivor: {e.module} {e.id}: {e.bug}")
    for e, n in stale:
        out(f"stale: {e.module} {e.id}: snippet found {n} times")
    for e in equivalents:
        out(f"equivalent: {e.module} {e.id}: {e.equivalent}")
    return len(survivors)


def check(entries: list[Entry], root: Path, out=print) -> int:
    """List the catalogue (``--list``): each mutant and whether its snippet is found once."""
    bad = 0
    for e in entries:
        n = (root / "srcscan" / e.module).read_text(encoding="utf-8").count(e.old)
        state = "equivalent" if e.equivalent else ("ok" if n == 1 else f"stale ({n} matches)")
        bad += state.startswith("stale")
        out(f"{e.module}: {e.id}: {state}: {e.bug}")
    out(f"{len(entries)} mutants, {bad} stale")
    return bad
