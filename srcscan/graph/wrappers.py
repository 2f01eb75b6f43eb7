"""Wrappers that carry a model's key. A function that passes its own parameters as a keyed
model's node and key arguments (``InsertConfigInteger(pNode, pcszName, u64)`` calling
``CFGMR3InsertInteger(pNode, pcszName, u64)``) is that model at each call of it, with the
call's own arguments: ``InsertConfigInteger(pRoot, "RamSize", cbRam)`` inserts ``/RamSize``.
Found from the function bodies (no list of wrapper names); one level of wrapping.

Keyed models: sources with node_arg/key_arg (``CFGMR3QueryU64``), sinks that join a source
(``CFGMR3InsertInteger``: the value reaches what readers of that key get), and handles that
create a node through an out argument (``CFGMR3InsertNode(pParent, "TM", &pTM)``)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..extract.records import Call, Expr, Function
from .apimodels import SinkModel, SourceModel


@dataclass(frozen=True)
class Wrapped:
    """A function of the tree standing for a keyed model: which of its parameters are the
    model's node, key and value (``value`` = a source's out argument, a sink's data
    arguments, a handle's new-node out argument)."""
    kind: str  # source | sink | handle
    name: str  # the model function it calls
    node: int
    key: int
    value: tuple[int, ...]


@dataclass
class _Keyed:
    """What ConfigHandles._model_key needs to build a key."""
    node_arg: int
    key_arg: int
    key: str


def _param_of(fn: Function, e: Expr) -> int | None:
    """The position of the parameter an argument passes on unchanged, else None."""
    if e.calls or len(e.reads) != 1 or e.reads[0].steps or e.reads[0].deref:
        return None
    return next((i for i, p in enumerate(fn.params) if p.name == e.reads[0].root), None)


