"""The history of a flow across revisions: fingerprints, bisect, history, diff (DESIGN §6).

A trace's *fingerprint* is its node ids and its edges as (src, dst, kind, via) with the multiset
of their statements, never a line number (srcscan/query/flowdiff.py), so moving code around does
not count as a change and a new statement does. Revisions are walked in
first-parent order (git) or in svn number order (svn), and only revisions that touch the
snapshot's scope are candidates: the others cannot change any trace. Facts come from the
shared cache, so a file (blob or path@rev) is parsed once over a whole walk.

    src = open_source(repo_or_url, kind="git")       # or kind="svn"
    res = bisect(src, "cTscTicksPerSecond", "r55000", "r56000")
    res = history(src, "cTscTicksPerSecond", "r55000", "r56000")
    res = diff(src, "cTscTicksPerSecond", "r55000", "r56000")
    res.to_json()    # docs/history-schema.md
"""
from __future__ import annotations

import gc
import math
import re
import time
from dataclasses import dataclass, field

from ..errors import NotFound, UsageError
from ..sources.snapshot import Revision
from ..util import paused_gc
from ..sources.ranges import GitSource, RevisionSource, SvnSource, open_source  # noqa: F401

SCHEMA = "srcscan-history/1"


# --- fingerprints and flow diffs: srcscan/query/flowdiff.py ------------------------------

from .flowdiff import Fingerprint, edge_key, flow_diff  # noqa: E402,F401  (re-exported)


# --- predicates --------------------------------------------------------------------------

def parse_path(text: str) -> list[str]:
    """``'A -> B -> C'`` -> ['A', 'B', 'C'] (at least two names)."""
    parts = [p.strip() for p in re.split(r"\s*->\s*", text or "")]
    if len(parts) < 2 or not all(parts):
        raise UsageError(f"--path {text!r}: write it as 'A -> B' (names or node ids)")
    return parts


def _matches(node: dict, name: str) -> bool:
    if name in (node.get("id"), node.get("label"), node.get("name")):
        return True
    label = node.get("label") or ""
    return label.endswith("." + name) or label.endswith(":" + name)


def has_path(trace_json: dict, names: list[str]) -> bool:
    """Whether the trace holds a flow through nodes matching ``names`` in that order
    (each step: a directed path over the trace's edges)."""
    succ: dict[str, set] = {}
    for e in trace_json.get("edges", []):
        succ.setdefault(e["src"], set()).add(e["dst"])
    nodes = trace_json.get("nodes", [])
    frontier = {n["id"] for n in nodes if _matches(n, names[0])}
    for name in names[1:]:
        want = {n["id"] for n in nodes if _matches(n, name)}
        seen, stack = set(), list(frontier)
        while stack:
            x = stack.pop()
            for y in succ.get(x, ()):
                if y not in seen:
                    seen.add(y)
                    stack.append(y)
        frontier = seen & want
        if not frontier:
            return False
    return True


# --- evaluating traces over revisions ------------------------------------------------------

@dataclass
class Point:
    """One evaluated revision."""

    ref: object  # the source's handle: git commit id or svn number
    revision: Revision
    trace: dict
    fingerprint: Fingerprint
    value: object  # the predicate's value
    reused_from: object = None  # same file keys as this revision: trace not re-run

    def to_json(self) -> dict:
        return {"revision": self.revision.to_json(), "fingerprint": self.fingerprint.digest(),
                "value": self.value, "nodes": len(self.fingerprint.nodes), "edges": len(self.fingerprint.edges),
                "missing": self.trace.get("missing"), "same_files_as": _ref_json(self.reused_from)}


@dataclass
class Query:
    symbol: str
    to: str | None = None
    path: list[str] | None = None
    direction: str = "both"
    options: dict = field(default_factory=dict)  # passed on to trace()

    def predicate(self) -> str:
        return "path" if self.path else ("to" if self.to else "changed")

    def to_json(self) -> dict:
        return {"symbol": self.symbol, "to": self.to, "path": self.path, "direction": self.direction,
                "predicate": self.predicate()}


