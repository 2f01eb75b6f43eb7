"""How far a check bounds a value, and whether that is far enough for the sink it protects.

A mask, a narrowing cast or a comparison with a constant lets through values up to some
maximum (``x & 0xff``: 255, ``(uint8_t)x``: 255, ``x < 8``: 7, ``x > 8`` as an exit: 8). For an
index into an array whose element count is known (a constant dimension, or a name the file or
its headers #define), the check bounds the index only if that maximum is below the count
(``& 7`` into 8 elements: a check; ``& 0xff``: not one). A check whose maximum is not known (a
comparison with another variable) keeps counting, as before.

For a pointer offset passed with a length to a copy (``memcpy(pb + off, pv, cb)``), the access
reaches ``off + cb``: a bound on the offset alone does not check it; a check that reads both
terms (``off + cb > size``, ``cb > size - off``, ``RT_MIN(off, cb)``) does."""
from __future__ import annotations

import ast
import re

from .taintcheck import _text, _walk, case_labels, value_names

_SUFFIX = re.compile(r"\b(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\b")
_CONST_MACRO = re.compile(r"\b[A-Z][A-Z0-9_]*_C\(")  # UINT32_C(0xff): the C99 constant macros
_CAST = re.compile(r"\((?:const|unsigned|signed|int|long|short|char|size_t|u?int(?:8|16|32|64)_t)+\)")
_NAME = re.compile(r"\b[A-Za-z_]\w*\b")
_OPS = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod, ast.LShift, ast.RShift, ast.BitAnd, ast.BitOr,
        ast.BitXor)
_COMPARE_MAX = {"<": -1, ">=": -1, "<=": 0, ">": 0, "==": 0}  # (the value on the left)
_FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<=", "==": "=="}


def const_value(text: str, lookup, counts=None, depth: int = 0) -> int | None:
    """The integer value of a C constant expression, its names looked up with ``lookup``
    (#define values) and ``counts`` (``RT_ELEMENTS(a)``-style calls: text -> value); None when
    any part of it is not known."""
    if depth > 8 or not text:
        return None
    t = "".join(text.split())
    for k, v in (counts or {}).items():
        t = t.replace(k, f"({v})")
    t = _CAST.sub("", _CONST_MACRO.sub("(", t))
    if "sizeof" in t or "&&" in t or "||" in t or "?" in t:
        return None
    t = _SUFFIX.sub(lambda m: m.group(1), t)
    for name in sorted(set(_NAME.findall(t)) - {"x"}, key=len, reverse=True):
        if re.fullmatch(r"0[xX][0-9a-fA-F]+|\d+", name):
            continue
        v = lookup(name)
        val = const_value(str(v), lookup, counts, depth + 1) if v is not None else None
        if val is None:
            return None
        t = re.sub(rf"\b{re.escape(name)}\b", f"({val})", t)
    try:
        tree = ast.parse(t.replace("/", "//"), mode="eval")
    except SyntaxError:
        return None
    return _eval(tree.body)


def _eval(n) -> int | None:
    if isinstance(n, ast.Constant) and isinstance(n.value, int):
        return n.value
    if isinstance(n, ast.UnaryOp) and isinstance(n.op, (ast.USub, ast.UAdd, ast.Invert)):
        v = _eval(n.operand)
        return None if v is None else {ast.USub: -v, ast.UAdd: v, ast.Invert: ~v}[type(n.op)]
    if isinstance(n, ast.BinOp) and isinstance(n.op, _OPS):
        a, b = _eval(n.left), _eval(n.right)
        if a is None or b is None or (isinstance(n.op, (ast.FloorDiv, ast.Mod)) and b == 0) or \
                (isinstance(n.op, (ast.LShift, ast.RShift)) and not 0 <= b < 128):
            return None
        return _apply(n.op, a, b)
    return None


def _apply(op, a: int, b: int) -> int:
    return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b, ast.FloorDiv: a // b if b else 0,
            ast.Mod: a % b if b else 0, ast.LShift: a << b, ast.RShift: a >> b, ast.BitAnd: a & b,
            ast.BitOr: a | b, ast.BitXor: a ^ b}[type(op)]


