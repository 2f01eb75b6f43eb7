"""Keys of modelled sources: the configuration node a handle names, built from the handle
models (CFGMR3GetChild(CFGMR3GetRoot(pVM), "TM") is /TM) and from callbacks registered in a slot
the models name (a device's constructor gets /Devices/<device>/<instance>/Config). Mixed into
the flow builder. Also callbacks: an API that calls back a function passed to it with a user
argument (queries/models [[callback]]) hands that argument to the callback's parameter."""
from __future__ import annotations

from ..extract.records import Call, Expr, Function
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
        idx = self.__dict__.get("_calls_by_name")
        if idx is None:
            idx = self.__dict__["_calls_by_name"] = {}
            for defs in self.p.functions.values():
                for f in defs:
                    for c in f.calls:
                        if c.indirect is None:
                            idx.setdefault(c.callee, []).append((f, c))
        short = fn.name.rsplit("::", 1)[-1]
        out = []
        for f, c in idx.get(short, []) + (idx.get(fn.name, []) if short != fn.name else []):
            if self.o.config.excludes_fn(f) or self.o.config.excludes(c.preproc):
                continue
            if fn.key in (self.p.resolve_function(c.callee, f.file) or self.p.own_method(f, c.callee)):
                out.append((f, c))
        return out

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
        node = self.model_node("source", model, self._model_key(model, fn, c), name)
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
                dst = self.out_param(callee, model.param) if self.p.is_pointer(p.type) and not p.ref else \
                    self.param_node(key, model.param, callee)
                self._edge(node, dst, "model", fn, c, via=c.callee)

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
