"""FlowGraph: a networkx DiGraph of value nodes and flow edges built from a Program
(DESIGN §3-§4). Sources, sinks and propagators come from the models (queries/models)."""
from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from ..extract.records import Access, Assign, Call, Expr, Function
from .apimodels import Models, SinkModel, SourceModel, load_models
from ..extract.ppcond import Config
from .evidence import _CONST_RE, _not_values, canonical, evidence_dict, steps_of  # noqa: F401
from .program import Program
from .access import AccessResolver, _bare_name
from ..extract.keys import fp_refs
from .handles import ConfigHandles
from .locals import LocalVersions
from .library import LibraryCalls
from .wrappers import KeyedWrappers, _Keyed
from .outparams import OutParams
from .unions import UnionStorage
from .objects import LocalObjects
from .pointees import ParamObjects
from .pversions import ParamVersions
from .status import StatusCodes
from .summary import Summaries


@dataclass
class BuildOptions:
    config: Config = field(default_factory=Config)
    control: bool = True  # add control-dependence edges


class FlowBuilder(Summaries, AccessResolver, LocalVersions, UnionStorage, ConfigHandles, LocalObjects, StatusCodes,
                  LibraryCalls, KeyedWrappers, OutParams, ParamObjects, ParamVersions):
    def __init__(self, program: Program, models: Models | None = None, options: BuildOptions | None = None):
        self.p = program
        self.m = models or load_models()
        self.o = options or BuildOptions()
        cfg = self.o.config.for_program(program)  # with what the tree's headers decide
        if cfg is not self.o.config:
            self.o = BuildOptions(cfg, self.o.control)
        self.g = nx.DiGraph()
        self.excluded = 0  # facts dropped by preprocessor configuration
        self.fp_targets: dict[str, set[str]] = {}  # node id of a function-pointer slot -> function keys
        self.fp_by_field: dict[str, set[str]] = {}  # field name -> functions stored in any such field
        self.unresolved_indirect: list[tuple[str, Call]] = []  # (function key, call) with no known target
        self._results: dict = {}
        self._fn: Function | None = None
        self._cur_file: str | None = None
        self._vn_memo: dict = {}
        self._pos_memo: dict = {}
        self._summaries: dict[str, tuple[frozenset, dict]] = {}
        self._pts_memo: dict[int, dict[str, Access]] = {}
        self._lv_memo: dict[int, dict] = {}
        self._mapped_memo: dict[int, dict] = {}
        self._slot_names: dict[str, set[str]] | None = None
        self._at = None  # the statement being built: where its reads of locals look for definitions
        self.alias_nodes: set[str] = set()  # fields of per-object structs: which object cannot be told
        self.recorder = None  # set while one function is built for the fragment store (fragments.py)

    # ------------------------------------------------------------------ nodes
    def _node(self, nid: str, **attrs) -> str:
        if nid not in self.g:
            self.g.add_node(nid, **attrs)
        if self.recorder is not None:
            self.recorder.node(nid)
        return nid

    def var_node(self, acc: Access, fn: Function | None, file: str) -> str | None:
        """The node an access path names in ``fn`` (memoised: the same path recurs a lot)."""
        key = (id(fn) if fn is not None else file, acc.root, tuple(acc.steps), acc.deref)
        memo = self._vn_memo
        if key in memo:
            return memo[key]
        n = memo[key] = self._var_node(acc, fn, file)
        return n

    def _var_node(self, acc: Access, fn: Function | None, file: str) -> str | None:
        if fn is not None:
            acc = self._rewrite(acc, fn, file)
            if (obj := self.object_node(acc, fn, file) or self.pointee_node(acc, fn, file)) is not None:
                return obj  # a local struct's field, or the field of what a pointer parameter points to
        steps = [s for s in acc.steps if s[0] in ("->", ".")]
        if steps:
            owner, name, decl = self.p.field_owner(acc, fn, file)
            emb = self.p.embedding(acc, fn, file) if owner is not None else None
            if emb is not None:  # one of several copies of a struct inside another: its own location
                return self.embedded_node(emb[0], emb[1], owner, name, decl)
            return self.field_node(owner, name, decl)
        scope, typ = self.p.var_type(acc.root, fn, file)
        if scope == "param":
            i = next(i for i, p in enumerate(fn.params) if p.name == acc.root)
            if acc.deref or fn.params[i].ref:  # *p, or a reference: the caller's variable
                return self.out_param(fn, i)
            return self.param_node(fn.key, i, fn)
        if scope == "local":
            return self._node(f"local:{fn.file}:{fn.name}:{acc.root}", kind="local",
                              label=f"{fn.name}:{acc.root}", name=acc.root, owner=fn.key, file=fn.file,
                              line=fn.local_lines.get(acc.root, fn.line), ambiguous=False)
        if scope == "static":
            g = self.p.static_globals[(file, acc.root)]
            return self._node(f"global:{file}:{acc.root}", kind="global", label=acc.root, name=acc.root, owner=None,
                              file=file, line=g.line, ambiguous=False)
        if scope == "global":
            g = self.p.globals[acc.root]
            return self._node(f"global:{acc.root}", kind="global", label=acc.root, name=acc.root, owner=None,
                              file=self.p.global_files.get(acc.root), line=g.line, ambiguous=False)
        return None  # a constant, enum value or something we cannot see

    def field_node(self, owner: str | None, name: str, decl) -> str:
        o = owner or "?"
        nid = f"field:{o}.{name}"
        if owner is None or self.p.per_object(owner):  # which struct, or which object: a guess
            self.alias_nodes.add(nid)
        return self._node(nid, kind="field", label=f"{o}.{name}", name=name, owner=owner, ambiguous=owner is None,
                          file=self.p.struct_files.get(owner) if owner else None,
                          line=decl.line if decl is not None else None)

    def _first_def(self, key: str, i: int, fn: Function) -> Function:
        """The definition a parameter node describes: the first one of the function (whichever
        definition made the node) the configuration keeps, unless it has fewer parameters."""
        defs = [d for d in self.p.functions.get(key, ()) if i < len(d.params)]
        excludes = self.o.config.excludes_fn
        return next((d for d in defs if not excludes(d)), defs[0] if defs else fn)

    def param_node(self, key: str, i: int, fn: Function) -> str:
        nid = f"param:{key}#{i}"
        if nid in self.g:
            return nid
        d = self._first_def(key, i, fn)
        p = d.params[i]
        return self._node(nid, kind="param", label=f"{d.name}#{i} ({p.name})", name=p.name, owner=key, file=d.file,
                          line=d.line, ambiguous=False)

    def out_param(self, fn: Function, i: int) -> str:
        nid = f"param:{fn.key}#{i}*"
        if nid in self.g:
            return nid
        d = self._first_def(fn.key, i, fn)
        p = d.params[i]
        return self._node(nid, kind="param", label=f"*{p.name} ({d.name}#{i} out)", name=p.name,
                          owner=fn.key, file=d.file, line=d.line, ambiguous=False)

    def ret_node(self, key: str) -> str:
        defs = self.p.functions[key]
        fn = next((d for d in defs if not self.o.config.excludes_fn(d)), defs[0])
        return self._node(f"ret:{key}", kind="return", label=f"{fn.name}()", name=fn.name, owner=key, file=fn.file,
                          line=fn.line, ambiguous=False)

    def model_node(self, role: str, model: SourceModel | SinkModel, key: str, function: str) -> str:
        """A source or sink; several model functions may make the same one (two config readers
        of one key): it is described by the first of them by name, whatever the build order."""
        nid = f"{role}:{model.id}:{key}"
        if nid in self.g and function >= self.g.nodes[nid]["model"]["function"]:
            return nid
        info = {"id": model.id, "kind": role, "key": key, "description": model.description, "function": function,
                "origin": f"queries/{model.origin}"}
        names = self.g.nodes[nid]["model"].get("names") if nid in self.g else None
        if role == "source" and getattr(model, "override", None) and "{node}" in model.key:
            info["override"] = self.override_text(model, key, function, names)
            if names:
                info["names"] = names
        if nid in self.g:
            self.g.nodes[nid]["model"] = info
            if self.recorder is not None:
                self.recorder.node(nid)
            return nid
        return self._node(nid, kind=role, label=f"{model.id}:{key}", name=key, owner=None, file=None, line=None,
                          ambiguous=False, model=info)

    # ------------------------------------------------------------------ edges
    def _edge(self, src: str | None, dst: str | None, kind: str, fn: Function | None, stmt, via: str | None = None,
              indirect: bool = False) -> None:
        if src is None or dst is None or src == dst or self.status_node(src) or \
                (kind == "through" and self.status_node(dst)):
            return  # (a status code ends a path, and an unknown call's status says nothing of its arguments: graph/status.py)
        if kind != "control":  # a load from / store into an object that may be another one
            alias = self.alias_nodes
            if src in alias:  # (an argument taken from it is still a call, at its call site)
                kind = "alias" if dst in alias else "alias-arg" if kind == "arg" else "alias-load"
            elif dst in alias:
                kind = "alias-store"
        # a tuple pointing at the statement, made a dict only for the evidence a reader asks
        # for (evidence_dict): most edges of a big graph are never shown
        file = fn.file if fn else self._cur_file
        ev = (kind, file, stmt.line, getattr(stmt, "col", 0), stmt, fn.name if fn else None, via, indirect)
        at = (file, stmt.line)
        d = self.g.succ[src].get(dst)
        if d is None:
            self.g.add_edge(src, dst, ev={at: ev})
        elif at not in d["ev"]:  # one statement is one piece of evidence
            d["ev"][at] = ev
        if self.recorder is not None:
            self.recorder.edge(src, dst, at)

    def finish(self) -> nx.DiGraph:
        """Give every edge its evidence in a fixed order and its kind, independent of the order
        functions were built in (see ``canonical``)."""
        # through the adjacency dicts: networkx's cached edge view would tie the graph in a
        # reference cycle (kept alive while the cyclic GC is off during analysis)
        for nbrs in self.g.adj.values():
            for d in nbrs.values():
                if "ev" not in d:
                    continue
                d["kind"], d["evidence"] = canonical(d.pop("ev"), self.o.config.resolve)
        return self.g

    def build(self) -> nx.DiGraph:
        cfg = self.o.config
        self.prepare()
        for defs in self.p.functions.values():
            for fn in defs:
                if not cfg.excludes_fn(fn):
                    self._function(fn)
        self.build_file_scope()
        return self.finish()

    def prepare(self) -> None:
        """What every function's edges depend on: which functions each pointer slot may hold."""
        cfg = self.o.config
        for defs in self.p.functions.values():
            for fn in defs:
                if cfg.excludes_fn(fn):
                    self.excluded += 1
                    continue
                self._collect_fp(fn)
        for path, ff in self.p.files.items():
            for a in ff.global_assigns:
                self._collect_fp_assign(a, None, path)
        self._unions()
        self._embeddings()

    def build_file_scope(self) -> None:
        """Edges of initializers outside functions."""
        cfg = self.o.config
        for path, ff in self.p.files.items():
            self._cur_file = path
            for a in ff.global_assigns:
                if not cfg.excludes(a.preproc):
                    self._assign(a, None, path, [])

    def _collect_fp(self, fn: Function) -> None:
        knows = self.p.knows_function
        assigns, calls = fp_refs(fn)  # (kept on the function by the parser workers)
        for i, ref in assigns:
            if knows(ref, fn.file):  # (cheap test first)
                self._collect_fp_assign(fn.assigns[i], fn, fn.file)
        for _, callee_name, refs in calls:  # a function passed as an argument: the parameter may hold it
            if not any(knows(r, fn.file) for _, r in refs):
                continue
            for key in self.p.resolve_function(callee_name, fn.file):
                callee = self.p.functions[key][0]
                for i, ref in refs:
                    if i >= len(callee.params) or self.p.var_type(ref, fn, fn.file)[0] != "unknown":
                        continue
                    fkeys = self.p.resolve_function(ref, fn.file)
                    if fkeys:
                        self.fp_targets.setdefault(self.param_node(key, i, callee), set()).update(fkeys)

    def _collect_fp_assign(self, a: Assign, fn: Function | None, file: str) -> None:
        """pReg->pfnFoo = fooFunc, and members of registration tables (``{ .pfnFoo = fooFunc }``,
        positional members by the struct's field order): which functions a slot may hold."""
        name = _bare_name(a.value)  # fooFunc or &fooFunc
        if name is None:
            return
        keys = self.p.resolve_function(name, file)
        if not keys or self.p.var_type(name, fn, file)[0] != "unknown":
            return
        target = self.resolve_positional(a.target, fn, file)
        slot = self.var_node(target, fn, file) if target is not None else None
        if slot is not None:
            self.fp_targets.setdefault(slot, set()).update(keys)
            if self.g.nodes[slot].get("kind") == "field":
                self.fp_by_field.setdefault(self.g.nodes[slot]["name"], set()).update(keys)

    def resolve_positional(self, acc: Access, fn: Function | None, file: str) -> Access | None:
        """``g.#2`` (the third positional member of an initializer) to ``g.<third field>``, from
        the declared type's field order; None when the type or field is unknown."""
        if not any(op == "." and n.startswith("#") for op, n in acc.steps):
            return acc
        key = (id(fn) if fn is not None else file, acc.root, tuple(acc.steps), acc.deref)
        memo = self._pos_memo
        if key not in memo:
            memo[key] = self._resolve_positional(acc, fn, file)
        return memo[key]

    def _resolve_positional(self, acc: Access, fn: Function | None, file: str) -> Access | None:
        _, typ = self.p.var_type(acc.root, fn, file)
        cur = self.p.struct_of(typ)
        steps = []
        for op, name in acc.steps:
            if op not in ("->", "."):
                steps.append((op, name))
                continue
            fields = self.p.struct_fields.get(cur, {}) if cur else {}
            if name.startswith("#"):
                i = int(name[1:])
                names = list(fields)
                if i >= len(names):
                    return None
                name = names[i]
            decl = fields.get(name)
            cur = None if decl is None else (
                decl.nested if decl.nested and decl.nested in self.p.struct_fields else self.p.struct_of(decl.type))
            steps.append((op, name))
        return Access(acc.root, steps, acc.deref)

    def _function(self, fn: Function) -> None:
        cfg = self.o.config
        self._fn, self._results = fn, {}
        for i in range(len(fn.calls)):
            self._result(i)
        for a in fn.assigns:
            if cfg.excludes(a.preproc):
                self.excluded += 1
                continue
            self._at = a
            self._assign(a, fn, fn.file, fn.calls)
        if fn.returns:
            ret = self.ret_node(fn.key)
            for r in fn.returns:
                if cfg.excludes(r.preproc):
                    self.excluded += 1
                    continue
                self._at = r
                self._flow_expr(r.value, fn, fn.file, ret, "return", r, via=None)
        self._at = None

    def _result(self, ci: int) -> list[tuple[str, str, str | None, bool]]:
        """Where the value of call ``ci`` of the function being built comes from; a call
        nested in another's arguments is resolved first, whatever the order of the list."""
        r = self._results.get(ci)
        if r is None:
            fn = self._fn
            c = fn.calls[ci]
            self._results[ci] = []  # broken facts where a call contains itself end here
            if self.o.config.excludes(c.preproc):
                self.excluded += 1
                r = []
            else:
                at, self._at = self._at, c
                r = self._call(fn, c, ci)
                self.keep_through_call(fn, c)
                self.pobj_keep(fn, c)
                self._at = at
            self._results[ci] = r
        return r

    def _flow_expr(self, e: Expr, fn: Function | None, file: str, dst: str, kind: str, stmt, via=None) -> None:
        for acc in e.reads:
            for src in self.read_nodes(acc, fn, file):
                self._edge(src, dst, self._assign_kind(kind, src, dst), fn, stmt, via)
        for ci in e.calls:
            for src, k, v, ind in self._result(ci) if fn is not None else []:
                if k == "assign" and kind == "assign":  # a cast's operand: as if read here
                    k = self._assign_kind(kind, src, dst)
                self._edge(src, dst, k if kind != "return" else ("return" if k == "return" else k), fn, stmt, v, ind)

    def _assign_kind(self, kind: str, src: str, dst: str) -> str:
        if kind != "assign":
            return kind
        return "field-store" if self.g.nodes[dst].get("kind") == "field" else \
            "field-load" if self.g.nodes[src].get("kind") == "field" else kind

    def _assign(self, a: Assign, fn: Function | None, file: str, calls) -> None:
        if self.m.slot_sources:  # a function stored into a slot the models make a source
            target = self.resolve_positional(a.target, fn, file)
            if target is not None:
                self.slot_source(a, target, fn, file)
        if fn is None and not any(r.steps or self.p.var_type(r.root, None, file)[0] != "unknown"
                                  for r in a.value.reads):
            return  # file scope: constants and function names flow nowhere (tables have thousands)
        target = self.resolve_positional(a.target, fn, file)
        if target is None:
            return
        if target is not a.target:
            a = Assign(target, a.op, a.value, a.line, a.col, a.code, a.guards, a.preproc, a.type)
        dst = self.def_node(fn, a) if fn is not None else None
        if dst is not None and a.op not in ("=", "init"):  # x += y: the new value is made from the old
            for src in self.read_nodes(a.target, fn, file):
                self._edge(src, dst, "assign", fn, a)
        if dst is None:
            dst = self.var_node(a.target, fn, file)
        if dst is None:
            return
        dst = self.pobj_store(fn, a, dst)  # p->f = v into a parameter object: this statement's version
        self._flow_expr(a.value, fn, file, dst, "assign", a)
        if (shared := self.pointee_shared(a.target, fn, file)) is not None:  # p->f = v: the type's field too
            self._flow_expr(a.value, fn, file, shared, "assign", a)
        if fn is not None and (steps_of(a.target) or self.g.nodes[dst].get("kind") == "global"):
            c = self._constant(a, fn, file)
            if c is not None:  # state set to a constant written in the code (a clamp, a default)
                self._edge(c, dst, "const", fn, a)
        if fn is not None and a.target.steps and a.target.steps[0][0] == "->":
            mapped = self.mapped_pointers(fn).get(a.target.root)
            if mapped is not None:  # stored into memory the guest sees
                sk, fname = mapped
                self._edge(dst, self.model_node("sink", sk, sk.key.format(function=fname), fname), "model", fn, a,
                           via=fname)
        steps = [s for s in a.target.steps if s[0] in ("->", ".")]
        if fn is not None and steps and not a.target.deref and self.held_by_value(a.target, fn, file):
            # s.f = v on a struct held by value: the value is now part of s (e.g. passed as &s later)
            # (a local's field reaches only later reads of the whole: graph/objects.py part_stores)
            scope, _ = self.p.var_type(a.target.root, fn, file)
            if scope == "param":
                whole = self.var_node(Access(a.target.root), fn, file)
                self._edge(dst, whole, "field-store", fn, a, via=f"part of {a.target.root}")
        if self.o.control and fn is not None and not self._is_pointer_access(a.target, fn):
            # (a pointer set under a condition - a lock, a list cursor, a handle - is plumbing,
            # not a value computed from the condition)
            for g in a.guards:
                for acc in g.reads:
                    for src in self.read_nodes(acc, fn, file):
                        if src != dst:
                            self._edge(src, dst, "control", fn, a, via=g.text)

    # ------------------------------------------------------------------ calls
    def _arg_sources(self, fn: Function, arg: Expr, skip_pointers: bool = False) -> list[tuple[str, str | None]]:
        out = []
        for acc in arg.reads:
            if skip_pointers and self._is_pointer_access(acc, fn):
                continue
            for n in self.read_nodes(acc, fn, fn.file):
                out.append((n, None))
        for ci in arg.calls:
            for src, k, v, ind in self._result(ci):
                out.append((src, v))
        return out

    def _is_pointer_access(self, acc: Access, fn: Function) -> bool:
        if acc.deref:
            return False
        steps = [s for s in acc.steps if s[0] in ("->", ".")]
        if steps:
            _, _, decl = self.p.field_owner(acc, fn, fn.file)
            return decl is not None and (decl.pointer or self.p.is_pointer(decl.type))
        _, typ = self.p.var_type(acc.root, fn, fn.file)
        return self.p.is_pointer(typ)

    def _call(self, fn: Function, c: Call, idx: int) -> list[tuple[str, str, str | None, bool]]:
        """Add the edges a call makes and return where its result comes from:
        [(node, edge kind, via, indirect)]."""
        m = self.m
        results: list[tuple[str, str, str | None, bool]] = []
        name = c.callee
        if name in m.callbacks:
            self._callback(fn, c, *m.callbacks[name])
        if c.indirect is not None and c.indirect.steps and c.indirect.last in m.member_names:
            name = c.indirect.last  # a model reached through a table of helpers: pHlp->pfnCFGMQueryU32
        src_model = m.sources.get(name)
        if src_model is not None and (self.source_call(fn, c, name, src_model, results)
                                      or not (src_model.and_definition or m.sinks_of(name))):
            return results
        sinks = m.sinks_of(name)  # (a source may have sink arguments too: a guest read's size)
        for sink in sinks:
            node = self.model_node("sink", sink, sink.key.format(function=name), name)
            positions = range(len(c.args)) if sink.args == "all" else [i for i in sink.args if i < len(c.args)]
            joined = None if sink.joins is None or self.keyed_by_caller(fn, c, sink.key_arg) else self.joined_node(
                fn, c, _Keyed(sink.node_arg, sink.key_arg, m.source_ids[sink.joins][0].key), sink, name)
            for i in positions:
                arg = c.args[i]
                srcs = self._arg_sources(fn, arg)
                if arg.addr_of is not None:
                    srcs += [(n, None) for n in self.read_nodes(arg.addr_of, fn, fn.file)]
                if len(arg.reads) == 1 and not arg.calls:  # a pointer to a struct filled in here
                    srcs += [(n, None) for n in self._stored_through(fn, arg.reads[0])]
                    srcs += [(n, None) for n in self.pobj_contents(fn, arg)]  # or written back by a call
                for s, _ in srcs:
                    self._edge(s, node, "model", fn, c, via=name)
                    if joined is not None:  # what readers of that key get
                        self._edge(s, joined, "model", fn, c, via=name)
        lib = m.library.get(name)
        if lib is not None:  # a library function: its model, never a definition in the tree
            return self.library_call(fn, c, name, lib)
        if sinks and (src_model is None or not src_model.and_definition):
            return results
        prop = m.propagators.get(name)
        if prop is not None:
            positions = range(len(c.args)) if prop == "all" else [i for i in prop if i < len(c.args)]
            for i in positions:
                for s, _ in self._arg_sources(fn, c.args[i]):
                    results.append((s, "model", name, False))
                if c.args[i].addr_of is not None:
                    results += [(n, "model", name, False) for n in self.read_nodes(c.args[i].addr_of, fn, fn.file)]
            return results
        if name in m.handles:
            return results
        if self.p.is_cast(c):  # (TYPE)(expr), parsed as a call: the value goes through unchanged
            return results + [(src, "assign", None, False) for arg in c.args for src, _ in self._arg_sources(fn, arg)]
        keys = self.p.resolve_function(name, fn.file) if c.indirect is None else []
        indirect = False
        via_var = None
        if c.indirect is None and not keys:
            keys = self.p.own_method(fn, name)  # a method calling another of its class without this->
            if not keys and self.p.var_type(name, fn, fn.file)[0] != "unknown":
                via_var = Access(name)  # a function pointer held in a variable: pfn(x)
        methods = self._method_targets(fn, c.indirect) if c.indirect is not None else []
        if not methods and c.indirect is not None and self._container_call(fn, c, results):
            return results
        if methods:  # a virtual call: a guess among overrides when more than one may run
            keys, indirect = methods, len(methods) > 1
        elif c.indirect is not None or via_var is not None:
            c_ind = c.indirect if c.indirect is not None else via_var
            slot = self.var_node(c_ind, fn, fn.file)
            keys = sorted(self.fp_targets.get(slot, ())) if slot else []
            if not keys and slot is not None and self.g.nodes[slot].get("ambiguous"):
                # owner unknown (?.pfnFoo): every function stored in a field of that name
                keys = sorted(self.fp_by_field.get(self.g.nodes[slot]["name"], ()))
            if not keys and c.indirect is not None and c.indirect.steps:  # obj->getName(), class unknown
                keys = self.p.methods_by_name(c.indirect.last)
                if not keys and self.p.by_name_method(c.indirect.last):
                    self._unresolved_accessor(fn, c, c.indirect.last)
            if not keys:
                self.unresolved_indirect.append((fn.key, c))
            indirect = True
        if keys:
            for key in keys:
                callee = self.p.functions[key][0]
                if c.indirect is None:
                    self.wrapper_call(fn, c, key)  # a wrapper of a keyed model: that model, with this call's key
                for i, arg in enumerate(c.args):
                    if i >= len(callee.params) or callee.params[i].name == "...":
                        break
                    pnode = self.param_node(key, i, callee)
                    for s, v in self._arg_sources(fn, arg):
                        self._edge(s, pnode, "arg", fn, c, via=callee.name, indirect=indirect)
                    results += self.pointee_args(fn, c, key, callee, i, arg, indirect)
                    target = self.out_target(fn, callee, i, arg)
                    if target is not None:  # the callee reads (*p) and may write back the caller's x
                        for tnode in self.read_nodes(target, fn, fn.file):
                            self._edge(tnode, self.out_param(callee, i), "arg", fn, c, via=callee.name,
                                       indirect=indirect)
                        if self._writes_through(key, i):
                            self._edge(self.out_param(callee, i), self.written_at(fn, c, target), "out", fn, c,
                                       via=callee.name, indirect=indirect)
                    elif self._passed_pointer_param(fn, arg) and self._writes_through(key, i):
                        # a pointer parameter handed on to a callee that fills what it points to:
                        # what this function's caller passed gets it (readTd(pTd) -> cacheRead(pvBuf))
                        self._edge(self.out_param(callee, i), self.var_node(Access(arg.reads[0].root, [], True),
                                                                            fn, fn.file),
                                   "out", fn, c, via=callee.name, indirect=indirect)
                ret_deps, out_deps = self.summary(key)
                if any(d.returns for d in self.p.functions[key]):
                    results.append((self.ret_node(key), "return", callee.name, indirect))
                    # the value that came in through this call's arguments comes back out here only
                    for i in sorted(ret_deps):
                        for s in self._summary_sources(fn, c, i):
                            results.append((s, "summary", callee.name, indirect))
                for j, deps in sorted(out_deps.items()):
                    target = self.out_target(fn, callee, j, c.args[j]) if j < len(c.args) else None
                    if target is not None:
                        dst = self.written_at(fn, c, target)
                        for i in sorted(deps):
                            for s in self._summary_sources(fn, c, i):
                                self._edge(s, dst, "summary", fn, c, via=callee.name, indirect=indirect)
            return results
        # unknown or external: its arguments flow to its result (pointer handles excluded)
        for arg in c.args:
            if arg.string is not None:
                continue
            for s, v in self._arg_sources(fn, arg, skip_pointers=True):
                results.append((s, "through", name, indirect))
        return results

    def _summary_sources(self, fn: Function, c: Call, i: int) -> list[str]:
        if i >= len(c.args):
            return []
        arg = c.args[i]
        out = [s for s, _ in self._arg_sources(fn, arg)]
        if arg.addr_of is not None:
            out += self.read_nodes(arg.addr_of, fn, fn.file)
        return out

    def _constant(self, a: Assign, fn: Function, file: str) -> str | None:
        """The constant node (one per expression text and function) of an assignment whose value
        is a constant expression with a number or an operator in it (``_4G - 1``,
        ``UINT64_C(1000)``, a reset to 0); null pointers (queries/config.toml [constants]) and
        lone names (true, enum values) are left out."""
        e = a.value
        if e.calls or e.string is not None or e.addr_of is not None or not e.text:
            return None
        if any(r.steps or r.deref or self.p.var_type(r.root, fn, file)[0] != "unknown" for r in e.reads):
            return None
        text = e.text.strip()
        bare = text.strip("()").rstrip("uUlL")
        if bare in _not_values() or not _CONST_RE.search(text):
            return None
        nid = f"const:{text}@{fn.key}"  # (no line in the id: moving code keeps it)
        return self._node(nid, kind="constant", label=f"const:{text}", name=text, owner=fn.key, file=file,
                          line=a.line, ambiguous=False)


def build_graph(program: Program, models: Models | None = None, options: BuildOptions | None = None) -> FlowBuilder:
    b = FlowBuilder(program, models, options)
    b.build()
    return b
