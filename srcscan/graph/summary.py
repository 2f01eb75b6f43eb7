"""Function summaries for context-sensitive slicing: which parameters a function's result
depends on, and which parameters the values it writes back through pointer parameters depend
on. At each call the flow builder turns them into ``summary`` edges from that call's arguments
to that call's result (or ``&x`` argument), so a trace that entered a function through one call
leaves it only back to that call (query/slicing.py, the calling-context rule)."""
from __future__ import annotations

from ..extract.records import Call, Expr, Function


class Summaries:
    """Mixed into the flow builder (which provides ``p``, ``m``, ``o`` and
    ``_is_pointer_access``); summaries are memoised per function key."""

    _summaries: dict

    def summary(self, key: str) -> tuple[frozenset, dict]:
        """Which parameters a function's result depends on, and for each pointer parameter it
        writes through (``*p = ...``), which parameters that value depends on. Name-level and
        flow-insensitive over the function's own locals and parameters; values passing through
        fields or globals are not part of it (they are nodes of their own, shared by every
        context). Calls inside use their callees' summaries (recursion: what is known so far)."""
        got = self._summaries.get(key)
        if got is not None:
            return got
        self._summaries[key] = (frozenset(), {})
        cfg = self.o.config
        ret: set[int] = set()
        outs: dict[int, set[int]] = {}
        for fn in self.p.functions.get(key, ()):
            if cfg.excludes_fn(fn):
                continue
            pidx = {p.name: i for i, p in enumerate(fn.params)}
            deps: dict[str, set] = {}

            for a in fn.assigns:
                if cfg.excludes(a.preproc):
                    continue
                if [st for st in a.target.steps if st[0] in ("->", ".")]:
                    if self._by_value(fn, a.target):  # s.f = v on a local struct: part of s
                        deps.setdefault(a.target.root, set()).update(self._expr_deps(fn, a.value, deps))
                    continue
                v = self._expr_deps(fn, a.value, deps)
                if a.target.root in pidx and (a.target.deref or fn.params[pidx[a.target.root]].ref):
                    deps.setdefault("*" + a.target.root, set()).update(v)
                else:
                    deps.setdefault(a.target.root, set()).update(v)
            for i, c in enumerate(fn.calls):  # calls made for their effect on out arguments
                self._call_deps(fn, c, 1, deps)
                ind = c.indirect
                if ind is not None and len(ind.steps) == 1 and ind.last in self.m.container_store:
                    # v.push_back(x): x goes into the container (the caller's, for a parameter)
                    name = ("*" + ind.root) if ind.root in pidx else ind.root
                    for arg in c.args:
                        deps.setdefault(name, set()).update(self._expr_deps(fn, arg, deps))
            rv: set = set()
            for r in fn.returns:
                if not cfg.excludes(r.preproc):
                    rv |= self._expr_deps(fn, r.value, deps)

            ret |= _params_of(rv, deps, pidx)
            for name, i in pidx.items():
                if "*" + name in deps:
                    outs.setdefault(i, set()).update(_params_of(deps["*" + name], deps, pidx))
        got = self._summaries[key] = (frozenset(ret), {j: frozenset(d) for j, d in outs.items() if d})
        return got

    def _expr_deps(self, fn: Function, e: Expr, deps: dict, depth: int = 0) -> set:
        got: set = set()
        for acc in e.reads:
            if not [st for st in acc.steps if st[0] in ("->", ".")] or self._by_value(fn, acc):
                got.add(acc.root)
        if depth < 8:
            for ci in e.calls:
                got |= self._call_deps(fn, fn.calls[ci], depth + 1, deps)
        return got

    def _by_value(self, fn: Function, acc) -> bool:
        """``s.f`` on a struct held by value in ``fn`` (graph/objects.py): a part of ``s``."""
        return bool(acc.steps) and not acc.deref and all(op == "." for op, _ in acc.steps) \
            and self.aggregate(acc.root, fn, fn.file) is not None

    def _arg_deps(self, fn: Function, arg: Expr, deps: dict, depth: int) -> set:
        got = self._expr_deps(fn, arg, deps, depth)
        return got | {arg.addr_of.root} if arg.addr_of is not None else got

    def _call_deps(self, fn: Function, c: Call, depth: int, deps: dict) -> set:
        """Names a call's result depends on (for summaries), as the graph's edges would make it;
        records in ``deps`` what the call writes back through ``&x`` arguments."""
        m = self.m
        name = c.callee
        lib = m.library.get(name)
        if lib is not None:  # memcpy(dst, src, cb): *dst now depends on src; the result on its `returns`
            got = set()
            for i in lib.from_args:
                if i < len(c.args):
                    got |= self._arg_deps(fn, c.args[i], deps, depth)
            dst = c.args[lib.to_arg] if lib.to_arg is not None and lib.to_arg < len(c.args) else None
            if dst is not None and dst.addr_of is not None and not dst.addr_of.steps:
                deps.setdefault(dst.addr_of.root, set()).update(got)
            elif dst is not None and len(dst.reads) == 1 and not dst.reads[0].steps and not dst.calls:
                root = dst.reads[0].root
                pointer_param = any(p.name == root for p in fn.params)
                deps.setdefault(("*" + root) if pointer_param else root, set()).update(got)
            return set().union(*(self._arg_deps(fn, c.args[i], deps, depth) for i in lib.returns if i < len(c.args)))
        if name in m.sources or name in m.sinks or name in m.handles:
            return set()
        prop = m.propagators.get(name)
        if prop is not None:
            positions = range(len(c.args)) if prop == "all" else [i for i in prop if i < len(c.args)]
            got: set = set()
            for i in positions:
                got |= self._expr_deps(fn, c.args[i], deps, depth)
                if c.args[i].addr_of is not None:
                    got.add(c.args[i].addr_of.root)
            return got
        keys = self.p.resolve_function(name, fn.file) if c.indirect is None else []
        if not keys:
            if c.indirect is not None:
                return set()
            got = set()
            for arg in c.args:
                if arg.string is None:
                    got |= {acc.root for acc in arg.reads if not acc.steps and not self._is_pointer_access(acc, fn)}
            return got
        got = set()
        for key in keys:
            ret_deps, out_deps = self.summary(key)
            for i in ret_deps:
                if i < len(c.args):
                    got |= self._expr_deps(fn, c.args[i], deps, depth)
                    if c.args[i].addr_of is not None:
                        got.add(c.args[i].addr_of.root)
            callee = self.p.functions[key][0]
            for j, ds in out_deps.items():
                t = self.out_target(fn, callee, j, c.args[j]) if j < len(c.args) else None
                if t is not None and not t.steps:
                    tgt = deps.setdefault(t.root, set())
                    for i in ds:
                        if i < len(c.args):
                            tgt |= self._expr_deps(fn, c.args[i], deps, depth)
        return got


def _params_of(names: set, deps: dict, pidx: dict) -> set[int]:
    """The parameters (by position) that names depend on, through ``deps`` transitively."""
    seen, todo = set(), list(names)
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        todo.extend(deps.get(n, ()))
    return {pidx[n] for n in seen if n in pidx}
