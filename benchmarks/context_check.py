"""Calling-context violations in listed paths (issue 27): a path entering a function through an
argument at one call site and leaving through its result or an out argument at another.

    python benchmarks/context_check.py --src TREE SYMBOL [SYMBOL ...] [--arg=-D --arg=IN_RING3]
    python benchmarks/context_check.py --json TRACE.json [TRACE.json ...]
    python benchmarks/context_check.py --questions --src-root VBOX61      # the question suite
    python benchmarks/context_check.py --releases /work/trees/rel/v*      # the release matrix

``--releases`` traces the release matrix's question (``--release-symbol``, default
cTscTicksPerSecond, as benchmarks/releases.py asks it) over each exported release tree.
Each symbol is traced as a user asks (``srcscan trace SYMBOL --src TREE --format json``, a
subprocess, one at a time) and every listed path is walked by
``srcscan.query.ctxcheck.violations``. Prints per trace: slice nodes, listed paths, violations,
and each violation's entering and leaving step. Nothing asserts; the numbers go into issue notes.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from srcscan.query.ctxcheck import violations  # noqa: E402


def run_trace(src: list[str], symbol: str, extra: list[str]) -> dict | None:
    cmd = [sys.executable, "-m", "srcscan", "trace", symbol, "--format", "json", "-j", "1"] + extra
    for s in src:
        cmd += ["--src", s]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1) or not r.stdout.strip():
        print(f"  {symbol}: srcscan failed ({r.returncode}): {r.stderr.strip().splitlines()[-1:]}")
        return None
    return json.loads(r.stdout)


def report(name: str, tr: dict, verbose: bool) -> int:
    vs = violations(tr)
    edges = {e["id"]: e for e in tr.get("edges", ())}
    st = tr.get("stats", {})
    print(f"{name:40s} slice {st.get('slice_nodes', st.get('nodes', '?')):>5} nodes  "
          f"{len(tr.get('paths', ())):>3} paths  {len(vs):>3} violations")
    if verbose:
        for v in vs:
            a, b = edges[v["enter"]], edges[v["leave"]]
            print(f"    {v['path']}: in {a['file']}:{a['line']} ({a['function']}) -> {v['entered']}, "
                  f"out of {v['function']} at {b['file']}:{b['line']} ({b['function']})")
    return len(vs)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("symbols", nargs="*")
    ap.add_argument("--src", action="append", default=[])
    ap.add_argument("--arg", action="append", default=[], help="extra srcscan trace argument (repeatable)")
    ap.add_argument("--json", nargs="+", default=[], help="check these trace JSON files instead")
    ap.add_argument("--questions", action="store_true", help="trace every benchmarks/questions/q*.toml")
    ap.add_argument("--src-root", help="tree root for --questions")
    ap.add_argument("--releases", nargs="+", default=[], help="release trees (VMM+include exports)")
    ap.add_argument("--release-symbol", default="cTscTicksPerSecond")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    total = 0
    for f in a.json:
        total += report(Path(f).name, json.loads(Path(f).read_text()), a.verbose)
    for s in a.symbols:
        tr = run_trace(a.src, s, a.arg)
        if tr is not None:
            total += report(s, tr, a.verbose)
    for tree in a.releases:
        if not Path(tree).is_dir():
            print(f"error: no release tree at {tree}", file=sys.stderr)
            return 2
        tr = run_trace([tree], a.release_symbol, a.arg)
        if tr is not None:
            total += report(f"{Path(tree).name} {a.release_symbol}", tr, a.verbose)
    if a.questions:
        try:
            import tomllib
        except ModuleNotFoundError:  # Python < 3.11
            import tomli as tomllib  # type: ignore
        for q in sorted((ROOT / "benchmarks" / "questions").glob("q*.toml")):
            d = tomllib.loads(q.read_text())
            extra = list(d.get("args", ()))
            if d.get("direction"):
                extra += ["--direction", d["direction"]]
            if d.get("to"):
                extra += ["--to", d["to"]]
            tr = run_trace([str(Path(a.src_root) / s) for s in d.get("src", ["."])], d["symbol"], extra)
            if tr is not None:
                total += report(d["id"], tr, a.verbose)
    print(f"total violations: {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
