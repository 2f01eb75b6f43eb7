"""One self-contained HTML page per history result (docs/history-schema.md): a summary, then a
vertical timeline of the revisions looked at, each changed revision with its flow diff (edges
added and removed with their evidence), links to the changeset and source browser of the repository (queries/links.toml)
when the svn number is known, and the bisect result highlighted.

Used by ``srcscan bisect|history|diff --format html``. It is not a trace format, so this module
exports no ``FORMAT`` (srcscan.render discovers trace formats by that name). Like the trace
report: Jinja2 with autoescaping, the report's CSS, no script, no fetches (a
Content-Security-Policy forbids both); the only markup not escaped by Jinja is Pygments' output.
"""
from __future__ import annotations

from .. import __version__
from ..errors import UsageError
from ._common import one_line
from ._links import for_source
from ..query.flowdiff import summary_text

SCHEMA = "srcscan-history/1"
BY_KIND = (("appeared", "Edges that appeared"), ("disappeared", "Edges that disappeared"),
           ("statement", "Statements changed"), ("guard", "Guards changed"), ("rename", "Locals renamed"))
MAX_BY_KIND = 50  # listed per kind in the by-kind view; the timeline has every one
RUN_COLLAPSE = 4  # this many unchanged revisions in a row (or more) fold into one <details>
MAX_EDGES = 200  # per change and direction; more are counted, not listed


def _svn(rev) -> int | None:
    svn = (rev or {}).get("svn") if isinstance(rev, dict) else None
    return svn if isinstance(svn, int) and not isinstance(svn, bool) and svn > 0 else None




def rev_key(rev: dict | None):
    rev = rev or {}
    return rev.get("id") or (f"r{_svn(rev)}" if _svn(rev) else None)


def rev_view(rev: dict | None, web=None) -> dict:
    """What the template shows of a Revision: svn number, short id, date, author, subject,
    the changeset link."""
    rev = rev if isinstance(rev, dict) else {}
    svn = _svn(rev)
    rid = rev.get("id") if isinstance(rev.get("id"), str) else None
    date = rev.get("date") if isinstance(rev.get("date"), str) else ""
    return {"svn": svn, "id": rid, "short": (rid or "")[:12], "date": date,
            "date_short": date[:16].replace("T", " "), "author": one_line(rev.get("author")),
            "subject": one_line(rev.get("subject")),
            "changeset": web.changeset(svn) if web and svn else None,
            "name": " ".join(x for x in (f"r{svn}" if svn else "", (rid or "")[:12]) if x) or "?"}


def _edge_view(e: dict, rev: dict | None, web=None) -> dict:
    from .html import highlight

    line = e.get("line") if isinstance(e.get("line"), int) and not isinstance(e.get("line"), bool) else None
    guards = e.get("guards") if isinstance(e.get("guards"), list) else []
    return {"src": e.get("src"), "dst": e.get("dst"), "kind": e.get("kind"), "via": e.get("via"),
            "file": e.get("file"), "line": line, "function": e.get("function"),
            "code": highlight(e["code"]) if e.get("code") else None,
            "guards": [one_line(g) for g in guards], "trac": web.browse(e.get("file"), _svn(rev), line) if web else None,
            "svn": _svn(rev)}


def _changed_view(c: dict, before, after, web=None) -> dict:
    """An edge whose statements (``statement``) or only their guards (``guard``) changed."""
    view = _edge_view(c, after, web)
    view["change"] = "guard" if c.get("change") == "guard" else "statement"
    view["stmts"] = ([{**_edge_view(x, after, web), "sign": "+"} for x in c.get("statements_added") or []
                      if isinstance(x, dict)] +
                     [{**_edge_view(x, before, web), "sign": "\u2212"} for x in c.get("statements_removed") or []
                      if isinstance(x, dict)])
    return view


def _value_text(v, predicate: str) -> str:
    if isinstance(v, bool):
        what = "flow" if predicate == "path" else "path"
        return f"{what} present" if v else f"{what} absent"
    return f"fingerprint {str(v)[:12]}" if v is not None else "?"


