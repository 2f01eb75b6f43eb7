"""What why-not's reasons need besides the flow graph: the calls that go nowhere (no
definition, no model), the indirect calls with no known target, the structs that declare a
field of unresolved owner, how many facts the configuration excluded, and the graph with every
#if branch kept.

Two sources give the same answers: the program itself (facts in memory, with the graph built
on demand) and a small record stored next to the cached graph (``record``), so a warm why-not
reads no facts and builds no graph. Only the preprocessor reason needs the facts again, and
only when an excluded fact names something on either side of the break.
"""
from __future__ import annotations

import json
import zlib
from typing import Callable

from ..extract.ppcond import Config
from ..extract.records import Access, Call, Function
from ..graph.program import Program

PREFIX = "whynot:2:"  # blob name in the fact cache: PREFIX + graph key (bump when the record changes)
EXCLUDED = "whynot-excluded:1:"  # the excluded count of a graph built on demand: EXCLUDED + its fragments' key


def _roots(c: Call) -> list[str]:
    out = []
    for arg in c.args:
        out += [r.root for r in arg.reads]
        if arg.addr_of is not None:
            out.append(arg.addr_of.root)
    return sorted(set(out))


def call_kind(p: Program, models, config: Config, fn: Function, c: Call) -> tuple[str, str] | None:
    """('macro-hidden', definition) or ('external-function', '') for a direct call that goes
    nowhere: no definition in the tree, no model, not excluded; None otherwise."""
    m, name = models, c.callee
    if c.indirect is not None or name in m.sources or name in m.sinks or name in m.propagators or name in m.handles:
        return None
    if p.resolve_function(name, fn.file) or p.own_method(fn, name) or config.excludes(c.preproc):
        return None
    if name in p.defines:
        return "macro-hidden", p.defines[name][:60]
    return "external-function", ""


def _keys(a: Access | None, fn: Function) -> list[str]:
    """Names an access touches, as ``near_keys`` spells a node: a local or parameter with its
    function (``key:name``), a global ``v:name``, a field ``f:name``."""
    if a is None:
        return []
    out = [f"{fn.key}:{a.root}" if a.root in fn.locals else "v:" + a.root]
    return out + ["f:" + s for _, s in a.steps]


def near_keys(kind: str | None, name: str | None, owner: str | None) -> list[str]:
    """The names (as ``_keys`` spells them) under which an excluded fact would touch a node."""
    name = (name or "").split("@", 1)[0]
    if kind in ("local", "param") and owner:
        return [f"{owner}:{name}"]
    if kind == "field":
        return ["f:" + name]
    if kind == "global":
        return ["v:" + name]
    if kind == "return":  # an excluded return statement of that function
        return ["c:" + name]
    return []


def count_excluded(p: Program, config: Config) -> tuple[int, set[str]]:
    """Facts the configuration drops (whole functions, and statements of the others, as the
    graph builder counts them), and the names those facts touch (``_keys``; ``c:function`` for
    an excluded function or return statement)."""
    n, names = 0, set()

    def expr(e, fn) -> None:
        for r in e.reads:
            names.update(_keys(r, fn))
        names.update(_keys(e.addr_of, fn))

    for defs in p.functions.values():
        for fn in defs:
            whole = config.excludes_fn(fn)
            if whole:
                n += 1
                names.add("c:" + fn.name)
            for c in fn.calls:
                if whole or config.excludes(c.preproc):
                    n += not whole
                    for a in c.args:  # (its callee is no step of a path: what it is passed is)
                        expr(a, fn)
            for a in fn.assigns:
                if whole or config.excludes(a.preproc):
                    n += not whole
                    names.update(_keys(a.target, fn))
                    expr(a.value, fn)
            for r in fn.returns:
                if whole or config.excludes(r.preproc):
                    n += not whole
                    names.add("c:" + fn.name)
                    expr(r.value, fn)
    return n, names


def _config_id(config: Config) -> list:
    return [sorted(config.defines.items()), sorted(config.undefs), config.keep_if0, sorted(config.opaque)]


def excluded_record(n: int, names: set[str], config: Config) -> bytes:
    """``count_excluded``'s answer as stored in the fact cache (counting decodes every
    function's body: seconds on a tree of ten thousand functions), with the configuration."""
    doc = {"config": _config_id(config), "excluded": n, "excluded_names": sorted(names)}
    return zlib.compress(json.dumps(doc, separators=(",", ":")).encode(), 1)


def read_excluded(blob: bytes | None, config: Config) -> tuple[int, set[str]] | None:
    """The count ``excluded_record`` stored, or None (none, damaged, another configuration)."""
    if blob is None:
        return None
    try:
        d = json.loads(zlib.decompress(blob))
        n, names = d["excluded"], d["excluded_names"]
        ok = d["config"] == json.loads(json.dumps(_config_id(config))) and type(n) is int \
            and type(names) is list and all(type(x) is str for x in names)
    except (zlib.error, TypeError, ValueError, KeyError, AttributeError, RecursionError):
        return None
    return (n, set(names)) if ok else None


