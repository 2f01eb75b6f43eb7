"""Local aggregates are objects of their own (issue 27, DESIGN §3): the fields of a struct or
union variable declared in a function (``GIMKVMSYSTEMTIME SystemTime; SystemTime.u32TscScale``)
are locations of that variable, named ``local:<file>:<function>:<var>.<path>``, never the
type's field node (``field:GIMKVMSYSTEMTIME.u32TscScale``) that every other function's variable
of the type would share. A union's members share storage: a path stops at the first union it
passes through (``u.s.uLo`` is ``u``). A struct parameter passed by value is a copy: its fields
are the parameter itself (the caller's whole variable flows in through the argument). A local
array of structs or unions is one such object for all its elements (``aRegs[].Reg64``).

Where the variable's address escapes (``&s`` or ``&s.f`` given to a function whose body is in the
sources or to an indirect call, or stored anywhere, or ``s`` passed to a C++ reference parameter), code elsewhere reaches it through a pointer, which
names the type's field: only then is each of its fields linked with the type's field both ways
(a may-alias guess when the struct is per-object). The node keeps the type's label
(``GIMKVMSYSTEMTIME.u32TscScale``), so a user's ``Struct.field`` still names it. Mixed into
the flow builder."""
from __future__ import annotations

from ..extract.records import Access, Call, Function


