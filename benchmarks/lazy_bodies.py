"""How much of the facts a first trace reads: files indexed, function bodies decoded (each
function's statements are pickled apart and decoded on first use) and functions built into
the on-demand graph, after one trace with an empty cache, in this process.

    python benchmarks/lazy_bodies.py --src TREE [--symbol cTscTicksPerSecond] [--jobs N]

No assertions: the numbers go into README and the issue notes.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", required=True)
    ap.add_argument("--symbol", default="cTscTicksPerSecond")
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    args = ap.parse_args()

    from srcscan.extract.cache import FactCache
    from srcscan.query.analysis import analyse_demand
    from srcscan.query.trace import trace
    from srcscan.sources.snapshot import DirSnapshot

    with tempfile.TemporaryDirectory(prefix="srcscan-bench-bodies-") as d:
        t = time.perf_counter()
        a = analyse_demand(DirSnapshot([args.src]), FactCache(d), args.jobs)
        trace(a, args.symbol).to_json()
        took = time.perf_counter() - t
        fns = [fn for defs in a.program.functions.values() for fn in defs]
        decoded = sum("_body" not in fn.__dict__ for fn in fns)
        print(f"tree {args.src}: {len(a.program.files)} files, {len(fns)} functions; first trace of "
              f"{args.symbol} in {took:.1f} s")
        print(f"function bodies decoded: {decoded} of {len(fns)} ({100 * decoded / max(1, len(fns)):.1f}%); "
              f"functions built into the graph: {a.graph.functions_built}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
