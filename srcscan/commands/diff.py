"""srcscan diff: how the flow of a value (or the taint findings) differs between two revisions."""
from __future__ import annotations

from . import _history

NAME = "diff"
HELP = "compare the flow of a value, or the taint findings, at two revisions"
DESCRIPTION = """\
Trace SYMBOL at REV1 and REV2 (git refs or ids, rNNNNN svn numbers, or svn revisions with
--svn) and print the edges and nodes added and removed (no line numbers: moved code is not a
change).

With --taint (and no SYMBOL): run `srcscan taint` at both revisions and print the findings
that appeared, disappeared, became checked or became unchecked. A finding is its sink
statement (file, function, sink, text without comments or spacing) and its source, never a
line number: code that moved is not a change (docs/commands/diff.md).

examples:
  srcscan diff cTscTicksPerSecond r55000 r56000
  srcscan diff cTscTicksPerSecond HEAD~10 HEAD --format json
  srcscan diff cTscTicksPerSecond r55000 r56000 --format html -o reports/tsc-diff.html
  srcscan diff --taint v6.1.16 v6.1.18 --src ~/vbox/src/VBox/Devices --src ~/vbox/include

exit codes: 0 the flows (findings) differ, 1 they are the same, 2 usage or input error."""


def register(p) -> None:
    _history.register_common(p, symbol_optional=True)
    p.add_argument("rev1", metavar="REV1", nargs="?", help="the older revision")
    p.add_argument("rev2", metavar="REV2", nargs="?", help="the newer revision")
    p.set_defaults(_more_words=True)
    p.add_argument("--taint", action="store_true",
                   help="compare the taint findings (srcscan taint) instead of a value's flow; no SYMBOL")


def _place_words(args) -> None:
    """SYMBOL REV1 REV2 (or REV1 REV2 with --taint), wherever the options sit between them."""
    from ..errors import UsageError

    words = [w for w in (args.symbol, args.rev1, args.rev2) if w is not None] + list(getattr(args, "words_after", []))
    want = 2 if args.taint else 3
    if len(words) != want:
        if args.taint and len(words) == 3:
            raise UsageError("diff --taint compares every finding: give REV1 REV2 only, no SYMBOL")
        raise UsageError("diff needs SYMBOL REV1 REV2 (or --taint REV1 REV2)")
    args.symbol, args.rev1, args.rev2 = ([None] if args.taint else []) + words


def run(args) -> int:
    from ..errors import UsageError

    _place_words(args)
    if args.taint:
        if args.format == "html":
            raise UsageError("diff --taint: --format html is not supported (text or json)")
        return _run_taint(args)
    from ..query.history import diff

    q = _history.query(args)
    return _history.run_with(args, lambda src, cache: diff(src, q, args.rev1, args.rev2, cache, args.jobs))


def _run_taint(args) -> int:
    import json

    from .. import cli
    from ..query.history import open_source
    from ..query.taintdiff import changed, diff_taint
    from ..util import note

    source = open_source(args)
    note(f"diff --taint in {source.kind} {source.root}")
    cache = cli.open_cache(args)
    try:
        doc = diff_taint(source, args.rev1, args.rev2, cache, args.jobs, cli.config_from(args))
    finally:
        if cache is not None:
            cache.close()
    for w in doc.get("warnings", []):
        note(f"warning: {w}")
    cli.emit(json.dumps(doc, indent=2) if args.format == "json" else render_taint_text(doc), args.output)
    return 0 if changed(doc) else 1


def render_taint_text(doc: dict) -> str:
    """Changes first (newly unchecked and appeared unchecked findings lead), one line each."""
    from ..query.taintdiff import changed
    from ._history import rev_line

    def line(f: dict) -> str:
        s, src = f["sink"], f["source"]
        where = f"{s.get('file')}:{s.get('line')}"
        state = "checked" if f["checked"] else "UNCHECKED"
        return f"  {state:<9} {s.get('category') or '':<14} {s.get('function') or '':<30} {where}  {s.get('model')}" \
               f"  <- {src.get('model')}"

    b, a = doc["before"], doc["after"]
    out = [f"taint diff  {rev_line(b['revision'])}", f"        ->  {rev_line(a['revision'])}",
           f"findings {b['summary']['findings']} -> {a['summary']['findings']}, unchecked "
           f"{b['summary']['unchecked']} -> {a['summary']['unchecked']}; "
           f"{len(doc['appeared'])} appeared, {len(doc['disappeared'])} disappeared, "
           f"{len(doc['became_checked'])} became checked, {len(doc['became_unchecked'])} became unchecked, "
           f"{doc['unchanged']} unchanged", ""]
    sections = [("became unchecked (a check was removed or no longer holds)", [p["after"] for p in doc["became_unchecked"]]),
                ("appeared", doc["appeared"]),
                ("became checked", [p["after"] for p in doc["became_checked"]]),
                ("disappeared", doc["disappeared"])]
    for title, rows in sections:
        if not rows:
            continue
        out.append(f"{title}: {len(rows)}")
        out += [line(f) for f in rows]
        if title == "became checked":
            for p in doc["became_checked"]:
                c = p["after"]["checks"][0] if p["after"]["checks"] else None
                if c:
                    out.append(f"      {p['after']['sink']['function']}: {c['kind']} at {c['file']}:{c['line']}  {c['code']}")
        out.append("")
    if not changed(doc):
        out.append("no change in the taint findings")
    return "\n".join(out).rstrip() + "\n"
