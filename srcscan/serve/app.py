"""The explorer's routes (Starlette) and its safety rules, applied to every response:

- the Host header must name the address the server is bound to or a loopback name (no DNS
  rebinding: a page of another site that resolves its own name to 127.0.0.1 gets 400);
- GET and HEAD only (405 otherwise): nothing can change through the explorer;
- a strict Content-Security-Policy: scripts, styles, images and fetches only from the explorer
  itself (one optional script file, /static/serve.js: no inline script runs), forms only to itself,
  no framing; plus nosniff and no referrer. Every page works with scripts off;
- files are read only through the snapshot, by the paths it lists (never a path joined from
  the URL), and everything from the tree is escaped by the renderers.

Long work runs in the explorer's threads: an HTML page waits ``page_wait`` seconds, then
answers 202 with a progress page that updates itself (serve.js; a noscript meta refresh without it) until the
answer is ready; the JSON API waits for the answer.
"""
from __future__ import annotations

import asyncio
import ipaddress
from dataclasses import replace

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..errors import NotFound, SrcscanError, UsageError
from ..util import one_line
from . import pages
from .state import MAX_SYMBOL, Explorer, Params

CSP = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self' data:; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
           (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"),
           (b"cross-origin-opener-policy", b"same-origin"), (b"cross-origin-resource-policy", b"same-origin")]
_OURS = {k for k, _ in HEADERS}
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1"}
API_WAIT = 600.0  # seconds an /api request waits for its answer
_PENDING = object()


def allowed_hosts(host: str, extra=()) -> set[str]:
    """Host names a request may carry: the bound address, loopback names, and ``extra``."""
    names = set(LOOPBACK_NAMES) | {host.strip("[]").lower()} | {h.lower() for h in extra}
    if host in ("0.0.0.0", "::", ""):
        import socket

        names |= {socket.gethostname().lower(), socket.getfqdn().lower()}
    return names


def host_ok(header: str, names: set[str], port: int) -> bool:
    """Whether a Host header names this server: an allowed name, and this port if it says one."""
    h = header.strip().lower()
    if not h or any(c in h for c in "/@\\ \t"):
        return False
    if h.startswith("["):  # [v6]:port
        name, _, rest = h[1:].partition("]")
        if rest and not rest.startswith(":"):
            return False
        given = rest[1:]
    else:
        name, _, given = h.partition(":")
    if given and (not given.isdigit() or int(given) != port):
        return False
    name = name.rstrip(".")
    if name in names:
        return True
    try:  # any loopback address (127.0.0.2) is this machine too
        return ipaddress.ip_address(name).is_loopback and "127.0.0.1" in names
    except ValueError:
        return False


class Guard:
    """ASGI middleware: Host check, GET/HEAD only, security headers on every response."""

    def __init__(self, app, hosts: set[str], port: int):
        self.app, self.hosts, self.port = app, hosts, port

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        host = next((v.decode("latin-1") for k, v in scope.get("headers") or [] if k == b"host"), "")
        if not host_ok(host, self.hosts, self.port):
            return await self._refuse(send, 400, "Bad Host header: this explorer only answers to its own address "
                                      "(DNS rebinding protection)\n")
        if scope["method"] not in ("GET", "HEAD"):
            return await self._refuse(send, 405, "Only GET: the explorer is read-only\n", [(b"allow", b"GET, HEAD")])

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                message["headers"] = [h for h in message.get("headers", []) if h[0].lower() not in _OURS] + HEADERS
            await send(message)

        return await self.app(scope, receive, send_with_headers)

    async def _refuse(self, send, status: int, text: str, extra=()):
        body = text.encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode()), *extra, *HEADERS]})
        await send({"type": "http.response.body", "body": body})


def _words(values: list[str]) -> tuple:
    """-D/-U values: repeated parameters and/or space- or comma-separated names."""
    return tuple(dict.fromkeys(w for v in values for w in v.replace(",", " ").split()))


def params(request: Request) -> Params:
    q = request.query_params
    return Params(symbol=q.get("symbol", "").strip(), to=q.get("to", "").strip(),
                  direction=q.get("direction", "both") or "both", defines=_words(q.getlist("D")),
                  undefs=_words(q.getlist("U")), rev=q.get("rev", "").strip(),
                  ignore_case=q.get("i", "") not in ("", "0"), no_control=q.get("no_control", "") not in ("", "0")).check()


async def wait(f, timeout: float):
    """The future's result (raising its error), or _PENDING after ``timeout`` seconds. The job
    goes on when the request goes away: it is shared."""
    if f.done():
        return f.result()
    try:
        return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(f)), timeout)
    except asyncio.TimeoutError:
        return _PENDING


