"""Which graph a query runs on: a snapshot indexed into facts and turned into a flow graph,
whole (cached, reused by later queries) or built on demand as far as a trace asks."""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from typing import Callable

from ..datafiles import models_digest
from ..extract.cache import FactCache, version_key
from ..extract.index import IndexStats, index, snapshot_files
from ..extract.nesting import skip_warnings
from ..extract.ppcond import Config
from ..extract.records import FLOW_VERSION
from ..graph import store as graphstore
from ..graph.program import Program
from ..sources.snapshot import Snapshot
from ..util import paused_gc

@dataclass
class Analysis:
    """A snapshot indexed and turned into a flow graph (reusable across several queries)."""

    snapshot: Snapshot
    graph: "graphstore.CompactGraph"
    stats: IndexStats
    why: str = ""
    functions: int = 0
    excluded: int = 0
    program: Program | None = None
    warnings: list[str] = field(default_factory=list)
    scope: str = "full"
    gkey: str = ""  # the cached graph's key (why-not's stored record is named after it)
    building: int | None = None  # the pid of a background `index --graph` building this graph, if one runs
    # called with a DamagedGraph when the cached graph turns out unreadable while a trace reads
    # it: returns the analysis built again (set by lazy.analyse_scope)
    rebuild: Callable[[graphstore.DamagedGraph], "Analysis"] | None = field(default=None, repr=False)
    # the program of a cached graph, read from the fact cache only when a question needs it
    # (a typedef name a user typed: trace.through_typedef)
    program_loader: Callable[[], Program] | None = field(default=None, repr=False)

    def get_program(self) -> Program | None:
        if self.program is None and self.program_loader is not None:
            self.program = self.program_loader()
        return self.program


def _graph_key(keys: list[tuple[str, str]], config: Config, control: bool) -> str:
    h = hashlib.sha1()
    h.update(f"{version_key()}:{graphstore.GRAPH_VERSION}:{FLOW_VERSION}".encode())
    h.update(models_digest().encode())  # built-in and user model folders, config.toml
    h.update(repr((sorted(config.defines.items()), sorted(config.undefs), config.keep_if0, control)).encode())
    for path, key in keys:
        h.update(f"{path}\0{key}\n".encode())
    return "graph:" + h.hexdigest()


def answer_key(prefix: str, files: list[tuple[str, str]], config: Config, control: bool, *question) -> str:
    """Where an answer is kept in the cache: keyed by every file's content, the configuration and
    the tool's versions (the graph key), and the question (with its own format version)."""
    what = (_graph_key(files, config, control), *question)
    return prefix + hashlib.sha1(repr(what).encode()).hexdigest()


def analyse(snapshot: Snapshot, cache: FactCache | None = None, jobs: int = 0, config: Config | None = None,
            control: bool = True, why: str = "", need_program: bool = False, demand_first: bool = False) -> Analysis:
    """Facts and flow graph of a snapshot. With ``demand_first`` (what a trace or why-not asks
    for) and a cache holding no whole graph, the question answers from a graph built on demand
    (only the functions its slice reaches), and every function built is stored as a fragment:
    the next question loads those and builds only what is new. No question builds the whole
    graph; ``srcscan index --graph`` does, for those who want it up front."""
    config = config or Config()
    with paused_gc():
        if demand_first and cache is not None and not need_program:
            gkey = _graph_key(snapshot_files(snapshot, cache), config, control)
            if not graphstore.exists(cache.db, gkey):
                return analyse_demand(snapshot, cache, jobs, config, control, why, keep=True)
        return _analyse(snapshot, cache, jobs, config, control, why, need_program)


def _analyse(snapshot, cache, jobs, config, control, why, need_program, cache_facts=None) -> Analysis:
    """``cache`` holds facts and the graph; ``cache_facts`` (lazy scope) holds facts only."""
    t0 = time.perf_counter()
    files = snapshot_files(snapshot, cache if cache is not None else cache_facts)
    gkey = _graph_key(files, config, control)
    if cache is not None and not need_program:
        try:
            got = graphstore.load(cache.db, str(cache.path), gkey)
        except Exception:  # a damaged or foreign entry: rebuild below
            got = None
        if got is not None:
            g, (functions, excluded, *skipped) = got  # skipped: parts of files left out (nesting.py)
            st = IndexStats(files=len(files), reused=len(files), seconds=time.perf_counter() - t0,
                            warnings=list(skipped[0] if skipped else []) + list(snapshot.warnings) + cache.warnings)
            return Analysis(snapshot, g, st, why, functions, excluded, gkey=gkey,
                            program_loader=lambda: Program(index(snapshot, cache, jobs)[0]))
    if cache is not None:  # (a question asked meanwhile says so, and answers on demand)
        import os

        cache.put_blob(BUILDING + gkey, str(os.getpid()).encode())
    try:
        return _build_whole(snapshot, cache, jobs, config, control, why, gkey, files, cache_facts, t0)
    finally:
        if cache is not None:
            cache.drop_blob(BUILDING + gkey)


