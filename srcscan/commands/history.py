"""srcscan history: every revision in a range where a flow changed."""
from __future__ import annotations

from . import _history

NAME = "history"
HELP = "list every revision in a range where the flow of a value changed"
DESCRIPTION = """\
Trace SYMBOL at every revision of --range A..B (first-parent order for git; svn numbers with
--svn) that touches the scope and list each one whose flow fingerprint (nodes and edges, no
line numbers) differs from the previous one, with the edges added and removed. Real
histories are not monotone: a flow that changes and changes back shows twice. --format html
writes one self-contained page: a timeline of the range with each change's flow diff.

With --taint (and no SYMBOL): run `srcscan taint` at A and at every revision after it and list
each revision where findings appeared, disappeared, became checked or became unchecked
(findings matched as `diff --taint` matches them: no line numbers). Text or JSON
(docs/taint-schema.md).

examples:
  srcscan history cTscTicksPerSecond --range r55000..r56000
  srcscan history cTscTicksPerSecond --range v4.3.26..v5.0.0 --format json -o tsc-history.json
  srcscan history cTscTicksPerSecond --range 2..9 --svn file:///srv/svn/vbox/trunk
  srcscan history cTscTicksPerSecond --range r55000..r56000 --format html -o reports/tsc-history.html
  srcscan history cTscTicksPerSecond --range r55000..r56000 -j 4        # 4 revisions at a time
  srcscan history cTscTicksPerSecond --range r55000..r56000 --cluster tcp://sched:8786
  srcscan history --taint --range v6.1.16..v6.1.18 --src ~/vbox/src/VBox/Devices --src ~/vbox/include

exit codes: 0 changes listed, 1 no change in the range, 2 usage or input error."""


def register(p) -> None:
    _history.register_common(p, symbol_optional=True)
    p.add_argument("--taint", action="store_true",
                   help="list the revisions where the taint findings (srcscan taint) changed instead of a value's flow; "
                        "no SYMBOL")
    p.add_argument("--range", required=True, metavar="A..B", help="revisions after A up to and including B")
    _history.add_cluster_option(p)


def run(args) -> int:
    from ..errors import UsageError
    from ..query.history import history

    from . import _taint_history

    a, sep, b = (args.range or "").partition("..")
    if not sep or not a or not b or b.startswith("."):
        raise UsageError(f"--range {args.range!r}: write it as A..B (for example r55000..r56000)")
    _taint_history.check_args(args, "history")
    if args.taint:
        return _taint_history.run(args, "history", a, b)
    q = _history.query(args)
    return _history.run_with(args, lambda src, cache: history(src, q, a, b, cache, args.jobs,
                                                                  cluster=args.cluster))