class LocalObjects:
    """Needs ``p``, ``_node``, ``_edge``, ``field_node``, ``var_node`` and ``_ref_args`` from
    the flow builder."""

    def aggregate(self, root: str, fn: Function | None, file: str, array: bool = False) -> tuple[str, str] | None:
        """(scope, struct) when ``root`` is a struct/union local or by-value parameter of ``fn``
        (``array``: a local array of them, ``REGV aRegs[4]``)."""
        if fn is None:
            return None
        scope, typ = self.p.var_type(root, fn, file)
        if array:
            if scope != "local" or not typ or not typ.rstrip().endswith("]"):
                return None
            typ = typ[:typ.index("[")]
        if scope not in ("local", "param") or not typ or self.p.is_pointer(typ) or "[" in typ:
            return None
        if scope == "param" and any(p.name == root and p.ref for p in fn.params):
            return None  # a reference: the caller's object
        st = self.p.struct_of(typ)
        return (scope, st) if st is not None else None

    def held_by_value(self, acc: Access, fn: Function, file: str) -> bool:
        """``s.f`` (``s`` held by value, or ``a[i].f`` on a local array of structs): a store into
        it is part of the variable."""
        return acc.steps[0][0] == "." or self.aggregate(acc.root, fn, file, True) is not None

    def object_node(self, acc: Access, fn: Function | None, file: str) -> str | None:
        """The node of ``s.f.g`` on a local aggregate ``s`` (or of a by-value struct parameter's
        field: the parameter), or None when ``acc`` is not such an access."""
        if fn is None or acc.deref or not acc.steps:
            return None
        steps, arr = acc.steps, acc.steps[0][0] == "[]"
        if arr:  # an element of a local array of structs: every element is this one object
            steps = steps[1:]
        if not steps or any(op != "." for op, _ in steps):
            return None
        agg = self.aggregate(acc.root, fn, file, arr)
        if agg is None:
            return None
        scope, cur = agg
        if scope == "param":
            return self.var_node(Access(acc.root), fn, file)
        path: list[str] = []
        owner = decl = None
        for _, name in steps:
            if cur is not None:
                st = self.p.structs.get(cur)
                if st is not None and st.kind == "union":
                    break  # members share storage: the union is one location
                inner = self.p._anonymous_member(cur, name, 0)
                if inner is not None and inner != cur and getattr(self.p.structs.get(inner), "kind", "") == "union":
                    break
                owner = inner
                decl = self.p.struct_fields[inner][name] if inner is not None else None
                cur = None if decl is None else (
                    decl.nested if decl.nested and decl.nested in self.p.struct_fields else self.p.struct_of(decl.type))
            else:
                owner = decl = None
            path.append(name)
        if not path:
            return self.var_node(Access(acc.root), fn, file)
        nid = f"local:{fn.file}:{fn.name}:{acc.root}{'[]' if arr else ''}.{'.'.join(path)}"
        if nid in self.g:
            return nid
        label = f"{owner or '?'}.{path[-1]}"
        n = self._node(nid, kind="local", label=label, name=path[-1], owner=fn.key, file=fn.file,
                       line=fn.local_lines.get(acc.root, fn.line), ambiguous=False)
        whole = self.whole_writes(fn).get(acc.root)
        if whole is not None:  # the variable is written as a whole (s = t, a call given &s): its parts too
            # each version of it a statement defines, when it has several (readTd(&Td)); else the
            # variable itself (when versioned, the variable's own node only collects the parts
            # stored into it: a part stored is not every other part)
            wholes = [self._version_node(fn, acc.root, d.node) for d in self.local_defs(fn).get(acc.root) or ()
                      if d.node is not None] or [self.var_node(Access(acc.root), fn, file)]
            for w in dict.fromkeys(wholes):
                self._edge(w, n, "field-load", fn, whole, via=acc.root)
        esc = self.escapes(fn).get(acc.root)
        if esc is not None and owner is not None:  # reached through a pointer elsewhere: the type's field
            shared = self.field_node(owner, path[-1], decl)
            self._edge(n, shared, "field-store", fn, esc, via=f"&{acc.root}")
            self._edge(shared, n, "field-load", fn, esc, via=f"&{acc.root}")
        return n

    def part_stores(self, fn: Function) -> dict:
        """Fields stored into local aggregates of ``fn`` (``s.f = v``, ``a[i].f = v``): name ->
        [((line, col), guards, access)] in statement order. Such a store is part of the whole
        variable for a later read of the whole (``&s`` to a call, ``t = s``) only: it never
        becomes the whole's value, which would hand it to the other fields (issue 27)."""
        memo = self.__dict__.setdefault("_parts_memo", {})
        got = memo.get(id(fn))
        if got is None:
            got = {}
            cfg = self.o.config
            for a in fn.assigns:
                t = a.target
                if not t.steps or t.deref or t.root not in fn.locals or cfg.excludes(a.preproc):
                    continue
                t = self.resolve_positional(t, fn, fn.file)
                if t is None or not any(op in ("->", ".") for op, _ in t.steps) or not self.held_by_value(t, fn, fn.file):
                    continue
                if self.p.var_type(t.root, fn, fn.file)[0] != "local":
                    continue
                got.setdefault(t.root, []).append(((a.line, a.col), tuple((g.kind, g.line, g.text) for g in a.guards), t))
            for v in got.values():
                v.sort(key=lambda x: x[0])
            memo[id(fn)] = got
        return got

    def parts_reaching(self, fn: Function, name: str, stmt, after: tuple | None) -> list[str]:
        """The field stores into local aggregate ``name`` that a read of the whole at ``stmt``
        sees: those before it (after ``after``, the position of a definition of the whole that
        replaced them), and those later in a loop around both (the previous round)."""
        parts = self.part_stores(fn).get(name)
        if not parts:
            return []
        if stmt is None:
            return [n for _, _, t in parts if (n := self.var_node(t, fn, fn.file)) is not None]
        pos = (stmt.line, stmt.col)
        loops = {g for g in ((g.kind, g.line, g.text) for g in stmt.guards) if g[0] in ("while", "for", "do")}
        out = []
        for p, guards, t in parts:
            if (after is not None and p <= after) or (p >= pos and not loops.intersection(guards)):
                continue
            n = self.var_node(t, fn, fn.file)
            if n is not None:
                out.append(n)
        return list(dict.fromkeys(out))

    def whole_writes(self, fn: Function) -> dict:
        """Local aggregates of ``fn`` written as a whole (``s = t``; ``&s``, or ``s`` by
        reference, given to a function that writes through that parameter or to a source model's
        out argument): name -> the first such statement."""
        memo = self.__dict__.setdefault("_whole_memo", {})
        got = memo.get(id(fn))
        if got is None:
            got = {}
            stmts = [(a.line, a.col, a.target.root, a) for a in fn.assigns
                     if not a.target.steps and not a.target.deref and (a.value.reads or a.value.calls)]
            for c in fn.calls:
                src = self.m.sources.get(c.callee)
                keys = self.p.resolve_function(c.callee, fn.file) if c.indirect is None else []
                for i, e in enumerate(c.args):
                    t = e.addr_of if e.addr_of is not None else (
                        e.reads[0] if len(e.reads) == 1 and not e.calls else None)
                    if t is None or t.steps or t.deref:
                        continue
                    by_addr = e.addr_of is not None or self.aggregate(t.root, fn, fn.file, True) is not None
                    if (src is not None and src.out_arg == i and by_addr) or any(
                            self._writes_through(k, i) for k in keys if by_addr or self._ref_param(k, i)):
                        stmts.append((c.line, c.col, t.root, c))
            for _, _, name, stmt in sorted(stmts, key=lambda x: x[:2]):
                got.setdefault(name, stmt)
            memo[id(fn)] = got
        return got

    def _modelled(self, name: str) -> bool:
        m = self.m
        return name in m.sources or bool(m.sinks_of(name)) or name in m.propagators or name in m.handles

    def _ref_param(self, key: str, i: int) -> bool:
        return any(i < len(d.params) and d.params[i].ref for d in self.p.functions.get(key, ()))

    def _kept_by_callee(self, fn: Function, c: Call, e) -> bool:
        """``&s`` (``s`` a local of a per-object struct, or a local array of them passed by
        name) given to functions of the tree that keep the pointer to themselves: they see
        ``s``'s own fields through their parameter."""
        t = e.addr_of if e.addr_of is not None else (Access(self._local_array(fn, e), [("[]", "")])
                                                     if self._local_array(fn, e) is not None else None)
        if t is None or t.deref or c.indirect is not None or t.root not in fn.locals:
            return False
        agg = self.aggregate(t.root, fn, fn.file, any(op == "[]" for op, _ in t.steps[:1]))
        if agg is None or not self.p.per_object(agg[1]):
            return False
        keys = self.p.resolve_function(c.callee, fn.file)
        i = c.args.index(e)
        return bool(keys) and all(self.param_escapes(k, i) is None for k in keys)

    def escapes(self, fn: Function) -> dict:
        """Local aggregates of ``fn`` whose address escapes: name -> the first statement where."""
        memo = self.__dict__.setdefault("_esc_memo", {})
        got = memo.get(id(fn))
        if got is not None:
            return got
        got = {}
        # (a modelled call - a sink, source or library function - says what it does with the
        # address; a call srcscan knows nothing of is not seen to keep it either)
        stmts = [(a.value, a) for a in fn.assigns] + [
            (e, c) for c in fn.calls if not self._modelled(c.callee)
            and (c.indirect is not None or self.p.resolve_function(c.callee, fn.file)) for e in c.args]
        for e, stmt in sorted(stmts, key=lambda x: (x[1].line, x[1].col)):
            if isinstance(stmt, Call) and self._kept_by_callee(fn, stmt, e):
                continue  # the callee's view of this very object (graph/pointees.py)
            if e.addr_of is not None and e.addr_of.root not in got and e.addr_of.root in fn.locals:
                got[e.addr_of.root] = stmt
            elif isinstance(stmt, Call) and len(e.reads) == 1 and not e.reads[0].steps and not e.calls \
                    and self.aggregate(e.reads[0].root, fn, fn.file, True) is not None:
                got.setdefault(e.reads[0].root, stmt)  # an array passed by name: its address
        for c in sorted(fn.calls, key=lambda c: (c.line, c.col)):
            for name in self._ref_args(fn, c):
                got.setdefault(name, c)
        memo[id(fn)] = got
        return got