def check_history(doc) -> dict:
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        got = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise UsageError(f"not a srcscan history (schema {got!r}, expected {SCHEMA!r})")
    for key in ("changes", "evaluations"):
        if not isinstance(doc.get(key), list):
            raise UsageError(f"not a srcscan history ({key!r} must be a list)")
    return doc


def build_context(doc: dict) -> dict:
    web = for_source(doc.get("source"))  # web pages of the svn repository (queries/links.toml), or None
    from .html import _pygments

    check_history(doc)
    cmd = doc.get("command") or "history"
    q = doc.get("query") or {}
    predicate = q.get("predicate") or "changed"
    rng = doc.get("range") or {}
    st = doc.get("stats") or {}
    found = doc.get("found") if cmd == "bisect" else None
    found_key = rev_key((found or {}).get("revision"))
    good_key, bad_key = rev_key(rng.get("good")), rev_key(rng.get("bad"))

    changes = []
    by_key = {}
    seen_fps: dict = {}
    evals = [e for e in doc["evaluations"] if isinstance(e, dict)]
    for e in evals:  # the first revision holding each fingerprint, to spot returns
        seen_fps.setdefault(e.get("fingerprint"), rev_key(e.get("revision")))
    for i, c in enumerate(doc["changes"], 1):
        if not isinstance(c, dict):
            continue
        after, before = c.get("revision") or {}, c.get("before") or {}
        d = c.get("diff") or {}
        ea = [x for x in d.get("edges_added") or [] if isinstance(x, dict)]
        er = [x for x in d.get("edges_removed") or [] if isinstance(x, dict)]
        first_key = seen_fps.get(c.get("fingerprint"))
        returns = None
        if first_key and first_key != rev_key(after) and cmd == "history":
            first = next((e for e in evals if rev_key(e.get("revision")) == first_key), None)
            returns = rev_view(first.get("revision"), web) if first else None
        view = {
            "number": i, "anchor": f"change-{i}", "rev": rev_view(after, web), "before": rev_view(before, web),
            "value_before": _value_text(c.get("value_before"), predicate),
            "value_after": _value_text(c.get("value_after"), predicate),
            "added": [_edge_view(x, after, web) for x in ea[:MAX_EDGES]],
            "removed": [_edge_view(x, before, web) for x in er[:MAX_EDGES]],
            "added_more": max(0, len(ea) - MAX_EDGES), "removed_more": max(0, len(er) - MAX_EDGES),
            "changed": [_changed_view(x, before, after, web) for x in (d.get("edges_changed") or [])[:MAX_EDGES]
                        if isinstance(x, dict)],
            "renames": [{"old": one_line(r.get("old_name") or r.get("old")), "new": one_line(r.get("new_name") or r.get("new")),
                         "function": one_line(r.get("function")), **_edge_view(r, after, web)}
                        for r in d.get("renames") or [] if isinstance(r, dict)],
            "summary": summary_text(d.get("summary")),
            "nodes_added": [one_line(n) for n in d.get("nodes_added") or []],
            "nodes_removed": [one_line(n) for n in d.get("nodes_removed") or []],
            "found": cmd == "bisect" and rev_key(after) == found_key, "returns": returns,
        }
        changes.append(view)
        by_key.setdefault(rev_key(after), view)

    good_value = evals[0].get("value") if evals else None
    items = []
    for i, e in enumerate(evals):
        rev = e.get("revision") or {}
        key = rev_key(rev)
        ch = by_key.get(key)
        if cmd == "diff" and i == 1 and changes:
            ch = changes[0]
        role = []
        if key == good_key and i == 0:
            role.append({"bisect": "good", "history": "start", "diff": "from"}.get(cmd, "start"))
        if key == bad_key and (i == len(evals) - 1 or cmd == "diff"):
            role.append({"bisect": "bad", "history": "end", "diff": "to"}.get(cmd, "end"))
        items.append({
            "index": i, "anchor": (ch or {}).get("anchor") or f"rev-{i}", "rev": rev_view(rev, web), "change": ch,
            "roles": role, "found": bool(ch and ch["found"]),
            "nodes": e.get("nodes"), "edges": e.get("edges"), "missing": one_line(e.get("missing")) or None,
            "same_files_as": one_line(e.get("same_files_as"))[:12] or None,
            "value": _value_text(e.get("value"), predicate),
            "same_as_good": e.get("value") == good_value,
            # bisect: a neighbouring pair with different flows that is not the found change
            "differs_from": (rev_view(evals[i - 1].get("revision"), web)
                             if i and not ch and e.get("fingerprint") != evals[i - 1].get("fingerprint") else None),
        })
    for ch in changes:  # a change whose revision was not among the evaluations (hand-made JSON)
        if not any(it["change"] is ch for it in items):
            items.append({"index": len(items), "anchor": ch["anchor"], "rev": ch["rev"], "change": ch, "roles": [],
                          "found": ch["found"], "nodes": None, "edges": None, "missing": None,
                          "same_files_as": None, "value": ch["value_after"], "same_as_good": False,
                          "differs_from": None})

    # group: every changed or endpoint revision stands alone; runs of quiet ones fold
    groups, run = [], []

    def flush():
        if len(run) >= RUN_COLLAPSE:
            groups.append({"fold": True, "items": list(run), "first": run[0]["rev"], "last": run[-1]["rev"]})
        else:
            groups.extend({"fold": False, "item": it} for it in run)
        run.clear()

    for it in items:
        if it["change"] or it["roles"] or it["missing"] or it["differs_from"]:
            flush()
            groups.append({"fold": False, "item": it})
        else:
            run.append(it)
    flush()

    candidates = rng.get("candidates")
    return {
        "by_kind": by_kind(changes),
        "doc": doc, "command": cmd, "query": q, "predicate": predicate, "source": doc.get("source") or {},
        "good": rev_view(rng.get("good"), web), "bad": rev_view(rng.get("bad"), web), "candidates": candidates,
        "stats": st, "warnings": [one_line(w) for w in doc.get("warnings") or []],
        "changes": changes, "groups": groups, "evaluated": len(evals),
        "found": next((c for c in changes if c["found"]), None),
        "path_text": " -> ".join(str(x) for x in q.get("path") or []),
        "reuse_pct": _pct(st.get("files_reused"), st.get("files_parsed")),
        "pygments_css": _markup(_pygments()[2]),
        "tool_version": (doc.get("tool") or {}).get("version") or __version__,
    }


