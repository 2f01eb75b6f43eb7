"""Does the default text of a trace lead with the answer (issue 15)? For each real tree, run
`srcscan trace SYMBOL --src TREE` as a user would and print: total lines, the line of the
summary, the line where the expected chain is complete, and whether both are within the
first screen (--first) and the whole text within --max lines.

    python benchmarks/answer_first.py [--trees /work/trees] [--symbol cTscTicksPerSecond]

The chain is described by regular expressions of what a correct answer contains, not by
srcscan's own wording: a line naming the start node of the tree (`--root`), then, before the
next tree begins, a line naming each `--expect` pattern (defaults: the KVM chain from
GIMKVM.cTscTicksPerSecond to GIMKVMSYSTEMTIME.u32TscScale and to guest memory). Trees where
the symbol does not exist (4.3 has no GIM) are reported as such. No assertions: the numbers
go into the issue notes.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def trees(root: Path) -> list[Path]:
    meta = root / "releases.json"
    out = []
    if meta.is_file():
        try:
            data = json.loads(meta.read_text())
            rows = data if isinstance(data, list) else data.get("trees") or data.get("releases") or []
            for r in rows:
                d = r.get("dir") if isinstance(r, dict) else None
                if d and Path(d).is_dir():
                    out.append(Path(d))
        except (ValueError, AttributeError):
            out = []
    if not out:
        out = sorted(p for p in root.iterdir() if (p / "src/VBox/VMM").is_dir())
    return out


def chain_line(lines: list[str], root: re.Pattern, expect: list[re.Pattern], after: re.Pattern) -> int | None:
    """1-based line where every ``expect`` pattern has been seen inside one tree rooted at a
    line matching ``root`` (a tree ends at the next unindented line), searching only after
    the first line matching ``after``; None if never."""
    started = False
    i = 0
    while i < len(lines):
        if not started:
            started = bool(after.search(lines[i]))
            i += 1
            continue
        if root.search(lines[i]) and not lines[i].startswith(" "):
            seen = {}
            j = i + 1
            while j < len(lines) and lines[j].startswith(" "):
                for k, pat in enumerate(expect):
                    if k not in seen and pat.search(lines[j]):
                        seen[k] = j + 1
                j += 1
            if len(seen) == len(expect):
                return max(seen.values())
            i = j
            continue
        i += 1
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trees", default="/work/trees", help="folder of exported trees (releases.json or */src/VBox/VMM)")
    ap.add_argument("--src", action="append", help="a tree to measure (repeatable; instead of --trees)")
    ap.add_argument("--symbol", default="cTscTicksPerSecond")
    ap.add_argument("--root", default=r"\bGIMKVM\.cTscTicksPerSecond\b", help="regex of the tree's start line")
    ap.add_argument("--expect", action="append",
                    help=r"regex each a line of that tree must match (default: GIMKVMSYSTEMTIME\.u32TscScale and "
                         r"guest-memory:)")
    ap.add_argument("--after", default=r"^DOWNSTREAM\b", help="regex of the section the tree is in")
    ap.add_argument("--first", type=int, default=60, help="the first screen, in lines")
    ap.add_argument("--max", type=int, default=400, help="the most lines the whole text may take")
    a = ap.parse_args()
    expect = [re.compile(x) for x in (a.expect or [r"\bGIMKVMSYSTEMTIME\.u32TscScale\b", r"\bguest-memory:"])]
    srcs = [Path(s) for s in a.src] if a.src else trees(Path(a.trees))
    env = dict(os.environ, NO_COLOR="1", SRCSCAN_NO_PROGRESS="1", PYTHONPATH=str(REPO))
    print(f"{'tree':<12} {'lines':>6} {'summary':>8} {'chain':>6} {'first':>6} {'max':>5} {'seconds':>8}")
    ok_all = True
    for src in srcs:
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "srcscan", "trace", a.symbol, "--src", str(src)],
                              capture_output=True, text=True, env=env, timeout=1800, check=False)
        secs = time.perf_counter() - t
        if proc.returncode == 1 and "no value named" in proc.stderr:
            print(f"{src.name:<12} {'-':>6} {'-':>8} {'-':>6} {'-':>6} {'-':>5} {secs:8.2f}  (no {a.symbol} in this tree)")
            continue
        if proc.returncode != 0:
            print(f"{src.name:<12} error {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}")
            ok_all = False
            continue
        lines = proc.stdout.splitlines()
        summary = next((i + 1 for i, ln in enumerate(lines) if re.match(r"^SUMMARY\b", ln)), None)
        chain = chain_line(lines, re.compile(a.root), expect, re.compile(a.after))
        first_ok = summary is not None and chain is not None and chain <= a.first
        max_ok = len(lines) <= a.max
        ok_all &= first_ok and max_ok
        print(f"{src.name:<12} {len(lines):>6} {summary or '-':>8} {chain or '-':>6} {'yes' if first_ok else 'NO':>6} "
              f"{'yes' if max_ok else 'NO':>5} {secs:8.2f}")
    print(f"all within {a.first} / {a.max} lines: {'yes' if ok_all else 'no'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