def make_app(ex: Explorer, host: str = "127.0.0.1", port: int = 8765, allow_hosts=(), page_wait: float = 2.0,
             refresh: int = 1, expand=(), show_all: bool = False, short_steps: int = pages.SHORT_STEPS) -> Starlette:
    """``expand``/``show_all``: the trace pages' folds, as trace --expand/--all (serve's own options);
    ``short_steps``: a trace with more steps gets the short page, its paths one of their own (/paths)."""
    view = {"expand": tuple(expand), "show_all": bool(show_all)}

    async def revs():
        """The revision picker's list (None: the sources have no revisions)."""
        if ex.kind not in ("git", "svn"):
            return None
        try:
            got = await wait(ex.revisions(), 30)
        except SrcscanError:
            return []
        return [] if got is _PENDING else got

    async def resolved(p: Params) -> Params:
        return replace(p, rev=await wait(ex.resolve(p.rev), API_WAIT))

    async def html(request: Request, fn):
        """Run a page handler; errors become a one-line error page (404 nothing found, 400 bad input)."""
        try:
            p = params(request)
        except UsageError as e:
            p, err = Params(), e
        else:
            err = None
        r = await revs()
        try:
            if err is not None:
                raise err
            out = await fn(p, r)
        except SrcscanError as e:
            return HTMLResponse(await _error(p, r, e), status_code=404 if isinstance(e, NotFound) else 400)
        except Exception as e:  # a bug: one line, not a traceback
            msg = f"internal error: {type(e).__name__}: {_line(str(e), 300)}"
            return HTMLResponse(pages.error_page(ex, p, r, msg), status_code=500)
        if out is _PENDING:
            page = pages.progress_page(ex, p, r, f"tracing {p.symbol}" if p.symbol else "working", refresh)
            return HTMLResponse(page, status_code=202, headers={"cache-control": "no-store"})
        return out if isinstance(out, Response) else HTMLResponse(out)

    async def _error(p: Params, r, e: SrcscanError) -> str:
        hint = []
        if isinstance(e, NotFound) and p.symbol:
            try:
                found = await wait(ex.search(p), 5)
                hint = [] if found is _PENDING else found["suggestions"]
            except SrcscanError:
                pass
        return pages.error_page(ex, p, r, _line(str(e), 600), hint)

    async def home(request: Request):
        return await html(request, lambda p, r: _done(pages.search_page(ex, replace(p, symbol=""), r, None)))

    async def search(request: Request):
        async def fn(p, r):
            if not p.symbol:
                return RedirectResponse("/", status_code=303)
            mode = request.query_params.get("mode", "auto")
            from ..query.find import MODES
            if mode not in MODES:
                raise UsageError(f"search mode {mode[:40]!r}: choose one of {', '.join(MODES)}")
            p = await resolved(p)
            f = ex.search(p, mode)
            got = await wait(f, page_wait)
            return got if got is _PENDING else pages.search_page(ex, p, r, got)
        return await html(request, fn)

    async def where(request: Request):
        async def fn(p, r):
            name = request.query_params.get("name", "").strip()
            if not name or len(name) > MAX_SYMBOL or any(c in name for c in "\0\r\n"):
                raise UsageError("where: give name=NAME (one line)")
            p = await resolved(p)
            got = await wait(ex.where(p, name), page_wait)
            return got if got is _PENDING else pages.where_page(ex, p, r, name, got)
        return await html(request, fn)

    async def taint(request: Request):
        async def fn(p, r):
            p = await resolved(p)
            got = await wait(ex.taint(p), page_wait)
            return got if got is _PENDING else pages.taint_page(ex, p, r, got)
        return await html(request, fn)

    async def files(request: Request):
        async def fn(p, r):
            folder = request.query_params.get("dir", "").strip("/")
            if len(folder) > 4096:
                raise UsageError("files: dir is too long")
            p = await resolved(p)
            got = await wait(ex.files(p), page_wait)
            return got if got is _PENDING else pages.files_page(ex, p, r, folder, got)
        return await html(request, fn)

    def trace_route(full: bool):
        async def handler(request: Request):
            async def fn(p, r):
                if not p.symbol:
                    return RedirectResponse("/", status_code=303)
                p = await resolved(p)
                doc = ex.trace(p)

                def page():
                    return pages.trace_page(ex, p, doc.result(), r, short_steps=short_steps, full=full, **view)
                return await wait(ex.then(("page", full, short_steps, p, *view.values()), [doc], page), page_wait)
            return await html(request, fn)
        return handler

    async def source(request: Request):
        async def fn(p, r):
            path = request.query_params.get("path", "")
            if not path or len(path) > 4096:
                raise UsageError("source: give path=FILE (one of the files served)")
            p = await resolved(p)
            data = ex.read(p, path)
            doc = ex.trace(p) if p.symbol else None
            names = ex.names(p)

            def render():
                try:
                    d = doc.result() if doc is not None else None
                except SrcscanError:
                    d = None
                return pages.source_page(ex, p, r, path, data.result(), d, names.result())
            return await wait(ex.then(("source", p, path), [data, doc, names], render), page_wait)
        return await html(request, fn)

    def history_route(command: str):
        async def handler(request: Request):
            async def fn(p, r):
                q = request.query_params
                rev1, rev2 = q.get("rev1", "").strip(), q.get("rev2", "").strip()
                if not p.symbol or not rev1 or not rev2 or max(len(rev1), len(rev2)) > 300:
                    raise UsageError(f"{command}: give symbol, rev1 and rev2")
                if rev1.startswith("-") or rev2.startswith("-"):
                    raise UsageError(f"{command}: not a revision")
                doc = ex.history_job((command, p, rev1, rev2), _walk, ex, command, p, rev1, rev2)
                return await wait(ex.then((command + "-page", p, rev1, rev2), [doc],
                                          lambda: pages.history_page(ex, p, r, doc.result())), page_wait)
            return await html(request, fn)
        return handler

    async def api_trace(request: Request):
        from ..render import render

        def job(p):  # the very text `srcscan trace --format json` prints, made once per trace
            doc = ex.trace(p)
            return ex.then(("json", p), [doc], lambda: render(doc.result(), "json"))
        return await _api(request, job, raw=True)

    async def api_search(request: Request):
        from ..query.find import MODES

        mode = request.query_params.get("mode", "auto")
        if mode not in MODES:
            return _json({"error": f"search mode {mode[:40]!r}: choose one of {', '.join(MODES)}"}, 400)
        return await _api(request, lambda p: ex.search(p, mode))

    async def _api(request: Request, job, raw: bool = False):
        try:
            p = await resolved(params(request))
            if not p.symbol:
                raise UsageError("give symbol=NAME")
            got = await wait(job(p), API_WAIT)
            if got is _PENDING:
                return _json({"error": "still working; ask again"}, 503)
        except SrcscanError as e:
            return _json({"error": _line(str(e), 600)}, 404 if isinstance(e, NotFound) else 400)
        if raw:
            return Response(got, media_type="application/json")
        return _json(got)

    async def api_revisions(request: Request):
        r = await revs()
        return _json({"kind": ex.kind, "revisions": [x.to_json() for x in r or []]})

    async def static(request: Request):
        name = request.path_params["name"]
        body, kind = pages.stylesheet(name), "text/css"
        if body is None:
            body, kind = pages.script(name), "text/javascript"
        if body is None:
            return PlainTextResponse("not found\n", status_code=404)
        return Response(body, media_type=kind, headers={"cache-control": "max-age=300"})

    routes = [Route("/", home), Route("/search", search), Route("/files", files), Route("/where", where), Route("/taint", taint), Route("/trace", trace_route(False)), Route("/paths", trace_route(True)), Route("/source", source),
              Route("/diff", history_route("diff")), Route("/history", history_route("history")),
              Route("/api/trace", api_trace), Route("/api/search", api_search), Route("/api/revisions", api_revisions),
              Route("/static/{name}", static), Route("/favicon.ico", lambda request: Response(status_code=204))]
    app = Starlette(routes=routes)
    app.state.explorer = ex
    return Guard(app, allowed_hosts(host, allow_hosts), port)


async def _done(value):
    return value


def _line(s, limit: int) -> str:
    """One line of an error message, at most ``limit`` characters."""
    s = one_line(s)
    return s if len(s) <= limit else s[: limit - 1] + "\u2026"


def _json(obj, status: int = 200) -> Response:
    import json

    return Response(json.dumps(obj, indent=2), status_code=status, media_type="application/json")


def _walk(ex: Explorer, command: str, p: Params, rev1: str, rev2: str) -> dict:
    """A diff of two revisions, or the history between them, as docs/history-schema.md."""
    from ..query import history as hist

    source = ex.revision_source()
    q = hist.Query(p.symbol, direction=p.direction,
                   options={"defines": list(p.defines) or None, "undefs": list(p.undefs) or None, "keep_if0": False,
                            "control": not p.no_control, "ignore_case": p.ignore_case})
    cache = ex.open_cache()
    try:
        if command == "diff":
            return hist.diff(source, q, rev1, rev2, cache, ex.jobs).to_json()
        return hist.history(source, q, rev1, rev2, cache, ex.jobs, progress=False).to_json()
    finally:
        if cache is not None:
            cache.close()
