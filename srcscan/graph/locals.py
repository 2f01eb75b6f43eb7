"""Flow-sensitive locals: a local assigned more than once is one node per definition, and each
use reads the definitions that reach it (reaching definitions over the statement order and the
enclosing conditions the facts record; no control-flow graph is built).

A definition D reaches a use U when D comes before U and no later definition K before U
*dominates* U (K's enclosing conditions are a prefix of U's and its #if conditions a subset of
U's: whenever U runs, K ran), or when D comes after U inside a loop that encloses both and no
definition inside that loop dominates U before it (the value of the previous iteration).
``goto`` and early exits are not seen; a local whose address is taken (``&x``, or passed to a
C++ reference parameter), or a pointer, stays one node (it may change behind the statements'
backs) - except a local whose address is only ever passed straight to calls (``f(&x)``), one
of which a model says writes it (a source's out argument, a library copy's destination): each
such call is a definition of ``x`` like an assignment (``SSMR3GetU64(pSSM, &u64)`` twice in a
row: two versions). A call through ``&x`` that no model says writes (a function of the tree,
an unknown one) is a definition too, but the value from before it reaches on (the callee may
leave it as it was). Under a configuration (``-D``/``-U``) an #if condition it makes true is
no condition: an assignment inside ``#ifdef X`` replaces the value before it under ``-D X``."""
from __future__ import annotations

from bisect import bisect_left

from ..extract.ppcond import HDR_NOTE, evaluate
from ..extract.records import Access, Assign, Call, Function

_LOOPS = ("while", "for", "do")


class _Def:
    __slots__ = ("pos", "guards", "pp", "node")

    def __init__(self, pos, guards, pp, node):
        self.pos, self.guards, self.pp, self.node = pos, guards, pp, node


def _gkey(stmt) -> tuple:
    return tuple((g.kind, g.line, g.text) for g in stmt.guards)


def _dominates(k: _Def, guards: tuple, pp: frozenset) -> bool:
    return guards[:len(k.guards)] == k.guards and k.pp <= pp