class Ranges:
    """The maximum a check lets through and the element count of the array an index reaches,
    for one Checker (its parsed files, #defines and configuration)."""

    def __init__(self, checker, checks: dict):
        self.checker = checker
        self.narrow_max = {"".join(k.split()): int(v) for k, v in dict(checks.get("narrow_max", {})).items()}
        self.count_macros = tuple(checks.get("element_count_macros", ()))
        # a pointer parameter followed by one of these is a buffer and its length (sum_terms)
        self.length_types = {" ".join(t.split()) for t in checks.get("length_types", ())}

    # ------------------------------------------------------------------ a check's maximum
    def check_max(self, kind: str, node, taint, file: str, parts: list | None = None) -> int | None:
        """The largest value ``node`` (a check of ``kind``) lets the tainted value keep, if known
        (``parts``: the expressions that bound, when not the whole node: a macro's expansion)."""
        if kind == "case":  # the largest of the labels it may be reached with
            vals = [self.value(v, file) for v in case_labels(node)]
            return max(vals) if vals and None not in vals else None
        if parts:
            got = [self.check_max(kind, p, taint, file) for p in parts]
            return min(got) if got and None not in got else None
        part = check_part(kind, node)
        best = None
        for n in _walk(part):
            got = self._node_max(n, taint, file)
            if got is not None and (best is None or got < best):
                best = got
        return best

    def _node_max(self, n, taint, file: str) -> int | None:
        t = n.type
        if t == "binary_expression":
            op = _text(n.child_by_field_name("operator"))
            left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
            if left is None or right is None:
                return None
            if op in ("&", "%"):
                for a, b in ((left, right), (right, left)):
                    if taint.reads(a) and not taint.reads(b):
                        c = self.value(b, file)
                        if c is not None and c >= 0:
                            return c if op == "&" else c - 1
            elif op in _COMPARE_MAX:
                for a, b, o in ((left, right, op), (right, left, _FLIP[op])):
                    if _bare(a, taint) and not taint.reads(b):
                        c = self.value(b, file)
                        if c is not None:
                            return c + _COMPARE_MAX[o]
        elif t == "cast_expression":
            ty, v = n.child_by_field_name("type"), n.child_by_field_name("value")
            if ty is not None and v is not None and taint.reads(v):
                return self.narrow_max.get(_text(ty))
        elif t == "declaration":
            ty = n.child_by_field_name("type")
            if ty is not None and _text(ty) in self.narrow_max and any(
                    d.type == "init_declarator" and d.child_by_field_name("value") is not None
                    and taint.reads(d.child_by_field_name("value")) for d in n.named_children):
                return self.narrow_max[_text(ty)]
        elif t == "call_expression":
            fn, args = n.child_by_field_name("function"), n.child_by_field_name("arguments")
            if fn is not None and args is not None and _text(fn) in self.checker.bounding and taint.reads(args):
                vals = [self.value(a, file) for a in args.named_children if not taint.reads(a)]
                vals = [v for v in vals if v is not None]
                return min(vals) if vals else None
        return None

    def value(self, node, file: str) -> int | None:
        counts = {}
        for n in _walk(node):
            if n.type == "call_expression" and _text(n.child_by_field_name("function")) in self.count_macros:
                args = n.child_by_field_name("arguments")
                kids = [a for a in args.named_children if a.type != "comment"] if args is not None else []
                c = self.count_of(kids[0], file) if len(kids) == 1 else None
                if c is None:
                    return None
                counts[_text(n)] = c
        return const_value(_text(node), self.checker._lookup, counts)

    # ------------------------------------------------------------------ an array's element count
    def index_limit(self, file: str, line: int | None, col: int | None) -> int | None:
        """The element count of the array the index use at (line, col) reaches, if known."""
        root = self.checker._root(file) if line else None
        if root is None:
            return None
        pt = (line - 1, max((col or 1) - 1, 0))
        n = root.descendant_for_point_range(pt, pt)
        while n is not None and not (n.type == "subscript_expression" and n.start_point == pt):
            if n.type.endswith(("statement", "declaration")):
                return None
            n = n.parent
        arr = n.child_by_field_name("argument") if n is not None else None
        return self.count_of(arr, file) if arr is not None else None

    def count_of(self, arr, file: str) -> int | None:
        if arr.type == "identifier":
            return self._local_count(arr, _text(arr), file)
        if arr.type == "field_expression":
            f = arr.child_by_field_name("field")
            return self._field_count(_text(f), file) if f is not None else None
        return None

    def _local_count(self, at, name: str, file: str) -> int | None:
        """A local, static or global array of the file by name: the definition nearest ``at``
        (its function's first, then the file's)."""
        scope = at
        while scope is not None and scope.type != "function_definition":
            scope = scope.parent
        for where in ([scope] if scope is not None else []) + [self.checker._root(file)]:
            for n in _walk(where):
                if n.type == "array_declarator" and _declared(n) == name and n.parent is not None \
                        and n.parent.type in ("declaration", "init_declarator"):
                    return self._dimension(n, file)
        return None

    def _field_count(self, name: str, file: str) -> int | None:
        """A struct field array by name: the same count in every struct that has the field."""
        prog = self.checker.program
        if prog is None:
            return None
        got = set()
        for owner in sorted(prog.field_owners.get(name, ())):
            fd = prog.struct_fields.get(owner, {}).get(name)
            path = prog.struct_files.get(owner)
            if fd is None or not fd.array or path is None:
                return None
            root = self.checker._root(path)
            if root is None:
                return None
            hit = None
            for n in _walk(root):
                if n.type == "array_declarator" and n.start_point[0] + 1 == fd.line and _declared(n) == name:
                    hit = self._dimension(n, path)
                    break
            if hit is None:
                return None
            got.add(hit)
        return got.pop() if len(got) == 1 else None

    def _dimension(self, decl, file: str) -> int | None:
        if decl.child_by_field_name("declarator") is not None and \
                decl.child_by_field_name("declarator").type == "array_declarator":
            return None  # a[N][M]: the outer dimension is another declarator's
        size = decl.child_by_field_name("size")
        return self.value(size, file) if size is not None else None

    # ------------------------------------------------------------------ sums
    def sum_terms(self, file: str, line: int | None, col: int | None, copiers: dict) -> list | None:
        """For a pointer offset (``pb + off``, ``&pb[off]``) passed to a copy with a length that
        is not a constant: the length argument's node (a check must read it too), else None."""
        root = self.checker._root(file) if line else None
        if root is None:
            return None
        pt = (line - 1, max((col or 1) - 1, 0))
        n = root.descendant_for_point_range(pt, pt)
        while n is not None and not (n.type in ("binary_expression", "subscript_expression") and n.start_point == pt):
            if n.type.endswith(("statement", "declaration")):
                return None
            n = n.parent
        child = n
        while child is not None and child.parent is not None and child.parent.type in (
                "parenthesized_expression", "cast_expression", "pointer_expression"):
            child = child.parent
        args = child.parent if child is not None else None
        call = args.parent if args is not None and args.type == "argument_list" else None
        fn = call.child_by_field_name("function") if call is not None else None
        kids = [a for a in args.named_children if a.type != "comment"]
        sizes = copiers.get(_text(fn)) if fn is not None else None
        if not sizes and fn is not None:
            sizes = self._length_after(_text(fn), kids.index(child) if child in kids else -1, file)
        if not sizes:
            return None
        got = [kids[i] for i in sizes if i < len(kids) and kids[i] != child
               and any(True for _ in value_names(kids[i], self.checker.size_macros))]
        return got or None


    def _length_after(self, name: str, pos: int, file: str) -> list[int]:
        """For a function of the snapshot whose pointer parameter at ``pos`` is followed by a
        length parameter (a type of ``[taint.checks] length_types``: ``const void *pv, size_t
        cb``): that parameter's position, the length the offset pointer is read or written with."""
        if pos < 0 or not self.length_types:
            return []
        program = self.checker.program
        defs = [f for key in (name, f"{file}:{name}") for f in (program.functions.get(key, ()) if program else ())]
        for f in defs:
            ps = f.params
            if pos + 1 < len(ps) and (ps[pos].pointer or "*" in (ps[pos].type or "")) and \
                    " ".join((ps[pos + 1].type or "").replace("const", " ").split()) in self.length_types \
                    and not ps[pos + 1].pointer:
                return [pos + 1]
        return []


def check_part(kind: str, node):
    """The part of a check's node that bounds: an if's or loop's condition, an assert's first
    argument, the left operand of ``||``/``&&``, else the statement itself."""
    if node.type in ("if_statement", "while_statement", "for_statement", "do_statement"):
        return node.child_by_field_name("condition") or node
    if node.type == "binary_expression":
        return node.child_by_field_name("left") or node
    if kind == "assert-return" and node.type == "expression_statement" and node.named_children:
        args = node.named_children[0].child_by_field_name("arguments")
        kids = [a for a in args.named_children if a.type != "comment"] if args is not None else []
        return kids[0] if kids else node
    return node


def _bare(node, taint) -> bool:
    """``node`` is the value itself (``i``, ``(i)``, ``pReq->i``), not an expression of it."""
    while node.type == "parenthesized_expression" and node.named_children:
        node = node.named_children[0]
    return node.type in ("identifier", "field_expression") and taint.reads(node)


def _declared(decl) -> str | None:
    d = decl.child_by_field_name("declarator")
    while d is not None and d.type not in ("identifier", "field_identifier"):
        d = d.child_by_field_name("declarator")
    return _text(d) if d is not None else None
