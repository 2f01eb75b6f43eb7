"""Under a process limit (issue 32, item 11): when parser processes cannot be started (fork
fails with EAGAIN, as under `ulimit -u`), or only some of them, srcscan parses in its own
process with one warning and gives the same answer; it neither prints an internal error
nor hangs at exit with children left behind."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from test_faults import gen_tree

ROOT = Path(__file__).resolve().parents[1]
WRAPPER = """
import errno, os, sys
real, n = os.fork, [0]
def fork():
    n[0] += 1
    if n[0] > int(os.environ["FORKS_ALLOWED"]):
        raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
    return real()
os.fork = fork
from srcscan.cli import main
sys.exit(main(sys.argv[1:]))
"""


def run(args, forks: int, tmp: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT), SRCSCAN_NO_PROGRESS="1", FORKS_ALLOWED=str(forks))
    env.pop("SRCSCAN_SRC", None)
    return subprocess.run([sys.executable, "-c", WRAPPER, *args], capture_output=True, text=True, env=env,
                          cwd=tmp, timeout=120)  # a hang at exit fails here


@pytest.mark.parametrize("forks", [0, 1], ids=["no-worker", "one-of-two"])
@pytest.mark.parametrize("cache", ["--no-cache", "--cache"], ids=["no-cache", "cache"])
def test_parser_processes_refused(forks, cache, tmp_path):
    tree = gen_tree(tmp_path / "tree", dirs=2, files=20)  # 40 files: parsed in worker processes with -j 2
    args = ["trace", "cValue", "--all-starts", "--src", str(tree), "--format", "json", "-j", "2",
            *([cache] if cache == "--no-cache" else [cache, str(tmp_path / "c")])]
    p = run(args, forks, tmp_path)
    assert p.returncode == 0, p.stderr
    assert "internal error" not in p.stderr and "Traceback" not in p.stderr
    warned = [ln for ln in p.stderr.splitlines() if "could not run 2 parser processes" in ln]
    assert len(warned) == 1 and "Resource temporarily unavailable" in warned[0], p.stderr
    clean = run([*args[:-2 if cache == "--cache" else -1], "--no-cache", "-j", "1"], 99, tmp_path)
    got, want = json.loads(p.stdout), json.loads(clean.stdout)
    for d in (got, want):
        d.pop("stats"), d.pop("warnings")
    assert got == want
