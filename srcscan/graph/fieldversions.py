"""A local struct's field is flow-sensitive like a scalar (issue 27): ``s.f`` defined more than
once in a function is one node per definition (``local:<file>:<fn>:s.f@1``, ``@2``... numbered
in statement order, never by line), and a read of ``s.f`` takes the definitions that reach it
(graph/locals.py's reaching definitions). The definitions of ``s.f`` are:

- a store into it (``s.f = v``, ``s.f += v``);
- a definition of the whole: ``s = t`` (the field comes from the whole's version defined there),
  or ``&s`` handed to a call that may write it (a model's out argument or destination, a
  function of the tree, an indirect call): the field comes from what that call writes (the
  whole's version there, or the callee's view of the field, graph/pointees.py). A call that
  writes what its parameter points to as a whole (``*p = ..``, or hands it to a model that
  does: ``ohciR3ReadTd(.., &Td)``) replaces the field; any other keeps the value from before
  it too (the callee may write only some fields);
- ``&s.f`` handed to such a call (``SSMR3GetU32(pSSM, &s.f)``).

A field with fewer than two definitions stays one node (as before). A struct whose address is
kept anywhere (``p = &s``), or passed to a C++ reference parameter, is changed behind the
statements' backs and is not versioned. Where ``&s`` reaches a function of the tree that does
not keep to its own view (graph/objects.py ``escapes``), the type's field stands in at that
call only: the versions reaching it flow into the type's field, and the type's field into the
version the call defines. Mixed into the flow builder."""
from __future__ import annotations

from ..extract.records import Access, Assign, Call, Function
from .locals import _Def, _gkey


