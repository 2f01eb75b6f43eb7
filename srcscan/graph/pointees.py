"""Object identity through pointer parameters (issue 27; docs/objects.md): a field of a
per-object struct read through a pointer parameter (``pReq->feat``, ``paParms[1].u.x``, or
through a local that only holds the parameter, cast or not) is the callee's view of *its
argument's* object, ``param:<fn>#i*.<path>``, not the struct type's field that every object
of the type shares. At each call the caller's object flows in (``arg``): the fields of a local
passed as ``&x``, the caller's own parameter object when it passes its parameter on (a chain
up the calls), or the buffer a local pointer holds (what a guest read or a ``memcpy`` filled).
A store through the parameter (``p->f = v``) flows back out to that object at each call
(``out``, with ``summary`` edges for values that came in through the call's arguments) and,
as before, into the type's field. Where the callee lets the pointer escape (stores it, returns
it, hands it to a call srcscan does not follow) or the caller's object is not known (a pointer
read from a field, a global, a call's result), the type's field stands in: a may-alias guess,
ranked last. Mixed into the flow builder."""
from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache

from ..datafiles import load_toml
from ..extract.keys import fp_refs, function_keys
from ..extract.records import Access, Call, Function

_DEPTH = 12  # how far a parameter passed on is followed down the calls


@lru_cache(maxsize=1)
def _looks_only_patterns() -> tuple[str, ...]:
    return tuple(load_toml("config.toml").get("objects", {}).get("looks_only", ()))


@lru_cache(maxsize=4096)
def _looks_only(name: str) -> bool:
    """A call that only looks at the pointer it is handed (config.toml [objects] looks_only)."""
    return any(fnmatchcase(name, p) for p in _looks_only_patterns())


