"""The whole-checkout figures of README: `srcscan index --whole-tree`, then a lazy-scope trace
cold and warm, each a new `python -m srcscan` process as a user runs it, with wall time and
peak RSS of the srcscan process; optionally (--full-scope) two `--scope full` traces: every
file's facts, the flow graph built only as far as the query reaches (a tree this size never
gets a whole graph: about 16 GB for VirtualBox's 27,000 files), then a new question; with
--serve, a first and another question to `srcscan serve`, and a new question asked of it from
the shell (`trace --server`).

    python benchmarks/bench_whole_tree.py --src /path/to/vbox-checkout [--symbol cTscTicksPerSecond]
                                          [--jobs N] [--full-scope] [--serve] [--raw]
                                          [--new-question NAME] [--cache DIR]

Prints files and MB of the tree, then one row per step: seconds, peak RSS (MB), and what the
step reported (files parsed; the lazy scope's files and rounds from its `scope:` line; graph
nodes and edges built). No assertions: the numbers go into README and the issue notes.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time


def timed(cmd: list[str], env: dict) -> tuple[float, float, int, str, str]:
    """(seconds, peak RSS MB of the process itself, exit code, stdout, stderr)."""
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    # wait4 gives the child's own rusage (parser workers are separate and smaller)
    import threading

    chunks: dict[str, str] = {}

    def drain(name, stream):
        chunks[name] = stream.read()

    threads = [threading.Thread(target=drain, args=(n, s)) for n, s in (("out", p.stdout), ("err", p.stderr))]
    for th in threads:
        th.start()
    _, status, ru = os.wait4(p.pid, 0)
    for th in threads:
        th.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - t, ru.ru_maxrss / 1024, p.returncode, chunks.get("out", ""), chunks.get("err", "")


def serve_rows(exe: list[str], common: list[str], symbol: str, new: str, env: dict) -> list[tuple]:
    """`srcscan serve` on the tree: the first question (every file's facts, graph built on
    demand), then another question on the same server; peak RSS of the server process."""
    import urllib.parse
    import urllib.request

    from bench_serve import serving

    rows = []
    with serving([*exe, "serve", *common, "--port", "0"], env) as (url, p):
        if url is None:
            return [("serve", 0.0, 0.0, "the server did not start")]
        for label, q in ((f"serve: first question ({symbol})", {"symbol": symbol}),
                         ("serve: another question (u32TscScale, up)", {"symbol": "u32TscScale", "direction": "up"})):
            t = time.perf_counter()
            with urllib.request.urlopen(f"{url}/api/trace?{urllib.parse.urlencode(q)}", timeout=1800) as r:
                doc = json.loads(r.read())
            dt = time.perf_counter() - t
            with open(f"/proc/{p.pid}/status") as f:
                hwm = next((int(x.split()[1]) / 1024 for x in f if x.startswith("VmHWM")), 0.0)
            rows.append((label, dt, hwm, f"{len(doc.get('paths', []))} paths; scope {doc['stats']['scope']}"))
        # a new question from the shell, asked of the running server: a new CLI process
        dt, rss, rc, out, err = timed([*exe, "trace", new, "--server", url, "--format", "json"], env)
        what = f"{len(json.loads(out)['paths'])} paths" if rc == 0 else f"exit {rc}: {err.strip()[-200:]}"
        rows.append((f"trace --server: a new question ({new})", dt, rss, what))
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", required=True, help="a whole VirtualBox checkout (its root)")
    ap.add_argument("--symbol", default="cTscTicksPerSecond")
    ap.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--full-scope", action="store_true",
                    help="also time two --scope full traces (every file's facts, graph on demand)")
    ap.add_argument("--serve", action="store_true",
                    help="also time `srcscan serve`: a first question, then another on the same server")
    ap.add_argument("--new-question", default="fTSCModeSwitchAllowed",
                    help="the symbol of the 'new question' rows, asked by no other row (nothing of it is built or "
                         "kept yet); a broad one (uTimerHz) shows how far one question can grow the graph")
    ap.add_argument("--raw", action="store_true", help="also time the raw 1-process tree-sitter parse (ratios)")
    ap.add_argument("--cache", help="cache folder (default: a fresh temporary one, removed afterwards)")
    args = ap.parse_args()

    from srcscan.sources.snapshot import DirSnapshot

    snap = DirSnapshot([args.src], whole=True)
    files = snap.files()
    mb = sum(snap.size_of(p) for p, _ in files) / 1e6
    print(f"tree: {args.src} (--whole-tree)  {len(files)} files, {mb:.0f} MB; {args.jobs} processes; "
          f"load average {os.getloadavg()[0]:.2f}")
    tmp = None
    cache = args.cache
    if cache is None:
        tmp = tempfile.TemporaryDirectory(prefix="srcscan-whole-")
        cache = tmp.name
    env = {**os.environ, "SRCSCAN_NO_PROGRESS": "1"}
    exe = [sys.executable, "-m", "srcscan"]
    common = ["--src", args.src, "--whole-tree", "--cache", cache, "-j", str(args.jobs)]
    rows = []
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # (bench_index, bench_serve)
    if args.raw:  # the physical limit: tree-sitter alone, one process, the same files
        from bench_index import raw_parse

        rows.append(("raw tree-sitter parse, 1 process", raw_parse([str(snap._abs[p]) for p, _ in files], 1), 0.0,
                     f"{len(files)} files"))

    dt, rss, rc, out, err = timed([*exe, "index", *common, "--format", "json"], env)
    st = json.loads(out) if rc == 0 else {}
    rows.append((f"srcscan index --whole-tree ({'cold cache' if tmp is not None else '--cache given'})", dt, rss, f"{st.get('parsed')} files parsed"
                 if rc == 0 else f"exit {rc}: {err.strip()[-200:]}"))
    for label in ("lazy-scope trace, first time", "lazy-scope trace, warm"):
        dt, rss, rc, out, err = timed([*exe, "trace", args.symbol, *common, "--scope", "lazy", "--format", "json",
                                       "-o", os.devnull], env)
        m = re.search(r"scope: (lazy: (\d+) of \d+ files, (\d+) round\(s\)[^\n]*)", err)
        rows.append((label, dt, rss, m.group(1) if m else f"exit {rc}: {err.strip()[-200:]}"))
    if args.full_scope:
        def full_scope(label: str, symbol: str) -> tuple:
            dt, rss, rc, out, err = timed([*exe, "trace", symbol, *common, "--scope", "full", "--format", "json"],
                                          env)
            if rc != 0:
                return label, dt, rss, f"exit {rc}: {err.strip()[-200:]}"
            s = json.loads(out)["stats"]
            return label, dt, rss, (f"{s['paths']} paths; {s['graph_nodes']:,} nodes, {s['graph_edges']:,} edges "
                                    f"built; scope {s['scope']}")

        rows.append(full_scope("full-scope trace, first (graph on demand)", args.symbol))
        rows.append(full_scope("full-scope trace, again", args.symbol))
        rows.append(full_scope(f"full-scope trace, a new question ({args.new_question})", args.new_question))

    if args.serve:
        rows.extend(serve_rows(exe, common, args.symbol, args.new_question, env))
    base = rows[0][1] if args.raw else None
    print(f"\n{'what':56} {'seconds':>8} {'x raw':>6} {'peak MB':>8}  reported")
    for name, dt, rss, what in rows:
        ratio = f"{dt / base:6.2f}" if base else f"{'':6}"
        print(f"{name:56} {dt:8.2f} {ratio} {rss:8.0f}  {what}")
    if tmp is not None:
        tmp.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
