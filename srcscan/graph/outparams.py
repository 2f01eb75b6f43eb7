"""Calls that write through what they are handed: a function filling what its pointer
parameter points to (itself, or by handing the pointer on to a model or a function that does),
and property getters of classes outside the sources (their address arguments come from an
``accessor:`` source, queries/config.toml [methods]). Mixed into the flow builder (``p``,
``m``, ``o``, ``_edge``, ``model_node``, ``written_at``, ``model_writes`` come from it)."""
from __future__ import annotations

from ..datafiles import load_toml
from ..extract.records import Call, Expr, Function
from .apimodels import SourceModel


class OutParams:
    def _unresolved_accessor(self, fn: Function, c: Call, method: str) -> None:
        """``obj->getX(&x)`` on an interface no class of the tree implements: what it writes
        through its address arguments comes from the accessor source ``accessor:getX``."""
        cfg = load_toml("config.toml").get("methods", {})
        mid = cfg.get("unresolved_source")
        if not mid:
            return
        model = SourceModel(mid, cfg.get("unresolved_description", ""), origin="config.toml")
        node = None
        for arg in c.args:
            t = arg.addr_of
            if t is None:
                continue
            node = node or self.model_node("source", model, method, method)
            dst = self.written_at(fn, c, t)
            self._edge(node, dst, "model", fn, c, via=method)

    def _passed_pointer_param(self, fn: Function, arg: Expr) -> bool:
        """``arg`` is one of fn's pointer parameters, passed on unchanged (or cast)."""
        if arg.calls or arg.addr_of is not None or len(arg.reads) != 1:
            return False
        a = arg.reads[0]
        if a.steps or a.deref:
            return False
        scope, typ = self.p.var_type(a.root, fn, fn.file)
        return scope == "param" and self.p.is_pointer(typ)

    def _writes_through(self, key: str, i: int) -> bool:
        """Whether function ``key`` writes what its parameter ``i`` points to (or refers to):
        itself, or by passing the pointer on to a callee or a model that does."""
        memo = self.__dict__.setdefault("_wt_memo", {})
        if (key, i) not in memo:
            seen: set = set()
            got = memo[(key, i)] = self._writes_through_now(key, i, seen)
            if not got:  # nothing the search reached writes: every pair on the way answers False
                for pair in seen:
                    memo.setdefault(pair, False)
        return memo[(key, i)]

    def _writes_through_now(self, key: str, i: int, seen: set) -> bool:
        """(``seen``: the (function, parameter) pairs on the way here; a False found while one
        of them was still open may be wrong, so only a True, or the answer of the outermost
        question, is memoised: the answer does not depend on which function asked first. A
        False outermost answer explored all it reaches, so it holds for each pair it visited.)"""
        memo = self.__dict__["_wt_memo"]
        got = memo.get((key, i))
        if got is not None:
            return got
        if (key, i) in seen:
            return False
        seen.add((key, i))
        got = self._writes_through_one(key, i, seen)
        if got:
            memo[(key, i)] = True
        return got

    def _writes_through_one(self, key: str, i: int, seen: set) -> bool:
        for fn in self.p.functions[key]:
            if i < len(fn.params):
                nm, ref = fn.params[i].name, fn.params[i].ref
                if any(a.target.root == nm and (a.target.deref or (ref and not a.target.steps)) for a in fn.assigns):
                    return True
                if ref and any(c.indirect is not None and c.indirect.root == nm and len(c.indirect.steps) == 1
                               and c.indirect.last in self.m.container_store for c in fn.calls):
                    return True  # v.push_back(x) on a container passed by reference
                if not ref and self.p.is_pointer(fn.params[i].type) and self._passes_on_written(fn, nm, seen):
                    return True
        return False

    def _passes_on_written(self, fn: Function, nm: str, seen: set) -> bool:
        """Whether ``fn`` hands pointer ``nm`` unchanged (or cast) to a call that writes what it
        points to: a model's out argument or destination, or a function of the tree doing so."""
        for c, spots in self._bare_args(fn).get(nm, ()):
            writes = self.model_writes(c)
            if any(j in writes for j in spots):
                return True
            if c.indirect is None:
                for k in self.p.resolve_function(c.callee, fn.file) or self.p.own_method(fn, c.callee):
                    if any(self._writes_through_now(k, j, seen) for j in spots):
                        return True
        return False

    def _bare_args(self, fn: Function) -> dict[str, list[tuple[Call, list[int]]]]:
        """Name -> the calls of ``fn`` (not excluded by the configuration, in order) that are
        handed that bare name, and at which argument positions: one pass over a function's
        calls, however many of its pointers are asked about."""
        memo = self.__dict__.setdefault("_bare_args_memo", {})
        got = memo.get(id(fn))
        if got is None or got[0] is not fn:
            out: dict[str, list[tuple[Call, list[int]]]] = {}
            for c in fn.calls:
                if self.o.config.excludes(c.preproc):
                    continue
                at: dict[str, list[int]] = {}
                for j, e in enumerate(c.args):
                    if not e.calls and e.addr_of is None and len(e.reads) == 1:
                        a = e.reads[0]
                        if not a.steps and not a.deref:
                            at.setdefault(a.root, []).append(j)
                for nm, spots in at.items():
                    out.setdefault(nm, []).append((c, spots))
            got = memo[id(fn)] = (fn, out)
        return got[1]