def by_kind(changes: list[dict]) -> list[dict]:
    """The changes regrouped by what changed (flowdiff's summary kinds): per kind, how many,
    in which revisions, and the first MAX_BY_KIND items, each with its change's anchor."""
    out = []
    for kind, title in BY_KIND:
        items, revs = [], []
        for c in changes:
            if kind == "appeared":
                got = [dict(e, text=f"{e['src']} \u2192 {e['dst']}") for e in c["added"]]
            elif kind == "disappeared":
                got = [dict(e, text=f"{e['src']} \u2192 {e['dst']}") for e in c["removed"]]
            elif kind == "rename":
                got = [dict(r, text=f"{r['old']} \u2192 {r['new']}") for r in c["renames"]]
            else:
                got = [dict(e, text=f"{e['src']} \u2192 {e['dst']}") for e in c["changed"] if e["change"] == kind]
            if got:
                revs.append({"anchor": c["anchor"], "name": c["rev"]["name"], "count": len(got)})
                items += [dict(x, anchor=c["anchor"], rev_name=c["rev"]["name"]) for x in got]
        out.append({"kind": kind, "title": title, "count": len(items), "revs": revs, "items": items[:MAX_BY_KIND],
                    "more": max(0, len(items) - MAX_BY_KIND)})
    return out


def _pct(reused, parsed) -> int | None:
    try:
        total = int(reused) + int(parsed)
        return round(100 * int(reused) / total) if total else None
    except (TypeError, ValueError):
        return None


def _markup(s):
    from markupsafe import Markup

    return Markup(s)


def render(doc: dict, **options) -> str:
    """The timeline page of a srcscan-history/1 document."""
    from .html import _env

    return _env().get_template("history.html.j2").render(**build_context(doc))
