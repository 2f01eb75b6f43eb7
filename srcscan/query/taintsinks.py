"""Danger sinks that are uses, not calls: a guest value as an array index (``a[i]``, ``&a[i]``),
as a pointer offset (``p + off``) or as a loop bound (``for (i = 0; i < c; i++)``).

The facts do not record a subscript's index (``a[i]`` reads ``a``), so these sinks are found on
the parsed statements of the functions that hold a guest value: a local or parameter the taint
slice reached, used that way after the statement that made it a guest value, and a guest field
used that way straight (``pvRam + pCmd->off``) in a function that reads a guest field of its
struct. The path to them is the graph's path to that local or field; the last step is the use."""
from __future__ import annotations

import re

from .taintcheck import _field, _is_field_base, _text, _walk, value_names

STATEMENT_SINKS = ("index", "pointer-offset", "loop-bound")
_ANON_MEMBER = re.compile(r"^<anon:[^ >]*\.([A-Za-z_]\w*)(?: [^>]*)?>$")


def statement_sinks(g, program, tree, checker, enabled: dict[str, tuple[str, int]]) -> list[tuple[str, str, dict]]:
    """[(tree node, sink kind, sink step)] for every use of a tainted local as an index,
    pointer offset or loop bound. ``enabled``: sink kind -> (category, rank) from taint.toml."""
    by_fn: dict[tuple[str, str], dict[str, tuple[str, int]]] = {}
    for n in tree:
        if not n.startswith(("local:", "param:")) or n.endswith("*"):  # (by id first: attributes cost a lookup)
            continue
        a = g.nodes[n]
        if a["kind"] not in ("local", "param") or not a.get("name") or not a.get("owner"):
            continue
        line = 0 if a["kind"] == "param" else (a.get("line") or 0)
        by_fn.setdefault((a["owner"], a.get("file") or ""), {}).setdefault(a["name"].split("@")[0], (n, line))
    # a guest field read straight into a use (pvRam + pCmd->off, a[pReq->i]): looked for in the
    # functions that read a guest field of the same struct (the out-edges of its fields say
    # where; a field read only as an index has none); named ".field" there, matched on the field
    fields = [n for n in tree if n.startswith("field:") and g.nodes[n]["kind"] == "field" and g.nodes[n].get("name")]
    by_owner: dict[str, list[str]] = {}
    for n in fields:
        by_owner.setdefault(g.nodes[n].get("owner") or "", []).append(n)
    pairs = [(n, s) for n in fields for s in g.successors(n)]
    for (n, _), evs in (g.evidence_many(pairs) if pairs else {}).items():
        for ev in evs:
            fn = _function(program, ev.get("function"), ev.get("file"))
            if fn is None:
                continue
            mine = by_fn.setdefault((fn.key, fn.file), {})
            for m in by_owner[g.nodes[n].get("owner") or ""]:
                mine.setdefault(_field_key(g.nodes[m]), (m, 0))
    out = []
    for (owner, file), names in sorted(by_fn.items()):
        fn = next((f for f in program.functions.get(owner, ()) if f.file == file), None)
        if fn is None:
            continue
        body = _function_node(checker, fn)
        if body is None:
            continue
        types = {p.name: p.type + (" *" if p.pointer else "") for p in fn.params}
        types.update(fn.locals)
        for kind, use, name in _uses(body, set(names), types, program, checker.size_macros):
            if kind not in enabled:
                continue
            node, since = names[name]
            line = use.start_point[0] + 1
            if line < since:
                continue  # a use before the value became a guest value
            stmt = use
            while stmt.parent is not None and not stmt.type.endswith(("statement", "declaration")):
                stmt = stmt.parent
            # where the use itself is (a use in the second line of a condition is on that line):
            # the checker finds its statement from there, and the operands guarding it
            lines = stmt.text.decode("utf-8", "replace").split("\n")
            row = min(use.start_point[0] - stmt.start_point[0], len(lines) - 1)
            out.append((node, kind, {"file": fn.file, "line": use.start_point[0] + 1,
                                     "column": use.start_point[1] + 1, "function": fn.name,
                                     "code": lines[row].strip()[:200], "kind": "use", "what": _text(use)[:120]}))
    return out


def _function_node(checker, fn):
    """The body of ``fn``'s definition: the innermost definition holding its first line (each
    file's definitions listed once, without walking into their bodies)."""
    defs = _definitions(checker, fn.file)
    row = fn.line - 1
    best = None
    for start, end, node in defs:
        if start <= row <= end and (best is None or start >= best[0]):
            best = (start, end, node)
    return best[2].child_by_field_name("body") if best is not None else None


def _definitions(checker, path: str) -> list:
    cache = checker.__dict__.setdefault("_definitions", {})
    if path not in cache:
        root = checker._root(path)
        out, stack = [], [root] if root is not None else []
        while stack:
            n = stack.pop()
            if n.type == "function_definition":
                out.append((n.start_point[0], n.end_point[0], n))
                body = n.child_by_field_name("body")  # (a class or lambda inside a body is not a definition we look up)
                stack.extend(c for c in n.named_children if c != body)
                continue
            stack.extend(n.named_children)
        cache[path] = out
    return cache[path]


def _function(program, name: str | None, file: str | None):
    if not name or not file:
        return None
    for key in (name, f"{file}:{name}"):
        for f in program.functions.get(key, ()):
            if f.file == file:
                return f
    return None


def _names_in(node, names: set[str], size_macros: frozenset) -> list[str]:
    """The tainted names ``node`` reads: locals and parameters by name, guest fields as ``.field``."""
    out = []
    for m in value_names(node, size_macros):
        if m.type == "identifier" and _text(m) in names and not _is_field_base(m):
            out.append(_text(m))
        elif m.type == "field_expression":
            arg = m.child_by_field_name("argument")
            outer = "." + _field(arg) if arg is not None and arg.type == "field_expression" else ""
            for key in (outer + "." + _field(m), "." + _field(m)):
                if key in names:
                    out.append(key)
                    break
    return out


def _field_key(attrs: dict) -> str:
    """How a use names a guest field: ``.cb``; a field of an unnamed member struct with the
    member (``.Src.off`` for ``<anon:CMD.Src>.off``), so that ``p->Src.off`` and ``p->Dst.off``
    stay apart."""
    m = _ANON_MEMBER.match(attrs.get("owner") or "")
    return (f".{m.group(1)}" if m else "") + "." + attrs["name"]


def _uses(body, names: set[str], types: dict[str, str], program, size_macros: frozenset):
    for n in _walk(body):
        t = n.type
        if t == "subscript_expression":
            idx = n.child_by_field_name("indices") or n.child_by_field_name("index")
            for name in _names_in(idx, names, size_macros) if idx is not None else ():
                yield "index", n, name
        elif t == "binary_expression":
            op = n.child_by_field_name("operator")
            if op is None or _text(op) not in ("+", "-"):
                continue
            left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
            for base, off in ((left, right), (right, left)):
                if base is not None and off is not None and base.type == "identifier" and \
                        program.is_pointer(types.get(_text(base))) and _text(base) not in names:
                    for name in _names_in(off, names, size_macros):
                        yield "pointer-offset", n, name
        elif t in ("for_statement", "while_statement", "do_statement"):
            c = n.child_by_field_name("condition")
            for m in _walk(c) if c is not None else ():
                op = m.child_by_field_name("operator") if m.type == "binary_expression" else None
                if op is not None and _text(op) in ("<", "<=", ">", ">=", "!="):
                    for name in _names_in(m, names, size_macros):
                        yield "loop-bound", m, name
                    break