class LocalVersions:
    """Mixed into the flow builder: ``p``, ``o``, ``_node``, ``_is_pointer_access`` and the
    statement being built (``_at``) come from it."""

    _lv_memo: dict

    def local_defs(self, fn: Function) -> dict[str, list[_Def]]:
        """name -> its definitions in statement order, for the locals that get versions."""
        memo = self._lv_memo.get(id(fn))
        if memo is not None:
            return memo
        cfg = self.o.config
        taken = {t.root for t in self.points_to(fn).values()}  # locals a pointer holds the address of

        for a in fn.assigns:
            if a.value.addr_of is not None:
                taken.add(a.value.addr_of.root)
        for c in fn.calls:
            taken.update(self._ref_args(fn, c))  # a C++ reference parameter: the callee may change it
        params = {p.name for p in fn.params}
        defs: dict[str, list[Assign | Call]] = {}
        strong: set[str] = set()  # written through &x by a call a model says writes it
        for c in fn.calls:
            writes = self.model_writes(c)
            for i, e in enumerate(c.args):
                t = e.addr_of
                if t is None:
                    continue
                if t.steps or t.deref or t.root in params or t.root not in fn.locals:
                    taken.add(t.root)
                elif not cfg.excludes(c.preproc):
                    defs.setdefault(t.root, []).append(c)
                    if i in writes:
                        strong.add(t.root)
        taken |= {n for n in defs if n not in strong}  # &x only to calls no model says write it
        for a in fn.assigns:
            t = a.target
            if t.steps or t.deref or t.root in params or t.root not in fn.locals or t.root in taken \
                    or cfg.excludes(a.preproc):
                continue
            defs.setdefault(t.root, []).append(a)
        out: dict[str, list[_Def]] = {}
        for name, lst in defs.items():
            if len(lst) < 2 or self.p.is_pointer(fn.locals.get(name)):
                continue
            pps = [self._pp(a) for a in lst]
            if not any(x <= y or y <= x for i, x in enumerate(pps) for y in pps[i + 1:]):
                continue  # one definition per #if branch: one variable in any configuration
            # versions are numbered in statement order (name@1, name@2 ...), not by line, so
            # that moving code does not make new nodes (history, bisect and blame compare ids)
            out[name] = [_Def((a.line, a.col), _gkey(a), self._pp(a), (i, a.line))
                         for i, a in enumerate(sorted(lst, key=lambda a: (a.line, a.col)), 1)]
        self._lv_memo[id(fn)] = out
        return out

    def _pp(self, stmt) -> frozenset:
        """A statement's #if conditions that the configuration leaves open: one it makes true
        (``#ifdef X`` under ``-D X``) holds whenever the code runs, so an assignment under it
        replaces the value before it like one outside any #if."""
        cfg = self.o.config
        # (a condition's [hdr: ] marker names its #if line: the same condition at two lines is
        # one condition, as written, with what the headers decide of it)
        conds = [cfg.resolve(c) for c in stmt.preproc] if any(HDR_NOTE in c for c in stmt.preproc) else stmt.preproc
        if not (cfg.defines or cfg.undefs):
            return frozenset(conds)
        memo = self.__dict__.setdefault("_pp_true", {})  # condition -> made true by the configuration
        out = []
        for c in conds:
            t = memo.get(c)
            if t is None:
                t = memo[c] = evaluate(c, cfg) is True
            if not t:
                out.append(c)
        return frozenset(out)

    def _ref_args(self, fn: Function, c) -> set[str]:
        """Locals this call passes to a C++ reference parameter: the callee may change them
        (like ``&x``), so their own assignments do not tell their value."""
        got: set[str] = set()
        cands = [i for i, e in enumerate(c.args)
                 if len(e.reads) == 1 and not e.calls and not e.reads[0].steps and not e.reads[0].deref
                 and e.reads[0].root in fn.locals]
        if not cands:
            return got
        if c.indirect is None:
            keys = self.p.resolve_function(c.callee, fn.file) or self.p.own_method(fn, c.callee)
        else:
            keys = self._method_targets(fn, c.indirect)
        for key in keys:
            for d in self.p.functions.get(key, ()):
                got.update(c.args[i].reads[0].root for i in cands if i < len(d.params) and d.params[i].ref)
        return got

    def model_writes(self, c: Call) -> set[int]:
        """Argument positions a call writes through by its model (a source's out argument, a
        library function's destination)."""
        m = self.m
        name = c.callee
        if c.indirect is not None and c.indirect.steps and c.indirect.last in m.member_names:
            name = c.indirect.last
        src, lib = m.sources.get(name), m.library.get(name)
        return {i for i in (src.out_arg if src else None, lib.to_arg if lib else None) if i is not None}

    def written_at(self, fn: Function, c: Call, acc: Access) -> str | None:
        """The node a call writing through ``&acc`` writes: the version of a local it defines
        (see local_defs), else the variable's node."""
        if not acc.steps and not acc.deref:
            for d in self.local_defs(fn).get(acc.root, ()):
                if d.pos == (c.line, c.col):
                    return self._version_node(fn, acc.root, d.node)
        n = self.var_node(acc, fn, fn.file)
        if n is not None and self.g.nodes[n].get("pointee"):  # &p->f: this call's version of it
            return self.pobj_written(fn, n, c)
        return n

    def keep_through_call(self, fn: Function, c: Call) -> None:
        """A call passing ``&x`` that no model says writes ``x`` defines a version of it that
        still holds the value from before the call (the callee may not write it)."""
        writes = None
        for i, e in enumerate(c.args):
            t = e.addr_of
            if t is None or t.steps or t.deref or t.root not in self.local_defs(fn):
                continue
            writes = self.model_writes(c) if writes is None else writes
            if i not in writes:
                new = self.written_at(fn, c, t)
                self._no_parts = True  # (a field stored before stays that field's: not the whole's)
                try:
                    olds = self.read_nodes(t, fn, fn.file)
                finally:
                    self._no_parts = False
                for old in olds:
                    self._edge(old, new, "assign", fn, c, via=c.callee)

    def _version_node(self, fn: Function, name: str, tag: tuple[int, int] | None) -> str:
        base = f"local:{fn.file}:{fn.name}:{name}"
        line = fn.local_lines.get(name, fn.line)
        if tag is not None:
            base += f"@{tag[0]}"
            line = tag[1]
        return self._node(base, kind="local", label=f"{fn.name}:{name}", name=name, owner=fn.key, file=fn.file,
                          line=line, ambiguous=False)

    def def_node(self, fn: Function, a: Assign) -> str | None:
        """The node an assignment to a versioned local defines, or None when not versioned."""
        if a.target.steps or a.target.deref:
            return None
        vs = self.local_defs(fn).get(a.target.root)
        if vs is None:
            return None
        d = self._lv_index(vs).at.get((a.line, a.col))
        return None if d is None else self._version_node(fn, a.target.root, d.node)

    def read_nodes(self, acc: Access, fn, file: str) -> list[str]:
        """The nodes a read of ``acc`` in the statement being built (``_at``) takes its value from."""
        stmt = self._at
        parts = fn is not None and not acc.steps and not acc.deref and not self.__dict__.get("_no_parts")
        if fn is not None and stmt is not None and not acc.steps and not acc.deref:
            vs = self.local_defs(fn).get(acc.root)
            if vs is not None:
                ds = self._reaching(vs, stmt)
                out = [self._version_node(fn, acc.root, d.node if d is not None else None) for d in ds]
                if parts:  # the fields stored since the definition that replaced them
                    after = None if ds[-1] is None else ds[0].pos
                    out += self.parts_reaching(fn, acc.root, stmt, after)
                return out
        n = self.var_node(acc, fn, file)
        if n is not None and fn is not None and (self.g.nodes[n].get("pointee") or (
                acc.steps and self.g.nodes[n].get("kind") == "local" and n in self.pobj_defs(fn))):
            return self.pobj_reaching(fn, n, stmt)  # per-call storage (graph/pversions.py)
        out = [] if n is None else [n]
        if parts and n is not None:
            out += self.parts_reaching(fn, acc.root, stmt, None)
        return out

    def _lv_index(self, vs: list[_Def]) -> "_Index":
        memo = self.__dict__.setdefault("_lv_indexes", {})
        got = memo.get(id(vs))
        if got is None or got[0] is not vs:
            got = memo[id(vs)] = (vs, _Index(vs))
        return got[1]

    def _reaching(self, vs: list[_Def], stmt) -> list:
        pos, guards, pp = (stmt.line, stmt.col), _gkey(stmt), self._pp(stmt)
        return _reach(vs, self._lv_index(vs), pos, guards, pp)


