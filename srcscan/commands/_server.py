"""`srcscan trace --server URL`: ask a running `srcscan serve` instead of analysing here.

A server keeps its analysis in memory between questions (on a whole checkout: every file's
facts and a graph that grows as questions reach it), so a new question answers in a fraction
of a second where a new process needs tens of seconds to read every file's facts again. The
answer is the JSON `srcscan trace --format json` prints (the server's /api/trace), checked as
`srcscan report` checks a saved trace, then rendered here in the format asked for."""
from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

from ..errors import NotFound, SrcscanError, UsageError

MAX_ANSWER = 512 * 1024 * 1024  # bytes: a whole-slice JSON of a huge question is tens of MB
WAIT = 660.0  # seconds: a little more than the server's own wait for an answer (API_WAIT)

# options that choose what to analyse: the server analyses its own tree, with its own cache
_LOCAL_ONLY = (("src", "--src"), ("whole_tree", "--whole-tree"), ("svn", "--svn"), ("cache", "--cache"),
               ("no_cache", "--no-cache"), ("jobs", "-j"), ("log", "--log"), ("keep_if0", "--keep-if0"))


def check_url(url: str) -> str:
    """The server's base URL (http or https, with a host), or a UsageError."""
    u = urllib.parse.urlsplit(url.strip())
    if u.scheme not in ("http", "https") or not u.hostname:
        raise UsageError(f"--server {url!r}: give the address `srcscan serve` printed, e.g. http://127.0.0.1:8765/")
    return urllib.parse.urlunsplit((u.scheme, u.netloc, u.path.rstrip("/"), "", ""))


def query(args) -> list[tuple[str, str]]:
    """The /api/trace parameters of a trace's options (what serve's ``params`` reads)."""
    given = [flag for attr, flag in _LOCAL_ONLY if getattr(args, attr, None) and
             not (attr == "jobs" and getattr(args, attr) == 0)]
    if getattr(args, "scope", "auto") != "auto":
        given.append("--scope")
    if given:
        raise UsageError(f"--server answers from the server's own sources and cache: leave out {', '.join(given)}")
    q = [("symbol", args.symbol), ("direction", args.direction)]
    q += [("to", args.to)] if args.to else []
    q += [("rev", args.rev)] if args.rev else []
    q += [("i", "1")] if args.ignore_case else []
    q += [("no_control", "1")] if args.no_control else []
    q += [("D", d) for d in args.define or []] + [("U", u) for u in args.undef or []]
    return q


MAX_VALUES = 8_000_000  # JSON values in an answer (counted before decoding): bounds the memory it takes


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    """Redirects are followed to http(s) only (never ftp://, file://)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        scheme = urllib.parse.urlsplit(newurl).scheme.lower()
        if scheme not in ("http", "https"):
            from ..util import shorten

            raise SrcscanError(f"the server redirected to {shorten(newurl)!r}; only http and https are followed")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _get(url: str, deadline: float) -> bytes:
    """The body at ``url``, read in pieces against the size cap and the overall deadline."""
    import time

    opener = urllib.request.build_opener(_HttpOnly())
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    with opener.open(req, timeout=max(1.0, deadline - time.monotonic())) as r:
        parts, n = [], 0
        while True:
            chunk = r.read(1 << 20)
            if not chunk:
                return b"".join(parts)
            n += len(chunk)
            if n > MAX_ANSWER:
                raise SrcscanError(f"the answer is larger than {MAX_ANSWER // 2 ** 20} MB; not read")
            if time.monotonic() > deadline:
                raise TimeoutError("the answer did not arrive in time")
            parts.append(chunk)


def _fetch(url: str, wait: float) -> bytes:
    """``_get`` with an overall deadline: a server dripping a byte a second (each read within
    the socket timeout) is given up on after ``wait`` seconds all told."""
    import threading
    import time

    box: dict = {}

    def run():
        try:
            box["raw"] = _get(url, time.monotonic() + wait)
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread
            box["error"] = e

    t = threading.Thread(target=run, name="srcscan-server-client", daemon=True)
    t.start()
    t.join(wait + 1.0)
    if t.is_alive():
        raise TimeoutError(f"no complete answer within {wait:.0f} s")
    if "error" in box:
        raise box["error"]
    return box["raw"]


def ask(args) -> dict:
    """The server's answer to this trace, as a checked trace dict; every failure is one line."""
    import http.client

    from ..render._common import check_trace
    from ..util import loads_json

    base = check_url(args.server)
    url = f"{base}/api/trace?{urllib.parse.urlencode(query(args))}"
    try:
        raw = _fetch(url, WAIT)
    except urllib.error.HTTPError as e:
        why = _error_text(e)
        if e.code == 404:
            raise NotFound(f"{why} (asked {base})") from None
        if e.code == 503:
            raise SrcscanError(f"the server at {base} is still working on this question; ask again") from None
        raise UsageError(f"the server at {base} refused the question (HTTP {e.code}): {why}") from None
    except SrcscanError as e:
        raise SrcscanError(f"{e} (asked {base})") from None
    except TimeoutError as e:
        raise SrcscanError(f"the server at {base} gave {e}; gave up") from None
    except http.client.HTTPException as e:  # a bad status line, a 64 KB header, 100+ headers, a broken chunk
        raise SrcscanError(f"the server at {base} does not speak HTTP properly ({type(e).__name__}: "
                           f"{' '.join(str(e).split())[:200]})") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", None) or e
        if isinstance(reason, http.client.HTTPException):
            raise SrcscanError(f"the server at {base} does not speak HTTP properly ({type(reason).__name__})") from None
        raise SrcscanError(f"could not reach a srcscan server at {base} ({reason}); "
                           "start one with `srcscan serve`") from None
    values = raw.count(b",") + raw.count(b"{") + raw.count(b"[")
    if values > MAX_VALUES:
        raise SrcscanError(f"the answer from {base} holds about {values} JSON values, more than a trace "
                           f"has ({MAX_VALUES}); not read")
    try:
        doc = loads_json(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise SrcscanError(f"the answer from {base} is not a JSON trace ({e})") from None
    return check_trace(doc, f"the answer from {base}")


def _error_text(e: "urllib.error.HTTPError") -> str:
    """The one-line ``error`` of a JSON error answer (serve's), else the HTTP reason."""
    from ..util import loads_json

    try:
        body = loads_json(e.read(64 * 1024) or b"{}")  # (depth-checked: a hostile body is not a crash)
        text = body.get("error") if isinstance(body, dict) else None
    except (ValueError, OSError):
        text = None
    text = text if isinstance(text, str) and text else str(e.reason)
    return " ".join(text.split())[:600]
