"""Shared parts of the history commands (bisect, history, diff; blame): options, the query, the
revision source, the cache, and the text rendering (HTML: srcscan.render.history_html). Not a command itself (leading _)."""
from __future__ import annotations

from .. import cli

FORMATS = ["text", "json", "html"]


def register_common(p, formats=None, symbol_optional: bool = False) -> None:
    p.add_argument("symbol", metavar="SYMBOL", nargs="?" if symbol_optional else None,
                   help="the value whose flow is followed (as for trace)" + (" (none with --taint)" if symbol_optional else ""))
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
    cli.add_models_option(g)
    cli.add_output_options(p, formats or FORMATS)
    p.add_argument("-v", "--verbose", action="store_true",
                   help="text: name nodes by their raw ids and list the nodes added and removed")


def add_cluster_option(p, what: str = "revisions") -> None:
    p.add_argument("--cluster", metavar="ADDRESS",
                   help=f"trace the {what} on a Dask cluster: a scheduler's address (tcp://host:8786; every worker "
                        "must reach the --cache folder) or local:N for N local worker processes (pip install "
                        f"'srcscan[cluster]'); without it, -j N (N > 1) traces them on N local processes")


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
    note(f"{args.command} of {args.symbol} in {source.kind} {source.root}")
    cache = cli.open_cache(args)
    try:
        res = fn(source, cache)
    finally:
        if cache is not None:
            cache.close()
    doc = res.to_json()
    for w in doc.get("warnings", []):  # on stderr, like every command's warnings (kept in JSON/HTML)
        note(f"warning: {w}")
    text = render(doc, args.format, getattr(args, "verbose", False))
    cli.emit(text, args.output)
    st = res.stats
    if args.format != "text" or args.output:
        note(f"{st['evaluations']} trace evaluation(s), files parsed {st['files_parsed']}, reused {st['files_reused']}, "
             f"{st['seconds']:.2f} s")
    return 0 if res.changes else 1


def render(doc: dict, fmt: str, verbose: bool = False) -> str:
    """A history document (docs/history-schema.md) as text, JSON or the HTML timeline."""
    if fmt == "json":
        import json

        return json.dumps(doc, indent=2, sort_keys=False)
    if fmt == "html":
        from ..render.history_html import render as render_html

        return render_html(doc)
    return render_text(doc, verbose)


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


def _at(x: dict) -> str:
    return f"{x['file']}:{x['line']}" if x.get("file") else ""


def _label(e: dict, end: str, verbose: bool) -> str:
    return str(e.get(end) if verbose else (e.get(end + "_label") or e.get(end)))


def _kind_via(e: dict) -> str:
    return f"[{e.get('kind')}{' via ' + str(e['via']) if e.get('via') else ''}]"


def _conds(s: dict) -> list[str]:
    return list(s.get("guards") or []) + [f"#if {p}" for p in s.get("preproc") or []]


def _clip(text: str, n: int = 80) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[:n - 3] + "..."


def _guards(s: dict) -> str:
    g = _conds(s)
    return "under " + " && ".join(f"`{_clip(x)}`" for x in g) if g else "unguarded"


def _guard_delta(new: dict, was: dict) -> str:
    """What a guard change changed: the conditions added and those dropped (not every one)."""
    a, b = _conds(new), _conds(was)
    plus = [x for x in a if x not in b]
    minus = [x for x in b if x not in a]
    parts = []
    if plus:
        parts.append("now under " + " && ".join(f"`{_clip(x)}`" for x in plus))
    if minus:
        parts.append("no longer under " + " && ".join(f"`{_clip(x)}`" for x in minus))
    return "; ".join(parts) or "conditions reordered"


def summary_line(d: dict) -> str:
    from ..query.flowdiff import summary_text

    return summary_text(d.get("summary")) or "no flow difference"


FOLD_ITEMS = 12  # a change with more items than this is shown a line per function and kind
MAX_FUNCTIONS = 20  # functions listed per folded change (the JSON and --verbose have all)
_KINDS = (("rename", "= rename      "), ("appeared", "+ appeared    "), ("disappeared", "- disappeared "),
          ("statement", "~ statement   "), ("guard", "~ guard       "))


