"""What each function's facts name, computed once per function where the facts are made
(in the parser workers) and kept on the function, so a graph built on demand needs no pass
over every function body to know which ones to build, and a revision's unchanged files bring
them along.

    function_keys(fn)   the index keys of the nodes a function's edges can touch (graph/demand.py
                        says what each key means); None when they cannot be told before resolution
    fp_refs(fn)         the assignments and call arguments that are a bare name (``f``, ``&f``):
                        the only places a function can be stored into a pointer slot
    indexed_accesses(fn) the access paths that index and then name a field (a pointer used as
                        an array: its struct exists as many objects)
    buffer_casts(fn)    the types a value made by pointer arithmetic is cast to
                        (``(PHDR)((uint8_t *)pRing + off)``: a record in a buffer, one of many)
"""
from __future__ import annotations

import re
import sys

from .records import Access, Expr, FileFacts, Function


def bare_name(e: Expr) -> str | None:
    """The name an expression is, alone: ``f`` or ``&f`` (a function stored or passed), else None."""
    if e.calls:
        return None
    if e.addr_of is not None:
        return e.addr_of.root if not e.addr_of.steps and not e.addr_of.deref and not e.reads else None
    if len(e.reads) == 1 and not e.reads[0].steps and not e.reads[0].deref:
        return e.reads[0].root
    return None


def fp_refs(fn: Function) -> tuple[list[tuple[int, str]], list[tuple[int, str, list[tuple[int, str]]]]]:
    """(assignment index, name) of the assignments whose value is a bare name, and (call
    index, callee, [(argument index, name)]) of the direct calls with bare-name arguments.
    Kept on the function, so its body need not be read to learn them."""
    memo = fn.__dict__.get("_fp_refs")
    if memo is None:
        own = fn.locals  # (a local or parameter is never a function: such names are left out)
        assigns = [(i, r) for i, a in enumerate(fn.assigns) if (r := bare_name(a.value)) is not None and r not in own]
        calls = []
        for i, c in enumerate(fn.calls):
            if c.indirect is None and c.args:
                names = [(j, r) for j, x in enumerate(c.args) if (r := bare_name(x)) is not None and r not in own]
                if names:
                    calls.append((i, c.callee, names))
        memo = fn.__dict__["_fp_refs"] = (assigns, calls) if assigns or calls else _NONE
    return memo


_NONE = ((), ())  # (one shared value for the many functions that store or pass no bare name)


def indexed_accesses(fn: Function) -> list[Access]:
    """Access paths of a function that index something and then name a field of the element
    (``pa[i].x``, ``p->paX[i].y``) or take the element whole (``&paParms[1]`` handed to a
    helper, ``pa[i]`` copied): where a pointer is used as an array. Kept on the function."""
    memo = fn.__dict__.get("_indexed")
    if memo is None:
        memo = fn.__dict__["_indexed"] = list(_indexed_accesses(fn))
    return memo


def _indexed_accesses(fn: Function):
    def pick(accs):
        for a in accs:
            st = a.steps
            if any(op == "[]" and (i + 1 == len(st) or st[i + 1][0] in (".", "->"))
                   for i, (op, _) in enumerate(st)):
                yield a

    def elements(exprs):
        for e in exprs:
            yield from pick(e.reads)
            if e.addr_of is not None:
                yield from pick([e.addr_of])
    for a in fn.assigns:
        yield from pick([a.target])
        yield from elements([a.value])
    for c in fn.calls:
        yield from elements(c.args)
    for r in fn.returns:
        yield from elements([r.value])


# a cast to a type of an expression doing pointer arithmetic: ``(T)(p + off)``, ``(T *)&ab[off]``
_CAST = re.compile(r"\s*\(\s*((?:const\s+|volatile\s+|struct\s+)*[A-Za-z_][A-Za-z0-9_:]*\s*\**)\s*(?:const\s*)?\)\s*(.+)$",
                   re.S)
_ARITH = re.compile(r"^\s*(?:\(.*[^-]?[-+][^-+>].*\)|&.*\[.+\])\s*$", re.S)


