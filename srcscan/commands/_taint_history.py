"""`srcscan history --taint` and `srcscan blame --taint`: running them and their text (JSON:
docs/taint-schema.md). Not a command itself (leading _)."""
from __future__ import annotations


def check_args(args, command: str) -> None:
    """SYMBOL xor --taint; text or JSON only with --taint."""
    from ..errors import UsageError

    if args.taint:
        if args.symbol:
            raise UsageError(f"{command} --taint follows every finding: give --range A..B only, no SYMBOL")
        if args.format not in ("text", "json"):
            raise UsageError(f"{command} --taint: --format {args.format} is not supported (text or json)")
        if getattr(args, "to", None):
            raise UsageError(f"{command} --taint: --to is for a SYMBOL's flow, not for taint findings")
    elif not args.symbol:
        raise UsageError(f"{command} needs SYMBOL (or --taint)")


def run(args, command: str, start: str, end: str) -> int:
    import json

    from .. import cli
    from ..query.history import open_source
    from ..query.tainthistory import taint_blame, taint_history
    from ..util import note

    source = open_source(args)
    note(f"{command} --taint in {source.kind} {source.root}")
    cache = cli.open_cache(args)
    fn = taint_history if command == "history" else taint_blame
    try:
        doc = fn(source, start, end, cache, args.jobs, cli.config_from(args), progress=True)
    finally:
        if cache is not None:
            cache.close()
    for w in doc.get("warnings", []):
        note(f"warning: {w}")
    if args.format == "json":
        text = json.dumps(doc, indent=2)
    else:
        text = render_history(doc) if command == "history" else render_blame(doc)
    cli.emit(text, args.output)
    if command == "history":
        return 0 if doc["changes"] else 1
    return 0 if doc["findings"] else 1


def render_history(doc: dict) -> str:
    """One block per revision where the findings changed: what became unchecked or appeared first."""
    from ._history import rev_line
    from .diff import render_taint_text

    revs = doc["revisions"]
    out = [f"taint history  {doc['range']['start']}..{doc['range']['end']}: {doc['candidates']} revision(s) after "
           f"the start, {len(doc['changes'])} with a change in the findings",
           "findings (unchecked) per revision: " + ", ".join(
               f"{r['summary']['findings']} ({r['summary']['unchecked']})" for r in revs), ""]
    for ch in doc["changes"]:
        d = {"before": {"revision": ch["before"], "summary": ch["summary"]["before"]},
             "after": {"revision": ch["after"], "summary": ch["summary"]["after"]},
             **{k: ch[k] for k in ("appeared", "disappeared", "became_checked", "became_unchecked", "unchanged")}}
        out.append(render_taint_text(d).rstrip())
        out.append("")
    if not doc["changes"]:
        out.append(f"no change in the taint findings since {rev_line(revs[0]['revision'])}")
    return "\n".join(out).rstrip() + "\n"


def render_blame(doc: dict) -> str:
    """Every finding at the end of the range, unchecked first: since when it is there and since
    when it has its state."""
    from ._history import short

    def when(r):
        return short(r) or "?" if r else "<=start"

    out = [f"taint blame  {doc['range']['start']}..{doc['range']['end']} ({doc['candidates']} revision(s) after the "
           f"start): {doc['summary']['findings']} findings at {short(doc['end'])}, {doc['summary']['unchecked']} unchecked",
           f"  {'state':<9} {'since':<14} {'appeared':<14} {'function':<30} sink", ""]
    rows = sorted(doc["findings"], key=lambda r: (r["finding"]["checked"], r["finding"].get("rank") or 0))
    for r in rows:
        f, s = r["finding"], r["finding"]["sink"]
        state = "checked" if f["checked"] else "UNCHECKED"
        out.append(f"  {state:<9} {when(r['state_since']):<14} {when(r['appeared']):<14} {s.get('function') or '':<30} "
                   f"{s.get('file')}:{s.get('line')}  {s.get('model')}")
    return "\n".join(out).rstrip() + "\n"
