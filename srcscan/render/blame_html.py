"""One self-contained HTML page per blame document (docs/blame-schema.md): a summary, the
trace at the end of the range as paths of steps with a blame column (the revision each step
exists since, its first appearance and gaps, and a small timeline of its presence over the
traced revisions), then the steps grouped by revision.

Changeset and source links only when queries/links.toml lists the repository the svn
numbers belong to (render/_links.py): a user's own svn server gets plain numbers. Like the
other pages: Jinja2 with autoescaping, no script, no fetches (Content-Security-Policy); the
only markup not escaped by Jinja is Pygments' output. Not a trace format (no ``FORMAT``).
"""
from __future__ import annotations

from .. import __version__
from ._common import one_line
from .blame import BlameView, history_text, rev_key, svn_of

MAX_TIMELINE = 120  # traced revisions drawn per step; more are summarised


def rev_view(rev, links) -> dict:
    rev = rev if isinstance(rev, dict) else {}
    svn = svn_of(rev)
    rid = rev.get("id") if isinstance(rev.get("id"), str) else None
    date = rev.get("date") if isinstance(rev.get("date"), str) else ""
    return {"svn": svn, "id": rid, "short": (rid or "")[:12], "date": date, "date_short": date[:16].replace("T", " "),
            "author": one_line(rev.get("author")), "subject": one_line(rev.get("subject")),
            "changeset": links.changeset(svn) if links and svn else None,
            "name": f"r{svn}" if svn else ((rid or "")[:12] or "?"), "key": rev_key(rev)}


def _blame_view(b, links, evals) -> dict | None:
    if not isinstance(b, dict):
        return None
    pres = b.get("presence") if isinstance(b.get("presence"), str) else ""
    cells = [{"on": c == "+", "rev": evals[i]["name"] if i < len(evals) else "?"}
             for i, c in enumerate(pres[:MAX_TIMELINE])]
    return {"since": rev_view(b.get("since"), links), "from_start": bool(b.get("from_start")),
            "first": rev_view(b.get("first"), links), "first_at_start": bool(b.get("first_at_start")),
            "gaps": [{"removed": rev_view(g.get("removed"), links), "returned": rev_view(g.get("returned"), links)}
                     for g in b.get("gaps") or [] if isinstance(g, dict)],
            "more": history_text(b), "cells": cells, "cells_more": max(0, len(pres) - MAX_TIMELINE)}


def build_context(doc: dict) -> dict:
    from ._links import for_source
    from .html import _pygments, highlight

    v = BlameView(doc)
    links = for_source(doc.get("source"))
    evals = [rev_view(e.get("revision"), links) for e in doc["evaluations"] if isinstance(e, dict)]
    end_svn = svn_of((doc.get("range") or {}).get("end"))
    anchors: dict = {}
    groups = []
    for i, g in enumerate(v.groups()):
        anchor = "since-start" if g["from_start"] else f"since-{i}"
        if not g["from_start"]:
            anchors[rev_key(g["revision"])] = anchor
        groups.append({"anchor": anchor, "from_start": g["from_start"], "rev": rev_view(g["revision"], links),
                       "edges": [{"e": e, "more": history_text(b)} for e, b in g["edges"]],
                       "nodes": [n for n, _ in g["nodes"]]})
    paths = []
    for direction, p, steps in v.paths():
        rows = []
        for k, (n, e, b) in enumerate(steps):
            bv = _blame_view(b, links, evals)
            where_file, where_line = (e.get("file"), e.get("line")) if e else (n.get("file"), n.get("line"))
            rows.append({"number": k + 1, "node": n, "edge": e, "blame": bv,
                         "code": highlight(e["code"]) if e and e.get("code") else None,
                         "file": where_file if isinstance(where_file, str) else None,
                         "line": where_line if isinstance(where_line, int) and not isinstance(where_line, bool) else None,
                         "browse": links.browse(where_file, end_svn, where_line) if links else None,
                         "group": anchors.get(bv["since"]["key"]) if bv and not bv["from_start"] else None})
        pid = one_line(p.get("id"))
        paths.append({"id": pid[1:] if pid.startswith("p") else pid, "direction": direction, "rows": rows})
    starts = [{"node": v.trace.nodes.get(s) or {"id": s}, "blame": _blame_view(v.node_blame(s), links, evals)}
              for s in v.trace.start]
    st, rng, se = doc.get("stats") or {}, doc.get("range") or {}, doc.get("search") or {}
    return {
        "doc": doc, "query": doc.get("query") or {}, "source": doc.get("source") or {}, "links": links,
        "start": rev_view(rng.get("start"), links), "end": rev_view(rng.get("end"), links),
        "candidates": rng.get("candidates"), "search": se, "stats": st, "evaluated": len(evals),
        "warnings": [one_line(w) for w in doc.get("warnings") or []], "starts": starts, "paths": paths,
        "groups": groups, "changed": sum(1 for g in groups if not g["from_start"]),
        "pygments_css": _markup(_pygments()[2]),
        "tool_version": (doc.get("tool") or {}).get("version") or __version__,
    }


def _markup(s):
    from markupsafe import Markup

    return Markup(s)


def render(doc: dict, **options) -> str:
    """The blame page of a srcscan-blame/1 document."""
    from .html import _env

    return _env().get_template("blame.html.j2").render(**build_context(doc))
