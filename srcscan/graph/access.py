"""What an access names once C and C++ indirection is seen through: a class member used
without ``this->``, a local pointer that only holds ``&x``, a pointer or reference parameter
standing for the caller's variable, the methods an ``obj->m()`` call may reach (the static
type's definition and its subclasses' overrides, or the allocated type's own when a local
object or a ``new T`` held in a local pointer tells it), the fields a sink reading ``*p`` gets, and local
pointers into guest-mapped pages, and container methods (values into and out of the object).
Mixed into the flow builder."""
from __future__ import annotations

from ..extract.keys import bare_name as _bare_name  # noqa: F401 (used by flow and handles)
import re

from ..extract.records import Access, Call, Expr, Function

_NEW = re.compile(r"\s*new\s+(?:\(\s*[^)]*\)\s*)?([A-Za-z_][A-Za-z0-9_:]*)")


class AccessResolver:
    """Needs ``p`` (the Program), ``m`` (the models), ``o`` (options), ``var_node`` and the
    memo dicts from the flow builder."""

    _pts_memo: dict
    _mapped_memo: dict

    def _rewrite(self, acc: Access, fn: Function, file: str) -> Access:
        """What an access really names: a class member used without ``this->`` in a method is
        ``this->member``; ``*p`` through a local pointer that only ever holds one address
        (``p = &x``) is ``x``."""
        scope, _ = self.p.var_type(acc.root, fn, file)
        if scope == "unknown":
            cls = self.p.class_of(fn)
            if cls is not None and self.p.member_of(cls, acc.root):
                return Access("this", [("->", acc.root)] + list(acc.steps))
            return acc
        if scope == "local" and acc.deref and not acc.steps:
            # (p->f keeps p's declared type: a field is one node per owner type either way)
            t = self.points_to(fn).get(acc.root)
            if t is not None:
                return Access(t.root, list(t.steps), t.deref)
        return acc

    def points_to(self, fn: Function) -> dict[str, Access]:
        """Local pointers of ``fn`` that only ever hold one address ``&x`` (flow-insensitive,
        per function): name -> x."""
        memo = self._pts_memo.get(id(fn))
        if memo is None:
            got: dict[str, Access | None] = {}
            for a in fn.assigns:
                if a.target.steps or a.target.deref or a.target.root not in fn.locals:
                    continue
                t = a.value.addr_of
                if t is None and (a.value.reads or a.value.calls):
                    got[a.target.root] = None  # also holds something else
                elif t is not None and t.root != a.target.root:
                    old = got.get(a.target.root, t)
                    got[a.target.root] = t if old is not None and old.text() == t.text() else None
            memo = self._pts_memo[id(fn)] = {k: v for k, v in got.items() if v is not None}
        return memo

    def out_target(self, fn: Function, callee: Function, i: int, arg: Expr) -> Access | None:
        """The caller's variable a callee's pointer or reference parameter ``i`` stands for at
        this call: ``&x``, a local pointer that holds ``&x``, or ``x`` passed by reference."""
        if arg.addr_of is not None:
            return arg.addr_of
        if len(arg.reads) != 1 or arg.calls:
            return None
        a = arg.reads[0]
        if i < len(callee.params) and callee.params[i].ref:
            return a
        if not a.steps and not a.deref and self.p.var_type(a.root, fn, fn.file)[0] == "local":
            return self.points_to(fn).get(a.root)
        return None

    def _method_targets(self, fn: Function, acc: Access) -> list[str]:
        """``obj->m(...)`` / ``obj.m(...)`` on an object of a known class: every definition of
        ``m`` a call may reach (the class's and its subclasses' overrides), narrowed by the
        allocated type when it is known: a local object (``DerivedA a; a.m()``) or a local
        pointer that only ever holds ``new T`` reaches ``T``'s own (or inherited) ``m`` only."""
        if not acc.steps or acc.steps[-1][0] not in ("->", "."):
            return []
        method = acc.steps[-1][1]
        prefix = Access(acc.root, list(acc.steps[:-1]), acc.deref)
        if prefix.steps:
            _, _, decl = self.p.field_owner(prefix, fn, fn.file)
            cls = self.p.struct_of(decl.type) if decl is not None else None
        else:
            scope, typ = self.p.var_type(prefix.root, fn, fn.file)
            cls = self.p.struct_of(typ)
            if cls is not None and scope == "local" and not prefix.deref:
                if acc.steps[-1][0] == "." and not self.p.is_pointer(typ) and "&" not in (typ or ""):
                    return self._own_method(cls, method)  # an object of exactly that class
                allocated = self.allocated(fn).get(prefix.root)
                if allocated:
                    return sorted({k for t in allocated for k in self._own_method(t, method)})
        return self.p.overrides(cls, method) if cls is not None else []

    def _own_method(self, cls: str, method: str) -> list[str]:
        """The definition of ``method`` an object of exactly class ``cls`` runs: its own, else
        the nearest base class's."""
        st, depth = cls, 0
        while st is not None and depth < 8:
            if f"{st}::{method}" in self.p.functions:
                return [f"{st}::{method}"]
            s = self.p.structs.get(st)
            st, depth = (s.bases[0] if s is not None and s.bases else None), depth + 1
        return []

    def allocated(self, fn: Function) -> dict[str, set[str]]:
        """Local pointers of ``fn`` that only ever hold ``new T`` (of classes we know): name -> {T}."""
        memo = self.__dict__.setdefault("_alloc_memo", {})
        got = memo.get(id(fn))
        if got is None:
            seen: dict[str, set[str] | None] = {}
            for a in fn.assigns:
                t = a.target
                if t.steps or t.deref or t.root not in fn.locals:
                    continue
                m = _NEW.match(a.value.text or "")
                cls = self.p.struct_of(m.group(1)) if m else None
                if cls is None:
                    seen[t.root] = None
                elif seen.get(t.root, set()) is not None:
                    seen.setdefault(t.root, set()).add(cls)
            got = memo[id(fn)] = {k: v for k, v in seen.items() if v}
        return got

    def _stored_through(self, fn: Function, acc: Access) -> list[str]:
        """The fields this function stores through the local pointer ``acc`` (``p->f = v``):
        what a callee reading ``*p`` gets."""
        if acc.steps or acc.deref or self.p.var_type(acc.root, fn, fn.file)[0] != "local":
            return []
        out = []
        for a in fn.assigns:
            t = a.target
            if t.root == acc.root and t.steps and t.steps[0][0] == "->" and not self.o.config.excludes(a.preproc):
                n = self.var_node(t, fn, fn.file)
                if n is not None and self.g.nodes[n].get("pointee"):  # the versions stored (graph/pversions.py)
                    out += self.pobj_reaching(fn, n, self._at)
                elif n is not None:
                    out.append(n)
        return list(dict.fromkeys(out))

    def mapped_pointers(self, fn: Function) -> dict[str, tuple]:
        """Local pointers of ``fn`` read from a field that a sink model names (``fields``: a page
        mapped into the guest): name -> (sink model, "Struct.field")."""
        memo = self._mapped_memo.get(id(fn))
        if memo is None:
            memo = {}
            if self.m.sink_fields:
                for a in fn.assigns:
                    if a.target.steps or a.target.deref or a.target.root not in fn.locals:
                        continue
                    for r in a.value.reads:
                        if not r.steps:
                            continue
                        owner, name, _ = self.p.field_owner(r, fn, fn.file)
                        sk = self.m.sink_fields.get(f"{owner}.{name}")
                        if sk is not None:
                            memo[a.target.root] = (sk, f"{owner}.{name}")
            self._mapped_memo[id(fn)] = memo
        return memo

    def _container_call(self, fn: Function, c: Call, results: list) -> bool:
        """``v.push_back(x)`` / ``v.front()`` on an object whose methods are not in the sources:
        the container models (queries/models, [[container]]) say whether values go in or out."""
        acc = c.indirect
        if not acc.steps or acc.steps[-1][0] not in ("->", "."):
            return False
        method = acc.steps[-1][1]
        store, load = method in self.m.container_store, method in self.m.container_load
        if not (store or load):
            return False
        obj = self.var_node(Access(acc.root, list(acc.steps[:-1]), acc.deref), fn, fn.file)
        if obj is None:
            return False
        if store:
            for arg in c.args:
                for s, _ in self._arg_sources(fn, arg):
                    self._edge(s, obj, "model", fn, c, via=method)
        if load:
            results.append((obj, "model", method, False))
        return True