def buffer_casts(fn: Function) -> tuple[str, ...]:
    """The types (as written) that values made by pointer arithmetic are cast to in ``fn``'s
    assignments and returns. Kept on the function, so deciding which structs are many objects
    decodes no function body."""
    memo = fn.__dict__.get("_buffer_casts")
    if memo is None:
        got = []
        for e in [a.value for a in fn.assigns] + [r.value for r in fn.returns]:
            m = _CAST.match(e.text or "")
            if m is not None and _ARITH.search(m.group(2)):
                got.append(m.group(1).strip())
        memo = fn.__dict__["_buffer_casts"] = tuple(dict.fromkeys(got))
    return memo


_IDENT_ONLY = re.compile(r"^\s*\(?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)?\s*$")


def record_casts(fn: Function) -> tuple[tuple[str, str], ...]:
    """(type, variable) of the casts of a variable to a pointer type in ``fn``'s assignments
    (``REQ *pReq = (REQ *)pHdr``): a struct read through another struct's pointer. Kept on
    the function like ``buffer_casts``."""
    memo = fn.__dict__.get("_record_casts")
    if memo is None:
        got = []
        for a in fn.assigns:
            m = _CAST.match(a.value.text or "")
            v = _IDENT_ONLY.match(m.group(2)) if m is not None and m.group(1).strip() else None
            if v is not None:
                got.append((m.group(1).strip(), v.group(1)))
        memo = fn.__dict__["_record_casts"] = tuple(dict.fromkeys(got))
    return memo


def precompute(ff: FileFacts) -> FileFacts:
    """Compute and keep every function's keys and bare-name references (done by the parser
    workers: cheaper to carry in the facts than to compute again where they are read)."""
    for fn in ff.functions:
        function_keys(fn)
        fp_refs(fn)
        indexed_accesses(fn)
        buffer_casts(fn)
        record_casts(fn)
    return ff


class _Eager(Exception):
    pass


def function_keys(fn: Function) -> tuple[str, ...] | None:
    """The index keys of the nodes a function's edges can touch (distinct, interned: a file's
    functions share one string per key in memory and in the cache); None when they cannot be
    told before resolution. Kept on the function: facts of unchanged files are reused from
    one revision to the next."""
    memo = fn.__dict__.get("_demand_keys")
    if memo is None or memo[0] != fn.file:  # a static function's key names its file
        try:
            got = _function_keys(fn)
        except _Eager:
            got = None
        memo = fn.__dict__["_demand_keys"] = (fn.file, got)
    return memo[1]


def _function_keys(fn: Function) -> tuple[str, ...]:
    ks = {"k:" + fn.key, "n:" + fn.name}
    add = ks.add

    def key(a: Access) -> str:
        last = None
        for op, name in a.steps:
            if op == "->" or op == ".":
                last = name
        if last is None:
            return "v:" + a.root
        if last[:1] == "#":
            raise _Eager
        return "f:" + last

    def expr(e: Expr) -> None:
        for a in e.reads:
            add("r:" + key(a))
        if e.addr_of is not None:  # &x: read by sinks and propagators, written by callees
            k = key(e.addr_of)
            add("r:" + k)
            add("w:" + k)

    for p in fn.params:
        add("p:" + p.name)
    for a in fn.assigns:
        k = key(a.target)
        add("w:" + k)
        if a.target.steps and not a.target.deref:
            add("r:" + k)  # s.f = v also makes s.f flow into s; p->f = v into what *p is passed to
        expr(a.value)
        for g in a.guards:
            for r in g.reads:
                add("r:" + key(r))
    for r in fn.returns:
        expr(r.value)
    if "::" in fn.name:  # a method: bare names may be members of its class (this->x)
        for k in list(ks):
            if k[:4] in ("r:v:", "w:v:"):
                add(k[:2] + "f:" + k[4:])
    for c in fn.calls:
        if c.indirect is None:
            add("c:" + c.callee)
            add("i:" + c.callee)  # a function pointer held in a variable: pfn(x)
        else:
            key(c.indirect)
            add("i:" + c.indirect.last)
            if c.indirect.steps:  # obj.m(x): a container method may store into or load from obj
                k = key(Access(c.indirect.root, c.indirect.steps[:-1], c.indirect.deref))
                add("w:" + k)
                add("r:" + k)
        for x in c.args:
            expr(x)
    return tuple(map(sys.intern, sorted(ks)))  # (sorted: equal facts pickle to equal bytes whatever the hash seed)


