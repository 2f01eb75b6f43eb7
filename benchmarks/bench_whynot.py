"""Warm why-not next to a warm trace on the same tree (issue 15): each command is run twice
in new processes (the first warms the fact cache), and the second run is timed.

    python benchmarks/bench_whynot.py --src /work/trees/vbox61 [--from cTscTicksPerSecond] [--to u64CpuHz]

No assertions: the numbers go into the issue notes.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(args: list[str]) -> tuple[float, int]:
    env = dict(os.environ, NO_COLOR="1", SRCSCAN_NO_PROGRESS="1", PYTHONPATH=str(REPO))
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "-m", "srcscan", *args], capture_output=True, text=True, env=env,
                       timeout=3600, check=False)
    return time.perf_counter() - t, p.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", required=True)
    ap.add_argument("--from", dest="a", default="cTscTicksPerSecond")
    ap.add_argument("--to", dest="b", default="u64CpuHz")
    a = ap.parse_args()
    rows = []
    for name, args in (("trace", ["trace", a.a, "--src", a.src, "--format", "json", "-o", os.devnull]),
                       ("why-not", ["why-not", a.a, a.b, "--src", a.src, "--format", "json", "-o", os.devnull])):
        run(args)  # warm
        secs, rc = run(args)
        rows.append((name, secs, rc))
    base = rows[0][1]
    print(f"{'command':<10} {'warm s':>8} {'x trace':>8} {'exit':>5}")
    for name, secs, rc in rows:
        print(f"{name:<10} {secs:8.2f} {secs / base:8.1f} {rc:>5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
