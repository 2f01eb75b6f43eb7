"""srcscan blame: for each step of a flow, the revision since which it exists."""
from __future__ import annotations

from . import _history

NAME = "blame"
HELP = "for every step of a flow, the revision since which it exists (svn number, commit, date)"
DESCRIPTION = """\
Trace SYMBOL at B, the end of --range A..B, and for every node and edge of that trace say
since which revision it exists (the start of its last unbroken run up to B: svn number when
known, git id, date, subject), where it first appeared in the range, and the gaps between
(removed, then back: real histories are not monotone). A step there at A is marked "<=A":
it is older than the range. Revisions are those bisect and history walk (first-parent order
for git, svn numbers with --svn), only those that touch the scope.

--search every traces every candidate (exact); --search bisect traces A, B and --probes
revisions spread over the range, then splits every pair of neighbouring traced revisions
whose steps differ until each change is pinned to one revision (one trace serves every
step); a removal and return entirely between two traced revisions is then not seen. auto
(default): every up to 24 candidates, else bisect. The number of revisions evaluated is
printed. Traces and facts come from the cache, so a second run is fast. With -j N (N > 1) or
--cluster, the revisions of each round (every candidate; the probes; a round's splits) are
traced at once by the workers: the same answer in less time.

With --taint (and no SYMBOL): run `srcscan taint` at A and at every revision after it (every
candidate; --search does not apply) and, for every finding at B, give the revision where it
appeared and the one since which it is checked (or unchecked), each the start of its last
unbroken run up to B ("<=start": older than the range). Text or JSON (docs/taint-schema.md).

examples:
  srcscan blame cTscTicksPerSecond --range r55000..r56000
  srcscan blame cTscTicksPerSecond --range v4.3.26..v5.0.24 --to u32TscScale --format html -o blame.html
  srcscan blame cTscTicksPerSecond --range 2..9 --svn file:///srv/svn/vbox/trunk --format json
  srcscan blame cTscTicksPerSecond --range A..B --search bisect --probes 6 --format markdown
  srcscan blame --taint --range v6.1.16..v6.1.18 --src ~/vbox/src/VBox/Devices --src ~/vbox/include
  srcscan blame cTscTicksPerSecond --range r55000..r56000 --cluster local:2

exit codes: 0 blame printed, 1 SYMBOL (or --to) not found at B, 2 usage or input error
(unknown revision, empty range)."""

FORMATS = ["text", "json", "html", "markdown"]


def register(p) -> None:
    _history.register_common(p, FORMATS, symbol_optional=True)
    p.add_argument("--taint", action="store_true",
                   help="for every taint finding at B, the revision where it appeared and the one since which it is "
                        "checked or unchecked, instead of a value's flow; no SYMBOL")
    p.add_argument("--range", required=True, metavar="A..B", help="revisions after A up to and including B")
    p.add_argument("--to", metavar="TARGET", help="blame the trace with paths from SYMBOL to TARGET (as trace --to)")
    p.add_argument("--search", choices=["auto", "every", "bisect"], default="auto",
                   help="trace every candidate, or bisect per step with shared evaluations (default: auto)")
    p.add_argument("--probes", type=int, default=3, metavar="N",
                   help="bisect: revisions traced evenly over the range before splitting (default: 3)")
    _history.add_cluster_option(p, "revisions of each round")


def run(args) -> int:
    from ..errors import UsageError
    from ..query.blame import blame
    from ..query.history import open_source
    from ..util import note
    from .. import cli

    a, sep, b = (args.range or "").partition("..")
    if not sep or not a or not b or b.startswith("."):
        raise UsageError(f"--range {args.range!r}: write it as A..B (for example r55000..r56000)")
    if args.probes < 0:
        raise UsageError(f"--probes {args.probes}: must be 0 or more")
    from . import _taint_history

    _taint_history.check_args(args, "blame")
    if args.taint:
        return _taint_history.run(args, "blame", a, b)
    q = _history.query(args, to=args.to)
    source = open_source(args)
    note(f"blame of {args.symbol} in {source.kind} {source.root}")
    cache = cli.open_cache(args)
    try:
        res = blame(source, q, a, b, cache, args.jobs, search=args.search, probes=args.probes,
                    progress=True, cluster=args.cluster)
    finally:
        if cache is not None:
            cache.close()
    cli.emit(render(res.to_json(), args.format), args.output)
    st = res.stats
    if args.format != "text" or args.output:
        note(f"{res.candidates} candidate revision(s), {st['revisions_traced']} evaluated ({res.search}); "
             f"files parsed {st['files_parsed']}, reused {st['files_reused']}, {st['seconds']:.2f} s")
    return 0


def render(doc: dict, fmt: str) -> str:
    """A blame document (docs/blame-schema.md) in one of FORMATS."""
    if fmt == "json":
        import json

        return json.dumps(doc, indent=2)
    if fmt == "html":
        from ..render.blame_html import render as render_html

        return render_html(doc)
    from ..render.blame import render_markdown, render_text

    return render_markdown(doc) if fmt == "markdown" else render_text(doc)
