"""`srcscan taint` next to a trace of the same tree (issue 28: taint costs at most 3x a trace),
cold and warm, each command a new process as a user runs it, timed side by side.

    python benchmarks/bench_taint.py --src TREE [--src MORE] [--symbol S] [--cache-root DIR] [--skip-cold]

Rows (wall seconds, user CPU seconds, peak RSS of the process):
  trace cold      `srcscan trace S --scope full` with an empty cache (parse + slice)
  taint cold      `srcscan taint` with another empty cache (parse + whole graph + query)
  trace warm      the same trace a third time (the second builds and keeps the whole graph,
                  query/analysis.py; the third reads it)
  taint warm      the same taint again (its answer cached: an unchanged tree)
  taint rejudged  taint with the graph cached but its answer dropped (what a taint.toml
                  [taint] edit or a new srcscan version costs; the facts, the graph, each
                  file's candidate uses (taintsinks.UseStore) and checks (taintcache.CheckStore)
                  stay)
  rejudged+parse  the same with the kept uses and checks dropped too: every file holding a
                  guest value parsed again for its indexes, offsets and loop bounds, and the
                  files of the paths for their checks (what a rejudge cost before they were
                  kept; side by side with the row above)
and the ratio of each taint row to the trace row of the same temperature. No assertions: the
numbers go into the issue notes. Needs /usr/bin/time (GNU time) for CPU and RSS.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def run(args: list[str], cache: Path) -> dict:
    env = dict(os.environ, NO_COLOR="1", SRCSCAN_NO_PROGRESS="1", PYTHONPATH=str(REPO))
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        timer = ["/usr/bin/time", "-f", "%e %U %M", "-o", tf.name] if Path("/usr/bin/time").exists() else []
        t0 = time.perf_counter()
        p = subprocess.run([*timer, sys.executable, "-m", "srcscan", *args, "--cache", str(cache), "-j", "1"],
                           capture_output=True, text=True, env=env, check=False)
        wall = time.perf_counter() - t0
        parts = tf.read().split() if timer else []
    if p.returncode not in (0, 1):
        raise SystemExit(f"bench_taint: {' '.join(args[:2])} failed: {p.stderr.strip().splitlines()[-1:]}")
    user = float(parts[-2]) if len(parts) >= 3 else float("nan")
    rss = int(parts[-1]) / 1024 if len(parts) >= 3 else float("nan")
    return {"wall": wall, "user": user, "rss_mb": rss}


def drop_answer(srcs: list[str], cache: Path) -> None:
    """Make the kept taint answer unreadable (it is computed again, the graph stays cached)."""
    sys.path.insert(0, str(REPO))
    from srcscan.extract.cache import FactCache
    from srcscan.extract.ppcond import Config
    from srcscan.query import taintcache
    from srcscan.sources.snapshot import resolve_sources

    snap, _ = resolve_sources(srcs)
    fc = FactCache(cache)
    try:
        fc.put_blob(taintcache.result_key(snap, fc, Config()), b"dropped")
    finally:
        fc.close()


def drop_uses(cache: Path) -> int:
    """Drop every file's kept candidate uses and checks (taintsinks.UseStore,
    taintcache.CheckStore); returns how many."""
    sys.path.insert(0, str(REPO))
    from srcscan.extract.cache import FactCache

    fc = FactCache(cache)
    try:
        names = [r[0] for r in fc.db.execute("SELECT name FROM blobs WHERE name LIKE 'taint-uses:%' "
                                             "OR name LIKE 'taint-checks:%'")]
        for n in names:
            fc.drop_blob(n)
    finally:
        fc.close()
    return len(names)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", action="append", required=True)
    ap.add_argument("--symbol", default="u16RxBSize", help="the value the trace follows (default: u16RxBSize)")
    ap.add_argument("--cache-root", help="where the two caches go (default: a temporary folder, removed)")
    ap.add_argument("--skip-cold", action="store_true", help="reuse the caches of --cache-root: warm rows only")
    a = ap.parse_args()
    root = Path(a.cache_root) if a.cache_root else Path(tempfile.mkdtemp(prefix="bench_taint"))
    c_trace, c_taint = root / "trace", root / "taint"
    src = [x for s in a.src for x in ("--src", s)]
    trace = ["trace", a.symbol, *src, "--scope", "full", "--format", "json", "-o", os.devnull]
    taint = ["taint", *src, "--format", "json", "-o", os.devnull]
    rows = {}
    try:
        if not a.skip_cold:
            for c in (c_trace, c_taint):
                shutil.rmtree(c, ignore_errors=True)
            rows["trace cold"] = run(trace, c_trace)
            rows["taint cold"] = run(taint, c_taint)
        run(trace, c_trace)  # (the second query of a tree builds and keeps the whole graph: analysis.py)
        rows["trace warm"] = run(trace, c_trace)
        run(taint, c_taint)  # (the answer kept, if the cold row was skipped)
        rows["taint warm"] = run(taint, c_taint)
        drop_answer(a.src, c_taint)
        run(taint, c_taint)  # (keeps each file's candidate uses, if an older run left none)
        drop_answer(a.src, c_taint)
        rows["taint rejudged"] = run(taint, c_taint)
        drop_answer(a.src, c_taint)
        drop_uses(c_taint)
        rows["rejudged+parse"] = run(taint, c_taint)
    finally:
        if not a.cache_root:
            shutil.rmtree(root, ignore_errors=True)
    print(f"{'run':<15} {'wall s':>8} {'user s':>8} {'RSS MB':>8} {'x trace':>8}")
    for name, r in rows.items():
        base = rows.get("trace cold" if "cold" in name else "trace warm")
        ratio = f"{r['wall'] / base['wall']:8.1f}" if base and not name.startswith("trace") else f"{'':>8}"
        print(f"{name:<15} {r['wall']:8.2f} {r['user']:8.2f} {r['rss_mb']:8.0f} {ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
