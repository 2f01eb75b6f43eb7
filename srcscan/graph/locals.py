"""Flow-sensitive locals: a local assigned more than once is one node per definition, and each
use reads the definitions that reach it (reaching definitions over the statement order and the
enclosing conditions the facts record; no control-flow graph is built).

A definition D reaches a use U when D comes before U and no later definition K before U
*dominates* U (K's enclosing conditions are a prefix of U's and its #if conditions a subset of
U's: whenever U runs, K ran), or when D comes after U inside a loop that encloses both and no
definition inside that loop dominates U before it (the value of the previous iteration).
``goto`` and early exits are not seen; a local whose address is taken, or a pointer, stays one
node (it may change behind the statements' backs) - except a local whose address is only ever
passed straight to calls (``f(&x)``), one of which a model says writes it (a source's out
argument, a library copy's destination): each such call is a definition of ``x`` like an
assignment (``SSMR3GetU64(pSSM, &u64)`` twice in a row: two versions). A call through ``&x``
that no model says writes (a function of the tree, an unknown one) is a definition too, but
the value from before it reaches on (the callee may leave it as it was)."""
from __future__ import annotations

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
            pps = [frozenset(a.preproc) for a in lst]
            if not any(x <= y or y <= x for i, x in enumerate(pps) for y in pps[i + 1:]):
                continue  # one definition per #if branch: one variable in any configuration
            # versions are numbered in statement order (name@1, name@2 ...), not by line, so
            # that moving code does not make new nodes (history, bisect and blame compare ids)
            out[name] = [_Def((a.line, a.col), _gkey(a), frozenset(a.preproc), (i, a.line))
                         for i, a in enumerate(sorted(lst, key=lambda a: (a.line, a.col)), 1)]
        self._lv_memo[id(fn)] = out
        return out

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
        return self.var_node(acc, fn, fn.file)

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
                for old in self.read_nodes(t, fn, fn.file):
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
        for d in vs:
            if d.pos == (a.line, a.col):
                return self._version_node(fn, a.target.root, d.node)
        return None

    def read_nodes(self, acc: Access, fn, file: str) -> list[str]:
        """The nodes a read of ``acc`` in the statement being built (``_at``) takes its value from."""
        stmt = self._at
        if fn is not None and stmt is not None and not acc.steps and not acc.deref:
            vs = self.local_defs(fn).get(acc.root)
            if vs is not None:
                return [self._version_node(fn, acc.root, d.node if d is not None else None)
                        for d in self._reaching(vs, stmt)]
        n = self.var_node(acc, fn, file)
        return [] if n is None else [n]

    @staticmethod
    def _reaching(vs: list[_Def], stmt) -> list:
        pos, guards, pp = (stmt.line, stmt.col), _gkey(stmt), frozenset(stmt.preproc)
        before = [d for d in vs if d.pos < pos]
        out = []
        for i, d in enumerate(before):
            if not any(_dominates(k, guards, pp) for k in before[i + 1:]):
                out.append(d)
        loops = [g for g in guards if g[0] in _LOOPS]
        if loops:
            for d in vs:
                if d.pos < pos:
                    continue
                shared = [g for g in loops if g in d.guards]
                if not shared:
                    continue
                loop = shared[-1]  # the innermost loop around both: the value of its previous round
                if not any(loop in k.guards and _dominates(k, guards, pp) for k in before):
                    out.append(d)
        if not before or not any(_dominates(k, guards, pp) for k in before):
            out.append(None)  # the value it had before any definition seen (or a way round them)
        return out