def _items(d: dict, verbose: bool) -> list[tuple]:
    """(function, kind, one-line text, where, detail lines) for every item of a flow diff."""
    out = []
    for r in d.get("renames", []):
        old, new = (r["old"], r["new"]) if verbose else (r.get("old_name"), r.get("new_name"))
        out.append((r.get("function"), "rename", f"{old} -> {new}  ({r.get('edges', 0)} step(s))", _at(r), []))
    for kind, key in (("appeared", "edges_added"), ("disappeared", "edges_removed")):
        for e in d.get(key, []):
            what = f"{_label(e, 'src', verbose)} -> {_label(e, 'dst', verbose)}  {_kind_via(e)}"
            where = _at(e) + (" (before)" if kind == "disappeared" else "")
            out.append((e.get("function"), kind, what, where, [f"| {e['code']}"] if e.get("code") else []))
    for c in d.get("edges_changed", []):
        what = f"{_label(c, 'src', verbose)} -> {_label(c, 'dst', verbose)}  {_kind_via(c)}"
        new, was = c.get("statements_added") or [{}], c.get("statements_removed") or [{}]
        if c.get("change") == "guard":
            out.append((c.get("function"), "guard", f"{what}: {_guard_delta(new[0], was[0])}", _at(new[0]), []))
            continue
        detail = [f"+ {_at(x)}  {_guards(x)}  | {x.get('code')}" for x in c.get("statements_added", [])]
        detail += [f"- {_at(x)} (before)  | {x.get('code')}" for x in c.get("statements_removed", [])]
        n_add, n_rm = len(c.get("statements_added", [])), len(c.get("statements_removed", []))
        out.append((c.get("function"), "statement", f"{what}: {n_add} statement(s) more, {n_rm} less",
                    _at(new[0]) or _at(was[0]), detail))
    return out


def diff_lines(d: dict, indent: str = "  ", verbose: bool = False) -> list[str]:
    """A flow diff as text: a summary line, then the items grouped by function (file:line of the
    new side; a disappeared step shows the old one). A change of more than FOLD_ITEMS items is
    folded to one line per function and kind; raw node ids, the nodes added and removed, and
    every item only with ``verbose``."""
    items = _items(d, verbose)
    if not items and not (verbose and (d.get("nodes_added") or d.get("nodes_removed"))):
        return [f"{indent}(no flow difference)"]
    by_fn: dict[str, list[tuple]] = {}
    for it in items:
        by_fn.setdefault(it[0] or "(file scope)", []).append(it)
    out = [f"{indent}{summary_line(d)}"] if items else []
    fold = not verbose and len(items) > FOLD_ITEMS
    fns = sorted(by_fn, key=lambda f: (-len(by_fn[f]), f)) if fold else sorted(by_fn)
    for fn in fns[:MAX_FUNCTIONS] if fold else fns:
        out.append(f"{indent}  {fn}")
        for kind, word in _KINDS:
            group = [it for it in by_fn[fn] if it[1] == kind]
            if not group:
                continue
            if fold:
                ex = "; ".join(_clip(it[2].split("  ")[0], 70) for it in group[:2]) + \
                    (f"; +{len(group) - 2} more" if len(group) > 2 else "")
                wheres = sorted({it[3].split(" ")[0] for it in group if it[3]})
                at = wheres[0] + (f" (+{len(wheres) - 1} more)" if len(wheres) > 1 else "") if wheres else ""
                out.append(f"{indent}    {word}{len(group)}: {ex}  {at}")
                continue
            for it in group:
                out.append(f"{indent}    {word}{it[2]}  {it[3]}")
                out += [f"{indent}                    {x}" for x in it[4]]
    if fold and len(fns) > MAX_FUNCTIONS:
        out.append(f"{indent}  ... {len(fns) - MAX_FUNCTIONS} more function(s): --verbose or --format json lists them")
    elif fold:
        out.append(f"{indent}  (folded: --verbose lists every item with its source line)")
    if verbose:
        for sign, key in (("-", "nodes_removed"), ("+", "nodes_added")):
            if d.get(key):
                out.append(f"{indent}{sign} nodes: {', '.join(d[key])}")
    return out


def render_text(doc: dict, verbose: bool = False) -> str:
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
            lines += diff_lines(f["diff"], verbose=verbose)
        else:
            lines += ["", "no change found between the endpoints"]
    elif doc["command"] == "history":
        lines.append(f"range: {short(rng['good'])} .. {short(rng['bad'])}")
        lines.append(f"{len(doc['changes'])} change(s):" if doc["changes"] else "no change in the range")
        for c in doc["changes"]:
            lines += ["", f"* {rev_line(c['revision'])}"] + diff_lines(c["diff"], "    ", verbose)
    else:
        lines.append(f"from: {rev_line(rng['good'])}")
        lines.append(f"to:   {rev_line(rng['bad'])}")
        lines.append("")
        lines += diff_lines(doc["changes"][0]["diff"], verbose=verbose) if doc["changes"] else ["no flow difference"]
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