class FieldVersions:
    def _fv_events(self, fn: Function) -> tuple[dict, dict, set, dict]:
        """(root -> [(pos, stmt, strong, prefix node id or None)], field node id -> [(pos, stmt)],
        roots that are not versioned, root -> the calls of the tree handed its address) for the
        local aggregates of ``fn``."""
        memo = self.__dict__.setdefault("_fv_ev_memo", {})
        got = memo.get(id(fn))
        if got is not None:
            return got
        cfg = self.o.config
        bad = {t.root for t in self.points_to(fn).values()}
        for a in fn.assigns:
            if a.value.addr_of is not None:
                bad.add(a.value.addr_of.root)
        for c in fn.calls:
            bad |= self._ref_args(fn, c)
        roots: dict[str, list] = {}
        stores: dict[str, list] = {}
        seen: dict[str, list] = {}  # root -> the calls of the tree handed its address
        for a in fn.assigns:
            t = a.target
            if t.deref or t.root not in fn.locals or cfg.excludes(a.preproc):
                continue
            if not t.steps:
                roots.setdefault(t.root, []).append(((a.line, a.col), a, True, None))
                continue
            t = self.resolve_positional(t, fn, fn.file)
            got = self.object_path(t, fn, fn.file) if t is not None else None
            if isinstance(got, tuple) and "[]" not in got[0]:
                stores.setdefault(got[0], []).append(((a.line, a.col), a))
        for c in fn.calls:
            if cfg.excludes(c.preproc):
                continue
            writes = None
            tree = c.indirect is not None or bool(self.p.resolve_function(c.callee, fn.file))
            for i, e in enumerate(c.args):
                t = e.addr_of
                if t is None or t.deref or t.root not in fn.locals:
                    continue
                if tree:
                    seen.setdefault(t.root, []).append(c)
                writes = self.model_writes(c) if writes is None else writes
                if i not in writes and not (tree and not self._modelled(c.callee) and self._may_write_part(fn, c, i)):
                    continue  # a model that only reads it (a sink, a copy's source: the model says, even
                    # when the tree defines it), or a callee that only reads it
                prefix = None
                if t.steps:
                    got = self.object_path(t, fn, fn.file)
                    if not isinstance(got, tuple) or "[]" in got[0]:
                        continue
                    prefix = got[0]
                roots.setdefault(t.root, []).append(((c.line, c.col), c, self.call_writes(fn, c, i, t.root), prefix))
        got = memo[id(fn)] = (roots, stores, bad, seen)
        return got

    def _may_write_part(self, fn: Function, c: Call, i: int) -> bool:
        """Whether call ``c`` may write something of what its argument ``i`` points to: an
        indirect call, or a function of the tree that stores through that parameter, hands it
        on (or an address inside it) to a call that may, or copies the pointer elsewhere."""
        if c.indirect is not None:
            return True
        return any(self._param_may_be_written(k, i, 0) for k in self.p.resolve_function(c.callee, fn.file))

    def _param_may_be_written(self, key: str, i: int, depth: int) -> bool:
        memo = self.__dict__.setdefault("_pw_memo", {})
        if (key, i) in memo:
            return memo[(key, i)]
        memo[(key, i)] = True  # (a recursion: may)
        got = depth > 4 or any(self._fn_writes_param(d, i, depth) for d in self.p.functions.get(key, ()))
        memo[(key, i)] = got
        return got

    def _fn_writes_param(self, d: Function, i: int, depth: int) -> bool:
        if i >= len(d.params):
            return False
        nm = d.params[i].name
        for a in d.assigns:
            t = a.target
            if t.root == nm and (t.deref or (t.steps and t.steps[0][0] == "->") or d.params[i].ref):
                return True
            if t.root != nm and (any(r.root == nm and not r.steps and not r.deref for r in a.value.reads)
                                 or (a.value.addr_of is not None and a.value.addr_of.root == nm)):
                return True  # the pointer (or an address inside what it points to) copied elsewhere
        for c in d.calls:
            for j, e in enumerate(c.args):
                if not ((e.addr_of is not None and e.addr_of.root == nm)
                        or any(r.root == nm and not r.steps for r in e.reads)):
                    continue
                if j in self.model_writes(c) or c.indirect is not None:
                    return True
                if any(self._param_may_be_written(k, j, depth + 1) for k in self.p.resolve_function(c.callee, d.file)):
                    return True
        return False

    def field_versions(self, fn: Function, nid: str, root: str) -> list[_Def] | None:
        """The definitions of field node ``nid`` (a field of local aggregate ``root``), in
        statement order, or None when it stays one node. Makes the version nodes and the edges
        into them the first time."""
        memo = self.__dict__.setdefault("_fv_memo", {})
        key = (id(fn), nid)
        if key in memo:
            return memo[key][0]
        memo[key] = (None, {})  # (while the edges are made: a read of the field is the plain node)
        if self.aggregate(root, fn, fn.file) is None or self.p.var_type(root, fn, fn.file)[0] != "local":
            return None
        roots, stores, bad, seen = self._fv_events(fn)
        if root in bad:
            return None
        evs = [(pos, stmt, strong, prefix) for pos, stmt, strong, prefix in roots.get(root, ())
               if prefix is None or prefix == nid]
        evs += [(pos, stmt, True, nid) for pos, stmt in stores.get(nid, ())]
        if len(evs) < 2:
            return None
        evs.sort(key=lambda e: e[0])
        vs = [_Def(pos, _gkey(stmt), self._pp(stmt), (i, stmt.line)) for i, (pos, stmt, _, _) in enumerate(evs, 1)]
        at = {d.pos: d for d in vs}
        memo[key] = (vs, at)
        base = self.g.nodes[nid]
        got = self.object_path(Access(root, [(".", n) for n in nid.split(":")[-1].split(".")[1:]]), fn, fn.file)
        owner, decl = (got[3], got[4]) if isinstance(got, tuple) else (None, None)
        esc = self.escapes(fn).get(root) is not None
        for d, (pos, stmt, strong, prefix) in zip(vs, evs):
            v = self._fv_node(nid, base, d)
            if isinstance(stmt, Assign) and prefix is not None:
                continue  # a store: its value comes in where the assignment is built
            if prefix is None and strong:  # the whole as this statement defines it (a call that may
                # write only some fields: those come out of the callee's view of them, graph/pointees.py)
                whole = self.def_node(fn, stmt) if isinstance(stmt, Assign) else None
                if whole is None:
                    whole = self.written_at(fn, stmt, Access(root))
                if whole is not None:
                    self._edge(whole, v, "field-load", fn, stmt, via=root)
            olds = [self._fv_node(nid, base, o) if o is not None else nid
                    for o in self._reach_at(vs, stmt)]
            if not strong:  # the callee may leave it as it was
                for o in olds:
                    self._edge(o, v, "assign", fn, stmt, via=stmt.callee)
            if esc and owner is not None and isinstance(stmt, Call) and self._escapes_at(fn, stmt, root):
                shared = self.field_node(owner, base.get("name"), decl)
                for o in olds:
                    self._edge(o, shared, "field-store", fn, stmt, via=f"&{root}")
                self._edge(shared, v, "field-load", fn, stmt, via=f"&{root}")
        if esc and owner is not None:  # a call that only reads it through the type's field
            for c in {(c.line, c.col): c for c in seen.get(root, ())}.values():
                if (c.line, c.col) not in at and self._escapes_at(fn, c, root):
                    shared = self.field_node(owner, base.get("name"), decl)
                    for o in self._reach_at(vs, c):
                        self._edge(self._fv_node(nid, base, o) if o is not None else nid, shared, "field-store", fn, c,
                                   via=f"&{root}")
        return vs

    def _fv_node(self, nid: str, base: dict, d: _Def) -> str:
        attrs = dict(base)
        attrs["line"] = d.node[1]
        return self._node(f"{nid}@{d.node[0]}", **attrs)

    def _reach_at(self, vs: list[_Def], stmt) -> list:
        from .locals import _reach
        return _reach(vs, self._lv_index(vs), (stmt.line, stmt.col), _gkey(stmt), self._pp(stmt))

    def _escapes_at(self, fn: Function, c: Call, root: str) -> bool:
        """Whether handing ``&root`` (or an address inside it) to call ``c`` lets code elsewhere
        reach it through the type's fields."""
        if self._modelled(c.callee):
            return False
        return any(e.addr_of is not None and e.addr_of.root == root and not self._kept_by_callee(fn, c, e)
                   for e in c.args)

    def field_reads(self, fn: Function, nid: str, root: str, stmt) -> list[str] | None:
        """The versions of field node ``nid`` a read at ``stmt`` takes (None: not versioned)."""
        vs = self.field_versions(fn, nid, root)
        if vs is None:
            return None
        base = self.g.nodes[nid]
        if stmt is None:
            return [nid] + [self._fv_node(nid, base, d) for d in vs]
        return [self._fv_node(nid, base, d) if d is not None else nid for d in self._reach_at(vs, stmt)]

    def field_defined_at(self, fn: Function, acc: Access, stmt) -> str | None:
        """The version of the local aggregate's field ``acc`` that ``stmt`` defines, if any."""
        if fn is None or not acc.steps or acc.deref or stmt is None:
            return None
        nid = self.var_node(acc, fn, fn.file)
        if nid is None or not nid.startswith("local:"):
            return None
        vs = self.field_versions(fn, nid, acc.root)
        if vs is None:
            return None
        d = self._fv_memo[(id(fn), nid)][1].get((stmt.line, stmt.col))
        return None if d is None else self._fv_node(nid, self.g.nodes[nid], d)
