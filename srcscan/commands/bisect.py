"""srcscan bisect: the revision where a flow changed."""
from __future__ import annotations

from . import _history

NAME = "bisect"
HELP = "find the revision where the flow of a value changed"
DESCRIPTION = """\
Binary search over the first-parent history between --good and --bad (git), or over svn
revision numbers (--svn), for the first revision whose trace of SYMBOL differs from --good's:
its fingerprint (nodes and edges, no line numbers), or with --to whether a path to TARGET
exists, or with --path whether the flow 'A -> B' exists. Only revisions that touch the scope
are candidates. At most ceil(log2 N) + 2 trace evaluations; files seen before are not parsed
again. With -j N (N > 1) or --cluster, each round traces one probe per worker at once (a
(k+1)-ary search over k workers): more evaluations, fewer rounds, the same answer. Prints
the revision (svn number, git id, date, author, subject) and the flow diff;
--format html draws the revisions it traced as a timeline with the result highlighted.

examples:
  srcscan bisect cTscTicksPerSecond --good r55000 --bad r56000
  srcscan bisect cTscTicksPerSecond --good v5.0.0 --bad v5.0.10 --to u32TscScale
  srcscan bisect cTscTicksPerSecond --good r2 --bad r9 --svn https://www.virtualbox.org/svn/vbox/trunk
  srcscan bisect cTscTicksPerSecond --good A --bad B --path 'TMCpuTicksPerSecond() -> GIMKVM.cTscTicksPerSecond'
  srcscan bisect cTscTicksPerSecond --good r55000 --bad r56000 -j 4      # 4 probes per round

exit codes: 0 change found, 1 no change between the endpoints, 2 usage or input error."""


def register(p) -> None:
    _history.register_common(p)
    p.add_argument("--good", required=True, metavar="REV", help="an older revision (the flow as it was)")
    p.add_argument("--bad", required=True, metavar="REV", help="a newer revision (the flow changed by then)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--to", metavar="TARGET", help="bisect on whether a path from SYMBOL to TARGET exists")
    g.add_argument("--path", metavar="'A -> B'", help="bisect on whether this flow exists in the trace")
    _history.add_cluster_option(p, "probes of each round (one per worker)")


def run(args) -> int:
    from ..query.history import bisect

    q = _history.query(args, to=args.to, path=args.path)
    return _history.run_with(args, lambda src, cache: bisect(src, q, args.good, args.bad, cache, args.jobs,
                                                                 cluster=args.cluster))
