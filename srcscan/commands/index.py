"""srcscan index: parse a tree into the fact cache (no trace)."""
from __future__ import annotations

import json

from .. import cli

NAME = "index"
HELP = "parse sources into the fact cache ahead of traces"
DESCRIPTION = """Parse every C/C++ file of the sources into the fact cache, in parallel, keeping
nothing in memory, so that later traces, bisects and log mappings start warm. Files seen
before (same content) are not parsed again.

With --graph, the flow graph of the sources is built and cached too (default configuration,
or the -D/-U/--keep-if0/--no-control given), so the first trace is warm as well; for trees of
up to 3,000 files (a whole checkout's graph does not fit in memory: traces there use the lazy
scope).

examples:
  srcscan index --src ~/vbox
  srcscan index --src ~/vbox --graph
  srcscan index --src ~/vbox --whole-tree -j 2 --format json"""


def register(p) -> None:
    cli.add_source_options(p)
    p.add_argument("--graph", action="store_true", help="also build and cache the flow graph (trees of up to "
                                                        "3,000 files)")
    cli.add_config_options(p)
    cli.add_output_options(p, ["text", "json"])


def run(args) -> int:
    from ..errors import UsageError
    from ..extract.index import index, snapshot_files

    if args.no_cache:
        raise UsageError("srcscan index fills the cache; --no-cache makes it pointless")
    snap, why = cli.open_sources(args)
    config = cli.config_from(args)
    cache = cli.open_cache(args)
    if not cache.usable:  # (read-only file system, no permission): nothing this command could do
        cache.close()
        raise UsageError(f"{cache.warnings[0].removesuffix('; running without the cache')}; "
                         "srcscan index only fills the cache")
    graph = None
    try:
        if args.graph:
            from ..query.lazy import LAZY_AUTO_FILES, lazy_by_default

            n = len(snapshot_files(snap, cache))
            if lazy_by_default(n):
                raise UsageError(f"--graph: {n} files is more than {LAZY_AUTO_FILES}; a whole checkout's flow graph "
                                 "does not fit in memory (traces there read only the files they need, or with --scope full "
                                 "build only what each question reaches)")
        _, st = index(snap, cache, args.jobs, keep=False)
        if args.graph:
            import time

            from ..query.analysis import analyse

            t0 = time.perf_counter()
            a = analyse(snap, cache, args.jobs, config, not args.no_control, "index")
            graph = {"nodes": a.graph.number_of_nodes(), "edges": a.graph.number_of_edges(),
                     "functions": a.functions, "seconds": round(time.perf_counter() - t0, 3)}
            st.warnings.extend(w for w in a.stats.warnings if w not in st.warnings)
    finally:
        cache.close()
    failed = [w for w in st.warnings if w.startswith("cache write failed")]
    if failed:  # a full disk: what was parsed is not there for the next run
        raise UsageError(f"{failed[0].split('; ')[0]}: the cache {cache.path} was not filled "
                         f"({len(failed)} write(s) failed)")
    st.warnings = list(dict.fromkeys(st.warnings))  # (the cache's own warnings gathered more than once)
    doc = {**st.to_json(), "cache": str(cache.path), "graph": graph, "warnings": st.warnings}
    if args.format == "json":
        text = json.dumps(doc, indent=2)
    else:
        mb = st.bytes_parsed / 1e6
        rate = f", {mb / st.seconds:.1f} MB/s" if st.seconds and mb else ""
        text = (f"{st.files} files: {st.parsed} parsed ({mb:.1f} MB), {st.reused} already cached; "
                f"{st.seconds:.1f} s{rate}\ncache: {cache.path}")
        if graph:
            text += (f"\nflow graph: {graph['nodes']} nodes, {graph['edges']} edges, {graph['functions']} functions; "
                     f"{graph['seconds']:.1f} s")
        text += "".join(f"\nwarning: {w}" for w in st.warnings)
    cli.emit(text, args.output)
    return 0
