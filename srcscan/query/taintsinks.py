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
from .taintmacros import Macros, expanded

STATEMENT_SINKS = ("index", "pointer-offset", "loop-bound")
_ANON_MEMBER = re.compile(r"^<anon:[^ >]*\.([A-Za-z_]\w*)(?: [^>]*)?>$")


def statement_sinks(g, program, tree, checker, enabled: dict[str, tuple[str, int]],
                    store: "UseStore | None" = None) -> list[tuple[str, str, dict]]:
    """[(tree node, sink kind, sink step)] for every use of a tainted local as an index,
    pointer offset or loop bound. ``enabled``: sink kind -> (category, rank) from taint.toml.
    ``store``: the candidate uses of each file kept in the fact cache by its content (UseStore),
    so that judging a cached graph again parses no file for them."""
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
    attrs = {n: g.nodes[n] for n in tree if n.startswith("field:")}  # (each node's attributes read once)
    fields = [n for n, a in attrs.items() if a["kind"] == "field" and a.get("name")]
    by_owner: dict[str, list[tuple[str, str]]] = {}
    for n in fields:
        by_owner.setdefault(attrs[n].get("owner") or "", []).append((_field_key(attrs[n]), n))
    pairs = [(n, s) for n in fields for s in g.successors(n)]
    for (n, _), evs in (g.evidence_many(pairs) if pairs else {}).items():
        for ev in evs:
            fn = _function(program, ev.get("function"), ev.get("file"))
            if fn is None:
                continue
            mine = by_fn.setdefault((fn.key, fn.file), {})
            for key, m in by_owner[attrs[n].get("owner") or ""]:
                mine.setdefault(key, (m, 0))
    out = []
    for (owner, file), names in sorted(by_fn.items()):
        fn = next((f for f in program.functions.get(owner, ()) if f.file == file), None)
        if fn is None:
            continue
        uses = _function_uses(checker, store, fn)
        if uses is None:
            continue
        types = {p.name: p.type + (" *" if p.pointer else "") for p in fn.params}
        types.update(fn.locals)
        for kind, line, col, what, code, base, cands in uses:
            if kind not in enabled:
                continue
            if base is not None and (base in names or not program.is_pointer(types.get(base))):
                continue  # a pointer offset: its base must be a pointer that is not the value itself
            for name in _tainted(cands, names):
                node, since = names[name]
                if line < since:
                    continue  # a use before the value became a guest value
                out.append((node, kind, {"file": fn.file, "line": line, "column": col, "function": fn.name,
                                         "code": code, "kind": "use", "what": what}))
    return out


USES_VERSION = 3  # bump when _candidate_uses changes what it keeps (2: names inside the file's macros; 3: their parameter lists over continuation lines)


class UseStore:
    """The candidate uses of each file (every index, pointer offset and loop condition of each
    function definition, with the names each reads) kept in the fact cache, keyed by the file's
    content key and the size macros: a file parsed once for them is not parsed again."""

    def __init__(self, cache, snapshot, size_macros: frozenset):
        self.cache, self.snapshot = cache, snapshot
        self.keys = dict(snapshot.files()) if cache is not None else {}
        self.salt = f"{USES_VERSION}:{','.join(sorted(size_macros))}"
        self.mem: dict[str, list] = {}
        self.parsed = 0

    def definitions(self, checker, path: str) -> list:
        if path in self.mem:
            return self.mem[path]
        key = self.keys.get(path)
        name = f"taint-uses:{self.salt}:{key}" if key else None
        rows = None
        if name is not None:
            try:
                rows = self.cache.get_json(name)
            except ValueError:
                rows = None  # a damaged entry: parsed again and replaced
        if rows is None:
            self.parsed += 1
            macros = _file_macros(checker, path)
            rows = [[start, end, list(_candidate_uses(body, checker.size_macros, macros))]
                    for start, end, node in _definitions(checker, path)
                    for body in [node.child_by_field_name("body")] if body is not None]
            if name is not None and self._unchanged(path, key):
                try:
                    self.cache.put_json(name, rows)
                except Exception:  # noqa: BLE001 - a full or read-only cache: the rows stand
                    pass
        self.mem[path] = rows
        return rows


    def _unchanged(self, path: str, key: str) -> bool:
        """Whether the bytes parsed are those listed under ``key`` (a file that changed since it
        was listed is not kept under its old key)."""
        try:
            _, now = self.snapshot.read_keyed(path)
        except Exception:  # noqa: BLE001 - gone since: nothing kept
            return False
        return now is None or now == key


