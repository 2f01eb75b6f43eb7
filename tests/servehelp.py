"""Running the explorer for tests: a real uvicorn server on a free loopback port, in a thread
(browser tests and the benchmark), stopped at the end. A plain module: tests import it."""
from __future__ import annotations

import contextlib
import socket
import threading
import time


@contextlib.contextmanager
def running(explorer, **options):
    """Yield the base URL of ``explorer`` served by uvicorn on 127.0.0.1 (a free port)."""
    import uvicorn

    from srcscan.serve import make_app

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    app = make_app(explorer, host="127.0.0.1", port=port, **options)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off"))
    t = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    t.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        t.join(10)
        sock.close()
        explorer.close()
