"""Blame for a flow (DESIGN §8): for every node and edge of the trace at the end of a range,
the revision since which it exists, where it first appeared in the range, and the gaps
between (removed, then back).

A *step* is a node id or an edge as (src, dst, kind, via), the identities history's
fingerprints use, so moved code is not a change. Its presence at a revision is whether the
trace there holds it (a step whose function still exists but no longer carries this flow is
absent). Revisions are history's candidates (first-parent order for git, svn numbers), and
traces come from history's :class:`Evaluator` (fact cache, cached per-revision traces, files
equal to an evaluated revision not traced again).

Two searches:

- ``every``: every candidate is traced; runs, first appearance and gaps are exact.
- ``bisect``: the end, the start and ``probes`` evenly spaced revisions are traced, then every
  pair of neighbouring traced revisions whose presence of some step differs is split in the
  middle, round after round, until each such pair is adjacent. One traced revision serves
  every step (evaluations are shared), so the cost is about (number of transitions) x
  log2(candidates). On git, a revision between two traced ones that lacks (or alone has) a
  file the end's flow runs through is traced as well (an older branch's import). Any other
  removal and return falling entirely between two traced revisions is not seen; ``every``
  sees it.

``auto`` (the default) is ``every`` up to :data:`EVERY_MAX` candidates, else ``bisect``.

    res = blame(open_source(...), Query("cTscTicksPerSecond"), "r55000", "r56000", cache)
    res.to_json()    # docs/blame-schema.md
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import NotFound, RevisionError, UsageError
from ..sources.ranges import RevisionSource
from .flowdiff import edge_identity
from .history import Evaluator, Point, Query, _ref_json

SCHEMA = "srcscan-blame/1"
EVERY_MAX = 24  # auto: up to this many candidates every one is traced
DEFAULT_PROBES = 3  # bisect: traced revisions spread over the range before the splitting starts
SEARCHES = ("auto", "every", "bisect")


@dataclass
class StepBlame:
    """What the range says about one step (indices are into the traced points, oldest first)."""

    runs: list[tuple[int, int, bool]]  # (first point, last point, present) over the traced points

    @property
    def since(self) -> int:
        return self.runs[-1][0]

    @property
    def first(self) -> int:
        return next(a for a, _, present in self.runs if present)

    def gaps(self) -> list[tuple[int, int]]:
        """(first point without it, first point with it again) for every absence between
        its first appearance and the run that reaches the end."""
        out = []
        for k, (a, b, present) in enumerate(self.runs):
            if not present and k > 0 and k + 1 < len(self.runs):
                out.append((a, self.runs[k + 1][0]))
        return out


@dataclass
class BlameResult:
    query: Query
    source: RevisionSource
    repository: dict
    end: Point
    start: Point
    candidates: int
    search: str
    probes: int
    points: list[Point]  # traced revisions (and those with identical files), oldest first
    nodes: dict = field(default_factory=dict)  # node id -> StepBlame
    edges: dict = field(default_factory=dict)  # trace edge id -> StepBlame
    stats: dict = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.search == "every" or len(self.points) == self.candidates + 1

    def _step_json(self, sb: StepBlame) -> dict:
        rev = lambda i: self.points[i].revision.to_json()  # noqa: E731
        since, first = sb.since, sb.first
        return {"since": rev(since), "from_start": since == 0,
                "first": rev(first), "first_at_start": first == 0,
                "gaps": [{"removed": rev(a), "last_present": rev(a - 1), "returned": rev(b)} for a, b in sb.gaps()],
                "presence": "".join(("+" if present else "-") * (b - a + 1) for a, b, present in sb.runs)}

    def to_json(self) -> dict:
        from .. import __version__

        return {
            "schema": SCHEMA, "tool": {"name": "srcscan", "version": __version__}, "command": "blame",
            "query": self.query.to_json(), "source": {**self.source.to_json(), **self.repository},
            "range": {"start": self.start.revision.to_json(), "end": self.end.revision.to_json(),
                      "candidates": self.candidates},
            "search": {"mode": self.search, "probes": self.probes if self.search == "bisect" else None,
                       "exact": self.exact},
            "trace": self.end.trace,
            "nodes": {k: self._step_json(v) for k, v in self.nodes.items()},
            "edges": {k: self._step_json(v) for k, v in self.edges.items()},
            "evaluations": [{"revision": p.revision.to_json(), "fingerprint": p.fingerprint.digest(),
                             "nodes": len(p.fingerprint.nodes), "edges": len(p.fingerprint.edges),
                             "missing": p.trace.get("missing"), "same_files_as": _ref_json(p.reused_from)}
                            for p in self.points],
            "stats": self.stats, "warnings": list(self.warnings),
        }


def choose_search(search: str, candidates: int) -> str:
    if search not in SEARCHES:
        raise UsageError(f"--search {search!r}: choose one of {', '.join(SEARCHES)}")
    if search == "auto":
        return "every" if candidates <= EVERY_MAX else "bisect"
    return search


def blame(source: RevisionSource, query: Query, start: str, end: str, cache=None, jobs: int = 0,
          search: str = "auto", probes: int = DEFAULT_PROBES, progress: bool = True,
          cluster: str | None = None) -> BlameResult:
    """Blame every step of the trace at ``end`` over the candidates after ``start`` up to
    ``end`` (see the module docstring). With ``jobs`` > 1 or a Dask ``cluster``, the
    revisions a round needs (every candidate; the probes; the splits of a round) are traced
    at once by the workers (history.Evaluator.prefetch): the same answer in fewer rounds."""
    if query.path:
        raise UsageError("blame follows the whole trace; --path is for bisect")
    if probes < 0:
        raise UsageError(f"--probes {probes}: must be 0 or more")
    g, b = source.resolve(start), source.resolve(end)
    if g == b:
        raise RevisionError(f"empty range: {start} and {end} are the same revision")
    refs = source.range(g, b)
    mode = choose_search(search, len(refs))
    order = [g, *refs]
    with Evaluator(source, query, cache, jobs) as ev:
        ev.cluster = cluster
        ev.hint_ref = order[-1]
        last = ev.at(order[-1])
        if last.trace.get("missing"):
            raise NotFound(f"{last.trace['missing']} (at the end of the range, {_name(last)})")
        # every candidate at once, or the start with the first probes (parallel workers only)
        ev.prefetch(order[:-1] if mode == "every" else [order[0], *(order[i] for i in _probe_points(order, probes))])
        first = ev.at(order[0])
        if mode == "every":
            _walk_every(ev, order, progress)
        else:
            _split(ev, order, last, probes)
        idx = sorted(i for i, r in enumerate(order) if r in ev.points)
        points = [ev.points[order[i]] for i in idx]
        stats = ev.stats()
        notes = list(ev.notes)
    stats["revisions_traced"] = len(points)
    res = BlameResult(query, source, source.repository(b), last, first, len(refs), mode, probes, points,
                      stats=stats, warnings=notes)
    nodes, edges = _steps(last)
    present = [_presence(p) for p in points]
    for nid in nodes:
        res.nodes[nid] = StepBlame(_runs([nid in ps[0] for ps in present]))
    for eid, key in edges.items():
        res.edges[eid] = StepBlame(_runs([key in ps[1] for ps in present]))
    if not refs:
        res.warnings.append("no revision after the start touches the scope: every step is there from the start")
    if first.trace.get("missing"):
        res.warnings.append(f"at the start of the range: {first.trace['missing']}")
    return res


def _steps(p: Point) -> tuple[list[str], dict[str, tuple]]:
    nodes = [n["id"] for n in p.trace.get("nodes", [])]
    edges = {e["id"]: edge_identity(e) for e in p.trace.get("edges", [])}
    return nodes, edges


def _presence(p: Point) -> tuple[frozenset, frozenset]:
    return p.fingerprint.nodes, p.fingerprint.edges


def _runs(flags: list[bool]) -> list[tuple[int, int, bool]]:
    """Runs of equal presence over the traced points (indices into that list). Between two
    traced points with the same presence (``bisect`` skipped what lies between), the step is
    taken as unchanged."""
    runs: list[list] = []
    for i, f in enumerate(flags):
        if runs and runs[-1][2] == f:
            runs[-1][1] = i
        else:
            runs.append([i, i, f])
    return [tuple(r) for r in runs]


def _walk_every(ev: Evaluator, order: list, progress: bool) -> None:
    from ..util import progress as bar

    inner = order[1:-1]
    for ref in (bar(inner, desc="blame", unit="rev") if progress and inner else inner):
        ev.at(ref)


def _probe_points(order: list, probes: int) -> list[int]:
    n = len(order) - 1
    return [i for i in (round(k * n / (probes + 1)) for k in range(1, probes + 1)) if 0 < i < n]


def _split(ev: Evaluator, order: list, last: Point, probes: int) -> None:
    """The bisect search: probes, then split every neighbouring pair of traced revisions
    whose presence of the end's steps differs, until all such pairs are adjacent. On git,
    a revision between two traced ones where a file holding the end's flow is missing (or
    back) while it is not at both ends is traced too: that is how an older branch's import
    (files the flow runs through absent) shows without tracing every revision."""
    n = len(order) - 1
    nodes, edges = _steps(last)
    want_n, want_e = frozenset(nodes), frozenset(edges.values())
    files = sorted({x.get("file") for x in last.trace.get("edges", []) + last.trace.get("nodes", [])
                    if isinstance(x.get("file"), str)})
    sigs: dict[int, frozenset] = {}

    def vec(i: int):
        p = ev.at(order[i])
        return p.fingerprint.nodes & want_n, p.fingerprint.edges & want_e

    def sig(i: int) -> frozenset:
        if i not in sigs:
            have = {path for path, _ in ev.source.snapshot(order[i]).files()}
            sigs[i] = frozenset(f for f in files if f in have)
        return sigs[i]

    check_files = ev.source.kind == "git" and bool(files)  # listing a git tree is cheap, an svn one is not
    first = _probe_points(order, probes)
    ev.prefetch([order[i] for i in first])
    for i in first:
        vec(i)
    while True:
        done = sorted(i for i, r in enumerate(order) if r in ev.points)
        todo = []
        for a, c in zip(done, done[1:]):
            if c - a <= 1:
                continue
            if vec(a) != vec(c):
                todo.append((a + c) // 2)
            elif check_files:
                odd = next((m for m in range(a + 1, c) if sig(m) != sig(a) or sig(m) != sig(c)), None)
                if odd is not None:
                    todo.append(odd)
        if not todo:
            return
        ev.prefetch([order[m] for m in todo])
        for m in todo:
            vec(m)


def _name(p: Point) -> str:
    return p.revision.label() or str(p.ref)
