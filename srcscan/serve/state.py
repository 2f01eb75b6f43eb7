"""The explorer's state: where the sources come from (a folder, a git repository and its
revisions, or an svn repository), the analyses of the revisions and configurations asked for
(kept in memory between requests), and shared work.

Every piece of work has a key. The first request for a key starts the job; a second request
for the same key gets the same future and waits for it instead of starting another; finished
results stay in a bounded LRU. Work on one analysis (building it, then its traces, searches
and file reads) runs in that analysis' own thread, a *lane*: the cached graph and the snapshot
are never touched by two threads, and a long analysis of one revision does not hold up traces
of another. Rendering runs in a small shared pool.
"""
from __future__ import annotations

import os
import queue
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

from ..errors import SrcscanError, UsageError

MAX_ANALYSES = 3  # lanes (revision x configuration) kept in memory
MAX_RESULTS = 512  # finished traces, pages, searches, files
MAX_REFS = 500  # statements listed per name on the definition-and-references page
MAX_SYMBOL = 300  # longer query strings are refused (a symbol is a name, not a document)
# A graph built on demand (a tree too big for a whole graph) grows with every question; past
# this many functions built it is started afresh after the answer (the facts are kept): a
# broad question on a whole checkout builds 27,000 functions and several GB.
MAX_DEMAND_FUNCTIONS = 20_000


@dataclass(frozen=True)
class Params:
    """What a trace asks for: the CLI's trace options, as the URL spells them."""

    symbol: str = ""
    to: str = ""
    direction: str = "both"
    defines: tuple = ()
    undefs: tuple = ()
    rev: str = ""  # "" = the files on disk (git), the youngest revision (svn)
    ignore_case: bool = False
    no_control: bool = False

    def check(self) -> "Params":
        for name, v in (("symbol", self.symbol), ("to", self.to), ("rev", self.rev), *(("D", d) for d in self.defines),
                        *(("U", u) for u in self.undefs)):
            if len(v) > MAX_SYMBOL or any(c in v for c in "\0\r\n"):
                raise UsageError(f"{name}: too long or not one line")
        if self.direction not in ("up", "down", "both"):
            raise UsageError(f"direction {self.direction!r}: choose up, down or both")
        return self

    def config(self):
        from ..extract.ppcond import Config

        return Config.from_args(list(self.defines) or None, list(self.undefs) or None, False)

    def lane_key(self) -> tuple:
        return (self.rev, tuple(sorted(self.defines)), tuple(sorted(self.undefs)), self.no_control)

    def query(self) -> dict:
        """The URL query of these parameters (empty ones left out), in a fixed order."""
        q = [("symbol", self.symbol)]
        q += [("to", self.to)] if self.to else []
        q += [("direction", self.direction)] if self.direction != "both" else []
        q += [("D", d) for d in self.defines] + [("U", u) for u in self.undefs]
        q += [("rev", self.rev)] if self.rev else []
        q += [("i", "1")] if self.ignore_case else []
        q += [("no_control", "1")] if self.no_control else []
        return q


class Worker:
    """Threads running submitted jobs in order. Daemon threads: Ctrl-C stops the server at
    once, even in the middle of an analysis (the fact cache is written in transactions)."""

    def __init__(self, name: str, threads: int = 1):
        self._q: queue.SimpleQueue = queue.SimpleQueue()
        self._threads = [threading.Thread(target=self._loop, name=name, daemon=True) for _ in range(threads)]
        for t in self._threads:
            t.start()

    def submit(self, fn, *args) -> Future:
        f: Future = Future()
        self._q.put((f, fn, args))
        return f

    def _loop(self) -> None:
        while True:
            item = self._q.get()
            if item is None:
                return
            f, fn, args = item
            if not f.set_running_or_notify_cancel():
                continue
            try:
                f.set_result(fn(*args))
            except BaseException as e:  # handed to whoever waits for the future
                f.set_exception(e)

    def shutdown(self) -> None:
        """Finish the jobs queued so far, then stop."""
        for _ in self._threads:
            self._q.put(None)


@dataclass
class Lane:
    """One analysis (a revision in one configuration) and the thread that owns it."""

    key: tuple
    pool: Worker
    analysis: Future
    status: str = "waiting"
    started: float = field(default_factory=time.monotonic)
    counts: tuple | None = None  # (what, done, total, unit, when) of the progress bar running now
    counts_started: float | None = None