class KeyedWrappers:
    """Mixed into the flow builder (``p``, ``m``, ``o``, ``_edge``, ``model_node``,
    ``_arg_sources``, ``written_at``, ``_model_key``, ``_handle_path`` come from it)."""

    def wrapped(self, key: str) -> list[Wrapped]:
        memo = self.__dict__.setdefault("_wrapped_memo", {})
        got = memo.get(key)
        if got is None:
            got = memo[key] = self._find_wrapped(key)
        return got

    def _model_name(self, c: Call) -> str:
        m = self.m
        if c.indirect is not None and c.indirect.steps and c.indirect.last in m.member_names:
            return c.indirect.last
        return c.callee

    def _find_wrapped(self, key: str) -> list[Wrapped]:
        m, out = self.m, []
        for fn in self.p.functions.get(key, ()):
            if self.o.config.excludes_fn(fn):
                continue
            for c in fn.calls:
                name = self._model_name(c)
                src, sinks, h = m.sources.get(name), m.sinks_of(name), m.handles.get(name)
                rows = []
                if src is not None and src.key_arg is not None and src.node_arg is not None and src.out_arg is not None:
                    rows.append(("source", src.node_arg, src.key_arg, [src.out_arg]))
                for sk in sinks:
                    if sk.joins is not None and sk.args != "all":
                        rows.append(("sink", sk.node_arg, sk.key_arg, list(sk.args)))
                if h is not None and None not in (h.parent_arg, h.name_arg, h.out_arg):
                    rows.append(("handle", h.parent_arg, h.name_arg, [h.out_arg]))
                for kind, node, k, values in rows:
                    if max([node, k, *values]) >= len(c.args):
                        continue
                    pos = [_param_of(fn, c.args[i]) for i in (node, k, *values)]
                    if None not in pos:
                        w = Wrapped(kind, name, pos[0], pos[1], tuple(pos[2:]))
                        if w not in out:
                            out.append(w)
        return out

    def keyed_by_caller(self, fn: Function, c: Call, key_arg: int | None) -> bool:
        """Whether this call of a keyed model is the one a wrapper makes with its caller's key
        (its key argument is the wrapper's parameter): the keyed edges are made at each call of
        the wrapper instead (no ``cfgm:/?/pcszName`` node shared by every key)."""
        return key_arg is not None and key_arg < len(c.args) and _param_of(fn, c.args[key_arg]) is not None \
            and bool(self.wrapped(fn.key))

    def wrapper_call(self, fn: Function, c: Call, key: str) -> None:
        """The keyed model a call of wrapper ``key`` stands for: its edges, with this call's key."""
        m = self.m
        for w in self.wrapped(key):
            if max(w.node, w.key, *w.value) >= len(c.args):
                continue
            if w.kind == "sink":
                for sk in m.sinks_of(w.name):
                    if sk.joins is None:
                        continue
                    model, first = m.source_ids[sk.joins]
                    node = self.joined_node(fn, c, _Keyed(w.node, w.key, model.key), sk, w.name)
                    for i in w.value:
                        for s, _ in self._arg_sources(fn, c.args[i]):
                            self._edge(s, node, "model", fn, c, via=f"{c.callee} ({w.name})")
            elif w.kind == "source":
                model = m.sources[w.name]
                node = self.model_node("source", model, self._model_key(_Keyed(w.node, w.key, model.key), fn, c),
                                       w.name)
                out = c.args[w.value[0]].addr_of
                if out is not None:
                    self._edge(node, self.written_at(fn, c, out), "model", fn, c, via=f"{c.callee} ({w.name})")

    def joined_node(self, fn: Function, c: Call, keyed, sink: SinkModel, name: str) -> str:
        """The source node a joining sink's value reaches: the reader's node of the same key
        (a path under a callback's node, ``/Devices/ahci/0/Config/PortCount``, is spelled as
        that node's readers spell it: ``/Devices/<device>/<instance>/Config/PortCount``)."""
        model, first = self.m.source_ids[sink.joins]
        return self.model_node("source", model, self.as_slot_path(self._model_key(keyed, fn, c)), first)

    def as_slot_path(self, key: str) -> str:
        """``key`` with its leading segments replaced by the longest slot handle path they match
        (queries/models [[handle]] slot rows; a ``<name>`` segment matches any segment)."""
        pats = self.__dict__.get("_slot_pats")
        if pats is None:
            paths = sorted({p for rows in self.m.slot_handles.values() for _, p in rows}, key=len, reverse=True)
            pats = self.__dict__["_slot_pats"] = [
                (re.compile("^" + "".join("[^/]+" if t.startswith("<") else re.escape(t)
                                          for t in re.split(r"(<[^<>/]*>)", p)) + "(?=/|$)"), p) for p in paths]
        for pat, path in pats:
            m = pat.match(key)
            if m:
                return path + key[m.end():]
        return key

    def handle_defs(self, fn: Function, var: str) -> list[tuple[tuple[int, int], object, tuple | None]]:
        """Where handle variable ``var`` gets its node, in statement order: (position, statement,
        None) for ``var = expr`` (not a null constant), (position, call, (parent, name)
        arguments) for a call creating a node through ``&var`` (``CFGMR3InsertNode(pRoot, "TM",
        &pTM)`` or a wrapper of it)."""
        memo = self.__dict__.setdefault("_handle_defs_memo", {})
        got = memo.get((id(fn), var))
        if got is None:
            got = memo[(id(fn), var)] = self._handle_defs(fn, var)
        return got

    def _handle_defs(self, fn: Function, var: str) -> list:
        out = []
        for a in fn.assigns:
            if a.target.root == var and not a.target.steps and not a.target.deref and a.op in ("=", "init") \
                    and (a.value.reads or a.value.calls) and not self.o.config.excludes(a.preproc):
                out.append(((a.line, a.col), a, None))
        for c in fn.calls:
            if self.o.config.excludes(c.preproc) or not any(e.addr_of is not None and e.addr_of.root == var
                                                            for e in c.args):
                continue
            h = self.m.handles.get(self._model_name(c))
            spots = [(h.parent_arg, h.name_arg, h.out_arg)] if h is not None and None not in (
                h.parent_arg, h.name_arg, h.out_arg) else []
            if not spots and c.indirect is None:  # a wrapper: a function, or a method of fn's class without this->
                for key in self.p.resolve_function(c.callee, fn.file) or self.p.own_method(fn, c.callee):
                    spots += [(w.node, w.key, w.value[0]) for w in self.wrapped(key) if w.kind == "handle"]
            for parent, nm, o in spots:
                e = c.args[o] if o < len(c.args) else None
                if max(parent, nm) < len(c.args) and e is not None and e.addr_of is not None \
                        and e.addr_of.root == var and not e.addr_of.steps:
                    out.append(((c.line, c.col), c, (parent, nm)))
                    break
        return sorted(out, key=lambda d: d[0])

    def handle_at(self, fn: Function, var: str, depth: int) -> str | None:
        """The path of handle variable ``var`` at the statement being built: from its last
        definition before it (else its first; with no statement, its last), None if none."""
        defs = self.handle_defs(fn, var)
        if not defs:
            return None
        at = self._at
        here = (at.line, at.col) if at is not None and getattr(at, "line", None) is not None else None
        before = [d for d in defs if here is not None and d[0] < here]
        _, stmt, args = before[-1] if before else (defs[0] if here is not None else defs[-1])
        saved, self._at = self._at, stmt  # the parent handle as it was at that statement
        try:
            if args is None:
                return self._handle_path(fn, stmt.value, depth + 1)
            parent, nm = args
            e = stmt.args[nm]
            return f"{self._handle_path(fn, stmt.args[parent], depth + 1)}/{e.string or e.text}"
        finally:
            self._at = saved
