"""srcscan why-not: why no flow leads from A to B."""
from __future__ import annotations

import json

from .. import cli

NAME = "why-not"
HELP = "explain why no flow path leads from A to B"
DESCRIPTION = """When `srcscan trace A --to B` finds no path, say why: how far each side reaches
(downstream of A, upstream of B), the closest pair of nodes between the two slices, and the
likely reasons at the break: an unknown external function, an unresolved field owner (?.x),
an indirect call srcscan could not resolve, a macro-hidden function, a preprocessor branch
excluded by --define/--undef/#if 0, or a value that flows the other way (B reaches A). A and
B are spelled as for `srcscan trace`.

Like trace, a first why-not on a tree builds only what the question reaches; once the whole
graph is stored (by the next query, or `srcscan index --graph`), why-not reads it and a small
record kept with it, without reading the facts again.

examples:
  srcscan why-not cTscTicksPerSecond u32TscScale
  srcscan why-not TMCpuTicksPerSecond() GIMKVM.cTscTicksPerSecond --define IN_RING0 --format json

exit codes: 0 explained (no path), 1 a path exists after all or a name is unknown, 2 usage error."""


def register(p) -> None:
    p.add_argument("source", metavar="A", help="where the value starts")
    p.add_argument("target", metavar="B", help="where you expected it to arrive")
    p.add_argument("-i", "--ignore-case", action="store_true", help="match A and B ignoring case")
    cli.add_config_options(p)
    cli.add_source_options(p)
    cli.add_output_options(p, ["text", "json"])


def run(args) -> int:
    from ..query.analysis import analyse, analyse_demand
    from ..query.lazy import analyse_every_file, too_big_for_a_graph
    from ..query.whynot import explain, render_text

    snap, why = cli.open_sources(args)
    config = cli.config_from(args)
    cache = cli.open_cache(args)
    kept = None if cache is None else answer_key(snap, cache, config, not args.no_control,
                                                 (args.source, args.target, bool(args.ignore_case)))
    doc = _kept(cache, kept)
    try:
        if doc is not None:
            pass
        elif cache is None:  # nothing to keep a whole graph in: build only what the question reaches
            analysis = analyse_demand(snap, None, args.jobs, config, not args.no_control, why)
        elif too_big_for_a_graph(snap, cache):  # (a whole checkout: never the whole graph)
            analysis = analyse_every_file(snap, cache, args.jobs, config, not args.no_control, why)
        else:
            analysis = analyse(snap, cache, args.jobs, config, not args.no_control, why, demand_first=True)
        if doc is None:
            doc = explain(analysis, cache, args.source, args.target, config, not args.no_control,
                          args.ignore_case, jobs=args.jobs)
            if kept is not None:
                cache.put_json(kept, doc)
    finally:
        if cache is not None:
            cache.close()
    doc["source"] = {"label": snap.describe(), "why": why}
    text = json.dumps(doc, indent=2) + "\n" if args.format == "json" else render_text(doc)
    cli.emit(text, args.output)
    return 1 if doc["path_exists"] else 0


ANSWER = "whynot-doc:1:"  # cache blob name prefix of a kept why-not answer (bump when the answer changes)


def answer_key(snap, cache, config, control: bool, question: tuple) -> str:
    """Where the answer to one why-not question is kept: keyed by every file's content, the
    configuration, the tool's versions (the graph key) and the question."""
    from ..extract.index import snapshot_files
    from ..query.analysis import answer_key

    return answer_key(ANSWER, snapshot_files(snap, cache), config, control, question)


def _kept(cache, name: str | None) -> dict | None:
    """A kept answer (said on stderr), or None: none, or not one this version wrote (asked again)."""
    if name is None:
        return None
    from ..util import note

    try:
        doc = cache.get_json(name)
    except ValueError:
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("path_exists"), bool) or \
            not isinstance(doc.get("reasons"), list):
        return None
    note("why-not: the same question on the same files was answered before; its answer is reused")
    return doc
