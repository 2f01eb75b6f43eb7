"""The flow graph built on demand: one function at a time, when a trace reaches a name the
function mentions.

A trace looks at a few thousand nodes of a graph of tens of thousands; building only the
functions those nodes appear in is what makes a trace per revision affordable (history,
bisect, diff). Every node a trace asks about is *expanded* first: each function that can make
an edge touching it is built, so its edges are exactly those of the full graph. Edge kinds
and evidence come out the same as a full build's because the builder makes them independent
of build order (``flow.canonical``), and the tracer breaks ties by node id.

Which functions can touch a node, and on which side of an edge, is known from an index of
the names each function mentions:

    r:f:<field> / w:f:<field>   an access path ending in that field, read / written
    r:v:<name>  / w:v:<name>    a bare variable (global, local or parameter), read / written
    c:<callee>                  a direct call;  i:<slot>: a call through a pointer held in <slot>
    k:<function>                the function itself (its locals, parameters and return value)
    n:<name>, p:<name>          functions of that name / with a parameter of that name (to find
                                the nodes a user's symbol names)

A node reached going downstream needs only the functions where it is an edge's source (its
readers, for a parameter the function itself); going upstream, those where it is a
destination (its writers, for a parameter every caller). Functions with positional
initializers (``{ a, b }`` members resolved by field order) are built up front: their targets
are known only after resolution; so are file-scope initializers.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterator

import networkx as nx

from .apimodels import load_models
from .flow import FlowBuilder, canonical
from .handles import guest_pointer_sites
from .fragments import FILE_SCOPE, FragmentStore, Recorder, encode, merge
from .setup import Setup, prepared, restore
from .compact import NODE_FIELDS, GraphView, names_node
from ..extract.keys import function_keys
from ..extract.ppcond import Config
from ..extract.records import Function

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _call_keys(callee: str) -> list[str]:
    """Keys of the functions calling a model API: by name (``c:``), and through a member of
    that name (``pHlp->pfnPrintf``, ``pVMM->pfnCFGMR3InsertInteger``: ``i:`` + the member)."""
    return ["c:" + callee, "i:" + re.split(r"->|\.", callee)[-1]]


class DemandGraph(GraphView):
    """Same read API as graphstore.CompactGraph, over a FlowBuilder that builds functions as
    nodes are asked about."""

    def __init__(self, builder: FlowBuilder | None, store: FragmentStore | None = None,
                 setup: Setup | None = None, make_builder=None):
        """Over ``builder`` (its set-up computed here: ``self.setup``), or over a stored
        ``setup`` (setup.py) with ``make_builder`` making the builder only when a function
        must be built that no earlier question stored."""
        self.store = store  # functions built by earlier questions on the same files, and where new ones go
        self._b = builder
        self._make_builder = make_builder
        self._fns: list[Function] | None = None  # function number -> definition (once a builder exists)
        self._pending_unresolved: list[tuple[int, int]] = []  # (function, call index) loaded before a builder
        if builder is not None:
            self.g = builder.g
            builder.prepare()
            setup = self._setup_of(builder)
        else:
            self.g = nx.DiGraph()
            merge(self.g, setup.state[0])
        self.setup = setup
        self._resolve = Config(headers=setup.headers).resolve  # (what the tree's headers decide: no builder needed)
        self.m = builder.m if builder is not None else load_models()
        self._index = setup.index
        self._built: set[int] = set()
        self._expanded: set[tuple[str, bool]] = set()
        self._keys_done: set[str] = set()
        self._keys_of: dict[int, set[str]] | None = None
        self.functions_built = 0
        self._slots = setup.slots
        # model nodes: the model functions whose calls make them
        m = self.m
        self._model_callees: dict[tuple[str, str], set[str]] = defaultdict(set)
        for name, md in m.sources.items():
            self._model_callees[("source", md.id)].add(name)
        for name in m.sinks:
            for md in m.sinks_of(name):
                self._model_callees[("sink", md.id)].add(name)
        # sources of the functions stored in slots: made where a function is stored (w:f:<slot>)
        self._slot_source_keys: dict[str, set[str]] = defaultdict(set)
        for slot, rows in m.slot_sources.items():
            for sm in rows:
                self._slot_source_keys[sm.id].add("w:f:" + slot)
        self._slot_stores = guest_pointer_sites(m)
        self._joiners = self._joiners_of(m)  # source id -> sinks that write what it reads
        self._model_fields: dict[str, set[str]] = defaultdict(set)  # sinks made by stores through mapped pointers
        for f, md in m.sink_fields.items():
            self._model_fields[md.id].add(f.split(".", 1)[1])
        self.total_functions = setup.total
        if store is None or not self._load(FILE_SCOPE, None):
            self._record(FILE_SCOPE, None, lambda: self.b.build_file_scope())
        for num in setup.eager:
            self._build(num)

    def _setup_of(self, b: FlowBuilder) -> Setup:
        """The set-up of a builder's program (after prepare), as setup.py stores it."""
        cfg = b.o.config
        fids: list[str] = []
        fns: list[Function] = []
        index: dict[str, list[int]] = defaultdict(list)
        eager: list[int] = []
        for key, defs in b.p.functions.items():
            for i, fn in enumerate(defs):
                if cfg.excludes_fn(fn):
                    continue
                num = len(fids)
                fids.append(f"{key}#{i}")
                fns.append(fn)
                keys = function_keys(fn)
                if keys is None:
                    eager.append(num)
                    continue
                for k in keys:
                    index[k].append(num)
        self._fns = fns
        # calls through pointers: the slots (by name) that may hold each function
        slots: dict[str, set[str]] = defaultdict(set)
        for slot, keys in b.fp_targets.items():
            for k in keys:
                slots[k].add(b.g.nodes[slot]["name"])
        for name, keys in b.fp_by_field.items():
            for k in keys:
                slots[k].add(name)
        names = {key: defs[0].name for key, defs in b.p.functions.items() if defs}
        total = sum(len(v) for v in b.p.functions.values())
        state = prepared(b) if self.store is not None else b""
        joined = {k for sinks in self._joiners_of(b.m).values() for c in sorted(sinks) for k in _call_keys(c)}
        wrappers = {fids[num].rpartition("#")[0] for k in joined for num in index.get(k, ())}
        wrappers = {key for key in wrappers if any(w.kind == "sink" for w in b.wrapped(key))}
        return Setup(fids, dict(index), eager, names, dict(slots), state, total, [], wrappers, dict(cfg.headers))

    @staticmethod
    def _joiners_of(m) -> dict[str, set[str]]:
        """Source id -> the model sinks that write what it reads (``joins``)."""
        out: dict[str, set[str]] = defaultdict(set)
        for name in m.sinks:
            for md in m.sinks_of(name):
                if md.joins is not None:
                    out[md.joins].add(name)
        return out

    @property
    def b(self) -> FlowBuilder:
        """The builder; over a stored set-up it is made (every file's facts read, merged and
        prepared) the first time a function must be built or a caller asks for it."""
        if self._b is None:
            b = self._make_builder()
            b.g = self.g  # (prepare's nodes and edges are in it: the stored set-up's fragment)
            restore(b, self.setup.state)
            fns = {f"{key}#{i}": fn for key, defs in b.p.functions.items() for i, fn in enumerate(defs)}
            self._fns = [fns.get(fid) for fid in self.setup.fids]
            self._b = b
            for num, i in self._pending_unresolved:
                fn = self._fns[num]
                if fn is not None and i < len(fn.calls):
                    b.unresolved_indirect.append((fn.key, fn.calls[i]))
            self._pending_unresolved = []
        return self._b

    def _fn(self, num: int) -> Function | None:
        if self._fns is None:
            self.b  # noqa: B018 (makes the builder and the function list)
        return self._fns[num]

    # ---------------------------------------------------------------- building
    def _build(self, num: int) -> None:
        if num not in self._built:
            self._built.add(num)
            self.functions_built += 1
            if self.store is None:
                self.b._function(self._fn(num))
                return
            fid = self.setup.fids[num]
            if not self._load(fid, num):
                fn = self._fn(num)
                if fn is not None:  # (None: a stored set-up naming a function the facts lack)
                    self._record(fid, fn, lambda: self.b._function(fn))

    def _load(self, fid: str, num: int | None) -> bool:
        """Merge the stored fragment ``fid`` into the graph (False: none, or unreadable)."""
        st = self.store
        data = st.get(fid)
        if data is None:
            return False
        try:
            unresolved = merge(self.g, data)
            if num is not None and unresolved:
                if self._b is None:
                    self._pending_unresolved.extend((num, i) for i in unresolved)
                else:
                    fn = self._fns[num]
                    self._b.unresolved_indirect.extend((fn.key, fn.calls[i]) for i in unresolved)
        except (ValueError, IndexError, TypeError):
            st.forget(fid)  # built again (and stored anew)
            return False
        st.loaded += 1
        return True

    def _record(self, fid: str, fn: Function | None, build) -> None:
        """Build one function (or the file scope) and store what it added as a fragment."""
        b, st = self.b, self.store
        if st is None:
            build()
            return
        rec = b.recorder = Recorder()
        n0 = len(b.unresolved_indirect)
        try:
            build()
        finally:
            b.recorder = None
        calls = {id(c): i for i, c in enumerate(fn.calls)} if fn is not None else {}
        unresolved = [calls[id(c)] for _, c in b.unresolved_indirect[n0:] if id(c) in calls]
        st.put(fid, encode(self.g, rec, unresolved))

    def flush(self) -> None:
        """Write the fragments built since the last flush (FactCache.close calls this)."""
        if self.store is not None:
            self.store.flush()

    def _build_key(self, key: str) -> None:
        if key not in self._keys_done:
            self._keys_done.add(key)
            for num in self._index.get(key, ()):
                self._build(num)

    def _callers(self, key: str) -> list[str]:
        name = self.setup.names.get(key)
        out = ([f"c:{name}"] if name else []) + [f"i:{s}" for s in sorted(self._slots.get(key, ()))]
        if name:  # handed to an API that calls it back (queries/models [[callback]])
            out.append(f"r:v:{name}")
        if name and "::" in name:  # a method: called as obj->m(), or m() from its class
            short = name.rsplit("::", 1)[-1]
            out += [f"c:{short}", f"i:{short}"]
        return out

    def _node_keys(self, n: str, out: bool) -> list[str]:
        """Index keys of the functions that can make an edge out of (``out``) or into ``n``."""
        d = self.g.nodes[n]
        kind = d.get("kind")
        side = "r:" if out else "w:"
        if kind == "field":  # (a field read through a slot source's pointer: written at the stores)
            return [side + "f:" + d["name"]] + ([] if out else self._slot_stores)
        if kind == "global":
            return [side + "v:" + d["name"]]
        if kind in ("local", "constant"):
            return ["k:" + d["owner"]]
        if kind == "param" and not n.endswith("*") and not d.get("pointee"):  # callers pass arguments in
            return ["k:" + d["owner"]] + ([] if out else self._callers(d["owner"]))
        if kind == "param":  # *p: callers pass the pointee in and get it back
            return ["k:" + d["owner"]] + self._callers(d["owner"])
        if kind == "return":  # results flow back to callers
            return ["k:" + d["owner"]] + (self._callers(d["owner"]) if out else [])
        if kind in ("source", "sink"):
            mid = (d.get("model") or {}).get("id")
            if kind == "source" and not out:  # a source is written only by the sinks joining it
                return self._joining_keys(mid)
            if kind == "sink" and out:  # nothing flows out of a sink
                return []
            return [k for c in sorted(self._model_callees.get((kind, mid), ())) for k in _call_keys(c)] + \
                (sorted(self._slot_source_keys.get(mid, ())) if kind == "source" else []) + \
                (["r:f:" + f for f in sorted(self._model_fields.get(mid, ()))] if kind == "sink" else [])
        return []

    def _joining_keys(self, mid: str | None) -> list[str]:
        """Index keys of the functions writing into source ``mid`` (a configuration key): the
        callers of the sinks joining it, and the callers of wrappers of those sinks."""
        keys = [k for c in sorted(self._joiners.get(mid, ())) for k in _call_keys(c)]
        for k in list(keys):
            for num in self._index.get(k, ()):
                fkey = self.setup.key_of(num)
                if fkey in self.setup.sink_wrappers:
                    keys += self._callers(fkey)
        return keys

    def expand(self, n: str, out: bool) -> None:
        """Build every function that can make an edge out of / into ``n``."""
        tag = (n, out)
        if tag in self._expanded:
            return
        self._expanded.add(tag)
        keys = self._node_keys(n, out)
        for k in keys:
            self._build_key(k)
        if self.g.nodes[n].get("kind") == "field":
            # a function reaching the field through a pointer parameter reads or writes its
            # caller's object: the caller's call site makes those edges (pointees.py), and the
            # type's field where the caller's object is not known, so its callers are built too
            # (told from the stored index alone: a question on stored functions reads no facts)
            for k in keys:
                for fkey in sorted({self.setup.key_of(num) for num in self._index.get(k, ())}):
                    for kk in self._callers(fkey):
                        self._build_key(kk)

    def expand_names(self, text: str, ignore_case: bool = False) -> None:
        """Build the functions that can make the nodes a user's symbol names."""
        toks = set(_IDENT.findall(text))
        if ignore_case:
            low = {t.casefold() for t in toks}
            keys = [k for k in self._index if k.rpartition(":")[2].casefold() in low]
        else:
            keys = [p + t for t in toks for p in ("r:f:", "w:f:", "r:v:", "w:v:", "c:", "k:", "n:", "p:")]
        bare = text.split(":", 1)[1] if text.startswith(("source:", "sink:")) else text
        model = bare.split(":", 1)[0] if ":" in bare else None
        for (kind, mid), callees in self._model_callees.items():  # cfgm:/TM/TSCTicksPerSecond
            if mid == model or (ignore_case and model is not None and mid.casefold() == model.casefold()):
                keys += [k for c in callees for k in _call_keys(c)]
                keys += self._joining_keys(mid) if kind == "source" else []
        for k in sorted(keys):
            if k.startswith(("p:", "n:")):
                # a parameter (by its name, or its function's: param:f#0) is made by the callers
                # passing it too, through a pointer or not
                for num in list(self._index.get(k, ())):
                    fkey = self.setup.key_of(num)
                    for kk in ["k:" + fkey] + self._callers(fkey):
                        self._build_key(kk)
            self._build_key(k)

    # ---------------------------------------------------------------- queries
    def __contains__(self, n) -> bool:
        if n in self.g:
            return True
        if isinstance(n, str):
            self.expand_names(n)
        return n in self.g

    def attrs_of(self, n: str) -> dict:
        d = self.g.nodes[n]
        return {f: d.get(f) for f in NODE_FIELDS}

    def kind(self, n: str) -> str:
        return self.g.nodes[n].get("kind")

    def _edge(self, u: str, v: str) -> tuple[str, list]:
        d = self.g.succ[u][v]
        ev = d["ev"]
        got = d.get("_canon")
        if got is None or got[0] != len(ev):
            got = d["_canon"] = (len(ev), *canonical(ev, self._resolve))
        return got[1], got[2]

    def known_edges_kind(self, out: bool, n: str) -> Iterator[tuple[str, str]]:
        """Edges already built, without building more: complete towards nodes expanded the
        other way (a search kept inside a slice asks only for those)."""
        if out:
            return ((v, self._edge(n, v)[0]) for v in list(self.g.succ[n]))
        return ((u, self._edge(u, n)[0]) for u in list(self.g.pred[n]))

    def out_edges_kind(self, n: str) -> Iterator[tuple[str, str]]:
        self.expand(n, True)
        return ((v, self._edge(n, v)[0]) for v in list(self.g.succ[n]))

    def in_edges_kind(self, n: str) -> Iterator[tuple[str, str]]:
        self.expand(n, False)
        return ((u, self._edge(u, n)[0]) for u in list(self.g.pred[n]))

    def successors(self, n: str) -> Iterator[str]:
        self.expand(n, True)
        return iter(list(self.g.succ[n]))

    def predecessors(self, n: str) -> Iterator[str]:
        self.expand(n, False)
        return iter(list(self.g.pred[n]))

    def out_degree(self, n: str) -> int:
        self.expand(n, True)
        return len(self.g.succ[n])

    def in_degree(self, n: str) -> int:
        self.expand(n, False)
        return len(self.g.pred[n])

    def number_of_nodes(self) -> int:
        return self.g.number_of_nodes()

    def number_of_edges(self) -> int:
        # not g.number_of_edges(): its cached degree view ties the graph in a reference cycle
        return sum(len(nbrs) for nbrs in self.g.succ.values())

    def edges_among(self, keep: set[str]) -> Iterator[tuple[str, str]]:
        """Every edge between two kept nodes. An edge u -> w is made by a function that can
        make an edge out of u and one into w: only functions on both lists are built (not
        every reader of every kept node)."""
        kept = sorted(n for n in keep if n in self.g)
        into: set[str] = set()
        for w in kept:
            into.update(self._node_keys(w, False))
        for u in kept:
            if (u, True) in self._expanded:
                continue
            for k in self._node_keys(u, True):
                for num in self._index.get(k, ()):
                    if num not in self._built and not into.isdisjoint(self._keys(num)):
                        self._build(num)
        for u in kept:
            for v in list(self.g.succ[u]):
                if v in keep:
                    yield u, v

    def _keys(self, num: int) -> set[str]:
        """The index keys of function ``num`` (the index read backwards, once)."""
        if self._keys_of is None:
            self._keys_of = defaultdict(set)
            for k, nums in self._index.items():
                for i in nums:
                    self._keys_of[i].add(k)
        return self._keys_of.get(num, set())

    def evidence_many(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], list]:
        return {(u, v): self._edge(u, v)[1] for u, v in pairs if self.g.has_edge(u, v)}

    def find(self, want: str, ignore_case: bool) -> list[str]:
        self.expand_names(want, ignore_case)
        norm = (lambda x: x.casefold()) if ignore_case else (lambda x: x)
        w = norm(want)
        return sorted(n for n, d in self.g.nodes(data=True)
                      if names_node(w, n, d.get("kind"), d.get("label"), d.get("name"), norm))

    def all_names(self) -> set[str]:
        """Names for 'did you mean' (from the index: no function needs building)."""
        return {k.rpartition(":")[2] for k in self._index if not k.startswith("k:")}