class Evaluator:
    """Runs the query's trace on revisions of one source, with one fact cache; counts trace
    evaluations and files parsed vs reused."""

    def __init__(self, source: RevisionSource, query: Query, cache=None, jobs: int = 0, graph: str = "demand",
                 unreadable: str = "error"):
        self.source, self.query, self.cache, self.jobs = source, query, cache, jobs
        # "error": a revision with files the repository cannot give is an error (comparing it would
        # invent changes); "skip": traced without them, said once per revision (a partial mirror)
        self.unreadable = unreadable
        self.graph = graph  # "demand" (default) or "full": each revision's whole graph (benchmarks)
        self._memo = cache is not None and cache.memo is None
        if self._memo:
            cache.memo = {}  # facts of unchanged files stay decoded from one revision to the next
        self.points: dict[object, Point] = {}
        # the revision whose "no value named X" an error may report: the only one worth the
        # cost of close-name suggestions (a quarter second each on a VMM tree)
        self.hint_ref = None
        self.notes: dict[str, None] = {}  # input warnings (files skipped...), once each
        self.by_keys: dict[tuple, Point] = {}
        self.evaluations = 0
        self.parsed = self.reused = 0
        self.preparsed = 0  # of ``parsed``: by preindex, before the revisions were traced
        self._snaps: dict = {}  # snapshots listed by preindex, used once by ``at``
        self.t0 = time.perf_counter()
        self.cluster: str | None = None  # a Dask scheduler address or local:N (fan_out)
        self.fanned: dict | None = None  # what the parallel workers did (fan_out, prefetch)
        # the last revision traced here and its snapshot: its answer may be carried to the next
        # (carry.py; SRCSCAN_HISTORY_CARRY=0 turns that off, to measure what it saves)
        import os

        self.carry = os.environ.get("SRCSCAN_HISTORY_CARRY", "1") != "0"
        self.carried = 0
        self._last: tuple | None = None
        self.sent: set = set()  # revisions the workers traced (their answers are in the cache)
        self.workers = None  # parallel.Workers, started by the first parallel round, closed by close()

    def _trace(self, snap, hint: bool = False, last: tuple | None = None) -> tuple[dict, object]:
        """(trace JSON, index stats). A symbol or target the revision does not have gives an
        empty trace (``"missing"`` set), which is a state like any other.

        The graph is built on demand (only the functions the trace reaches) and not cached;
        the trace itself is, by the revision's files, configuration and query."""
        from ..extract.index import IndexStats
        from ..extract.ppcond import Config
        from . import lazy
        from .analysis import analyse_demand, answer_key
        from .trace import TRACE_VERSION, trace

        o, q = self.query.options, self.query
        cfg = Config.from_args(o.get("defines"), o.get("undefs"), bool(o.get("keep_if0")))
        control = bool(o.get("control", True))
        rkey = None
        if self.cache is not None and self.graph != "full":
            files = snap.files()
            rkey = answer_key("trace-result:", files, cfg, control, TRACE_VERSION, q.symbol, q.to, q.direction,
                              bool(o.get("ignore_case")), *(("hint",) if hint else ()))
            try:
                tj = self.cache.get_json(rkey)
            except ValueError:
                tj = False
            if tj is not None:
                if isinstance(tj, dict) and all(isinstance(tj.get(k), list) and all(isinstance(x, dict) for x in tj[k])
                                                for k in ("nodes", "edges", "paths")):
                    return tj, IndexStats(files=len(files), reused=len(files))
                # a damaged or foreign entry (another writer, a bad disk): traced again, replaced below
                self.notes.setdefault("a kept trace answer in the cache was damaged; traced again and replaced")
        if last is not None and rkey is not None and self._carried(last, snap):
            self.cache.put_json(rkey, last[0].trace)  # (what it is: this revision's answer, for the next run)
            return last[0].trace, IndexStats(files=len(files), reused=len(files))
        if self.graph == "full":
            from .analysis import analyse

            a = analyse(snap, self.cache, self.jobs, cfg, control, "history")
            rkey = None
        elif lazy.lazy_by_default(len(snap.files())):
            # a whole checkout: only the files the trace needs, as `trace --scope auto` does
            a = lazy.analyse_lazy(snap, q.symbol, q.to, self.cache, self.jobs, cfg, control, "history",
                                     bool(o.get("ignore_case")))
        else:
            a = analyse_demand(snap, self.cache, self.jobs, cfg, control, "history")
        bad = getattr(snap, "unreadable", None)
        if bad and self.unreadable == "skip":
            self.notes.setdefault(f"{snap.revision.label() or snap.describe()}: {len(bad)} file(s) cannot be read "
                                  f"from the repository ({bad[0]}...); traced without them")
        elif bad:  # a revision missing files is not that revision: comparing it would invent changes
            from ..errors import RevisionError

            raise RevisionError(f"{snap.revision.label() or snap.describe()}: {len(bad)} file(s) cannot be read from "
                                f"the repository ({bad[0]}...); the repository is damaged: see 'git fsck'")
        try:
            t = trace(a, q.symbol, to=q.to, direction=q.direction, ignore_case=bool(o.get("ignore_case")), config=cfg,
                      suggest=hint)
            tj = t.to_json()
        except NotFound as e:
            tj = {"nodes": [], "edges": [], "paths": [], "missing": str(e)}
        for w in list(a.stats.warnings) + list(a.warnings):
            if "skipped" in w:  # a file that could not be read at this revision
                self.notes.setdefault(w)
        if rkey is not None:
            self.cache.put_json(rkey, tj)
        return tj, a.stats

    def _carried(self, last: tuple, snap) -> bool:
        """Whether the last evaluated revision's answer is this one's too: none of the files
        between them can touch it (carry.py). Counted in ``carried``."""
        from .carry import can_carry, changed_paths

        point, old = last
        if not self.carry:
            return False
        ok = can_carry(point.trace, self.query.symbol, self.query.to, changed_paths(old.files(), snap.files()), old, snap,
                       bool(self.query.options.get("ignore_case")))
        self.carried += ok
        return ok

    def value(self, tj: dict, fp: Fingerprint):
        if self.query.path:
            return has_path(tj, self.query.path)
        if self.query.to:
            return any(p.get("direction") == "to" for p in tj.get("paths", []))
        return fp.digest()

    def preindex(self, refs: list) -> None:
        """Before a walk that will read every revision of ``refs`` (history): parse all their
        file versions the cache lacks in one parallel run (extract.index.index_versions)."""
        from ..extract.index import index_versions
        from . import lazy

        if self.cache is None or self.graph == "full" or not refs:
            return
        first = self._snaps.get(refs[0]) or self._snaps.setdefault(refs[0], self.source.snapshot(refs[0]))
        if lazy.lazy_by_default(len(first.files())):
            return  # a whole checkout: each revision reads only what its trace needs (and
            # its file list is not held for every revision at once)
        snaps = [self._snaps.get(r) or self._snaps.setdefault(r, self.source.snapshot(r)) for r in refs]
        # (with answers carried, most revisions need no facts at all: only the first one's are
        # parsed up front, the others' when a revision is traced)
        st = index_versions(snaps[:1] if self.carry else snaps, self.cache, self.jobs)
        for snap in snaps:  # a blob that cannot be read is reported by its revision's own index
            if getattr(snap, "unreadable", None):
                snap.unreadable.clear()
        self.parsed += st.parsed
        self.preparsed += st.parsed
        for w in st.warnings:
            self.notes.setdefault(w)

    def fan_out(self, refs: list) -> None:
        """Before a walk over ``refs`` (listed by preindex): trace the revisions with distinct
        files on several workers (``-j`` > 1, or the Dask ``cluster``), each keeping its answer
        in the shared cache, where ``at`` then finds it (parallel.py)."""
        if not self.parallel:
            return
        seen, todo = set(), []
        for r in refs:
            snap = self._snaps.get(r)
            if snap is None:  # (not listed: a whole checkout reads each revision lazily, one by one)
                return
            keys = tuple(snap.files())
            if keys not in seen and r != self.hint_ref:  # (the last one is traced with its hints, here)
                seen.add(keys)
                todo.append(r)
        # (carrying answers, a worker walks one long run of consecutive revisions: each run
        # starts with a full trace, the rest mostly carried)
        self._fan(todo, -(-len(todo) // self.width()) if self.carry else None)

    @property
    def parallel(self) -> bool:
        return self.cache is not None and self.graph != "full" and (self.jobs > 1 or bool(self.cluster))

    def width(self) -> int:
        """How many revisions are traced at once: 1, or the parallel workers' number."""
        if not self.parallel:
            return 1
        if self.workers is None:
            from .parallel import Workers

            self.workers = Workers(self.jobs, self.cluster)
        return self.workers.width

    def prefetch(self, refs: list) -> None:
        """Trace the revisions of ``refs`` not evaluated yet at once on the parallel workers
        (bisect's probes of a round, blame's splits), so that ``at`` reads their answers from
        the shared cache. Nothing without workers, or for fewer than two revisions."""
        if self.parallel:
            self._fan(list(dict.fromkeys(r for r in refs if r not in self.points and r not in self.sent
                                         and r != self.hint_ref)))

    def _fan(self, todo: list, chunk: int | None = None) -> None:
        from .parallel import run_parallel

        if len(todo) < 2:
            return
        self.width()  # (starts the workers, kept until close)
        st = run_parallel(self.source, todo, self.query, str(self.cache.folder), self.graph, self.unreadable,
                          self.jobs, self.cluster, self.workers, chunk)
        self.sent.update(todo)
        self.fanned = {k: (self.fanned or {}).get(k, 0) + st[k] for k in ("parsed", "reused", "traced", "carried")}
        self.fanned["workers"] = st["workers"]
        self.parsed += st["parsed"]  # (files a worker parsed; what it reused, the walk counts again)
        self.preparsed += st["parsed"]

    def at(self, ref) -> Point:
        if ref in self.points:
            return self.points[ref]
        snap = self._snaps.pop(ref, None) or self.source.snapshot(ref)
        keys = tuple(snap.files())
        same = self.by_keys.get(keys)
        hint = ref == self.hint_ref
        if same is not None and hint and same.trace.get("missing"):
            same = None  # (its message was made without suggestions)
        if same is not None:
            p = Point(ref, snap.revision, same.trace, same.fingerprint, same.value, reused_from=same.ref)
        else:
            with paused_gc():  # the facts kept for the next revision are frozen after too
                tj, st = self._trace(snap, hint, None if hint and self._last and self._last[0].trace.get("missing")
                                     else self._last)
            self.evaluations += 1
            self.parsed += st.parsed
            self.reused += st.reused
            fp = Fingerprint.of(tj)
            p = Point(ref, snap.revision, tj, fp, self.value(tj, fp))
            self.by_keys[keys] = p
            self._last = (p, snap)
        self.points[ref] = p
        return p

    def close(self) -> None:
        """Let go of the decoded facts, the parallel workers and the GC freeze once the walk is over."""
        if self.workers is not None:
            self.workers.close()
            self.workers = None
        if self._memo:
            self.cache.memo = None
            self._memo = False
        gc.unfreeze()

    def __enter__(self) -> "Evaluator":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def stats(self, bound: int | None = None) -> dict:
        # a file preindex parsed is reused by the revision that reads it: counted once, as parsed
        carried = self.carried + (self.fanned or {}).get("carried", 0)  # (here and on the workers)
        out = {"evaluations": self.evaluations, "answers_carried": carried, "files_parsed": self.parsed,
               "files_reused": max(0, self.reused - self.preparsed),
               "seconds": round(time.perf_counter() - self.t0, 3)}
        if bound is not None:
            out["bound"] = bound
        return out


# --- results -----------------------------------------------------------------------------

@dataclass
class Change:
    before: Point
    after: Point

    def to_json(self) -> dict:
        return {"revision": self.after.revision.to_json(), "before": self.before.revision.to_json(),
                "value_before": self.before.value, "value_after": self.after.value,
                "fingerprint": self.after.fingerprint.digest(),
                "diff": flow_diff(self.before.trace, self.after.trace)}


@dataclass
class HistoryResult:
    command: str
    query: Query
    source: RevisionSource
    good: Point
    bad: Point
    candidates: int
    changes: list[Change]
    evaluated: list[Point]
    stats: dict
    warnings: list[str] = field(default_factory=list)
    found: Change | None = None  # bisect only

    def to_json(self) -> dict:
        from .. import __version__

        out = {"schema": SCHEMA, "tool": {"name": "srcscan", "version": __version__}, "command": self.command,
               "query": self.query.to_json(), "source": self.source.to_json(),
               "range": {"good": self.good.revision.to_json(), "bad": self.bad.revision.to_json(),
                         "candidates": self.candidates},
               "changes": [c.to_json() for c in self.changes],
               "evaluations": [p.to_json() for p in self.evaluated],
               "stats": self.stats, "warnings": list(self.warnings)}
        try:  # which svn repository the svn numbers belong to (for web links, render/_links.py)
            out["source"].update(self.source.repository(self.bad.revision.id or self.bad.revision.svn))
        except Exception:  # noqa: BLE001 - a report without web links is still a report
            pass
        if self.command == "bisect":
            out["found"] = self.found.to_json() if self.found else None
        return out


def _endpoints(source: RevisionSource, good: str, bad: str):
    g, b = source.resolve(good), source.resolve(bad)
    refs = source.range(g, b)
    return g, b, refs


def _require_symbol(points: list) -> None:
    """A symbol (or --to target) missing at every end point is a typo, not history: say so
    like trace does (with suggestions), instead of reporting 'no change'."""
    missing = [p.trace.get("missing") for p in points]
    if missing and all(missing):
        raise NotFound(f"{missing[-1]} (at {', '.join(_name(p) for p in points)})")


def bisect(source: RevisionSource, query: Query, good: str, bad: str, cache=None, jobs: int = 0,
           graph: str = "demand", unreadable: str = "error", cluster: str | None = None) -> HistoryResult:
    """The first revision after ``good`` (up to ``bad``) whose predicate value differs from
    ``good``'s: the fingerprint (default), whether a ``--to`` path exists, or whether the
    ``--path`` flow exists. At most ceil(log2 N) + 2 trace evaluations. With ``jobs`` > 1 or a
    Dask ``cluster``, each round traces k probes at once (k workers): a (k+1)-ary search,
    k * ceil(log(N) / log(k+1)) + 2 evaluations at most, in fewer rounds."""
    g, b, refs = _endpoints(source, good, bad)
    with Evaluator(source, query, cache, jobs, graph, unreadable) as ev:
        ev.cluster = cluster
        return _bisect(ev, source, query, g, b, refs)


def probes(lo: int, hi: int, k: int) -> list[int]:
    """The k probes splitting the open range (lo, hi) into k + 1 parts (k = 1: its middle)."""
    return sorted({lo + (j * (hi - lo)) // (k + 1) for j in range(1, k + 1)} - {lo, hi})


def _bisect(ev: "Evaluator", source: RevisionSource, query: Query, g, b, refs) -> HistoryResult:
    bound = math.ceil(math.log2(len(refs))) + 2 if refs else 2
    ev.hint_ref = b if refs else g
    pg = ev.at(g)
    pb = ev.at(b) if refs else pg
    _require_symbol([pg, pb])
    warnings = []
    found = None
    if pg.value == pb.value:
        what = "flow fingerprint" if query.predicate() == "changed" else f"{query.predicate()} predicate"
        warnings.append(f"the {what} is the same at both ends; nothing to bisect (a change that was "
                        "reverted inside the range shows in `srcscan history`)")
    else:
        lo, hi = -1, len(refs) - 1  # refs[lo] (or good) has good's value, refs[hi] does not
        k = ev.width() if len(refs) > 2 else 1  # probes per round: one per worker
        if k > 1:
            bound = k * math.ceil(math.log(len(refs)) / math.log(k + 1)) + 2
        while hi - lo > 1:
            mids = probes(lo, hi, k)
            ev.prefetch([refs[m] for m in mids])
            values = [ev.at(refs[m]).value for m in mids]  # (all traced: each is in the evaluations)
            for m, v in zip(mids, values):  # the first probe whose value differs ends the part with the change
                if v == pg.value:
                    lo = m
                else:
                    hi = m
                    break
        before = ev.at(refs[lo]) if lo >= 0 else pg
        found = Change(before, ev.at(refs[hi]))
    order = {r: i for i, r in enumerate([g, *refs])}
    seen = sorted(ev.points.values(), key=lambda p: order[p.ref])
    extra = [(a, c) for a, c in zip(seen, seen[1:]) if a.fingerprint != c.fingerprint
             and not (found and a is found.before and c is found.after)]
    for a, c in extra:
        warnings.append(f"the flow also changed between {_name(a)} and {_name(c)} (not bisected; "
                        "`srcscan history` lists every change)")
    return HistoryResult("bisect", query, source, pg, pb, len(refs), [found] if found else [], seen,
                         ev.stats(bound), warnings + list(ev.notes), found)


def history(source: RevisionSource, query: Query, start: str, end: str, cache=None, jobs: int = 0,
            progress: bool = True, graph: str = "demand", unreadable: str = "error",
            cluster: str | None = None) -> HistoryResult:
    """Every revision in (start, end] whose trace fingerprint differs from the previous
    candidate's. ``unreadable="skip"`` traces a revision without the files its repository
    cannot give (a partial mirror) instead of failing. With ``jobs`` > 1 or a Dask
    ``cluster`` (parallel.py), the revisions are traced by several workers first."""
    g, b, refs = _endpoints(source, start, end)
    with Evaluator(source, query, cache, jobs, graph, unreadable) as ev:
        ev.cluster = cluster
        return _history(ev, source, query, g, b, refs, progress)


def _history(ev: "Evaluator", source: RevisionSource, query: Query, g, b, refs, progress: bool) -> HistoryResult:
    from ..util import progress as bar

    ev.hint_ref = refs[-1] if refs else g
    ev.preindex([g, *refs])
    ev.fan_out([g, *refs])
    prev = ev.at(g)
    changes = []
    for ref in (bar(refs, desc="history", unit="rev") if progress else refs):
        cur = ev.at(ref)
        if cur.fingerprint != prev.fingerprint:
            changes.append(Change(prev, cur))
        prev = cur
    seen = [ev.points[r] for r in [g, *refs]]
    _require_symbol(seen)
    return HistoryResult("history", query, source, seen[0], seen[-1], len(refs), changes, seen, ev.stats(),
                         list(ev.notes))


def diff(source: RevisionSource, query: Query, rev1: str, rev2: str, cache=None, jobs: int = 0,
         graph: str = "demand") -> HistoryResult:
    """The flow difference between two revisions (any two: no range needed)."""
    with Evaluator(source, query, cache, jobs, graph) as ev:
        ev.hint_ref = source.resolve(rev2)
        a, b = ev.at(source.resolve(rev1)), ev.at(ev.hint_ref)
    _require_symbol([a, b])
    changes = [Change(a, b)] if a.fingerprint != b.fingerprint else []
    return HistoryResult("diff", query, source, a, b, 1, changes, [a, b], ev.stats(), list(ev.notes))


def _ref_json(ref):
    return None if ref is None else (ref if isinstance(ref, (str, int)) else str(ref))


def _name(p: Point) -> str:
    return p.revision.label() or str(p.ref)
