"""A parameter object is per call (issue 27; docs/objects.md): what a function reaches through
a pointer parameter (``param:<fn>#i*.<path>``: an HGCM call's ``paParms``, a request the
guest handed over) is filled anew for each call, so a value written into it reaches only the
reads that may run after the write within the same invocation. Device or global state, which
persists across calls, stays one node.

Each statement of ``fn`` that writes a path of its parameter ``i``'s object is a definition of
it with a node of its own, ``param:<fn>#i*.<path>@k`` (``k`` its number in statement order, not a
line: history, bisect and blame compare ids): a store ``p->path = v``, or a call passing the
object (or ``&p->a``) to a function that writes it (``pointee_paths``: ``-2``). The node without
``@k`` is the object as the caller handed it in. A read at a statement takes the definitions
that may run before it: earlier in statement order and not in an exclusive branch (the other
arm of an ``if``/``else``, another ``case`` of the same ``switch``), or anywhere inside a loop
around both (its previous round); and the value handed in unless a store before it always runs
when it does. A call that may leave the object as it was keeps the value from before it. What
flows back to the caller (``out``) are the definitions: the write-back is still the callee's
output. Reasoned over the statement order and the enclosing conditions the facts record, like
the versions of locals (graph/locals.py): no control-flow graph; ``goto``, early exits and a
``case`` falling into the next without ``break`` are not seen (the facts do not record them).
Mixed into the flow builder."""
from __future__ import annotations

from ..extract.records import Access, Assign, Call, Function
from .locals import _LOOPS, _dominates, _gkey


class _PDef:
    __slots__ = ("pos", "guards", "pp", "strong", "num", "line")

    def __init__(self, pos, guards, pp, strong, num, line):
        self.pos, self.guards, self.pp, self.strong, self.num, self.line = pos, guards, pp, strong, num, line


def _exclusive(a: tuple, b: tuple) -> bool:
    """Whether statements under guards ``a`` and ``b`` are in exclusive branches: at the first
    condition where they part, one is in the ``if`` arm and the other in its ``else``, or each in
    another ``case`` of one ``switch``."""
    for x, y in zip(a, b):
        if x == y:
            continue
        if x[0] == "case" and y[0] == "case":
            return True
        return {x[0], y[0]} == {"if", "else"} and x[1] == y[1]
    return False


def _loops(guards: tuple) -> set:
    return {g for g in guards if g[0] in _LOOPS}


