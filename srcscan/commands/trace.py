"""srcscan trace: where a value comes from and where it goes."""
from __future__ import annotations

import sys

from .. import cli
from ..render import FORMAT_NAMES, formats, render
from ..util import note

NAME = "trace"
HELP = "trace where a value comes from and where it goes"
DESCRIPTION = """Trace SYMBOL through the sources: upstream to where its value comes from (config
keys, saved state, hardware, calibration functions) and downstream to where it goes (guest
memory, the log, other fields). SYMBOL is a bare name (cTscTicksPerSecond), Struct.field
(GIMKVM.cTscTicksPerSecond), a function's result (TMCpuTicksPerSecond()), function:local
(gimR3KvmUpdateSystemTime:u64TscFreq) or a model key (cfgm:/TM/TSCTicksPerSecond).

examples:
  srcscan trace cTscTicksPerSecond
  srcscan trace cTscTicksPerSecond --to u32TscScale
  srcscan trace cTscTicksPerSecond --src ~/vbox --format html -o reports/tsc.html
  srcscan trace cTscTicksPerSecond --define IN_RING3 --format json

exit codes: 0 flows shown, 1 symbol not found or no path to --to, 2 usage or input error."""


def register(p) -> None:
    p.add_argument("symbol", metavar="SYMBOL", help="the value to trace")
    p.add_argument("--to", metavar="TARGET", help="list every path from SYMBOL to TARGET")
    p.add_argument("--direction", choices=["up", "down", "both"], default="both",
                   help="upstream, downstream or both (default: both)")
    p.add_argument("-i", "--ignore-case", action="store_true", help="match SYMBOL and TARGET ignoring case")
    p.add_argument("--control-tail", metavar="N", type=int, default=None,
                   help="data steps a path takes after a control dependence (default 0: it stops at the "
                        "data written under the condition)")
    p.add_argument("--all-starts", action="store_true",
                   help="trace every value SYMBOL names even when they belong to many owners (structs, functions); "
                        "without it a name of more owners than queries/config.toml [starts] max_owners is refused "
                        "with the list of owners")
    cli.add_config_options(p)
    p.add_argument("--log", metavar="VBOX_LOG", help="put values observed in this VBox.log on the trace's nodes")
    p.add_argument("--scope", choices=["auto", "full", "lazy"], default="auto",
                   help="full: index every file; lazy: only files that mention the names the trace follows "
                        "(grown round by round); auto (default): full, or lazy for trees of more than "
                        "3,000 files without a cached graph")
    cli.add_source_options(p)
    p.add_argument("--server", metavar="URL",
                   help="ask the `srcscan serve` running at URL (its sources, cache and analysis kept in memory: "
                        "a new question on a whole checkout in well under a second) instead of analysing here")
    cli.add_output_options(p, FORMAT_NAMES)
    add_view_options(p)


def add_view_options(p) -> None:
    """How text, HTML and Markdown show the slice (shared with `srcscan report`)."""
    g = p.add_argument_group("view (text, html, markdown)")
    g.add_argument("--paths", action="store_true",
                   help="text: list every path of the slice step by step (the flat list, for scripts) instead of the "
                        "summary and trees")
    g.add_argument("--expand", metavar="NAME", action="append", default=[],
                   help="unfold the folded branches through NAME (a node's label, id or name, as the fold line "
                        "says); repeatable")
    g.add_argument("--all", dest="show_all", action="store_true",
                   help="fold nothing and list every path of the slice (by default the best 60 per direction)")


def view_options(args) -> dict:
    return {"paths": getattr(args, "paths", False), "expand": tuple(getattr(args, "expand", None) or ()),
            "show_all": getattr(args, "show_all", False)}


MAX_WARNINGS = 10


def warn_all(warnings: list[str]) -> None:
    """Problems with the input (skipped files, a cache that was rebuilt) on stderr, where a
    user sees them whatever the format and whether or not the trace finds anything."""
    from ..util import note

    uniq = list(dict.fromkeys(warnings))
    for w in uniq[:MAX_WARNINGS]:
        note(f"warning: {w}")
    if len(uniq) > MAX_WARNINGS:
        note(f"warning: {len(uniq) - MAX_WARNINGS} more warning(s); see the report's warnings")


