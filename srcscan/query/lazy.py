"""The lazy scope: trace a huge tree by reading only the files a query needs. A byte scan
finds files mentioning the query's names; each round traces them and adds the files that
mention the names the slice reached, until nothing new is needed."""
from __future__ import annotations

import time

from ..errors import NotFound, UnreadableSource, UsageError
from ..extract.cache import FactCache
from ..extract.index import snapshot_files
from ..extract.ppcond import Config
from ..extract.records import DamagedFacts
from ..graph import store as graphstore
from ..sources.snapshot import Snapshot
from ..util import paused_gc
from .analysis import Analysis, _analyse, _graph_key, analyse, analyse_demand, answer_key
from .trace import Trace, trace

LAZY_AUTO_FILES = 3000  # --scope auto: above this many files (and no cached graph), lazy
SCOPES = ("auto", "full", "lazy")
LAZY_MAX_ROUNDS = 8
LAZY_MAX_SHARE = 0.5  # beyond this share of the files, a full index is as cheap
LAZY_FULL_FALLBACK_FILES = 5000  # ...unless the tree is so big that a full graph does not fit in memory
HUGE_FULL = "full (graph built on demand: too many files for a whole graph)"
LAZY_MAX_NEW_NAMES = 40  # on huge trees, a round needing more names than this ends the growth


def lazy_by_default(nfiles: int) -> bool:
    """The one rule for trees too big for a whole flow graph: above LAZY_AUTO_FILES files,
    ``--scope auto`` traces lazily, ``index --graph`` refuses and history walks lazily."""
    return nfiles > LAZY_AUTO_FILES


def too_big_for_a_graph(snapshot: Snapshot, cache: FactCache | None) -> bool:
    """Whether a snapshot is past the size rule (lazy_by_default): its whole flow graph would
    not fit in memory (~16 GB for VirtualBox's 27,000 files)."""
    return lazy_by_default(len(snapshot_files(snapshot, cache)))


def analyse_every_file(snapshot: Snapshot, cache: FactCache | None, jobs: int, config: Config, control: bool,
                       why: str) -> Analysis:
    """Every file's facts and a graph built only as far as queries reach, never whole: the
    full scope of a tree too big for a whole graph (trace --scope full, why-not, serve)."""
    with paused_gc():  # (as analyse does: millions of long-lived objects, no cycles)
        a = analyse_demand(snapshot, cache, jobs, config, control, why)
    a.scope = HUGE_FULL
    return a


def analyse_scope(snapshot: Snapshot, symbol: str, to: str | None = None, cache: FactCache | None = None,
                  jobs: int = 0, config: Config | None = None, control: bool = True, why: str = "",
                  ignore_case: bool = False, need_program: bool = False, scope: str = "auto",
                  max_owners: int | None = None) -> Analysis:
    """The analysis a trace of ``symbol`` (and ``to``) runs on under ``scope``: ``full`` every
    file, ``lazy`` only the files the trace needs (analyse_lazy), ``auto`` lazy for trees
    where lazy_by_default. The result can rebuild itself when its cached graph turns out
    damaged while the trace reads it (``Analysis.rebuild``, used by Trace.to_json)."""
    if scope not in SCOPES:
        raise UsageError(f"--scope {scope}: choose {', '.join(SCOPES)}")
    config = config or Config()
    huge = scope != "lazy" and too_big_for_a_graph(snapshot, cache)
    if scope == "auto":
        scope = "lazy" if huge else "full"

    def run(fc: FactCache | None, whole: bool = False) -> Analysis:
        if scope == "lazy":
            a = analyse_lazy(snapshot, symbol, to, fc, jobs, config, control, why, ignore_case, need_program,
                             max_owners)
        elif huge:
            a = analyse_every_file(snapshot, fc, jobs, config, control, why)
        else:
            a = analyse(snapshot, fc, jobs, config, control, why, need_program, demand_first=not whole)
        a.rebuild = rebuild
        return a

    rebuilt_for: set[str] = set()  # files whose damaged facts were parsed again

    def rebuild(damage: graphstore.DamagedGraph | DamagedFacts) -> Analysis:
        """Drop the damaged graph (or a file's damaged facts) and build it again from the facts
        (and cache it anew)."""
        if isinstance(damage, DamagedFacts):
            if damage.file in rebuilt_for:
                raise damage
            rebuilt_for.add(damage.file)
        fc = FactCache(cache.folder) if cache is not None else None  # the caller's may be closed by now
        try:
            if fc is not None and damage.gkey:
                graphstore.drop(fc.db, damage.gkey)
            if fc is not None and isinstance(damage, DamagedFacts):
                fc.forget([k for p, k in snapshot.files() if p == damage.file])
            a = run(fc, whole=isinstance(damage, graphstore.DamagedGraph))  # (a damaged whole graph: stored anew)
        finally:
            if fc is not None:
                fc.close()
        # once: a graph damaged again is an error, not a loop; facts found damaged while a graph
        # built on demand reads them may be another file's next (each file once)
        a.rebuild = rebuild if isinstance(damage, DamagedFacts) else None
        a.warnings.append(f"{damage}; rebuilt the flow graph")
        return a

    seen: set = set()
    while True:
        try:
            return run(cache) if not seen else rebuild(damage)
        except DamagedFacts as e:  # found while the graph was built: that file is parsed again
            if cache is None or e.file in seen:
                raise
            seen.add(e.file)
            damage = e