class Explorer:
    """The sources served and all shared work. Nothing here knows HTTP."""

    def __init__(self, src: list[str] | None = None, whole: bool = False, svn: str | None = None,
                 cache_dir: str | None = None, no_cache: bool = False, jobs: int = 0, env=None, cwd=None,
                 max_analyses: int = MAX_ANALYSES, max_results: int = MAX_RESULTS, revisions: int = 50):
        from ..sources.snapshot import resolve_sources

        self.src, self.whole, self.svn = list(src or []), whole, svn
        self.cache_dir, self.no_cache, self.jobs = cache_dir, no_cache, jobs
        self.max_analyses, self.max_results, self.n_revisions = max_analyses, max_results, revisions
        self.env = dict(os.environ if env is None else env)
        self.git_root, self.git_paths = None, []
        if svn:
            from ..sources.ranges import SvnSource

            if self.src:
                raise UsageError("--svn and --src cannot be combined (--svn names the tree to read)")
            source = SvnSource(svn, whole=whole)  # checks the URL or working copy now
            self.kind, self.root, self.why = "svn", source.root, f"--svn {svn}"
        else:
            snap, self.why = resolve_sources(self.src or None, whole=whole, env=self.env, cwd=cwd)
            self.kind, self.root = snap.kind, snap.root
            if snap.kind != "sample":
                self._find_git(cwd)
        self._lock = threading.Lock()
        self._lanes: OrderedDict[tuple, Lane] = OrderedDict()
        self._running: dict[tuple, Future] = {}
        self._done: OrderedDict[tuple, Future] = OrderedDict()
        self._pool = Worker("srcscan-render", threads=2)
        self._meta = Worker("srcscan-revisions")
        self._history = Worker("srcscan-history")
        self.started = {"analyses": 0, "traces": 0}  # jobs started (tests check that work is shared)

    def _find_git(self, cwd) -> None:
        """A folder served from a git work tree gets the repository's revisions."""
        from ..errors import RevisionError
        from ..sources.resolve import git_target
        from ..sources.revisions import work_tree

        src = self.src or ([self.root] if self.why != "SRCSCAN_SRC" else None)
        try:
            repo, paths, _ = git_target(src, self.env, cwd)
        except (RevisionError, UsageError):
            return
        self.kind = "git"
        self.git_root, self.git_paths = str(work_tree(repo) or repo.git_dir), paths

    # ------------------------------------------------------------------ shared work
    def shared(self, key: tuple, start) -> Future:
        """The future of the job ``key``: finished, running, or started now by ``start()``
        (which returns a Future). Only one job per key runs at a time."""
        with self._lock:
            f = self._done.get(key)
            if f is not None:
                self._done.move_to_end(key)
                return f
            f = self._running.get(key)
            if f is not None:
                return f
            f = start()
            self._running[key] = f
        f.add_done_callback(lambda f, key=key: self._finish(key, f))
        return f

    def _finish(self, key: tuple, f: Future) -> None:
        with self._lock:
            self._running.pop(key, None)
            e = f.exception() if not f.cancelled() else None
            if f.cancelled() or (e is not None and not isinstance(e, SrcscanError)):
                return  # unexpected failures are not remembered: the next request tries again
            self._done[key] = f
            while len(self._done) > self.max_results:
                self._done.popitem(last=False)

    def progress(self) -> list[dict]:
        """What is being worked on, for the progress page."""
        now = time.monotonic()
        with self._lock:
            return [{"what": _lane_label(k), "status": lane.status, "seconds": round(now - lane.started, 1),
                     **_counts(lane, now)} for k, lane in self._lanes.items() if not lane.analysis.done()]

    # ------------------------------------------------------------------ revisions
    def revisions(self) -> Future:
        """Newest first: [Revision] of the git or svn source ([] for a plain folder)."""
        return self.shared(("revisions",), lambda: self._meta.submit(self._revisions))

    def _revisions(self):
        if self.kind == "git":
            from ..sources import revisions

            repo = revisions.open_repo(self.git_root)
            return revisions.recent(repo, self.n_revisions, paths=self._git_scope(repo))
        if self.kind == "svn":
            from ..sources.svn import SvnRepo

            repo = SvnRepo(self.svn)
            top = repo.youngest()
            return list(reversed(repo.log(max(0, top - 10 * self.n_revisions), top)))[: self.n_revisions]
        return []

    def _git_scope(self, repo) -> list[str]:
        from ..sources.git import GitSnapshot

        return self.git_paths or GitSnapshot(repo, "HEAD", whole=self.whole).scope

    def resolve(self, rev: str) -> Future:
        """A user's revision (``r55068``, a ref, an id; svn: a number) -> a commit id / number
        string; "" stays "" (the files on disk, or the youngest svn revision)."""
        if not rev:
            f: Future = Future()
            f.set_result("")
            return f
        if self.kind not in ("git", "svn"):
            raise UsageError("these sources have no revisions (serve a git checkout or --svn for that)")
        return self.shared(("resolve", rev), lambda: self._meta.submit(self._resolve, rev))

    def _resolve(self, rev: str) -> str:
        if self.kind == "svn":
            from ..sources.svn import parse_rev

            n = parse_rev(rev)
            if n is None:
                raise UsageError(f"rev {rev!r}: not an svn revision number")
            return str(n)
        from ..sources import revisions

        if rev.startswith("-"):
            raise UsageError(f"rev {rev!r}: not a revision")
        return revisions.resolve(revisions.open_repo(self.git_root), rev)

    # ------------------------------------------------------------------ analyses
    def lane(self, p: Params) -> Lane:
        """The lane of ``p``'s revision and configuration (``p.rev`` already resolved)."""
        key = p.lane_key()
        with self._lock:
            lane = self._lanes.get(key)
            if lane is not None and lane.analysis.done() and lane.analysis.exception() is not None \
                    and not isinstance(lane.analysis.exception(), SrcscanError):
                del self._lanes[key]  # a failure that is not the input's fault: try again
                lane.pool.shutdown()
                lane = None
            if lane is not None:
                self._lanes.move_to_end(key)
                return lane
            pool = Worker("srcscan-analysis")
            lane = Lane(key, pool, Future())
            lane.analysis = pool.submit(self._analyse, lane, p)
            self._lanes[key] = lane
            self.started["analyses"] += 1
            while len(self._lanes) > self.max_analyses:
                _, old = self._lanes.popitem(last=False)
                old.pool.shutdown()
            return lane

    def snapshot(self, rev: str):
        """A new snapshot of a resolved revision (each lane has its own)."""
        if self.kind == "svn":
            from ..sources.svn import SvnSnapshot

            return SvnSnapshot(self.svn, int(rev) if rev else None, whole=self.whole)
        if rev:
            from ..sources.git import GitSnapshot

            return GitSnapshot(self.git_root, rev, paths=self.git_paths or None, whole=self.whole)
        from ..sources.snapshot import resolve_sources

        return resolve_sources(self.src or None, whole=self.whole, env=self.env)[0]

    def open_cache(self):
        if self.no_cache:
            return None
        from ..api import open_cache

        return open_cache(self.cache_dir)

    def _analyse(self, lane: Lane, p: Params):
        from ..query.analysis import analyse
        from ..query.lazy import analyse_every_file, too_big_for_a_graph
        from ..util import watch_progress

        lane.status = "listing the files"
        snap = self.snapshot(p.rev)
        cache = self.open_cache()

        def seen(desc, done, total, unit):  # the CLI's progress bar, k/n, for the progress page
            if done == 0:
                lane.counts_started = time.monotonic()
            lane.counts = (desc, done, total, unit, time.monotonic())

        try:
            with watch_progress(seen):
                if too_big_for_a_graph(snap, cache):
                    # a whole checkout: every file's facts, and a graph that grows as questions
                    # reach it (a whole graph would not fit in memory); the lane's one thread builds it
                    lane.status = f"parsing {snap.describe()} (the flow graph is built as questions reach it)"
                    a = analyse_every_file(snap, cache, self.jobs, p.config(), not p.no_control, self.why)
                else:
                    lane.status = f"parsing {snap.describe()} and building the flow graph"
                    a = analyse(snap, cache, self.jobs, p.config(), not p.no_control, self.why)
        finally:
            if cache is not None:
                cache.close()
        lane.status = "ready"
        lane.counts = None
        return a

    def on_lane(self, p: Params, key: tuple, fn) -> Future:
        """Run ``fn(analysis)`` in the lane of ``p`` (shared by ``key``)."""
        lane = self.lane(p)

        def job():
            analysis = lane.analysis.result()
            out = fn(analysis)
            if _past_bound(analysis):  # (the answer first: the lane's next job starts it afresh)
                lane.pool.submit(_bound_demand_graph, analysis)
            return out

        return self.shared(key, lambda: lane.pool.submit(job))

    def trace(self, p: Params) -> Future:
        """The trace's JSON document (docs/trace-schema.md), as ``srcscan trace --format json``."""
        def run(analysis):
            from ..query.trace import trace

            self.started["traces"] += 1
            tr = trace(analysis, p.symbol, to=p.to or None, direction=p.direction, ignore_case=p.ignore_case,
                       config=p.config())
            doc = tr.to_json(full=True)
            warn = list(dict.fromkeys(list(analysis.stats.warnings) + list(analysis.warnings)))
            doc["warnings"] = list(dict.fromkeys(list(doc.get("warnings") or []) + warn[:10]))
            return doc

        return self.on_lane(p, ("trace", p), run)

    def search(self, p: Params, mode: str = "auto") -> Future:
        """{"matches": [node], "suggestions": [name], "names": [ranked name], "files": [ranked
        file]} for ``p.symbol``: the values it names exactly, the CLI's did-you-mean, and the
        code browser's ranked search (srcscan/query/find.py) over value names and file names."""
        def run(analysis):
            from ..query.find import kinds_of, rank, rank_files
            from ..query.slicing import match_nodes, suggestions

            g = analysis.graph
            ids = match_nodes(g, p.symbol, p.ignore_case)[:200] if mode == "auto" else []
            matches = []
            for nid in ids:
                attrs = g.nodes[nid]
                matches.append({"id": nid, "label": attrs.get("label") or nid, "kind": attrs.get("kind"),
                                "file": attrs.get("file"), "line": attrs.get("line")})
            hits = rank(g.all_names(), p.symbol, mode, limit=40)
            kinds = kinds_of(g, [h.name for h in hits])
            names = [{"name": h.name, "how": h.how, "kinds": sorted(kinds[h.name].items()),
                      "count": sum(kinds[h.name].values())} for h in hits]
            files = [{"path": h.name, "how": h.how}
                     for h in rank_files((path for path, _ in analysis.snapshot.files()), p.symbol, mode)]
            return {"matches": matches, "suggestions": [] if ids else suggestions(g, p.symbol, n=8),
                    "names": names, "files": files, "mode": mode}

        return self.on_lane(p, ("search", p.lane_key(), p.symbol, p.ignore_case, mode), run)

    def where(self, p: Params, name: str) -> Future:
        """{"defs": [node], "refs": [place]}: the values named ``name`` (where each is declared)
        and the statements that read or write them (the evidence of their steps), at most
        MAX_REFS, in file and line order."""
        def run(analysis):
            g = analysis.graph
            ids = sorted(g.find(name, False))[:200]
            defs = []
            pairs = []
            for nid in ids:
                a = g.nodes[nid]
                defs.append({"id": nid, "label": a.get("label") or nid, "kind": a.get("kind"), "file": a.get("file"),
                             "line": a.get("line")})
                pairs += [(u, nid) for u in g.predecessors(nid)] + [(nid, v) for v in g.successors(nid)]
            refs = {}
            for evs in g.evidence_many(pairs[:20_000]).values():
                for e in evs:
                    if e.get("file") and isinstance(e.get("line"), int):
                        refs.setdefault((e["file"], e["line"]), {"file": e["file"], "line": e["line"],
                                                                 "code": e.get("code") or "", "function": e.get("function")})
            return {"defs": defs, "refs": [refs[k] for k in sorted(refs)][:MAX_REFS], "more": max(0, len(refs) - MAX_REFS)}

        return self.on_lane(p, ("where", p.lane_key(), name), run)

    def taint(self, p: Params) -> Future:
        """The JSON of ``srcscan taint`` for the lane's tree (docs/taint-schema.md)."""
        def run(analysis):
            from ..extract.index import index
            from ..graph.program import Program
            from ..query.taint import taint_json

            program = analysis.get_program()
            if program is None:  # the graph came from the cache: read the facts back
                cache = self.open_cache()
                try:
                    program = Program(index(analysis.snapshot, cache, self.jobs)[0])
                finally:
                    if cache is not None:
                        cache.close()
            return taint_json(analysis, program, self.why)

        return self.on_lane(p, ("taint", p.lane_key()), run)

    def names(self, p: Params) -> Future:
        """Every name a value of the graph carries (the source view links these)."""
        return self.on_lane(p, ("names", p.lane_key()), lambda analysis: frozenset(analysis.graph.all_names()))

    def files(self, p: Params) -> Future:
        """Every file of the snapshot served (sorted paths)."""
        def run(analysis):
            return sorted(path for path, _ in analysis.snapshot.files())

        return self.on_lane(p, ("files", p.lane_key()), run)

    def read(self, p: Params, path: str) -> Future:
        """The bytes of ``path``, only if it is one of the snapshot's files."""
        def run(analysis):
            from ..errors import NotFound

            snap = analysis.snapshot
            try:  # only the snapshot's files, and on disk only regular files inside the tree
                return snap.read_served(path)
            except OSError:
                raise NotFound(f"{path!r} is not one of the files served") from None

        return self.on_lane(p, ("read", p.lane_key(), path), run)

    def then(self, key: tuple, deps: list, fn) -> Future:
        """``fn()`` in the shared rendering pool once every future in ``deps`` is done (shared
        by ``key``). Nothing waits in a thread meanwhile: a page whose analysis is still being
        built holds no rendering thread."""
        deps = [d for d in deps if d is not None]

        def start() -> Future:
            out: Future = Future()
            left = [len(deps)]
            lock = threading.Lock()

            def run():
                if not out.set_running_or_notify_cancel():
                    return
                try:
                    out.set_result(fn())
                except BaseException as e:  # handed to whoever waits for the page
                    out.set_exception(e)

            def one_done(_):
                with lock:
                    left[0] -= 1
                    if left[0]:
                        return
                self._pool.submit(run)

            if not deps:
                self._pool.submit(run)
            for d in deps:
                d.add_done_callback(one_done)
            return out

        return self.shared(key, start)

    def history_job(self, key: tuple, fn, *args) -> Future:
        """A walk over revisions (diff, history): one at a time, shared by ``key``."""
        return self.shared(key, lambda: self._history.submit(fn, *args))

    def revision_source(self):
        """A new RevisionSource (its own repository handle) for diff and history."""
        from ..sources.ranges import GitSource, SvnSource

        if self.kind == "git":
            return GitSource(self.git_root, paths=self.git_paths, whole=self.whole)
        if self.kind == "svn":
            return SvnSource(self.svn, whole=self.whole)
        raise UsageError("these sources have no revisions (serve a git checkout or --svn for that)")

    def close(self) -> None:
        with self._lock:
            lanes = list(self._lanes.values())
            self._lanes.clear()
        for pool in [self._pool, self._meta, self._history] + [lane.pool for lane in lanes]:
            pool.shutdown()