def _function_uses(checker, store, fn):
    """The candidate uses in ``fn``'s definition (the innermost one holding its first line)."""
    if store is None:
        store = checker.__dict__.setdefault("_uses_store", UseStore(None, None, checker.size_macros))
    row = fn.line - 1
    best = None
    for start, end, uses in store.definitions(checker, fn.file):
        if start <= row <= end and (best is None or start >= best[0]):
            best = (start, end, uses)
    return best[2] if best is not None else None


def _tainted(cands: list, names) -> list[str]:
    """The tainted names among a use's candidates: a name, or a field as ``[.outer.f, .f]`` (the
    first of those known wins)."""
    out = []
    for c in cands:
        if isinstance(c, str):
            if c in names:
                out.append(c)
        else:
            key = next((k for k in c if k in names), None)
            if key is not None:
                out.append(key)
    return out


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


def _candidates(node, size_macros: frozenset) -> list:
    """What ``node`` reads that could hold a guest value: identifiers (not the base of a field
    access) by name, field accesses as ``[".outer.f", ".f"]`` (or ``[".f"]``)."""
    out = []
    for m in value_names(node, size_macros):
        if m.type == "identifier" and not _is_field_base(m):
            out.append(_text(m))
        elif m.type == "field_expression":
            arg = m.child_by_field_name("argument")
            f = "." + _field(m)
            out.append(["." + _field(arg) + f, f] if arg is not None and arg.type == "field_expression" else [f])
    return out


def _field_key(attrs: dict) -> str:
    """How a use names a guest field: ``.cb``; a field of an unnamed member struct with the
    member (``.Src.off`` for ``<anon:CMD.Src>.off``), so that ``p->Src.off`` and ``p->Dst.off``
    stay apart."""
    m = _ANON_MEMBER.match(attrs.get("owner") or "")
    return (f".{m.group(1)}" if m else "") + "." + attrs["name"]


def _file_macros(checker, path: str) -> Macros | None:
    """The file's own ``#define``s (taintmacros): a name read inside one of them is read."""
    try:
        data = checker.snapshot.read(path)
    except Exception:  # noqa: BLE001 - gone: nothing expanded
        return None
    return Macros.of(data, checker.size_macros) or None


def _expanded_candidates(node, size_macros: frozenset, macros: Macros | None) -> list:
    """``_candidates`` of ``node``, plus those of its text with the file's macros expanded
    (``GET_BITS(RXCSUM, PCSS)`` reads ``pThis->auRegs``): the expansion is parsed on its own."""
    got = _candidates(node, size_macros)
    parts = node.named_children if node.type == "subscript_argument_list" else [node]  # ([i] in C++)
    for part in parts:
        expr = expanded(macros, part)
        for c in _candidates(expr, size_macros) if expr is not None else ():
            if c not in got:
                got.append(c)
    return got


def _candidate_uses(body, size_macros: frozenset, macros: Macros | None = None):
    """Every index, pointer offset (``p + off``: ``p`` an identifier, its type judged later) and
    loop condition in ``body``, as [kind, line, column, what, code, base, candidates]. A name read
    inside the file's own macros (``a[REG(i)]``) is a candidate too."""
    for n in _walk(body):
        t = n.type
        if t == "subscript_expression":
            idx = n.child_by_field_name("indices") or n.child_by_field_name("index")
            if idx is not None:
                yield _use("index", n, None, _expanded_candidates(idx, size_macros, macros))
        elif t == "binary_expression":
            op = n.child_by_field_name("operator")
            if op is None or _text(op) not in ("+", "-"):
                continue
            left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
            for base, off in ((left, right), (right, left)):
                if base is not None and off is not None and base.type == "identifier":
                    yield _use("pointer-offset", n, _text(base), _expanded_candidates(off, size_macros, macros))
        elif t in ("for_statement", "while_statement", "do_statement"):
            c = n.child_by_field_name("condition")
            for m in _walk(c) if c is not None else ():
                op = m.child_by_field_name("operator") if m.type == "binary_expression" else None
                if op is not None and _text(op) in ("<", "<=", ">", ">=", "!="):
                    yield _use("loop-bound", m, None, _expanded_candidates(m, size_macros, macros))
                    break


def _use(kind: str, use, base, cands) -> list:
    stmt = use
    while stmt.parent is not None and not stmt.type.endswith(("statement", "declaration")):
        stmt = stmt.parent
    # where the use itself is (a use in the second line of a condition is on that line): the
    # checker finds its statement from there, and the operands guarding it
    lines = stmt.text.decode("utf-8", "replace").split("\n")
    row = min(use.start_point[0] - stmt.start_point[0], len(lines) - 1)
    return [kind, use.start_point[0] + 1, use.start_point[1] + 1, _text(use)[:120], lines[row].strip()[:200], base,
            cands]