class ParamVersions:
    """Needs ``p``, ``o``, ``g``, ``_node``, ``_edge``, ``_pp``, ``param_aliases``,
    ``_names_of``, ``_pointee_path``, ``_arg_prefix``, ``_one_location``, ``_direct``,
    ``pointee_paths``, ``_param_field``, ``_local_array``, ``_filled``, ``_roots``, ``var_node``
    and ``resolve_positional`` from the flow builder."""

    def pobj_defs(self, fn: Function) -> dict[str, list[_PDef]]:
        """Object node -> the statements of ``fn`` writing it, in statement order: for what a
        parameter points to (``param:<fn>#i*.<path>``) its stores and the calls it is handed
        to that write it; for the caller's own object handed to such a call (a local struct's
        field, a local array's, the buffer a local pointer holds) those calls."""
        memo = self.__dict__.setdefault("_pdefs_memo", {})
        got = memo.get(id(fn))
        if got is not None:
            return got
        memo[id(fn)] = {}  # (a call inside may ask again)
        cfg = self.o.config
        raw: dict[str, dict[tuple, tuple]] = {}
        keys = self.__dict__.setdefault("_pobj_keys", {})
        aliases = self.param_aliases(fn)
        called = self._called(fn.name)

        def add(node, stmt, strong):
            raw.setdefault(node, {}).setdefault((stmt.line, stmt.col), (stmt, strong))

        def add_param(i, path, stmt, strong):  # path ``path`` of what parameter ``i`` points to
            node = f"param:{fn.key}#{i}*.{'.'.join(path)}"
            keys[node] = (i, path)
            add(node, stmt, strong)

        if aliases and called:
            for a in fn.assigns:
                if a.target.root not in aliases or cfg.excludes(a.preproc):
                    continue
                t = self.resolve_positional(a.target, fn, fn.file)
                pp = self._pointee_path(t, fn, fn.file) if t is not None else None
                if pp is not None:
                    add_param(*pp, a, True)
        filled = self._filled(fn)
        for c in fn.calls:
            if c.indirect is not None or cfg.excludes(c.preproc) or self.p.is_cast(c):
                continue
            callees = None
            if aliases and called:  # &p->f handed to a function (or a model) writing through it
                for j, e in enumerate(c.args):
                    t = e.addr_of
                    if t is None or t.root not in aliases or not t.steps:
                        continue
                    pp = self._pointee_path(t, fn, fn.file)
                    if pp is None:
                        continue
                    callees = self._direct(fn, c) if callees is None else callees
                    if j in self.model_writes(c) or any(self._writes_through(k, j) for k in callees):
                        add_param(*pp, c, False)
            for j, e in enumerate(c.args):
                prefix = self._arg_prefix(fn, e, set(aliases)) if called else None
                t = e.addr_of
                local = t is not None and t.root in fn.locals and not t.deref
                arr = self._local_array(fn, e) if prefix is None and not local else None
                held = None if prefix is not None or local or arr is not None or not filled else next(
                    (r.root for r in self._roots(fn, e) if not r.steps and not r.deref and r.root in filled), None)
                if prefix is None and not local and arr is None and held is None:
                    continue  # (no object of this function's)
                callees = self._direct(fn, c) if callees is None else callees
                written = [path for k in callees for path, deps in self.pointee_paths(k, j).items() if -2 in deps]
                if not written:
                    continue
                if prefix is not None:  # the function's own parameter object, handed on
                    root = t.root if t is not None else next(
                        (r.root for r in self._roots(fn, e) if r.root in aliases and not r.steps and not r.deref), None)
                    i = aliases.get(root)
                    if i is None:
                        continue
                    if prefix and self._one_location(fn, i, prefix[0]):
                        continue
                    for path in written:
                        full = prefix + path
                        if not prefix and self._one_location(fn, i, full[0]):
                            continue
                        add_param(i, full, c, False)
                    continue
                for path in written:  # the caller's own object (as pointees.py pointee_args names it)
                    if local:
                        n = self.var_node(Access(t.root, [s for s in t.steps if s[0] != "[]"] +
                                                 [(".", x) for x in path]), fn, fn.file)
                    elif arr is not None:
                        n = self.var_node(Access(arr, [("[]", "")] + [(".", x) for x in path]), fn, fn.file)
                    else:
                        n = self.var_node(Access(held), fn, fn.file)
                    if n is not None and self.g.nodes[n].get("kind") == "local":
                        add(n, c, False)
        got = {}
        for node, at in raw.items():
            got[node] = [_PDef(pos, _gkey(s), self._pp(s), strong, n, s.line)
                         for n, (pos, (s, strong)) in enumerate(sorted(at.items()), 1)]
        memo[id(fn)] = got
        return got

    def _pobj_version(self, fn: Function, node: str, d: _PDef) -> str:
        nid = f"{node}@{d.num}" if node.startswith("param:") else f"{node}@c{d.num}"
        if nid in self.g:
            return nid
        if node not in self.g:  # (a parameter object no statement read yet)
            i, path = self.__dict__["_pobj_keys"][node]
            self._param_field(fn, i, path)
        a = self.g.nodes[node]
        self.__dict__.setdefault("_pobj_base", {})[nid] = node
        extra = {"pointee": True} if a.get("pointee") else {}
        return self._node(nid, kind=a["kind"], label=a["label"], name=a["name"], owner=fn.key, file=fn.file,
                          line=d.line, ambiguous=False, **extra)

    def pobj_reaching(self, fn: Function, node: str, stmt) -> list[str]:
        """The versions of object ``node`` (one of ``fn``'s) a read at ``stmt`` takes."""
        defs = self.pobj_defs(fn).get(node)
        if not defs:
            return [node]
        if stmt is None:
            return [node] + [self._pobj_version(fn, node, d) for d in defs]
        pos, guards, pp = (stmt.line, stmt.col), _gkey(stmt), self._pp(stmt)
        loops = _loops(guards)
        kill = None  # the last store before the read that always runs when it does
        for d in defs:
            if d.pos >= pos:
                break
            if d.strong and _dominates(d, guards, pp):
                kill = d
        out = [] if kill is not None else [node]
        for d in defs:
            around = loops & _loops(d.guards)  # loops around both: the previous round reaches
            if kill is not None and around:
                around = {g for g in around if g not in kill.guards}
            if d.pos < pos and (kill is None or d.pos >= kill.pos):
                if not _exclusive(d.guards, guards) or around:
                    out.append(self._pobj_version(fn, node, d))
            elif around:
                out.append(self._pobj_version(fn, node, d))
        return out

    def pobj_contents(self, fn: Function, arg) -> list[str]:
        """What calls before wrote back into the buffer a local pointer argument holds (its
        versions that reach this call). The pointer's own node stands for the buffer only where
        its contents are read (a callee's parameter object, a sink): a plain read of the
        pointer (``Lock.pvReq = pBuf``) is the pointer, not what was written into the buffer."""
        out: list[str] = []
        for r in arg.reads:
            if r.steps or r.deref or r.root not in fn.locals:
                continue
            n = self.var_node(r, fn, fn.file)
            if n is not None and n in self.pobj_defs(fn):
                out += [v for v in self.pobj_reaching(fn, n, self._at) if v != n]
        return out

    def pobj_written(self, fn: Function, node: str, stmt) -> str:
        """The version of object ``node`` that statement ``stmt`` defines (``node`` itself when
        it defines none: an indirect call, a statement outside the function). ``node`` may be a
        version a read took: its object's."""
        node = self.__dict__.get("_pobj_base", {}).get(node, node)
        for d in (self.pobj_defs(fn).get(node, ()) if stmt is not None else ()):
            if d.pos == (stmt.line, stmt.col):
                return self._pobj_version(fn, node, d)
        return node

    def pobj_exits(self, fn: Function, i: int, path: tuple[str, ...], node: str) -> list[str]:
        """What ``fn`` hands back to its caller of path ``path`` of parameter ``i``'s object:
        the versions its statements define (``node``, the object handed in, when none does)."""
        defs = self.pobj_defs(fn).get(node)
        return [self._pobj_version(fn, node, d) for d in defs] if defs else [node]

    def pobj_store(self, fn: Function, a: Assign, dst: str) -> str:
        """The node a store ``p->path = v`` writes: its own version of the object's path."""
        if fn is None or not self.g.nodes[dst].get("pointee"):
            return dst
        new = self.pobj_written(fn, dst, a)
        if new != dst and a.op not in ("=", "init"):  # p->f += v: made from the value before
            for old in self.pobj_reaching(fn, dst, a):
                self._edge(old, new, "assign", fn, a)
        return new

    def pobj_keep(self, fn: Function, c: Call) -> None:
        """A call writing an object may leave it as it was: its version holds the value from
        before it too."""
        if c.indirect is not None:
            return
        for node, defs in self.pobj_defs(fn).items():
            d = next((d for d in defs if d.pos == (c.line, c.col)), None)
            if d is None:
                continue
            new = self._pobj_version(fn, node, d)
            for old in self.pobj_reaching(fn, node, c):
                self._edge(old, new, "assign", fn, c, via=c.callee)
