"""srcscan serve: a local, read-only web explorer over the same analysis as trace."""
from __future__ import annotations

from .. import cli

NAME = "serve"
HELP = "explore flows in the browser: every node of a trace links to its own trace"
DESCRIPTION = """Serve a local, read-only web explorer of the sources: search a value (with the
same did-you-mean as trace), open its trace (the HTML report, where every node links to its
own trace and every place to the source view), switch -D/-U, direction and --to, read a file
with the trace's steps highlighted, and for a git checkout or --svn pick a revision, diff it
with the previous one or walk the history of the flow. /api/trace returns the JSON of
`srcscan trace --format json`.

Bound to 127.0.0.1 by default; it answers only to its own address (Host header checked),
only to GET, and its pages need no script (one optional same-origin script adds keys and
type-ahead; no inline script runs). Analyses are kept in memory between requests; a
second request for the same trace waits for the first. Ctrl-C stops it.

examples:
  srcscan serve                                  # the bundled sample tree
  srcscan serve --src ~/vbox --port 8000         # a VirtualBox checkout (git: revisions too)
  srcscan serve --svn https://www.virtualbox.org/svn/vbox/trunk

exit codes: 0 stopped, 2 usage or input error (no sources, port in use, serve extra missing)."""


def register(p) -> None:
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default: 127.0.0.1; anything else exposes the sources to the network)")
    p.add_argument("--port", type=int, default=8765, help="port (default: 8765; 0 picks a free one)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="also answer to this Host name (e.g. behind a proxy; repeatable)")
    p.add_argument("--expand", metavar="NAME", action="append", default=[],
                   help="trace pages: unfold the folded branches through NAME, as trace --expand (repeatable)")
    p.add_argument("--all", dest="show_all", action="store_true",
                   help="trace pages: fold nothing, as trace --all (the graph then shows every node too)")
    cli.add_source_options(p)


def run(args) -> int:
    from ..errors import UsageError
    from ..util import note

    try:
        import uvicorn

        from ..serve import Explorer, make_app
    except ImportError as e:
        raise UsageError(f"srcscan serve needs the serve extra ({e.name} is missing): pip install 'srcscan[serve]'") from None
    if args.rev:
        raise UsageError("serve: pick revisions in the browser (--rev is not used here)")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: not a port number")
    ex = Explorer(src=args.src, whole=args.whole_tree, svn=args.svn, cache_dir=args.cache, no_cache=args.no_cache,
                  jobs=args.jobs)
    note(f"sources: {ex.kind} {ex.root} ({ex.why})")
    app = make_app(ex, host=args.host, port=args.port, allow_hosts=args.allow_host, expand=args.expand,
                   show_all=args.show_all)
    sock = _bind(args.host, args.port)
    port = sock.getsockname()[1]
    if port != args.port:  # --port 0: the Host check needs the real port
        app.port = port
    shown = f"[{args.host}]" if ":" in args.host else args.host
    print(f"srcscan serve: http://{shown}:{port}/  (Ctrl-C stops it)", flush=True)
    limit = connection_limit()
    _quiet_resource_errors(limit)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False,
                            limit_concurrency=limit, backlog=limit)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn stopped on Ctrl-C and passes the signal on: that is the way out
        pass
    finally:
        sock.close()
        ex.close()
    note("stopped")
    return 0


MAX_CONNECTIONS = 128  # connections served at once; past it a 503 (uvicorn's limit_concurrency)
FD_RESERVE = 64  # descriptors kept for the cache, source files, git and the worker threads


def connection_limit() -> int:
    """How many connections to serve at once: MAX_CONNECTIONS, fewer when the process may not
    open that many descriptors (the soft limit raised to the hard one first). Past it a new
    connection gets 503 instead of the server running out of descriptors."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        if hard == resource.RLIM_INFINITY or soft < hard:
            want = hard if hard != resource.RLIM_INFINITY else max(soft, 4096)
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
                soft = want
            except (ValueError, OSError):
                pass
    except ImportError:  # pragma: no cover - not POSIX
        return MAX_CONNECTIONS
    return max(4, min(MAX_CONNECTIONS, (soft - FD_RESERVE) // 2))


class _ResourceErrors:
    """A logging filter: 'out of descriptors/memory' errors (the accept loop logs one each
    second, every failing request another, each with a traceback) and uvicorn's line for each
    connection turned away with 503 become one line on stderr at most every ten seconds."""

    def __init__(self):
        self.last: dict[str, float] = {}
        self.dropped: dict[str, int] = {}

    def filter(self, record) -> bool:
        import errno
        import time

        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, OSError) and exc.errno in (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM):
            kind, text = "resources", f"out of resources ({exc.strerror}); new connections wait or get 503"
        elif "concurrency limit" in str(record.msg):
            kind, text = "limit", f"more than {self.limit} connections at once; the others get 503"
        else:
            return True
        now = time.monotonic()
        if now - self.last.get(kind, -1e9) < 10.0:
            self.dropped[kind] = self.dropped.get(kind, 0) + 1
            return False
        self.last[kind] = now
        n = self.dropped.pop(kind, 0)
        from ..util import note

        note(f"warning: {text}" + (f" ({n} more since the last note)" if n else ""))
        return False


def _quiet_resource_errors(limit: int) -> None:
    import logging

    f = _ResourceErrors()
    f.limit = limit
    for name in ("asyncio", "uvicorn.error", "uvicorn"):
        logging.getLogger(name).addFilter(f)


def _bind(host: str, port: int):
    """The listening socket, or a one-line error (port in use, bad address)."""
    import socket

    from ..errors import UsageError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as e:
        raise UsageError(f"--host {host}: {e.strerror}") from None
    family, kind, proto, _, addr = infos[0]
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
        sock.listen(128)
    except OSError as e:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {e.strerror}") from None
    sock.set_inheritable(True)
    return sock