def _build_whole(snapshot, cache, jobs, config, control, why, gkey, files, cache_facts, t0) -> Analysis:
    from ..graph import fragments
    from ..graph.flow import BuildOptions, build_graph
    from .whynot_ctx import PREFIX, record

    facts, st = index(snapshot, cache if cache is not None else cache_facts, jobs)
    if st.rekeyed:  # files edited since they were listed: the graph is of the bytes parsed
        gkey = _graph_key([(p, st.rekeyed.get(p, k)) for p, k in files], config, control)
    program = Program(facts)
    builder = build_graph(program, options=BuildOptions(config=config, control=control))
    functions = program.stats()["functions"]
    g = graphstore.CompactGraph.from_networkx(builder.g)
    if cache is not None:
        try:
            left_out = [w for f in facts.values() for w in skip_warnings(f)]
            graphstore.save(cache.db, gkey, g, (functions, builder.excluded, left_out))
            cache.put_blob(PREFIX + gkey, record(program, builder, builder.m, config))  # for why-not
            fragments.drop(cache.db, gkey)  # (the whole graph answers every question now)
        except Exception as e:  # the trace is fine without a cached graph
            st.warnings.append(f"could not cache the flow graph ({e})")
    st.seconds = time.perf_counter() - t0
    return Analysis(snapshot, g, st, why, functions, builder.excluded, program, gkey=gkey)


def analyse_demand(snapshot: Snapshot, cache: FactCache | None = None, jobs: int = 0, config: Config | None = None,
                   control: bool = True, why: str = "", keep: bool = False) -> Analysis:
    """Facts of every file, but a flow graph built only as far as queries ask (demand.py).
    With ``keep`` (and a cache), the functions built are stored as graph fragments keyed by
    the graph key and those earlier questions stored are loaded instead of built (the
    fragments are written when the cache is closed); without it (history's one-off traces
    of many revisions) nothing but facts is cached."""
    from ..graph.demand import DemandGraph
    from ..graph.flow import BuildOptions, FlowBuilder

    t0 = time.perf_counter()
    config = config or Config()
    options = BuildOptions(config=config, control=control)
    if keep and cache is not None and cache.usable:
        got = _stored_setup(snapshot, cache, jobs, options, why, t0)
        if got is not None:
            return got
    facts, st = index(snapshot, cache, jobs)
    program = Program(facts)
    store, gkey, busy = None, "", None
    if keep and cache is not None and cache.usable:
        from ..graph.fragments import FragmentStore

        files = snapshot_files(snapshot, cache)
        gkey = _graph_key([(p, st.rekeyed.get(p, k)) for p, k in files], config, control)
        store = FragmentStore(cache.db, gkey)
        busy = _busy(cache, gkey, store, st.warnings)
    g = DemandGraph(FlowBuilder(program, options=options), store)
    if store is not None:
        cache.before_close.append(g.flush)
        if not st.rekeyed:  # (a file edited while it was read: its set-up is of other bytes)
            _keep_setup(cache, gkey, g, [w for f in facts.values() for w in skip_warnings(f)])
    st.seconds = time.perf_counter() - t0
    a = Analysis(snapshot, g, st, why, program.stats()["functions"], 0, program, building=busy)
    a.scope = "full (graph built on demand)"
    return a


def _busy(cache: FactCache, gkey: str, store, warnings: list[str]) -> int | None:
    if (busy := building_whole_graph(cache, gkey)) is not None:
        warnings.append(f"a background `srcscan index --graph` (pid {busy}) is building the whole flow "
                        f"graph; this question uses the {store.count()} function(s) earlier questions "
                        "stored and builds the rest on demand")
    return busy


def _keep_setup(cache: FactCache, gkey: str, g, skipped: list[str]) -> None:
    """Store a graph's set-up (graph/setup.py) for the next question on the same files."""
    from ..graph.setup import PREFIX

    g.setup.warnings = skipped
    try:
        cache.put_blob(PREFIX + gkey, g.setup.dumps())
    except Exception:  # the next question computes it again
        pass


def _stored_setup(snapshot: Snapshot, cache: FactCache, jobs: int, options, why: str, t0: float) -> Analysis | None:
    """An analysis over a graph built on demand from the set-up an earlier question stored
    (graph/setup.py): no file's facts are read until a function must be built that no earlier
    question stored. None when none is stored; a damaged one is dropped with a warning."""
    from ..graph.demand import DemandGraph
    from ..graph.flow import FlowBuilder
    from ..graph.fragments import FragmentStore
    from ..graph.setup import PREFIX, Setup
    from ..util import note

    files = snapshot_files(snapshot, cache)
    gkey = _graph_key(files, options.config, options.control)
    blob = cache.get_blob(PREFIX + gkey)
    if blob is None:
        return None
    store = FragmentStore(cache.db, gkey)
    made: list[Program] = []

    def make_builder() -> FlowBuilder:
        facts, _ = index(snapshot, cache, jobs)
        made.append(Program(facts))
        return FlowBuilder(made[0], options=options)

    try:
        g = DemandGraph(None, store, Setup.loads(blob), make_builder)
    except ValueError as e:
        note(f"warning: the stored set-up of the flow graph was damaged ({e}); rebuilt from the facts")
        cache.drop_blob(PREFIX + gkey)
        return None
    st = IndexStats(files=len(files), reused=len(files),
                    warnings=list(g.setup.warnings) + list(cache.warnings) + list(snapshot.warnings))
    busy = _busy(cache, gkey, store, st.warnings)
    cache.before_close.append(g.flush)
    st.seconds = time.perf_counter() - t0
    a = Analysis(snapshot, g, st, why, g.setup.total, 0, None, building=busy,
                 program_loader=lambda: g.b.p)
    a.scope = "full (graph built on demand)"
    return a


BUILDING = "building-graph:"  # blob name prefix: the pid of an `index --graph` building that graph


def building_whole_graph(cache: FactCache, gkey: str) -> int | None:
    """The pid of a live process building the whole graph ``gkey`` (index --graph), or None."""
    import os

    blob = cache.get_blob(BUILDING + gkey)
    try:
        pid = int(blob or b"0")
        if pid <= 0:
            return None
        os.kill(pid, 0)
    except (ValueError, OSError):
        return None
    return pid
