"""srcscan why-not: why no flow leads from A to B."""
from __future__ import annotations

import json

from .. import cli
from ..util import note

NAME = "why-not"
HELP = "explain why no flow path leads from A to B"
DESCRIPTION = """When `srcscan trace A --to B` finds no path, say why: how far each side reaches
(downstream of A, upstream of B), the closest pair of nodes between the two slices, and the
likely reasons at the break: an unknown external function, an unresolved field owner (?.x),
an indirect call srcscan could not resolve, a macro-hidden function, or a preprocessor branch
excluded by --define/--undef/#if 0. A and B are spelled as for `srcscan trace`.

examples:
  srcscan why-not cTscTicksPerSecond u32TscScale
  srcscan why-not TMCpuTicksPerSecond() GIMKVM.cTscTicksPerSecond --define IN_RING0 --format json

exit codes: 0 explained (no path), 1 a path exists after all or a name is unknown, 2 usage error."""


def register(p) -> None:
    p.add_argument("source", metavar="A", help="where the value starts")
    p.add_argument("target", metavar="B", help="where you expected it to arrive")
    p.add_argument("-i", "--ignore-case", action="store_true", help="match A and B ignoring case")
    p.add_argument("-D", "--define", action="append", metavar="NAME[=VALUE]",
                   help="restrict to the configuration where NAME is defined (repeatable)")
    p.add_argument("-U", "--undef", action="append", metavar="NAME", help="NAME is not defined (repeatable)")
    p.add_argument("--keep-if0", action="store_true", help="also analyse '#if 0' blocks")
    p.add_argument("--no-control", action="store_true", help="leave out control-dependence edges")
    cli.add_source_options(p)
    cli.add_output_options(p, ["text", "json"])


def run(args) -> int:
    from ..api import open_cache
    from ..index import index
    from ..ppcond import Config
    from ..whynot import render_text, why_not
    from .trace import open_snapshot

    snap, why = open_snapshot(args)
    note(f"sources: {snap.describe()} ({why})")
    config = Config.from_args(args.define, args.undef, args.keep_if0)
    cache = None if args.no_cache else open_cache(args.cache or None)
    try:
        facts, _ = index(snap, cache, args.jobs)
    finally:
        if cache is not None:
            cache.close()
    doc = why_not(facts, args.source, args.target, config, not args.no_control, args.ignore_case)
    doc["source"] = {"label": snap.describe(), "why": why}
    text = json.dumps(doc, indent=2) + "\n" if args.format == "json" else render_text(doc)
    cli.emit(text, args.output)
    return 1 if doc["path_exists"] else 0
