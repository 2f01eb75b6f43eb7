"""`serve` past its file-descriptor limit (issue 32, item 15): connections kept open beyond
what it can hold get 503 (a connection limit) or wait, stderr stays a few lines (no
traceback flood), and once the flood is gone it answers again."""
from __future__ import annotations

import os
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the serve extra is not installed")
ROOT = Path(__file__).resolve().parents[1]


def _limit_fds():
    resource.setrlimit(resource.RLIMIT_NOFILE, (100, 100))


def _get(port: int, path: str = "/", timeout: float = 30.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n".encode())
        data = b""
        while True:
            got = s.recv(65536)
            if not got:
                return data
            data += got


def test_a_connection_flood_past_the_descriptor_limit(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), SRCSCAN_NO_PROGRESS="1", SRCSCAN_CACHE=str(tmp_path / "c"))
    env.pop("SRCSCAN_SRC", None)
    err = open(tmp_path / "stderr", "wb")
    p = subprocess.Popen([sys.executable, "-m", "srcscan", "serve", "--port", "0"], stdout=subprocess.PIPE,
                         stderr=err, env=env, preexec_fn=_limit_fds, cwd=tmp_path)
    try:
        line = p.stdout.readline().decode()
        port = int(line.split("http://127.0.0.1:")[1].split("/")[0])
        assert _get(port).startswith(b"HTTP/1.1 200")
        held, refused = [], 0
        for _ in range(300):  # more than the process can hold open
            s = socket.socket()
            s.settimeout(0.5)
            try:
                s.connect(("127.0.0.1", port))
                s.sendall(f"GET /api/search?symbol=x HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())  # kept open
                held.append(s)
            except OSError:
                s.close()
                refused += 1
        time.sleep(4)
        answers = []
        for s in held:
            s.settimeout(0.05)
            try:
                answers.append(s.recv(64))
            except OSError:
                answers.append(b"")
        assert any(a.startswith(b"HTTP/1.1 503") for a in answers), answers[:5]
        for s in held:
            s.close()
        time.sleep(2)
        assert _get(port).startswith(b"HTTP/1.1 200")  # serving again
        assert p.poll() is None
    finally:
        p.terminate()
        p.wait(30)
        err.close()
    text = (tmp_path / "stderr").read_text(errors="replace")
    assert "Traceback" not in text and len(text) < 5000, text[:3000]