def run(args) -> int:
    from ..query.lazy import HUGE_FULL, analyse_scope, result_key
    from ..query.trace import trace

    if args.format not in formats():
        from ..errors import UsageError

        raise UsageError(f"--format {args.format} is not available in this installation")
    tail = {} if args.control_tail is None else {"control_tail": args.control_tail}
    if args.server:
        if tail:
            from ..errors import UsageError

            raise UsageError("--control-tail is not available with --server (the server answers with the default)")
        return _ask_server(args)
    snap, why = cli.open_sources(args)
    config = cli.config_from(args)
    cache = cli.open_cache(args)
    full = args.format != "text"
    every_path = bool(getattr(args, "paths", False) or getattr(args, "show_all", False))
    question = (args.symbol, args.to, args.direction, bool(args.ignore_case), full, bool(args.all_starts),
                every_path) + tuple(tail.values())
    kept = None if args.log or cache is None else result_key(snap, cache, args.scope, config, not args.no_control,
                                                            question)
    if kept is not None and _answer_kept(kept, cache, args):
        return 0
    try:
        from ..query.starts import max_owners

        owners = None if args.all_starts else max_owners()
        analysis = analyse_scope(snap, args.symbol, args.to, cache, args.jobs, config, not args.no_control, why,
                                 args.ignore_case, need_program=bool(args.log), scope=args.scope, max_owners=owners)
        if analysis.scope not in ("full", "full (graph built on demand)"):  # (the same answer)
            note(f"scope: {analysis.scope}")
        warnings = list(analysis.stats.warnings) + list(analysis.warnings)
        warn_all(warnings)
        from ..query.trace import MAX_PATHS

        tr = trace(analysis, args.symbol, to=args.to, direction=args.direction, ignore_case=args.ignore_case,
                   config=config, max_owners=owners, max_paths=None if every_path else MAX_PATHS, **tail)
        doc = tr.to_json(full=full)  # rebuilds a cached graph found damaged
        if tr.rebuilt:
            note(f"warning: {tr.rebuilt}")
        if kept is not None:  # (not what the cache said of itself this time: set aside, a failed write)
            now = set(cache.warnings)
            _keep_answer(kept, cache, {**doc, "warnings": [w for w in doc.get("warnings", []) if w not in now]},
                         [w for w in warnings if w not in now])
    finally:
        if cache is not None:
            cache.close()
    if args.log:
        from ..logs.observe import attach_log_values

        attach_log_values(doc, tr.analysis, args.log)
    if analysis.scope == "full (graph built on demand)" and cache is not None and analysis.building is None:
        build_in_background(args)
    if analysis.scope == HUGE_FULL:  # every file's facts read again for each new question
        note("hint: a running `srcscan serve` keeps these facts in memory; `srcscan trace NAME --server URL` "
             "then answers a new question in well under a second")
    return _show(doc, args)


def _show(doc: dict, args) -> int:
    """Render the answer in the format asked for; exit 1 (NotFound) when --to has no path."""
    from ..errors import NotFound

    cli.emit(render(doc, args.format, **view_options(args)), args.output)
    if args.to and not doc["paths"]:
        raise NotFound(f"no path from {args.symbol} to {args.to}")
    return 0


def _ask_server(args) -> int:
    from . import _server

    doc = _server.ask(args)
    note(f"scope: answered by the srcscan server at {_server.check_url(args.server)}")
    return _show(doc, args)


def _answer_kept(name: str, cache, args) -> bool:
    """Answer from a kept trace JSON (``query.lazy.result_key``), saying so; False when there is
    none (or it cannot be read: the trace runs again)."""
    import time

    t0 = time.perf_counter()
    try:
        got = cache.get_json(name)
        doc, warnings = got["doc"], list(got["warnings"])
    except (ValueError, TypeError, KeyError):
        return False
    if not isinstance(doc, dict) or not isinstance(doc.get("stats"), dict) or \
            not all(isinstance(doc.get(k), list) for k in ("nodes", "edges", "paths")):
        return False  # (not what this version keeps: trace again)
    from ..errors import SrcscanError
    from ..render._common import check_trace

    try:  # every field as `report` checks a saved trace: a tampered answer is traced again
        check_trace(doc, "a kept answer")
    except SrcscanError:
        note("warning: a kept trace answer in the cache was damaged; traced again and replaced")
        return False
    cache.close()
    warn_all(warnings)
    note("scope: the same question on the same files was answered before; its answer is reused")
    files = doc["stats"].get("files")  # (this run parsed nothing: every file's answer came from the cache)
    doc["stats"] = {**doc["stats"], "seconds": round(time.perf_counter() - t0, 3), "answer_reused": True,
                    **({"parsed": 0, "reused": files} if isinstance(files, int) else {})}
    _show(doc, args)
    return True


def _keep_answer(name: str, cache, doc: dict, warnings: list[str]) -> None:
    try:
        cache.put_json(name, {"doc": doc, "warnings": warnings})
    except Exception:  # nothing lost: the next run traces again
        pass


def index_graph_argv(args) -> list[str]:
    """The `srcscan index --graph` command storing the graph this trace's options need."""
    argv = [sys.executable, "-m", "srcscan", "index", "--graph"]
    for src in args.src or []:
        argv += ["--src", src]
    if args.whole_tree:
        argv.append("--whole-tree")
    if args.rev:
        argv += ["--rev", args.rev]
    if args.svn:
        argv += ["--svn", args.svn]
    if args.cache:
        argv += ["--cache", args.cache]
    for d in args.define or []:
        argv += ["-D", d]
    for u in args.undef or []:
        argv += ["-U", u]
    argv += ["--keep-if0"] * bool(args.keep_if0) + ["--no-control"] * bool(args.no_control)
    return argv


def build_in_background(args) -> bool:
    """After a first trace answered from the graph built on demand, an interactive user's
    next traces want the whole graph: build and store it in a background process (lower
    priority, detached, output discarded), so the next trace loads it instead of building it.
    Only on a terminal (scripts and tests get the plain rule: the next trace builds it), and
    not with SRCSCAN_NO_BACKGROUND set."""
    import os
    import subprocess

    if os.environ.get("SRCSCAN_NO_BACKGROUND") or not (sys.stderr.isatty() and sys.stdin.isatty()):
        return False
    try:
        subprocess.Popen(index_graph_argv(args), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, start_new_session=True,
                         preexec_fn=(lambda: os.nice(10)) if hasattr(os, "nice") else None)
    except OSError:
        return False  # nothing lost: the next trace builds the graph itself
    from ..util import note

    note("building the whole flow graph in the background for the next traces")
    return True
