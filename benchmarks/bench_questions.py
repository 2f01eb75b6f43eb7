"""A session of questions as a script asks them (issue 34), measured side by side in one run
beside the raw 1-process tree-sitter parse of the same files.

    python benchmarks/bench_questions.py --src /work/trees/vbox61 [--jobs 1] [--first A] [--other B] [--third C]

Each command is a new `python -m srcscan` process on one fresh cache (no background index:
SRCSCAN_NO_BACKGROUND), in this order: the first trace (cold: every file parsed), the same
question again, a question whose functions the first stored (its downstream half: no facts
read, the stored set-up), another question, why-not right after those traces, the same why-not again,
a third question. Each row: seconds, the ratio to the raw parse, peak RSS, and the issue's
target where it has one. No assertions: the numbers go into the issue notes and README.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def raw_parse(paths: list[str]) -> float:
    import tree_sitter
    import tree_sitter_cpp

    p = tree_sitter.Parser(tree_sitter.Language(tree_sitter_cpp.language()))
    t = time.perf_counter()
    for f in paths:
        p.parse(Path(f).read_bytes())
    return time.perf_counter() - t


def run(args: list[str], env: dict) -> tuple[float, float, int, str]:
    """(seconds, peak RSS MB, exit code, stderr) of one srcscan process."""
    cmd = [sys.executable, "-m", "srcscan", *args]
    t = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env, text=True)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    secs = time.perf_counter() - t
    return secs, ru.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), err


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", required=True)
    ap.add_argument("--jobs", type=int, default=1, help="srcscan -j (default 1: beside the 1-process raw parse)")
    ap.add_argument("--first", default="cTscTicksPerSecond")
    ap.add_argument("--other", default="u64CpuHz")
    ap.add_argument("--third", default="uTimerHz")
    ap.add_argument("--whole-tree", action="store_true")
    ap.add_argument("--no-why-not", action="store_true", help="leave out the why-not rows (minutes on a wide tree)")
    a = ap.parse_args()
    from srcscan.sources.snapshot import DirSnapshot

    snap = DirSnapshot([a.src], whole=a.whole_tree)
    root = Path(snap.root) if getattr(snap, "root", None) else Path(a.src)
    files = [str(root / p) for p, _ in snap.files()]
    raw = raw_parse(files)
    env = dict(os.environ, NO_COLOR="1", SRCSCAN_NO_PROGRESS="1", SRCSCAN_NO_BACKGROUND="1", PYTHONPATH=str(REPO))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled once (else ~0.6 s of every command)
    with tempfile.TemporaryDirectory(prefix="srcscan-bench-") as cache:
        common = ["--src", a.src, "--cache", cache, "-j", str(a.jobs), "--format", "json", "-o", os.devnull] + \
            (["--whole-tree"] if a.whole_tree else [])
        steps = [("first trace (cold)", ["trace", a.first], "<= 1.5x raw"),
                 ("same question again", ["trace", a.first], "<= 1 s"),
                 ("a question on stored functions (down)", ["trace", a.first, "--direction", "down"], "<= 1 s"),
                 (f"another question ({a.other})", ["trace", a.other], "<= 1 s"),
                 ("why-not after the traces", ["why-not", a.first, a.other], "<= 1 s"),
                 ("same why-not again", ["why-not", a.first, a.other], "<= 1 s"),
                 (f"a third question ({a.third})", ["trace", a.third], "")]
        if a.no_why_not:
            steps = [s for s in steps if s[1][0] != "why-not"]
        print(f"{len(files)} files; raw tree-sitter parse, 1 process: {raw:.2f} s")
        print(f"{'step':<36} {'s':>7} {'x raw':>6} {'RSS MB':>7} {'exit':>4}  target   scope/notes")
        for name, args, target in steps:
            secs, rss, code, err = run(args + common, env)
            said = [ln.split("srcscan: ", 1)[1] for ln in err.splitlines()
                    if ln.startswith("srcscan: ") and ("scope" in ln or "reused" in ln or "background" in ln)]
            print(f"{name:<36} {secs:7.2f} {secs / raw:6.2f} {rss:7.0f} {code:>4}  {target:<8} "
                  f"{'; '.join(said)[:90]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