RESULT = "trace-doc:1:"  # cache blob name prefix of a kept trace JSON (versioned)


def result_key(snapshot: Snapshot, cache: FactCache | None, scope: str, config: Config, control: bool,
               question: tuple) -> str | None:
    """Where the JSON of a trace on every file (``--scope full``, or ``auto`` on a tree small
    enough for it) is kept (None for a lazy trace: it keeps its own scope). A question
    answered on a graph built on demand costs seconds (a whole checkout: tens of seconds), so
    its answer is kept, keyed by every file's content, the configuration, the query
    (``question``) and the tool's versions: the same question asked again answers from the
    cache, before any fact is read."""
    if cache is None or scope == "lazy":
        return None
    files = snapshot_files(snapshot, cache)
    if scope == "auto" and lazy_by_default(len(files)):
        return None
    from .trace import TRACE_VERSION

    return answer_key(RESULT, files, config, control, TRACE_VERSION, question)


def _query_names(symbol: str) -> set[str]:
    """Identifiers a query names: 'GIMKVM.cTscTicksPerSecond' -> {GIMKVM, cTscTicksPerSecond}."""
    import re

    s = symbol.split(":", 1)[1] if symbol.split(":", 1)[0] in ("field", "local", "param", "ret", "global",
                                                                 "source", "sink") else symbol
    return {t for t in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", s) if len(t) > 2}


def _slice_names(analysis: "Analysis", tr: "Trace") -> tuple[set[str], set[str]]:
    """(names, type names) to look for next: the functions, fields and globals on the slice
    (their other definitions and uses join the scope), and the declared types of its locals
    and parameters (the headers declaring them resolve field owners)."""
    from ..graph.program import _base_type

    g = analysis.graph
    prog = analysis.program
    names: set[str] = set()
    types: set[str] = set()
    for n in tr.nodes:
        if n not in g:
            continue
        d = g.nodes[n]
        kind = d["kind"]
        if kind in ("field", "global"):
            names.add(d["name"])
        elif kind in ("return", "param"):
            names.add((d.get("owner") or "").rsplit(":", 1)[-1])
        if kind in ("local", "param") and prog is not None:
            for fn in prog.functions.get(d.get("owner") or "", []):
                t = fn.locals.get(d["name"])
                b = _base_type(t) if t else None
                if b:
                    types.add(b)
    # calls the slice's functions make to functions not in scope yet (unknown callees may be
    # where a value comes from, e.g. TMCpuTicksPerSecond() defined in another file)
    if prog is not None:
        from ..graph.apimodels import load_models

        models = load_models()
        known = set(models.sources) | set(models.sinks) | set(models.propagators) | set(models.handles) | \
            set(models.library)
        fnames: set[str] = set()
        for n in tr.nodes:
            if n in g:
                d = g.nodes[n]
                if d["kind"] in ("local", "param", "return") and d.get("owner"):
                    fnames.add(d["owner"])
        out_edges = [(u, v) for u in tr.nodes if u in g for v in g.successors(u)]
        for evs in g.evidence_many(out_edges).values():
            fnames.update(ev["function"] for ev in evs if ev.get("function"))
        slice_fields = {g.nodes[n]["name"] for n in tr.nodes if n in g and g.kind(n) in ("field", "global")}
        for key, defs in prog.functions.items():  # functions that store into a field on the slice,
            if any(a.target.last in slice_fields for fn in defs for a in fn.assigns):  # or pass one on
                fnames.add(key)
            elif any(r.steps and r.last in slice_fields for fn in defs for c in fn.calls for e in c.args
                     for r in e.reads):
                fnames.add(key)
        slice_locals = {(g.nodes[n].get("owner"), g.nodes[n]["name"]) for n in tr.nodes
                        if n in g and g.kind(n) == "local"}
        slice_rets = {g.nodes[n].get("owner") for n in tr.nodes if n in g and g.kind(n) == "return"}

        def callees(fn, expr, depth=0):
            for ci in expr.calls:
                c = fn.calls[ci]
                if c.indirect is None and c.callee not in known and c.callee not in prog.functions \
                        and not c.callee.isupper():  # ALL_CAPS: a macro, no function body to find
                    names.add(c.callee)
                if depth < 3:  # f(g(x)): an unknown f passes g's result through
                    for a in c.args:
                        callees(fn, a, depth + 1)

        slice_vars = slice_locals | {(g.nodes[n].get("owner"), g.nodes[n]["name"]) for n in tr.nodes
                                     if n in g and g.kind(n) == "param"}

        def on_slice(fn, acc):
            return acc.last in slice_fields if acc.steps else (fn.key, acc.root) in slice_vars

        for key in fnames:
            for fn in prog.functions.get(key, []) + prog.functions.get(key.rsplit(":", 1)[-1], []):
                # calls whose result reaches a value on the slice
                for a in fn.assigns:
                    if a.target.last in slice_fields or (fn.key, a.target.root) in slice_locals:
                        callees(fn, a.value)
                if fn.key in slice_rets:
                    for r in fn.returns:
                        callees(fn, r.value)
                # and calls a value on the slice is passed to (a helper defined in a header not
                # read yet: where the value goes next)
                for c in fn.calls:
                    if c.indirect is None and c.callee not in known and not prog.resolve_function(c.callee, fn.file) \
                            and not c.callee.isupper() and any(on_slice(fn, r) for e in c.args for r in e.reads):
                        names.add(c.callee)
    return {x for x in names if len(x) > 2}, {x for x in types if len(x) > 2}


_WORD = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")


def _word_patterns(names: list[str], ignore_case: bool, after: bytes = rb"(?![A-Za-z0-9_])") -> list:
    """Per identifier: its bytes and a pattern that starts with the literal (so the regex
    engine scans for it at C speed) and checks what follows; the word start is checked on
    each hit."""
    import re

    flags = re.IGNORECASE if ignore_case else 0
    return [(n.encode().lower() if ignore_case else n.encode(),
             re.compile(re.escape(n.encode()) + after, flags)) for n in names]


# A type name is looked for where a header defines it: `typedef ... PVM;`, `} GIMKVM;`.
_TYPE_DEF_END = rb"\s*[;,]"
_BUILTIN_TYPES = {"int", "unsigned", "signed", "char", "short", "long", "bool", "float", "double", "void", "size_t",
                  "ssize_t", "uintptr_t", "intptr_t", "ptrdiff_t", "int8_t", "int16_t", "int32_t", "int64_t",
                  "uint8_t", "uint16_t", "uint32_t", "uint64_t", "wchar_t", "off_t"}
MAX_HITS_PER_NAME = 2000  # a name hit this often inside other words in one file counts as mentioned


def _mentions(data: bytes, patterns: list) -> bool:
    low = None
    for lit, pat in patterns:
        if pat.flags & 2:  # re.IGNORECASE
            low = data.lower() if low is None else low
            if lit not in low:
                continue
        elif lit not in data:  # the common case: not there at all (memmem)
            continue
        for k, m in enumerate(pat.finditer(data)):
            i = m.start()
            if i == 0 or data[i - 1] not in _WORD or k >= MAX_HITS_PER_NAME:
                return True
    return False


def analyse_lazy(snapshot: Snapshot, symbol: str, to: str | None = None, cache: FactCache | None = None,
                 jobs: int = 0, config: Config | None = None, control: bool = True, why: str = "",
                 ignore_case: bool = False, need_program: bool = False, max_owners: int | None = None) -> Analysis:
    """Analyse only the files a trace needs: start with files mentioning the query's names
    (a byte scan), trace, add files mentioning the names the slice reaches, until nothing
    new is needed. When the scope grows past half the tree, a tree of up to
    LAZY_FULL_FALLBACK_FILES files is indexed in full instead; a bigger one keeps the scope
    it has, with a warning. ``analysis.scope`` says which was used."""
    memo = cache is not None and cache.memo is None
    if memo:
        cache.memo = {}  # facts decoded in one round are reused by the next
    try:
        with paused_gc():
            return _analyse_lazy(snapshot, symbol, to, cache, jobs, config or Config(), control, why, ignore_case,
                                 need_program, max_owners)
    finally:
        if memo:
            cache.memo = None


def _analyse_lazy(snapshot, symbol, to, cache, jobs, config, control, why, ignore_case, need_program,
                  max_owners=None) -> Analysis:
    t0 = time.perf_counter()
    files = snapshot_files(snapshot, cache)
    if cache is not None and graphstore.exists(cache.db, _graph_key(files, config, control)):
        full = analyse(snapshot, cache, jobs, config, control, why, need_program)  # a full graph is cached
        full.scope = "full (a cached flow graph of every file)"
        return full
    lazykey = answer_key("lazy:", files, config, control, symbol, to, ignore_case)
    if cache is not None:  # this query ran before on this snapshot: reuse its scope and graph
        import json

        blob = cache.get_blob(lazykey)
        if blob is not None:
            try:
                from ..util import loads_json

                scope, rounds, notes = loads_json(blob)
                sub = _Subset(snapshot, set(scope))
                analysis = analyse(sub, cache, jobs, config, control, why, need_program)
                analysis.snapshot = snapshot
                analysis.warnings.extend(notes)
                analysis.scope = f"lazy: {len(scope)} of {len(files)} files, {rounds} round(s), reused"
                analysis.stats.seconds = time.perf_counter() - t0
                return analysis
            except (ValueError, TypeError):
                pass
    unreadable: dict[str, str] = {}

    def data(path: str) -> bytes:
        if path in unreadable:
            return b""
        try:
            return snapshot.read(path)  # not kept: a whole tree is 430 MB; each round reads from the page cache
        except (OSError, UnreadableSource) as e:
            unreadable[path] = f"{path}: unreadable ({getattr(e, 'strerror', None) or e}); skipped"
            return b""

    wanted = _query_names(symbol) | (_query_names(to) if to else set())
    wanted_types: set[str] = set()
    scope: set[str] = set()
    searched: set[str] = set()
    rounds = 0
    notes: list[str] = []  # warnings of the growth, kept for the final analysis
    headers = [p for p, _ in files if p.endswith((".h", ".hpp", ".hh", ".mac"))]
    while rounds < LAZY_MAX_ROUNDS:
        new = sorted(wanted - searched)
        new_types = sorted(wanted_types - searched)
        if not new and not new_types:
            break
        if len(files) > LAZY_FULL_FALLBACK_FILES and len(new) > LAZY_MAX_NEW_NAMES:
            # each name costs a scan of the whole tree: on a huge tree, stop growing here
            notes.append(f"lazy scope stopped after {rounds} round(s) with {len(new)} more names to "
                         f"follow ({', '.join(new[:5])}, ...); flows through files outside the "
                         f"{len(scope)} read are not shown (use --scope full)")
            break
        rounds += 1
        searched |= set(new) | set(new_types)
        for names, paths, after in ((new, [p for p, _ in files], rb"(?![A-Za-z0-9_])"),
                                    ([t for t in new_types if t not in _BUILTIN_TYPES], headers, _TYPE_DEF_END)):
            if not names:
                continue
            pats = _word_patterns(names, ignore_case, after)
            for path in paths:
                if path not in scope and _mentions(data(path), pats):
                    scope.add(path)
        if len(scope) > LAZY_MAX_SHARE * len(files):
            if len(files) <= LAZY_FULL_FALLBACK_FILES:
                full = analyse(snapshot, cache, jobs, config, control, why, need_program=True)
                full.stats.warnings.append(f"lazy scope grew past {int(LAZY_MAX_SHARE * 100)}% of the files; "
                                           "used the full index")
                full.scope = f"full (the lazy scope grew past {int(LAZY_MAX_SHARE * 100)}% of the files)"
                return full
            capped = True  # a huge tree: keep the scope we have rather than load everything
        else:
            capped = False
        analysis = tr = None  # the last round's graph and facts go before this round's are built
        # rounds trace on a graph built on demand (same answer, a fraction of the building);
        # the scope's whole graph is built once, at the end, for the cache
        analysis = analyse_demand(_Subset(snapshot, scope), cache, jobs, config, control, why)
        notes.extend(analysis.warnings)
        try:
            # (a name of too many owners is refused in the first round, before the scope grows)
            tr = trace(analysis, symbol, to=to, ignore_case=ignore_case, config=config, max_owners=max_owners)
        except NotFound:  # the symbol (or --to) is not in the scope read so far: nothing to follow
            break
        if capped:
            notes.append(f"lazy scope reached {len(scope)} of {len(files)} files and stopped growing; "
                         "flows through files outside it are not shown (use --scope full)")
            break
        more, more_types = _slice_names(analysis, tr)
        wanted |= more
        wanted_types |= more_types
    analysis = tr = None
    analysis = _analyse(_Subset(snapshot, scope or {files[0][0]}), None, jobs, config, control, why, True,
                        cache_facts=cache)
    analysis.warnings.extend(dict.fromkeys(notes))
    if cache is not None and scope:
        import json

        sub = _Subset(snapshot, scope)
        try:
            graphstore.save(cache.db, _graph_key(sub.files(), config, control), analysis.graph,
                            (analysis.functions, analysis.excluded))
            cache.put_blob(lazykey, json.dumps([sorted(scope), rounds, analysis.warnings]).encode())
        except Exception as e:  # the trace is fine without it
            analysis.warnings.append(f"could not cache the lazy scope ({e})")
    analysis.warnings.extend(unreadable.values())
    analysis.snapshot = snapshot
    analysis.scope = f"lazy: {len(scope)} of {len(files)} files, {rounds} round(s)"
    analysis.stats.seconds = time.perf_counter() - t0
    return analysis


class _Subset(Snapshot):
    """The files of a snapshot restricted to a set of paths."""

    def __init__(self, base: Snapshot, paths: set[str]):
        super().__init__(kind=base.kind, root=base.root, label=base.label, revision=base.revision)
        self.base, self.paths = base, paths
        self.warnings = base.warnings

    def files(self):
        return [(p, k) for p, k in self.base.files() if p in self.paths]

    def read(self, path: str) -> bytes:
        return self.base.read(path)

    def read_keyed(self, path: str):
        return self.base.read_keyed(path)

    def read_served(self, path: str) -> bytes:
        return self.base.read_served(path) if path in self.paths else super().read_served(path)

    def repository(self) -> dict:
        return self.base.repository()