class ParamObjects:
    """Needs ``p``, ``m``, ``o``, ``g``, ``_node``, ``_edge``, ``var_node``, ``read_nodes``,
    ``field_node``, ``out_param``, ``_arg_sources`` and ``_modelled`` from the flow builder."""

    # ------------------------------------------------------------ the callee's side
    def param_aliases(self, fn: Function) -> dict[str, int]:
        """Pointer parameters of ``fn`` by name, and the locals that only ever hold one of them
        (``REQ *pReq = (REQ *)pHdr``): name -> parameter index."""
        memo = self.__dict__.setdefault("_palias_memo", {})
        got = memo.get(id(fn))
        if got is None:
            got = {p.name: i for i, p in enumerate(fn.params)
                   if not p.ref and (self.p.is_pointer(p.type) or (p.type or "").rstrip().endswith("]"))}
            seen: dict[str, int | None] = {}
            for a in fn.assigns:
                t = a.target
                if t.steps or t.deref or t.root not in fn.locals or t.root in got:
                    continue
                i = self._bare_param(fn, a.value, got)
                seen[t.root] = i if seen.get(t.root, i) == i else None
            got.update({k: v for k, v in seen.items() if v is not None})
            memo[id(fn)] = got
        return got

    def _bare_param(self, fn: Function, e, params: dict) -> int | None:
        """The parameter an expression is, unchanged or cast (``(REQ *)pHdr``)."""
        reads = list(e.reads)
        for ci in e.calls:
            c = fn.calls[ci]
            if not self.p.is_cast(c) or len(c.args) != 1 or c.args[0].calls:
                return None
            reads += c.args[0].reads
        if e.addr_of is not None or len(reads) != 1 or reads[0].steps or reads[0].deref:
            return None
        return params.get(reads[0].root)

    def _pointee_path(self, acc: Access, fn: Function, file: str) -> tuple[int, tuple[str, ...]] | None:
        """(parameter index, field path) when ``acc`` reads a per-object struct's field through
        a pointer parameter of ``fn`` (or a local holding it)."""
        steps = acc.steps
        if acc.deref or not steps or steps[0][0] not in ("->", "[]"):
            return None
        i = self.param_aliases(fn).get(acc.root)
        if i is None or not self._called(fn.name):
            return None  # (a function no code in the sources calls may be handed any object)
        rest = steps[1:] if steps[0][0] == "[]" else steps
        if not rest or rest[0][0] != ("." if steps[0][0] == "[]" else "->"):
            return None
        path = []
        for op, name in rest:
            if op not in ("->", ".") or (op == "->" and path):
                return None  # an array element's or another object's field: not this object's
            path.append(name)
        owner, _, _ = self.p.field_owner(Access(acc.root, list(steps[:len(steps) - len(rest) + 1])), fn, file)
        if owner is None or not self.p.per_object(owner) or not self.p.has_own_objects(owner):
            return None  # (one location, or objects made elsewhere and reached through fields)
        return i, tuple(path)

    def pointee_node(self, acc: Access, fn: Function | None, file: str) -> str | None:
        """``param:<fn>#i*.<path>`` for ``p->path`` on a per-object struct, else None."""
        if fn is None:
            return None
        got = self._pointee_path(acc, fn, file)
        if got is None:
            return None
        i, path = got
        return self._param_field(fn, i, path, acc, file)

    def pointee_shared(self, acc: Access, fn: Function | None, file: str) -> str | None:
        """For a store ``p->f = v`` into a pointee node: the type's field, which gets it too."""
        got = self._pointee_path(acc, fn, file) if fn is not None else None
        if got is None:
            return None
        own = self.p.field_owner(acc, fn, file)
        return self.field_node(*own) if own[0] is not None else None

    def _param_field(self, fn: Function, i: int, path: tuple[str, ...], acc: Access | None = None,
                 file: str | None = None) -> str:
        nid = f"param:{fn.key}#{i}*.{'.'.join(path)}"
        if nid in self.g:
            return nid
        pn = fn.params[i].name
        self.pointee_paths(fn.key, i)
        own = self._owners().get((fn.key, i, path))
        if own is None and acc is not None:
            own = self._owners().setdefault((fn.key, i, path), self.p.field_owner(acc, fn, file or fn.file))
        owner = own[0] if own else None
        n = self._node(nid, kind="param", label=f"{owner or '?'}.{path[-1]} (*{pn} of {fn.name})", name=path[-1],
                       owner=fn.key, file=fn.file, line=fn.line, ambiguous=False, pointee=True)
        esc = self.param_escapes(fn.key, i)
        if esc is not None and owner is not None:  # reached elsewhere through a pointer: the type's field
            self._edge(self.field_node(own[0], own[1], own[2]), n, "field-load", fn, esc, via=pn)
        return n

    def _called(self, name: str) -> bool:
        """Whether a call in the sources names ``name``, or a pointer slot may hold it."""
        got = self.__dict__.get("_called_names")
        if got is None:
            got = set()
            for defs in self.p.functions.values():
                for d in defs:
                    ks = function_keys(d)
                    if ks is None:
                        got.update(c.callee for c in d.calls)
                    else:
                        got.update(k[2:] for k in ks if k.startswith(("c:", "i:")))  # (i: obj->m())
                    assigned, passed = fp_refs(d)  # (a function's name stored or handed on)
                    got.update(n for _, n in assigned)
                    got.update(n for _, _, args in passed for _, n in args)
            self.__dict__["_called_names"] = got
        return name in got or name.rsplit("::", 1)[-1] in got

    def _direct(self, fn: Function, c: Call) -> list[str]:
        """The functions a direct call reaches (a method calling another of its class too)."""
        return self.p.resolve_function(c.callee, fn.file) or self.p.own_method(fn, c.callee)

    def _names_of(self, fn: Function, i: int) -> set[str]:
        return {k for k, v in self.param_aliases(fn).items() if v == i}

    def param_escapes(self, key: str, i: int):
        """The first statement where function ``key`` lets what parameter ``i`` points to be
        reached otherwise than through this call: the pointer stored, returned, or handed to a
        call srcscan does not follow (an unknown function, an indirect call). None: it does not."""
        memo = self.__dict__.setdefault("_pesc_memo", {})
        if (key, i) in memo:
            return memo[(key, i)]
        memo[(key, i)] = None
        got = None
        for fn in self.p.functions.get(key, ()):
            if i >= len(fn.params) or self.o.config.excludes_fn(fn):
                continue
            names = self._names_of(fn, i)
            cands = []
            for a in fn.assigns:
                if a.target.root in names and not a.target.steps and not a.target.deref:
                    continue  # the alias itself
                if self._holds(fn, a.value, names):
                    cands.append(a)
            cands += [r for r in fn.returns if self._holds(fn, r.value, names)]
            for c in fn.calls:
                if self.p.is_cast(c) or self._modelled(c.callee) or c.callee in self.m.library or \
                        _looks_only(c.callee):
                    continue
                if any(self._holds(fn, e, names, True) for e in c.args) and (
                        c.indirect is not None or not self._direct(fn, c)):
                    cands.append(c)
            if cands:
                got = min(cands, key=lambda s: (s.line, getattr(s, "col", 0)))
                break
        memo[(key, i)] = got
        return got

    def _holds(self, fn: Function, e, names: set[str], addr: bool = False) -> bool:
        """Whether expression ``e`` is the pointer (or, ``addr``, an address inside the object)."""
        if any(not r.steps and not r.deref and r.root in names for r in e.reads):
            return True
        if e.addr_of is not None and e.addr_of.root in names and addr:
            return True
        return any(self._holds(fn, a, names, addr) for ci in e.calls if self.p.is_cast(fn.calls[ci])
                   for a in fn.calls[ci].args)

    def pointee_paths(self, key: str, i: int, depth: int = 0) -> dict[tuple[str, ...], set[int]]:
        """The field paths of what parameter ``i`` of ``key`` points to that the function (or a
        function it passes the pointer on to) reads or writes: path -> for a path it writes,
        the parameters the stored value comes from (-1: read, -2: written)."""
        memo = self.__dict__.setdefault("_ppath_memo", {})
        if (key, i) in memo:
            return memo[(key, i)]
        memo[(key, i)] = {}
        got: dict[tuple[str, ...], set[int]] = {}
        for fn in self.p.functions.get(key, ()):
            if i >= len(fn.params) or self.o.config.excludes_fn(fn):
                continue
            names = self._names_of(fn, i)
            if not names:
                continue
            pidx = {p.name: j for j, p in enumerate(fn.params)}
            for acc, value in self._accesses(fn):
                if acc.root not in names:
                    continue
                pp = self._pointee_path(acc, fn, fn.file)
                if pp is None:
                    continue
                deps = got.setdefault(pp[1], {-1})
                if value is not None:
                    deps.add(-2)
                self._owners().setdefault((key, i, pp[1]), self.p.field_owner(acc, fn, fn.file))
                if value is not None:
                    deps |= {pidx[r.root] for r in value.reads if not r.steps and r.root in pidx}
            if depth < _DEPTH:
                for c in fn.calls:
                    self._passed_on(fn, c, names, got, depth, i)
        memo[(key, i)] = got
        return got

    def ret_paths(self, key: str, i: int, depth: int = 0) -> set[tuple[str, ...]]:
        """The paths of what parameter ``i`` points to that the function's result is made of
        (through its locals, flow-insensitively, and through calls it passes the pointer to)."""
        return self.result_paths(key, i, depth).get(-1, set())

    def result_paths(self, key: str, i: int, depth: int = 0) -> dict[int, set[tuple[str, ...]]]:
        """Which paths of what parameter ``i`` points to the function's result (-1) and what
        it writes through its pointer or reference parameter ``j`` (``*pj = ...``) are made of."""
        memo = self.__dict__.setdefault("_rpath_memo", {})
        if (key, i) in memo:
            return memo[(key, i)]
        memo[(key, i)] = {}
        got: dict[int, set] = {}
        for fn in self.p.functions.get(key, ()):
            if i >= len(fn.params) or self.o.config.excludes_fn(fn):
                continue
            names = self._names_of(fn, i)
            pidx = {p.name: j for j, p in enumerate(fn.params)}
            deps: dict[str, set] = {}
            outs: dict[int, list] = {}
            for a in fn.assigns:
                t = a.target
                if t.steps:
                    continue
                j = pidx.get(t.root)
                if j is not None and j != i and (t.deref or fn.params[j].ref):
                    outs.setdefault(j, []).extend(self._expr_tokens(fn, a.value, names, depth))
                elif not t.deref:
                    deps.setdefault(t.root, set()).update(self._expr_tokens(fn, a.value, names, depth))
            if fn.returns:
                outs[-1] = [t for r in fn.returns for t in self._expr_tokens(fn, r.value, names, depth)]
            for j, todo in outs.items():
                seen: set = set()
                while todo:
                    t = todo.pop()
                    if t in seen:
                        continue
                    seen.add(t)
                    if isinstance(t, tuple):
                        got.setdefault(j, set()).add(t)
                    else:
                        todo.extend(deps.get(t, ()))
        memo[(key, i)] = got
        return got

    def _expr_tokens(self, fn: Function, e, names: set[str], depth: int) -> set:
        """Local names and pointee paths (tuples) an expression's value is made of."""
        got: set = set()
        for r in e.reads:
            pp = self._pointee_path(r, fn, fn.file) if r.root in names else None
            got.add(pp[1] if pp is not None else r.root)
        for ci in e.calls:
            c = fn.calls[ci]
            for a in c.args:
                got |= self._expr_tokens(fn, a, names, depth)
            if c.indirect is None and depth < _DEPTH:
                for j, a in enumerate(c.args):
                    prefix = self._arg_prefix(fn, a, names)
                    if prefix is not None:
                        for k in self._direct(fn, c):
                            got |= {prefix + p for p in self.ret_paths(k, j, depth + 1)}
        return got

    def _accesses(self, fn: Function):
        for a in fn.assigns:
            yield a.target, a.value
            for r in a.value.reads:
                yield r, None
            for g in a.guards:
                for r in g.reads:
                    yield r, None
        for r in fn.returns:
            for acc in r.value.reads:
                yield acc, None
        for c in fn.calls:
            for e in c.args:
                for r in e.reads:
                    yield r, None

    def _passed_on(self, fn: Function, c: Call, names: set[str], got: dict, depth: int, i: int) -> None:
        if c.indirect is not None:
            return
        pidx = {p.name: j for j, p in enumerate(fn.params)}
        for j, e in enumerate(c.args):
            prefix = self._arg_prefix(fn, e, names)
            if prefix is None or (prefix and self._one_location(fn, i, prefix[0])):
                continue  # (&pVM->x handed on: a field of one-location state, not this object's)
            for k in self._direct(fn, c):
                for path, deps in self.pointee_paths(k, j, depth + 1).items():
                    if not prefix and self._one_location(fn, i, path[0]):
                        continue
                    mine = got.setdefault(prefix + path, {-1})
                    if -2 in deps:  # stored by the callee: from this function's parameters?
                        mine.add(-2)
                    for d in deps - {-1, -2}:
                        mine |= {pidx[r.root] for r in (c.args[d].reads if d < len(c.args) else ())
                                 if not r.steps and r.root in pidx}
                    own = self._owners().get((k, j, path))
                    if own is not None and own[0] is not None:
                        self._owners().setdefault((fn.key, i, prefix + path), own)

    def _arg_prefix(self, fn: Function, e, names: set[str]) -> tuple[str, ...] | None:
        """The path inside the parameter's object an argument points to: () for the pointer
        itself (or cast), ``(a,)`` for ``&p->a``."""
        if self._holds(fn, e, names) and not e.addr_of:
            return ()
        t = e.addr_of
        if t is None or t.root not in names or t.deref:
            return None
        path = tuple(n for op, n in t.steps if op in ("->", "."))
        return path

    # ------------------------------------------------------------- the caller's side
    def pointee_args(self, fn: Function, c: Call, key: str, callee: Function, i: int, arg, indirect: bool) -> list:
        """Edges between the caller's object for argument ``i`` and the callee's view of it;
        returns where the call's result comes from through those objects (``summary``)."""
        paths = self.pointee_paths(key, i)
        results: list = []
        if not paths:
            return results
        flows = self.result_paths(key, i)
        rets = flows.get(-1, set())
        outs = []  # (path, where the caller gets what the callee writes through an out argument)
        for j, ps in sorted(flows.items()):
            t = self.out_target(fn, callee, j, c.args[j]) if 0 <= j < len(c.args) else None
            if t is not None:
                outs.append((ps, self.written_at(fn, c, t)))
        cdef = next((d for d in self.p.functions[key] if i < len(d.params)), callee)
        mine = self.param_aliases(fn)
        prefix = self._arg_prefix(fn, arg, set(mine))
        j = None
        if prefix is not None and self._called(fn.name):  # (else: any object, the type's field)
            j = mine[next(r.root for r in self._roots(fn, arg))] if arg.addr_of is None else mine[arg.addr_of.root]
        for path, deps in sorted(paths.items()):
            dst = self._param_field(cdef, i, path)
            wrote = {}  # the caller's object -> the version this call writes (graph/pversions.py)
            if j is not None:  # the caller's own parameter, passed on
                o = self._caller_param_object(fn, j, prefix + path)
                objs = [o]
                if self.g.nodes[o].get("pointee"):  # per call: what reaches this call, and its own version
                    objs = self.pobj_reaching(fn, o, c)
                    wrote = {r: self.pobj_written(fn, o, c) for r in objs}
            elif arg.addr_of is not None and arg.addr_of.root in fn.locals and not arg.addr_of.deref:
                t = arg.addr_of
                objs = self.read_nodes(Access(t.root, [s for s in t.steps if s[0] != "[]"] +
                                              [(".", n) for n in path]), fn, fn.file)
            elif (arr := self._local_array(fn, arg)) is not None:  # a local array of them, by name
                objs = self.read_nodes(Access(arr, [("[]", "")] + [(".", n) for n in path]), fn, fn.file)
            else:  # a buffer a local pointer holds, filled here: its contents; else: the type's field
                filled = self._filled(fn)
                objs = [s for s, _ in self._arg_sources(fn, arg) if self.g.nodes[s].get("kind") == "local"
                        and self.g.nodes[s].get("name") in filled]
                objs += [v for v in self.pobj_contents(fn, arg) if v not in objs]  # written back by calls before
                shared = self.shared_field(cdef, i, path) if not objs else None
                if shared is not None:
                    objs.append(shared)
            if not wrote and -2 in deps:  # a local object: the version this call writes, if any
                wrote = {o: self.pobj_written(fn, o, c) for o in objs}
            for o in objs:
                self._edge(o, dst, "arg", fn, c, via=callee.name, indirect=indirect)
                if path in rets:  # the result made of that field: back to this call only
                    results.append((o, "summary", callee.name, indirect))
                for ps, w in outs:
                    if path in ps:
                        self._edge(o, w, "summary", fn, c, via=callee.name, indirect=indirect)
                if -2 in deps:  # stored through the parameter: back out to the object
                    w = wrote.get(o, o)
                    for x in self.pobj_exits(cdef, i, path, dst):  # (the callee's own versions)
                        self._edge(x, w, "out", fn, c, via=callee.name, indirect=indirect)
                    for d in sorted(deps - {-1, -2}):
                        if d < len(c.args):
                            for s, _ in self._arg_sources(fn, c.args[d]):
                                self._edge(s, w, "summary", fn, c, via=callee.name, indirect=indirect)
        return results

    def _one_location(self, fn: Function, i: int, first: str) -> bool:
        """Whether ``p->first`` (``p`` parameter ``i``) is a field of a one-location struct."""
        owner, _, _ = self.p.field_owner(Access(fn.params[i].name, [("->", first)]), fn, fn.file)
        return owner is not None and not self.p.per_object(owner)

    def _local_array(self, fn: Function, arg) -> str | None:
        """The local array of structs an argument names (``aParms``), if it is one."""
        if arg.addr_of is not None or arg.calls or len(arg.reads) != 1:
            return None
        r = arg.reads[0]
        if r.steps or r.deref or self.aggregate(r.root, fn, fn.file, True) is None:
            return None
        return r.root

    def _filled(self, fn: Function) -> set[str]:
        """Local pointers of ``fn`` whose buffer a source or a library copy fills (a guest read
        into it, ``memcpy(p, ..)``): the pointer's node stands for those contents."""
        memo = self.__dict__.setdefault("_filled_memo", {})
        got = memo.get(id(fn))
        if got is None:
            got = set()
            for c in fn.calls:
                src, lib = self.m.sources.get(c.callee), self.m.library.get(c.callee)
                pos = [src.out_arg] if src is not None and src.out_arg is not None else []
                pos += [lib.to_arg] if lib is not None and lib.to_arg is not None else []
                for k in pos:
                    if k < len(c.args):
                        got |= {r.root for r in self._roots(fn, c.args[k]) if not r.steps and r.root in fn.locals}
            memo[id(fn)] = got
        return got

    def _caller_param_object(self, fn: Function, j: int, full: tuple[str, ...]) -> str:
        """What ``q->full`` is in the caller (``q`` its parameter ``j``): its own view of its
        argument's object, unless that names a field of one-location state (``&pVM->x`` handed
        on: the field itself)."""
        acc = Access(fn.params[j].name, [("->", full[0])] + [(".", n) for n in full[1:]])
        owner, _, _ = self.p.field_owner(Access(acc.root, acc.steps[:1]), fn, fn.file)
        if owner is not None and not self.p.per_object(owner):
            n = self.var_node(acc, fn, fn.file)
            if n is not None:
                return n
        return self._param_field(fn, j, full)

    def _roots(self, fn: Function, e):
        yield from e.reads
        for ci in e.calls:
            for a in fn.calls[ci].args:
                yield from self._roots(fn, a)

    def _owners(self) -> dict:
        """(function key, parameter, path) -> (struct, field, declaration) of the type's field."""
        return self.__dict__.setdefault("_pp_owners", {})

    def shared_field(self, fn: Function, i: int, path: tuple[str, ...]) -> str | None:
        """The type's field a pointee path stands for (the may-alias location)."""
        self.pointee_paths(fn.key, i)
        own = self._owners().get((fn.key, i, path))
        if own is None or own[0] is None:
            return None
        return self.field_node(own[0], own[1], own[2])
