"""Shared parts of the history commands (bisect, history, diff; blame): options, the query, the
revision source, the cache, and the text rendering (HTML: srcscan.render.history_html). Not a command itself (leading _)."""
from __future__ import annotations

from .. import cli

FORMATS = ["text", "json", "html"]


def register_common(p, formats=None) -> None:
    p.add_argument("symbol", metavar="SYMBOL", help="the value whose flow is followed (as for trace)")
    p.add_argument("--direction", choices=["up", "down", "both"], default="both",
                   help="trace upstream, downstream or both (default: both)")
    p.add_argument("-i", "--ignore-case", action="store_true", help="match SYMBOL ignoring case")
    cli.add_config_options(p)
    g = p.add_argument_group("sources")
    g.add_argument("--src", action="append", metavar="DIR",
                   help="a folder of the git repository (repeatable; folders below the root narrow the scope); "
                        "default: $SRCSCAN_SRC, else the checkout containing the current folder")
    g.add_argument("--svn", metavar="URL_OR_WC", help="walk svn revisions of this URL or working copy instead of git")
    g.add_argument("--whole-tree", action="store_true",
                   help="given a checkout root, scan all of it instead of src/VBox/VMM and include")
    g.add_argument("--cache", metavar="DIR", help="fact cache folder (default: $SRCSCAN_CACHE or $XDG_CACHE_HOME/srcscan)")
    g.add_argument("--no-cache", action="store_true", help="do not read or write the fact cache")
    cli.add_jobs_option(g)
    cli.add_output_options(p, formats or FORMATS)


def query(args, to=None, path=None):
    from ..query.history import Query, parse_path

    opts = {"defines": args.define, "undefs": args.undef, "keep_if0": args.keep_if0, "control": not args.no_control,
            "ignore_case": args.ignore_case}
    return Query(args.symbol, to=to, path=parse_path(path) if path else None, direction=args.direction, options=opts)


def run_with(args, fn) -> int:
    """Open the source and cache, run ``fn(source, cache)`` -> HistoryResult, print it."""
    from ..query.history import open_source
    from ..util import note

    source = open_source(args)
    note(f"history of {args.symbol} in {source.kind} {source.root}")
    cache = cli.open_cache(args)
    try:
        res = fn(source, cache)
    finally:
        if cache is not None:
            cache.close()
    doc = res.to_json()
    for w in doc.get("warnings", []):  # on stderr, like every command's warnings (kept in JSON/HTML)
        note(f"warning: {w}")
    text = render(doc, args.format)
    cli.emit(text, args.output)
    st = res.stats
    if args.format != "text" or args.output:
        note(f"{st['evaluations']} trace evaluation(s), files parsed {st['files_parsed']}, reused {st['files_reused']}, "
             f"{st['seconds']:.2f} s")
    return 0 if res.changes else 1


def render(doc: dict, fmt: str) -> str:
    """A history document (docs/history-schema.md) as text, JSON or the HTML timeline."""
    if fmt == "json":
        import json

        return json.dumps(doc, indent=2, sort_keys=False)
    if fmt == "html":
        from ..render.history_html import render as render_html

        return render_html(doc)
    return render_text(doc)


# --- text --------------------------------------------------------------------------------

def rev_line(r: dict) -> str:
    parts = []
    if r.get("svn") is not None:
        parts.append(f"r{r['svn']}")
    if r.get("id"):
        parts.append(r["id"][:12])
    if r.get("date"):
        parts.append(r["date"][:19].replace("T", " "))
    if r.get("author"):
        parts.append(r["author"])
    head = "  ".join(parts)
    return head + (f"  {r['subject']}" if r.get("subject") else "")


def short(r: dict) -> str:
    return " ".join(x for x in ((f"r{r['svn']}" if r.get("svn") is not None else ""), (r.get("id") or "")[:12]) if x)


def diff_lines(d: dict, indent: str = "  ") -> list[str]:
    out = []
    for sign, key in (("-", "edges_removed"), ("+", "edges_added")):
        for e in d.get(key, []):
            via = f" via {e['via']}" if e.get("via") else ""
            where = f"{e['file']}:{e['line']}" if e.get("file") else ""
            out.append(f"{indent}{sign} {e['src']} -> {e['dst']}  [{e['kind']}{via}]  {where}")
            if e.get("code"):
                out.append(f"{indent}    | {e['code']}")
    for sign, key in (("-", "nodes_removed"), ("+", "nodes_added")):
        if d.get(key):
            out.append(f"{indent}{sign} nodes: {', '.join(d[key])}")
    return out or [f"{indent}(no flow difference)"]


def render_text(doc: dict) -> str:
    from ..util import inert_doc

    doc = inert_doc(doc)  # file names, commit subjects, code: one value, one line, no escape sequence
    q, rng, st = doc["query"], doc["range"], doc["stats"]
    what = q["symbol"] + (f" --to {q['to']}" if q.get("to") else "") + (f" --path '{' -> '.join(q['path'])}'" if q.get("path") else "")
    lines = [f"srcscan {doc['command']} {what}  ({doc['source']['kind']} {doc['source']['root']})", ""]
    if doc["command"] == "bisect":
        lines.append(f"good: {rev_line(rng['good'])}")
        lines.append(f"bad:  {rev_line(rng['bad'])}")
        f = doc.get("found")
        if f:
            lines += ["", f"first changed revision: {rev_line(f['revision'])}",
                      f"  (previous candidate: {short(f['before'])}; predicate {q['predicate']}: "
                      f"{_val(f['value_before'])} -> {_val(f['value_after'])})", "", "flow diff:"]
            lines += diff_lines(f["diff"])
        else:
            lines += ["", "no change found between the endpoints"]
    elif doc["command"] == "history":
        lines.append(f"range: {short(rng['good'])} .. {short(rng['bad'])}")
        lines.append(f"{len(doc['changes'])} change(s):" if doc["changes"] else "no change in the range")
        for c in doc["changes"]:
            lines += ["", f"* {rev_line(c['revision'])}"] + diff_lines(c["diff"], "    ")
    else:
        lines.append(f"from: {rev_line(rng['good'])}")
        lines.append(f"to:   {rev_line(rng['bad'])}")
        lines.append("")
        lines += diff_lines(doc["changes"][0]["diff"]) if doc["changes"] else ["no flow difference"]
    lines.append("")
    bound = f" (bound {st['bound']})" if "bound" in st else ""
    cand = f"{rng['candidates']} candidate revision(s), " if doc["command"] != "diff" else ""
    lines.append(f"{cand}{st['evaluations']} trace evaluation(s){bound}; files parsed {st['files_parsed']}, "
                 f"reused {st['files_reused']}; {st['seconds']:.2f} s")
    return "\n".join(lines) + "\n"


def _val(v) -> str:
    if isinstance(v, bool):
        return "present" if v else "absent"
    return f"fingerprint {str(v)[:12]}"
