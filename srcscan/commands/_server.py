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


def ask(args) -> dict:
    """The server's answer to this trace, as a checked trace dict; every failure is one line."""
    from ..render._common import check_trace
    from ..util import loads_json

    base = check_url(args.server)
    url = f"{base}/api/trace?{urllib.parse.urlencode(query(args))}"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "application/json"}),
                                    timeout=WAIT) as r:
            raw = r.read(MAX_ANSWER + 1)
    except urllib.error.HTTPError as e:
        why = _error_text(e)
        if e.code == 404:
            raise NotFound(f"{why} (asked {base})") from None
        if e.code == 503:
            raise SrcscanError(f"the server at {base} is still working on this question; ask again") from None
        raise UsageError(f"the server at {base} refused the question (HTTP {e.code}): {why}") from None
    except (urllib.error.URLError, OSError, ValueError) as e:
        reason = getattr(e, "reason", None) or e
        raise SrcscanError(f"could not reach a srcscan server at {base} ({reason}); "
                           "start one with `srcscan serve`") from None
    if len(raw) > MAX_ANSWER:
        raise SrcscanError(f"the answer from {base} is larger than {MAX_ANSWER // 2 ** 20} MB; not read")
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
