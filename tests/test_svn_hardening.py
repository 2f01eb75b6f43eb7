"""svn against a server that never answers, and svn at non-ASCII paths (issue 32, item 12):
one error line within the deadline, and a repository in `/tmp/dépôt` read like any other."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from srcscan.cli import main
from srcscan.sources import svn as svnmod

pytestmark = pytest.mark.skipif(not (shutil.which("svn") and shutil.which("svnadmin")), reason="needs subversion")
SYMBOL = "cTscTicksPerSecond"


@pytest.mark.parametrize("scheme", ["http", "svn"])
def test_a_server_that_never_answers_is_given_up_on(scheme, capsys, monkeypatch):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    held = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(srv.accept()[0])  # accepted, never answered
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    monkeypatch.setattr(svnmod, "SVN_TIMEOUT", 3.0)
    try:
        t = time.monotonic()
        code = main(["trace", SYMBOL, "--svn", f"{scheme}://127.0.0.1:{srv.getsockname()[1]}/repo/trunk",
                     "--rev", "r1", "--no-cache"])
        took = time.monotonic() - t
    finally:
        stop.set()
        srv.close()
        for c in held:
            c.close()
    err = capsys.readouterr().err
    assert code == 2 and took < 30, (code, took, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "no answer from svn within 3 s; gave up" in lines[0], err


def test_non_ascii_repository_and_working_copy(tmp_path, capsys):
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    base = tmp_path / "dépôt"
    base.mkdir()
    repo = base / "réf"
    subprocess.run(["svnadmin", "create", str(repo)], check=True, capture_output=True, env=env)
    seed = base / "seed"
    (seed / "src").mkdir(parents=True)
    (seed / "src" / "é.c").write_text("int gValue;\nvoid set(int v)\n{\n    int w = v * 2;\n    gValue = w;\n}\n")
    url = repo.as_uri() + "/trunk"
    subprocess.run(["svn", "--non-interactive", "import", "-q", "-m", "r1", str(seed), url], check=True,
                   capture_output=True, env=env)
    wc = base / "copie"
    subprocess.run(["svn", "--non-interactive", "checkout", "-q", url, str(wc)], check=True, capture_output=True,
                   env=env)
    for target in (url, str(wc)):
        code = main(["trace", "gValue", "--svn", target, "--rev", "r1", "--no-cache"])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert "set:w" in out and "é.c" in out