class _Index:
    """A local's definitions (in statement order) indexed for ``_reach``: their positions, to
    find the ones before a use by bisection, and for each loop around definitions the indexes
    of the definitions inside it."""

    __slots__ = ("pos", "at", "loops")

    def __init__(self, vs: list[_Def]):
        self.pos = [d.pos for d in vs]
        self.at: dict[tuple, _Def] = {}
        self.loops: dict[tuple, list[int]] = {}
        for i, d in enumerate(vs):
            self.at.setdefault(d.pos, d)
            for g in dict.fromkeys(d.guards):
                if g[0] in _LOOPS:
                    self.loops.setdefault(g, []).append(i)


def _reach(vs: list[_Def], ix: _Index, pos: tuple, guards: tuple, pp: frozenset) -> list:
    """The definitions of ``vs`` that reach a use at ``pos`` (see the module's docstring), None
    for the value from before them, in statement order. Near-linear: the definitions before the
    use that reach it are those from the last one that dominates it on (one backward scan that
    stops there, so its cost is the answer's size); a loop's previous round reaches only when no
    definition inside that loop dominates the use, and only definitions inside such loops are
    looked at (a function assigning ``rc`` thousands of times is no longer cubic)."""
    n = bisect_left(ix.pos, pos)  # vs[:n]: the definitions before the use
    j = n - 1
    while j >= 0 and not _dominates(vs[j], guards, pp):
        j -= 1
    out: list = list(vs[max(j, 0):n])
    loops = [g for g in guards if g[0] in _LOOPS]
    if loops and n < len(vs):
        blocked: dict[tuple, bool] = {}  # loop -> a definition inside it dominates the use
        for g in loops:
            if g in blocked:
                continue
            inside = ix.loops.get(g, ())
            b = j >= 0 and g in vs[j].guards
            k = bisect_left(inside, n) - 1
            while not b and k >= 0:  # (only definitions after the last dominating one, in
                b = _dominates(vs[inside[k]], guards, pp)  # structured code: the answer's)
                k -= 1
            blocked[g] = b
        later = sorted({i for g in loops if not blocked[g] for i in ix.loops.get(g, ()) if i >= n})
        for i in later:
            d = vs[i]
            shared = [g for g in loops if g in d.guards]
            if shared and not blocked[shared[-1]]:  # the innermost loop around both: its previous round
                out.append(d)
    if j < 0:
        out.append(None)  # the value it had before any definition seen (or a way round them)
    return out
