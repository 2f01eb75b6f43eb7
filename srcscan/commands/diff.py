"""srcscan diff: how the flow of a value differs between two revisions."""
from __future__ import annotations

from . import _history

NAME = "diff"
HELP = "compare the flow of a value at two revisions"
DESCRIPTION = """\
Trace SYMBOL at REV1 and REV2 (git refs or ids, rNNNNN svn numbers, or svn revisions with
--svn) and print the edges and nodes added and removed (no line numbers: moved code is not a
change).

examples:
  srcscan diff cTscTicksPerSecond r55000 r56000
  srcscan diff cTscTicksPerSecond HEAD~10 HEAD --format json
  srcscan diff cTscTicksPerSecond r55000 r56000 --format html -o reports/tsc-diff.html

exit codes: 0 the flows differ, 1 they are the same, 2 usage or input error."""


def register(p) -> None:
    _history.register_common(p)
    p.add_argument("rev1", metavar="REV1", help="the older revision")
    p.add_argument("rev2", metavar="REV2", help="the newer revision")


def run(args) -> int:
    from ..query.history import diff

    q = _history.query(args)
    return _history.run_with(args, lambda src, cache: diff(src, q, args.rev1, args.rev2, cache, args.jobs))
