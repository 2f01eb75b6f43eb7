#!/usr/bin/env python3
"""Regenerate the example reports under reports/ from the bundled sample tree.

    python scripts/regen_reports.py            # rewrite reports/
    python scripts/regen_reports.py --check    # exit 1 and list the files that are not current

Each example is one `srcscan trace` run on srcscan/sample/tree saved as JSON, then rendered
to every report format from that JSON (as `srcscan report` does). Machine-dependent fields
of the trace are normalised so the files only change when srcscan's output does: the source
root becomes the repository-relative `srcscan/sample/tree` and the timing becomes 0.
tests/test_reports_current.py runs the --check comparison.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = "srcscan/sample/tree"
OUT = REPO / "reports"

# name -> trace arguments (after the SYMBOL); every example is rendered to every format
EXAMPLES = {
    "tsc": ["cTscTicksPerSecond"],
    "tsc-to-scale": ["cTscTicksPerSecond", "--to", "u32TscScale"],
}
EXTENSIONS = {"json": "json", "text": "txt", "html": "html", "sarif": "sarif", "markdown": "md",
              "dot": "dot", "graphml": "graphml"}


def trace_json(args: list[str], workdir: Path) -> dict:
    """Run `srcscan trace ARGS --src <sample> --format json` (a child process with a fixed hash
    seed, so set iteration order cannot reorder the output); return the normalised trace."""
    out = workdir / "trace.json"
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(REPO), SRCSCAN_NO_PROGRESS="1")
    cmd = [sys.executable, "-m", "srcscan", "trace", *args, "--src", str(REPO / SAMPLE), "--no-cache", "-j", "1",
           "--format", "json", "-o", str(out)]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=600, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"srcscan trace {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()}")
    trace = json.loads(out.read_text(encoding="utf-8"))
    trace["source"].update(kind="sample", root=SAMPLE, label="bundled sample tree", why="scripts/regen_reports.py")
    trace.setdefault("stats", {})["seconds"] = 0.0
    return trace


def build(dest: Path) -> list[Path]:
    """Write every example in every format into ``dest``; return the files written."""
    sys.path.insert(0, str(REPO))
    from srcscan.render import render

    dest.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, args in EXAMPLES.items():
            trace = trace_json(args, Path(tmp))
            for fmt, ext in EXTENSIONS.items():
                path = dest / f"{name}.{ext}"
                path.write_text(render(trace, fmt), encoding="utf-8")
                written.append(path)
    return written


def _graph_engine(html: str) -> str:
    m = re.search(r'<meta name="generator" content="[^"]*graph layout: ([^"]*)">', html)
    return m.group(1) if m else ""


def _without_graph(html: str) -> str:
    html = re.sub(r'<figure class="graph.*?</figure>', "<figure/>", html, flags=re.S)
    return re.sub(r"(graph layout|Graph layout): [^\".<]*", r"\1: -", html)


def stale(dest: Path = OUT) -> list[str]:
    """Files under ``dest`` that differ from a fresh build (an HTML graph drawn by another
    Graphviz version, or without dot, is compared without its SVG)."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = build(Path(tmp))
        bad = []
        for path in fresh:
            old = dest / path.name
            if not old.exists():
                bad.append(f"{old.name}: missing")
                continue
            a, b = old.read_text(encoding="utf-8"), path.read_text(encoding="utf-8")
            if path.suffix == ".html" and _graph_engine(a) != _graph_engine(b):
                a, b = _without_graph(a), _without_graph(b)
            if a != b:
                bad.append(f"{old.name}: differs")
        return bad


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--check", action="store_true", help="only compare; exit 1 when reports/ is not current")
    args = p.parse_args(argv)
    if args.check:
        bad = stale()
        for line in bad:
            print(f"reports/{line}", file=sys.stderr)
        if bad:
            print("run: python scripts/regen_reports.py", file=sys.stderr)
        return 1 if bad else 0
    for path in build(OUT):
        print(path.relative_to(REPO))
    return 0


if __name__ == "__main__":
    sys.exit(main())