def _counts(lane, now: float) -> dict:
    """k/n of the lane's current progress bar (files parsed...), with an estimate of the rest."""
    c = getattr(lane, "counts", None)
    if not c:
        return {}
    desc, done, total, unit, _ = c
    out = {"step": desc, "done": done, "total": total, "unit": unit}
    start = getattr(lane, "counts_started", None)
    if total and done and start is not None:
        rate = (now - start) / done
        out["left"] = round(rate * max(0, total - done), 1)
    return out


def _lane_label(key: tuple) -> str:
    rev, defines, undefs, no_control = key
    parts = [f"revision {rev[:12]}" if rev else "the files served"]
    parts += [f"-D {d}" for d in defines] + [f"-U {u}" for u in undefs]
    parts += ["--no-control"] if no_control else []
    return " ".join(parts)


def with_rev(p: Params, rev: str) -> Params:
    return replace(p, rev=rev)


def _past_bound(analysis) -> bool:
    from ..graph.demand import DemandGraph

    g = analysis.graph
    return isinstance(g, DemandGraph) and g.functions_built > MAX_DEMAND_FUNCTIONS


def _bound_demand_graph(analysis) -> bool:
    """Start a graph built on demand afresh once it holds more than MAX_DEMAND_FUNCTIONS
    functions (a job of the lane's own thread, after the answer went out): the next question
    builds what it reaches again from the facts kept, instead of the server growing towards
    a whole graph that does not fit in memory. True when it did."""
    from ..graph.demand import DemandGraph
    from ..graph.flow import FlowBuilder

    if not _past_bound(analysis):
        return False
    g = analysis.graph
    fresh = DemandGraph(FlowBuilder(analysis.get_program(), options=g.b.o))
    analysis.graph = fresh  # (one assignment: a reader sees the old graph or the new one)
    analysis.graph_resets = getattr(analysis, "graph_resets", 0) + 1
    return True