class ProgramContext:
    """The reasons' facts read from the program (any graph: built whole or on demand); the
    excluded count is read from the fact cache when stored there (``cache`` and ``key``)."""

    def __init__(self, p: Program, builder, models, config: Config, control: bool, cache=None, key: str = ""):
        if models is None:
            from ..graph.apimodels import load_models

            models = builder.m if builder is not None else load_models()
        config = config.for_program(p)  # with what the tree's headers decide
        self.p, self.b, self.models, self.config, self.control = p, builder, models, config, control
        self._excluded = None
        self._wide = None
        self._cache, self._key, self._given = cache, key, config

    def _count(self):
        if self._excluded is None and self._cache is not None and self._key:
            self._excluded = read_excluded(self._cache.get_blob(EXCLUDED + self._key), self._given)
            if self._excluded is None:
                self._excluded = count_excluded(self.p, self.config)
                try:
                    self._cache.put_blob(EXCLUDED + self._key, excluded_record(*self._excluded, self._given))
                except Exception:  # (the answer does not need it kept)
                    pass
        if self._excluded is None:
            self._excluded = count_excluded(self.p, self.config)
        return self._excluded

    @property
    def excluded(self) -> int:
        return self._count()[0]

    def excluded_names(self) -> set[str]:
        return self._count()[1]

    def unresolved(self) -> list[tuple[str, str, str, int, str]]:
        """(function key, callee, file, line, function name) of calls through pointers with no target."""
        out = []
        for fkey, c in self.b.unresolved_indirect:
            fn = self.p.functions.get(fkey, [None])[0]
            if fn is not None:
                out.append((fkey, c.callee, fn.file, c.line, fn.name))
        return out

    def owners(self, field: str) -> list[str]:
        return sorted(self.p.field_owners.get(field, ()))

    def external_calls(self, fkey: str) -> list[tuple]:
        """(callee, line, file, function name, kind, macro text, argument roots) of a function's
        calls that go nowhere."""
        out = []
        for fn in self.p.functions.get(fkey, []):
            for c in fn.calls:
                k = call_kind(self.p, self.models, self.config, fn, c)
                if k is not None:
                    out.append((c.callee, c.line, fn.file, fn.name, k[0], k[1], _roots(c)))
        return out

    def pp_config(self, config: Config) -> Config:
        """``config`` with what the program's headers decide about #if conditions."""
        return config.for_program(self.p)

    def wide(self):
        """The graph with every #if branch kept, built on demand."""
        if self._wide is None:
            from ..graph.demand import DemandGraph
            from ..graph.flow import BuildOptions, FlowBuilder

            self._wide = DemandGraph(FlowBuilder(self.p, self.models, BuildOptions(
                config=Config(keep_if0=True), control=self.control)))
        return self._wide


def record(p: Program, builder, models, config: Config) -> bytes:
    """The stored form of a ProgramContext over a graph built whole (stored with the graph)."""
    ctx = ProgramContext(p, builder, models, config, True)
    ambiguous = {d.get("name") for _, d in builder.g.nodes(data=True) if d.get("ambiguous") and d.get("kind") == "field"}
    calls = {}
    for fkey in p.functions:
        got = ctx.external_calls(fkey)
        if got:
            calls[fkey] = got
    n, names = ctx._count()
    doc = {"excluded": n, "excluded_names": sorted(names), "unresolved": ctx.unresolved(),
           "owners": {f: ctx.owners(f) for f in sorted(x for x in ambiguous if x)}, "calls": calls}
    return zlib.compress(json.dumps(doc, separators=(",", ":")).encode(), 1)


class StoredContext:
    """The reasons' facts read from a record stored next to the cached graph; the program is
    loaded (``load``) only for the graph with every #if branch kept."""

    def __init__(self, blob: bytes, load: Callable[[], ProgramContext]):
        """Raises ValueError when ``blob`` is not a record this version wrote (damaged, foreign)."""
        try:
            d = json.loads(zlib.decompress(blob))
            self.excluded = int(d["excluded"])
            self._names = set(d["excluded_names"])
            self._unresolved = [tuple(x) for x in d["unresolved"]]
            self._owners = d["owners"]
            self._calls = d["calls"]
            ok = all(isinstance(x, str) for x in self._names) and isinstance(self._owners, dict) \
                and isinstance(self._calls, dict) \
                and all(isinstance(v, list) for v in (*self._owners.values(), *self._calls.values()))
        except (zlib.error, TypeError, ValueError, KeyError, AttributeError, RecursionError) as e:
            raise ValueError(f"{type(e).__name__}: {e}") from None
        if not ok:
            raise ValueError("a field of the wrong type")
        self._load = load
        self._program = None

    def excluded_names(self) -> set[str]:
        return self._names

    def unresolved(self):
        return self._unresolved

    def owners(self, field: str) -> list[str]:
        return list(self._owners.get(field, ()))

    def external_calls(self, fkey: str):
        return [tuple(x) for x in self._calls.get(fkey, ())]

    def wide(self):
        if self._program is None:
            self._program = self._load()
        return self._program.wide()

    def pp_config(self, config: Config) -> Config:
        self.wide()  # (loads the program)
        return self._program.pp_config(config)
