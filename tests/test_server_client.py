"""`trace --server` against servers that misbehave (issue 32, item 8): a bad status line, a
64 KB header line, 150 headers, a broken chunked body, a server dripping a byte at a time,
a redirect to ftp://, and an answer of millions of tiny JSON values. Each is one error line
and exit 2 within the deadline: never an internal error, never a hang, never gigabytes."""
from __future__ import annotations

import socket
import threading
import time

import pytest

from srcscan.cli import main
from srcscan.commands import _server

SYMBOL = "cTscTicksPerSecond"


def _respond(path: str, conn: socket.socket, stop: threading.Event) -> None:
    ok = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    if path == "/badstatus":
        conn.sendall(b"HELLO THERE\r\n\r\n")
    elif path == "/longheader":
        conn.sendall(ok + b"X-Long: " + b"a" * 70_000 + b"\r\n\r\n{}")
    elif path == "/manyheaders":
        conn.sendall(ok + b"".join(b"X-H%d: v\r\n" % i for i in range(150)) + b"\r\n{}")
    elif path == "/badchunk":
        conn.sendall(ok + b"Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
    elif path == "/drip":
        conn.sendall(ok + b"Content-Length: 100000\r\n\r\n")
        while not stop.is_set():
            conn.sendall(b" ")
            time.sleep(0.1)
    elif path == "/driphead":
        for c in ok:
            if stop.is_set():
                break
            conn.sendall(bytes([c]))
            time.sleep(0.1)
    elif path == "/ftp":
        conn.sendall(b"HTTP/1.1 302 Found\r\nLocation: ftp://127.0.0.1/x\r\nContent-Length: 0\r\n\r\n")
    elif path == "/flood":
        body = b"[" + b",".join([b"{}"] * 5000) + b"]"
        conn.sendall(ok + b"Content-Length: %d\r\n\r\n" % len(body) + body)


@pytest.fixture
def bad_server():
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    def handle(conn):
        try:
            req = b""
            while b"\r\n\r\n" not in req:
                got = conn.recv(4096)
                if not got:
                    return
                req += got
            path = req.split(b" ", 2)[1].decode().split("/api/")[0]
            _respond(path, conn, stop)
        except OSError:
            pass
        finally:
            conn.close()

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{srv.getsockname()[1]}"
    stop.set()
    srv.close()


@pytest.mark.parametrize("path,words", [
    ("/badstatus", "does not speak HTTP properly"),
    ("/longheader", "does not speak HTTP properly"),
    ("/manyheaders", "does not speak HTTP properly"),
    ("/badchunk", "does not speak HTTP properly"),
    ("/drip", "no complete answer within 2 s"),
    ("/driphead", "no complete answer within 2 s"),
    ("/ftp", "only http and https are followed"),
    ("/flood", "JSON values, more than a trace has"),
])
def test_a_misbehaving_server_is_one_error_line(path, words, bad_server, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(_server, "WAIT", 2.0)
    monkeypatch.setattr(_server, "MAX_VALUES", 1000)
    out = tmp_path / "report.html"
    t = time.monotonic()
    code = main(["trace", SYMBOL, "--server", bad_server + path, "--format", "html", "-o", str(out)])
    took = time.monotonic() - t
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("srcscan: error: ") and words in lines[0], err
    assert "Traceback" not in err and "internal error" not in err
    assert took < 15, took
    assert not out.exists()
