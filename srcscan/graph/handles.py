"""Keys of modelled sources: the configuration node a handle names, built from the handle
models (CFGMR3GetChild(CFGMR3GetRoot(pVM), "TM") is /TM) and from callbacks registered in a slot
the models name (a device's constructor gets /Devices/<device>/<instance>/Config). Mixed into
the flow builder. Also callbacks: an API that calls back a function passed to it with a user
argument (queries/models [[callback]]) hands that argument to the callback's parameter."""
from __future__ import annotations

from ..extract.keys import function_keys
from ..extract.records import Access, Assign, Call, Expr, Function
from .access import _bare_name
from .apimodels import SourceModel


class ConfigHandles:
    """Needs ``m`` (the models), ``fp_targets``, ``g`` and ``_slot_names`` from the flow builder."""

    _slot_names: dict | None

    def _model_key(self, model: SourceModel, fn: Function, c: Call) -> str:
        key = "?"
        if model.key_arg is not None and model.key_arg < len(c.args):
            s = c.args[model.key_arg].string
            key = s if s is not None else c.args[model.key_arg].text
        node = ""
        if model.node_arg is not None and model.node_arg < len(c.args):
            node = self._handle_path(fn, c.args[model.node_arg], 0)
        return model.key.format(node=node, key=key, function=c.callee)

    def _handle_path(self, fn: Function, e: Expr, depth: int) -> str:
        """Resolve a configuration node handle to its path (CFGMR3GetChild(CFGMR3GetRoot(pVM), "TM") -> /TM)."""
        if depth > 8:
            return "/?"
        if e.calls:
            c = fn.calls[e.calls[0]]
            h = self.m.handles.get(self._model_name(c))  # also pVMM->pfnGetRoot(..) of a function table
            if h is None:
                return "/?"
            if h.root:
                return ""
            parent = self._handle_path(fn, c.args[h.parent_arg], depth + 1) if h.parent_arg is not None and \
                h.parent_arg < len(c.args) else "/?"
            name = "?"
            if h.name_arg is not None and h.name_arg < len(c.args):
                name = c.args[h.name_arg].string or c.args[h.name_arg].text
            return f"{parent}/{name}"
        if len(e.reads) == 1 and not e.reads[0].steps:
            var = e.reads[0].root
            made = self.handle_at(fn, var, depth)  # pNode = ..., or CFGMR3InsertNode(pRoot, "TM", &pNode)
            if made is not None:
                return made
            # a parameter of a callback registered in a slot the models name (a device's
            # constructor gets its configuration node)
            i = next((i for i, p in enumerate(fn.params) if p.name == var), None)
            if i is not None:
                for slot in self._slots_of(fn.key):
                    for pos, path in self.m.slot_handles.get(slot, ()):
                        if pos == i:
                            if path in self.m.slot_fills:  # (the callback whose registration names it)
                                self.__dict__["_slot_fn"] = (fn.key, path)
                            return path
                return self._param_handle(fn, i, depth)
        return "/?"

    def _param_handle(self, fn: Function, i: int, depth: int) -> str:
        """A handle parameter of a helper the tree calls by name (a config constructor's part
        that gets ``pDevices``): the node its callers pass, when they all pass the same one."""
        paths = set()
        for caller, c in self._calls_of(fn):
            if i < len(c.args):
                saved, self._at = self._at, c
                try:
                    paths.add(self._handle_path(caller, c.args[i], depth + 1))
                finally:
                    self._at = saved
        return paths.pop() if len(paths) == 1 else "/?"

    def _calls_of(self, fn: Function) -> list[tuple[Function, Call]]:
        """The direct calls of ``fn`` in the tree (by name, or as a method of the caller's class)."""
        short = fn.name.rsplit("::", 1)[-1]
        out = []
        for f, c in self._direct_calls(short) + (self._direct_calls(fn.name) if short != fn.name else []):
            if self.o.config.excludes_fn(f) or self.o.config.excludes(c.preproc):
                continue
            if fn.key in (self.p.resolve_function(c.callee, f.file) or self.p.own_method(f, c.callee)):
                out.append((f, c))
        return out

    def _direct_calls(self, callee: str) -> list[tuple[Function, Call]]:
        """Every direct call of the name ``callee`` in the tree, in function order. Only the
        bodies of the functions whose demand-index keys (extract/keys.py, kept outside the
        body) name that callee are read: the others stay encoded."""
        by_key = self.__dict__.get("_callers_by_key")
        if by_key is None:  # "c:<callee>" -> (ordinal, function) of the functions calling it
            by_key, eager = {}, []
            fns = (f for defs in self.p.functions.values() for f in defs)
            for o, f in enumerate(fns):
                ks = function_keys(f)
                if ks is None:  # (keys not known before resolution: the body is read)
                    eager.append((o, f))
                    continue
                for k in ks:
                    if k[:2] == "c:":
                        by_key.setdefault(k, []).append((o, f))
            self.__dict__["_callers_by_key"] = by_key
            self.__dict__["_callers_eager"] = eager
            self.__dict__["_calls_by_name"] = {}
        memo = self.__dict__["_calls_by_name"]
        got = memo.get(callee)
        if got is None:
            got = memo[callee] = [(f, c) for _, f in sorted(by_key.get("c:" + callee, []) + self._callers_eager,
                                                            key=lambda of: of[0])
                                  for c in f.calls if c.indirect is None and c.callee == callee]
        return got

    def _slots_of(self, key: str) -> list[str]:
        """Names of the function-pointer slots (fields) a function is stored in."""
        if self._slot_names is None:
            self._slot_names = {}
            for slot, keys in self.fp_targets.items():
                for k in keys:
                    self._slot_names.setdefault(k, set()).add(self.g.nodes[slot]["name"])
        return sorted(self._slot_names.get(key, ()))

    def source_call(self, fn: Function, c: Call, name: str, model: SourceModel, results: list) -> bool:
        """A call of a source model: its node, the edges into what it fills (and its result into
        ``results``). True when this call is the one inside a wrapper of the model, made with
        the wrapper's caller's key: nothing here, each call of the wrapper makes the edges."""
        if self.keyed_by_caller(fn, c, model.key_arg):
            return True
        self.__dict__.pop("_slot_fn", None)
        key = self._model_key(model, fn, c)
        node = self.model_node("source", model, key, name)
        got = self.__dict__.pop("_slot_fn", None)
        if got is not None:
            self.name_registered(node, model, key, *got)
        if model.returns:
            results.append((node, "model", name, False))
        if model.out_arg is not None and model.out_arg < len(c.args):
            # &x, or the memory a pointer argument points to (a buffer, a field array, *p)
            for dst in self.contents_written(fn, c, c.args[model.out_arg]):
                self._edge(node, dst, "model", fn, c, via=name)
                if model.default_arg is not None and model.default_arg < len(c.args):  # or else the default
                    for s, _ in self._arg_sources(fn, c.args[model.default_arg]):
                        self._edge(s, dst, "model", fn, c, via=name)
        if model.callback_arg is not None:  # a handler registered here gets the value
            self.callback_source(fn, c, node, model)
        if model.pointee:
            self.pointee_source(fn, c, node, name)
        return False

    def callback_source(self, fn: Function, c: Call, node: str, model: SourceModel) -> None:
        """A handler registered by this call (the function passed as the model's callback_arg)
        gets the source's value in its parameter ``param`` (a port write handler's value)."""
        if model.callback_arg >= len(c.args):
            return
        name = _bare_name(c.args[model.callback_arg])
        if name is None or self.p.var_type(name, fn, fn.file)[0] != "unknown":
            return
        for key in self.p.resolve_function(name, fn.file):
            callee = self.p.functions[key][0]
            if model.param < len(callee.params):  # a pointer parameter: what it points to
                p = callee.params[model.param]
                pointer = self.p.is_pointer(p.type) and not p.ref
                dst = self.out_param(callee, model.param) if pointer else self.param_node(key, model.param, callee)
                self._edge(node, dst, "model", fn, c, via=c.callee)
                for f in self._read_through(callee, {p.name}) if pointer else ():  # pCmd->f: the guest's
                    self._edge(node, f, "model", fn, c, via=c.callee)

    def slot_source(self, a: Assign, target: Access, fn: Function | None, file: str) -> None:
        """``pTable->pfnCall = svcCall`` (or a table's initializer member) where the models make
        the slot a source ([[source]] with slots): the stored function's parameters ``params``
        get the source's value, a pointer parameter what it points to and the fields read
        through it in that function. The edges are at the store: where the function becomes
        reachable from outside."""
        slot = target.last if target.steps and target.steps[-1][0] in ("->", ".") else None
        rows = self.m.slot_sources.get(slot) if slot else None
        name = _bare_name(a.value) if rows else None
        if name is None or self.p.var_type(name, fn, file)[0] != "unknown":
            return
        for key in self.p.resolve_function(name, file):
            callee = self.p.functions[key][0]
            for sm in rows:
                node = self.model_node("source", sm, sm.key.format(function=slot, node="", key=slot), slot)
                for i in sm.params:
                    if i >= len(callee.params):
                        continue
                    p = callee.params[i]
                    if not (self.p.is_pointer(p.type) or p.pointer) or p.ref:
                        self._edge(node, self.param_node(key, i, callee), "model", fn, a, via=slot)
                        continue
                    self._edge(node, self.out_param(callee, i), "model", fn, a, via=slot)
                    for dst in self._read_through(callee, {p.name}):
                        self._edge(node, dst, "model", fn, a, via=slot)

    def _read_through(self, fn: Function, names: set[str]) -> list[str]:
        """The field nodes ``fn`` reads through the pointers ``names`` (p->f, p[i].f), or
        through a local pointer it sets to one of them (``T *pCmd = (T *)pvBuffer;``)."""
        names = set(names)
        while True:  # the locals set from a guest pointer, in any order of statements
            more = {a.target.root for a in fn.assigns
                    if not a.target.steps and not a.target.deref and a.target.root in fn.locals
                    and a.target.root not in names and not a.value.calls and a.value.reads
                    and all(not r.steps and not r.deref and r.root in names for r in a.value.reads)}
            if not more:
                break
            names |= more
        out: dict[str, None] = {}
        exprs = [x.value for x in fn.assigns] + [r.value for r in fn.returns] + [e for c in fn.calls for e in c.args]
        for e in exprs:
            for acc in e.reads:
                if acc.root in names and any(op in ("->", ".") for op, _ in acc.steps):
                    n = self.var_node(acc, fn, fn.file)
                    d = self.g.nodes[n] if n is not None else {}
                    # (not ?.f: every struct's f; a parameter's own object's field: param:fn#i*.f)
                    if (d.get("kind") == "field" and not d.get("ambiguous")) or d.get("pointee"):
                        out[n] = None
        return list(out)

    def pointee_source(self, fn: Function, c: Call, node: str, name: str) -> None:
        """A call returning a pointer into memory the guest writes ([[source]] pointee): the
        fields read through the local pointers it is stored in are the source's value."""
        roots = {a.target.root for a in fn.assigns
                 if not a.target.steps and not a.target.deref and a.target.root in fn.locals
                 and any(fn.calls[i] is c for i in a.value.calls)}
        for dst in self._read_through(fn, roots) if roots else ():
            self._edge(node, dst, "model", fn, c, via=name)

    @staticmethod
    def override_text(model: SourceModel, key: str, function: str, names: dict | None = None) -> str:
        """How a user sets the source (its ``override`` row), placeholders of the key's node
        path filled with the names registrations give them (``names``)."""
        from ..util import shell_command  # the key comes from the tree: one quoted word

        node, _, k = key.rpartition("/")
        for placeholder, got in (names or {}).items():
            node = node.replace(placeholder, got[0] if len(got) == 1 else "<" + "|".join(got) + ">")
        return shell_command(model.override, node=node, key=k, function=function)

    def name_registered(self, nid: str, model: SourceModel, key: str, fkey: str, path: str) -> None:
        """A source read through a slot handle's path (/Devices/<device>/...): the names the
        registration structs holding the callback ``fkey`` give its placeholders (szName) go
        into the node's fix advice (several: ``<a|b>``)."""
        info = self.g.nodes[nid]["model"]
        if "override" not in info:
            return
        names = info.setdefault("names", {})
        before = repr(names)
        for placeholder, member in self.m.slot_fills[path].items():
            for reg in self.registrations().get(fkey, ()):
                v = reg.get(member)
                if v and v not in names.get(placeholder, ()):
                    names[placeholder] = sorted({*names.get(placeholder, ()), v})
        if repr(names) != before:
            info["override"] = self.override_text(model, key, info["function"], names)
            if self.recorder is not None:
                self.recorder.node(nid)

    def registrations(self) -> dict[str, list[dict[str, str]]]:
        """Function key -> the string members ({"szName": "e1000"}) of each initialized struct
        (a registration table: PDMDEVREG) that stores the function in one of its members."""
        got = self.__dict__.get("_registrations")
        if got is None:
            got = self.__dict__["_registrations"] = {}
            for path in sorted(self.p.files):
                strings: dict[str, dict[str, str]] = {}
                funcs: list[tuple[str, str]] = []
                for a in self.p.files[path].global_assigns:
                    if a.value.string is None and (a.value.calls or len(a.value.reads) != 1):
                        continue
                    t = self.resolve_positional(a.target, None, path)
                    if t is None or not t.steps:
                        continue
                    if a.value.string is not None:
                        strings.setdefault(t.root, {})[t.last] = a.value.string
                    else:
                        name = _bare_name(a.value)
                        if name is not None:
                            funcs += [(k, t.root) for k in self.p.resolve_function(name, path)]
                for k, root in funcs:
                    if root in strings:
                        got.setdefault(k, []).append(strings[root])
        return got

    def _callback(self, fn: Function, c: Call, cb_arg: int, user_arg: int, param: int) -> None:
        """An API that calls back the function passed to it with the user argument passed to it
        (queries/models [[callback]]): the user argument reaches the callback's parameter."""
        if max(cb_arg, user_arg) >= len(c.args):
            return
        name = _bare_name(c.args[cb_arg])
        if name is None or self.p.var_type(name, fn, fn.file)[0] != "unknown":
            return
        arg = c.args[user_arg]
        srcs = [s for s, _ in self._arg_sources(fn, arg)]
        if arg.addr_of is not None:
            srcs += self.read_nodes(arg.addr_of, fn, fn.file)  # (its versions and fields stored)
        for key in self.p.resolve_function(name, fn.file):
            callee = self.p.functions[key][0]
            if param < len(callee.params):
                pnode = self.param_node(key, param, callee)
                for s in srcs:
                    self._edge(s, pnode, "arg", fn, c, via=c.callee)


def guest_pointer_sites(m) -> list[str]:
    """Demand-graph index keys of the statements that give a field read through a guest
    pointer its source (models ``m``): stores into source slots, calls of pointee and handler
    sources."""
    keys = {"w:f:" + slot for slot in m.slot_sources}
    for name, sm in m.sources.items():
        if sm.pointee or sm.callback_arg is not None:
            keys |= {"c:" + name, "i:" + name}
    return sorted(keys)
