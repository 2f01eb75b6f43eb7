"""Library functions modelled by their effect on memory ([[library]] rows of queries/models):
``memcpy(dst, src, cb)`` puts the contents of ``src`` into what ``dst`` points to,
``RTMemDup(pv, cb)`` returns a copy of ``*pv``, ``RTMemAlloc(cb)`` returns fresh memory. Only
these contents flow: a size argument is a sink of its own ([[sink]] rows) and never reaches
the pointer, and no definition a tree happens to hold (a ROM's own memcpy) is used instead."""
from __future__ import annotations

from ..extract.records import Access, Call, Expr, Function
from .apimodels import LibraryModel


class LibraryCalls:
    """Mixed into the flow builder (``p``, ``_edge``, ``var_node``, ``_arg_sources``,
    ``points_to`` come from it)."""

    def library_call(self, fn: Function, c: Call, name: str, lib: LibraryModel) -> list[tuple]:
        """Add a library call's edges; return where its result comes from (as ``_call``)."""
        srcs: list[str] = []
        for i in lib.from_args:
            if i < len(c.args):
                srcs += self.contents_read(fn, c.args[i])
        if lib.to_arg is not None and lib.to_arg < len(c.args):
            for dst in self.contents_written(fn, c, c.args[lib.to_arg]):
                for s in dict.fromkeys(srcs):
                    self._edge(s, dst, "model", fn, c, via=name)
        out = []
        for i in lib.returns:
            if i < len(c.args):
                out += [(s, "model", name, False) for s in dict.fromkeys(self.contents_read(fn, c.args[i]))]
        return out

    def contents_read(self, fn: Function, arg: Expr) -> list[str]:
        """Where the memory an argument points to gets its value: the variable of ``&x``, the
        pointed-to value of a pointer parameter (what callers pass in), the values read."""
        out = [n for n, _ in self._arg_sources(fn, arg)]
        if arg.addr_of is not None:
            out += self.read_nodes(arg.addr_of, fn, fn.file)
        elif len(arg.reads) == 1 and not arg.calls:
            n = self._pointee(fn, arg.reads[0])
            out += [n] if n is not None else []
        return out

    def contents_written(self, fn: Function, c: Call, arg: Expr) -> list[str]:
        """The location(s) a write through an argument changes: ``x`` for ``&x`` (or a local
        pointer holding ``&x``), ``*p`` for a pointer parameter, the field or variable named."""
        if arg.addr_of is not None:
            n = self.written_at(fn, c, arg.addr_of)  # (the version of x this call defines)
            return [n] if n is not None else []
        if len(arg.reads) != 1 or arg.calls:
            return []
        n = self._pointee(fn, arg.reads[0])
        if n is None:
            n = self.var_node(arg.reads[0], fn, fn.file)
        return [n] if n is not None else []

    def _pointee(self, fn: Function, acc: Access) -> str | None:
        """The node for ``*acc`` when ``acc`` is a bare pointer parameter (its out node) or a
        local pointer known to hold ``&x`` (x); None otherwise."""
        if acc.steps or acc.deref:
            return None
        scope, _ = self.p.var_type(acc.root, fn, fn.file)
        if scope == "param":
            return self.var_node(Access(acc.root, [], True), fn, fn.file)
        if scope == "local":
            held = self.points_to(fn).get(acc.root)
            if held is not None:
                return self.var_node(held, fn, fn.file)
        return None
