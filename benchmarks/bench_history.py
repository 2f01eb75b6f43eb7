"""Speed of bisect (and optionally history) over real revisions, measured side by side in one
run: the physical limit (tree-sitter's parse of every file version the walk needs), srcscan's
bisect with the graph built on demand (the default), the same bisect building each
revision's whole graph (the previous design), and a warm re-run.

    python benchmarks/bench_history.py --repo /path/to/git/clone --good REV --bad REV \\
        [--symbol cTscTicksPerSecond] [--history | --history-only] [--jobs N]

Example (the 4.3.26 -> 5.0.24 imports of github:pop-os/virtualbox, 27 first-parent commits):
    --good 40b3330d3 --bad d70a82e79
Release scale (issue 17: every import from 4.0.0 to 7.0.10, 122 first-parent commits):
    --good 361589e3a --bad 4a358ed2a --history-only --skip-unreadable
(the fetched pop-os mirror lacks a few of its largest blobs, test data of 7.0; they are left out
and said once per revision)

With --history-only the raw parse is of every distinct file version history reads (all the
revisions of the range), in one process, and each run's peak RSS is printed.

Each cold run is a new process with a fresh cache. No assertions: the numbers go into the
issue notes.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

GOAL_BISECT_COLD = 30.0  # issue 6, about 30 revisions of the pop-os 5.0 imports


def _walk(args_json: str) -> None:
    """In a child process: one bisect/history run; prints its JSON stats."""
    a = json.loads(args_json)
    from srcscan.extract.cache import FactCache
    from srcscan.query.history import GitSource, Query, bisect, history

    cache = FactCache(a["cache"])
    src = GitSource(a["repo"])
    t = time.perf_counter()
    if a["command"] == "bisect":
        res = bisect(src, Query(a["symbol"]), a["good"], a["bad"], cache, a["jobs"], graph=a["graph"])
    else:
        res = history(src, Query(a["symbol"]), a["good"], a["bad"], cache, a["jobs"], progress=False, graph=a["graph"],
                      unreadable=a.get("unreadable", "error"))
    wall = time.perf_counter() - t
    import resource

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    found = res.found.after.revision.to_json() if res.command == "bisect" and res.found else None
    print(json.dumps({"wall": wall, "rss_mb": rss, "stats": res.stats, "found": found, "changes": len(res.changes),
                      "refs": [str(p.ref) for p in res.evaluated if p.reused_from is None]}))


def run_walk(command: str, graph: str, cache: str, args) -> dict:
    payload = json.dumps({"command": command, "graph": graph, "cache": cache, "repo": args.repo, "good": args.good,
                          "bad": args.bad, "symbol": args.symbol, "jobs": args.jobs,
                          "unreadable": "skip" if args.skip_unreadable else "error"})
    t = time.perf_counter()
    p = subprocess.run([sys.executable, __file__, "--_walk", payload], capture_output=True, text=True,
                       env={**os.environ, "SRCSCAN_NO_PROGRESS": "1"})
    if p.returncode:
        raise SystemExit(f"{command} ({graph}) failed: {p.stderr.strip()[-400:]}")
    out = json.loads(p.stdout.strip().splitlines()[-1])
    out["process"] = time.perf_counter() - t
    return out


_P = None


def _parse_blob(data: bytes) -> int:
    global _P
    if _P is None:
        import tree_sitter
        import tree_sitter_cpp

        _P = tree_sitter.Parser(tree_sitter.Language(tree_sitter_cpp.language()))
    _P.parse(data)
    return len(data)


def raw_parse_of(args, refs: list[str], jobs: int | None = None) -> tuple[float, int, float]:
    """Parse every distinct file version of these revisions with tree-sitter alone."""
    from srcscan.errors import UnreadableSource
    from srcscan.query.history import GitSource

    src = GitSource(args.repo)
    seen, blobs = set(), []
    for ref in refs:
        snap = src.snapshot(ref)
        for path, key in snap.files():
            if key not in seen:
                seen.add(key)
                try:
                    blobs.append(snap.read(path))
                except UnreadableSource:  # a blob the (partial) clone lacks: history skips it too
                    pass
    t = time.perf_counter()
    if jobs == 1:
        total = sum(_parse_blob(b) for b in blobs)
    else:
        with ProcessPoolExecutor(jobs or args.jobs) as ex:
            total = sum(ex.map(_parse_blob, blobs, chunksize=8))
    return time.perf_counter() - t, len(blobs), total / 1e6


def range_refs(args) -> list[str]:
    """Every revision of the range, first-parent order (what history evaluates)."""
    out = subprocess.run(["git", "--git-dir", args.repo, "rev-list", "--first-parent", "--reverse",
                          f"{args.good}..{args.bad}"], capture_output=True, text=True, check=True).stdout.split()
    return [args.good] + out


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--_walk":
        _walk(sys.argv[2])
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", required=True, help="a git clone of VirtualBox sources (e.g. pop-os/virtualbox)")
    ap.add_argument("--good", required=True)
    ap.add_argument("--bad", required=True)
    ap.add_argument("--symbol", default="cTscTicksPerSecond")
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--history", action="store_true", help="also time `history` over the range (slow)")
    ap.add_argument("--history-only", action="store_true",
                    help="only history (cold, warm), against the raw 1-process parse of every file version it reads")
    ap.add_argument("--skip-full", action="store_true", help="skip the whole-graph comparison runs")
    ap.add_argument("--skip-unreadable", action="store_true",
                    help="trace revisions without the files the clone cannot give (a partial mirror)")
    args = ap.parse_args()
    print(f"repo {args.repo}  {args.good}..{args.bad}  symbol {args.symbol}; {args.jobs} cores; "
          f"load average {os.getloadavg()[0]:.2f}")
    rows: list[tuple[str, dict]] = []
    tmp = tempfile.mkdtemp(prefix="srcscan-bench-hist-")
    try:
        commands = ["history"] if args.history_only else ["bisect"] + (["history"] if args.history else [])
        if args.history_only:
            args.skip_full = True
        for command in commands:
            cache = os.path.join(tmp, f"{command}-demand")
            cold = run_walk(command, "demand", cache, args)
            rows.append((f"{command}: cold, graph on demand (default)", cold))
            rows.append((f"{command}: warm re-run, same cache", run_walk(command, "demand", cache, args)))
            if not args.skip_full:
                rows.append((f"{command}: cold, whole graph per revision (before)",
                             run_walk(command, "full", os.path.join(tmp, f"{command}-full"), args)))
            if args.history_only:
                raw, n, mb = raw_parse_of(args, range_refs(args), jobs=1)
                rows.insert(0, (f"raw tree-sitter parse of the {n} file versions history reads ({mb:.0f} MB), "
                                "1 process", {"wall": raw, "stats": {}}))
            if command == "bisect":  # the base (first row) is the 1-process parse, as issue 17 asks
                raw, n, mb = raw_parse_of(args, cold["refs"])
                rows.insert(0, (f"raw tree-sitter parse of the same file versions, {args.jobs} processes",
                                {"wall": raw, "stats": {}}))
                raw, n, mb = raw_parse_of(args, cold["refs"], jobs=1)
                rows.insert(0, (f"raw tree-sitter parse of the {n} file versions bisect reads ({mb:.0f} MB), "
                                "1 process", {"wall": raw, "stats": {}}))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    base = rows[0][1]["wall"]
    print(f"\n{'what':78} {'seconds':>8} {'x raw':>7} {'RSS MB':>7}  evaluations  parsed/reused")
    for name, r in rows:
        st = r["stats"]
        ev = f"{st['evaluations']:>11}  {st['files_parsed']}/{st['files_reused']}" if st else ""
        rss = f"{r['rss_mb']:7.0f}" if r.get("rss_mb") else f"{'':7}"
        print(f"{name:78} {r['wall']:8.2f} {r['wall'] / base:7.2f} {rss}  {ev}")
    got = dict(rows)
    if args.history_only:
        return 0
    cold = got["bisect: cold, graph on demand (default)"]
    print(f"\nbisect found {((cold.get('found') or {}).get('subject') or '-')}")
    print(f"cold bisect {cold['wall']:.1f} s (process {cold['process']:.1f} s); goal <= {GOAL_BISECT_COLD:.0f} s: "
          f"{'met' if cold['process'] <= GOAL_BISECT_COLD else 'NOT met'}")
    full = got.get("bisect: cold, whole graph per revision (before)")
    if full:
        print(f"graph on demand / whole graph: {cold['wall'] / full['wall']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
