"""The checks on a taint path: where a guest value (or one computed from it) is bounded before
it reaches a danger sink.

A check counts only when it is of a value on the path and controls the step it protects: an
``if``/``while``/``for`` around that step whose condition compares the value; an earlier
statement of an enclosing block that leaves (return, goto, break, continue) when a comparison
of the value holds, or an assert-return macro comparing it (queries/models/taint.toml
``assert_returns``); a bounding call (``RT_MIN``), a mask (``& 0xff``, ``% n``) or a narrowing
cast (or a narrow local) in a statement that carries the value. A check of another variable,
or one after the step, does not count. Judged on the parsed statements (tree-sitter), per
function of the path: each function's checks must come before the statement by which the value
leaves it (its call, store or sink)."""
from __future__ import annotations

from ..extract.macros import default_rewriter
from ..extract.syntax import parser

_STMT_END = ("statement", "declaration")
_EXITS = {"return": "return_statement", "goto": "goto_statement", "break": "break_statement",
          "continue": "continue_statement"}


class Checker:
    def __init__(self, snapshot, program, checks: dict, allocators: dict | None = None, store=None,
                 copiers: dict | None = None):
        from .taintrange import Ranges

        self.snapshot = snapshot
        self.program = program
        self.bounding = set(checks.get("bounding_functions", ()))
        self.asserts = set(checks.get("assert_returns", ()))
        self.narrow = {"".join(t.split()) for t in checks.get("narrow_types", ())}
        self.comparisons = set(checks.get("comparisons", ("<", "<=", ">", ">=")))
        self.exits = {_EXITS[e] for e in checks.get("exits", ("return", "goto")) if e in _EXITS}
        self.size_macros = frozenset(checks.get("size_macros", ()))
        # allocation function -> its size argument: the whole size of a buffer allocated by one
        self.allocators = {k: v for k, v in (allocators or {}).items() if isinstance(v, int)}
        # copy function -> its length arguments: a pointer offset passed with one reaches offset + length
        self.copiers = {k: list(v) for k, v in (copiers or {}).items() if v}
        self.ranges = Ranges(self, checks)
        self._trees: dict[str, object] = {}
        self._sizes: dict[str, dict[str, set[str]]] = {}
        # judgments kept in the fact cache (taintcache.CheckStore): a re-judge parses no file for them
        self.store = store
        self._looked_up: dict[str, str | None] = {}
        self._parser = None
        self._rewriter = None
        self._file_macros: dict[str, object] = {}
        self._parts: dict[tuple, list] = {}  # (statement span, kind) -> [(bounding part, declared)]

    # ------------------------------------------------------------------ parsing
    def _root(self, path: str):
        if path not in self._trees:
            try:
                data = self.snapshot.read(path)
            except Exception:  # a file gone from the snapshot: no checks can be shown in it
                self._trees[path] = None
                return None
            if self._parser is None:
                self._parser, self._rewriter = parser(), default_rewriter()
            src, _ = self._rewriter.apply(data)
            self._trees[path] = self._parser.parse(src).root_node
        return self._trees[path]

    def _statement(self, path: str, line: int | None, col: int | None):
        root = self._root(path) if path and line else None
        if root is None:
            return None
        pt = (line - 1, max((col or 1) - 1, 0))
        n = root.descendant_for_point_range(pt, pt)
        while n is not None and not n.type.endswith(_STMT_END):
            n = n.parent
        return n

    # ------------------------------------------------------------------ judging
    def checks(self, path: list[dict], g) -> list[dict]:
        """The checks on one taint path (its steps as in the finding's JSON)."""
        groups: list[tuple[tuple, list[int]]] = []
        for i, st in enumerate(path):
            if i == 0 or not st.get("file"):
                continue
            key = (st["file"], st.get("function"))
            if groups and groups[-1][0] == key:
                groups[-1][1].append(i)
            else:
                groups.append((key, [i]))
        out, seen, limit = [], set(), None
        for (file, _), idx in groups:
            names, fields = set(), set()
            for i in idx:
                for n in (path[i - 1], path[i]):
                    if n["node"] not in g:  # a use (index, offset, loop bound): no node
                        continue
                    attrs = g.nodes[n["node"]]
                    part = attrs["kind"] == "local" and "." in str(n["node"]).rsplit(":", 1)[-1]
                    if part and attrs.get("name"):  # a field of a local struct variable (graph/objects.py)
                        fields.add(attrs["name"])
                    elif attrs["kind"] in ("local", "param") and attrs.get("name"):
                        names.add(attrs["name"].split("@")[0])  # (a local's later definition: x@3)
                    elif attrs["kind"] == "field" and attrs.get("name"):
                        fields.add(attrs["name"])
            at = [(path[i].get("line"), path[i].get("column")) for i in idx]
            sink = idx[-1] == len(path) - 1
            use = sink and path[idx[-1]]["node"] not in g
            job = (sorted(names), sorted(fields), at, sink, use)
            got = self.store.get(file, job, self._defines) if self.store is not None else None
            if got is None:
                self._looked_up = {}
                got = self._judge(file, names, fields, at, sink, use)
                if self.store is not None:
                    self.store.put(file, job, got, self._looked_up)
            if sink:
                limit = got.get("limit")
            for line, kind, code, most in got["checks"]:
                if (file, line, kind) not in seen:
                    seen.add((file, line, kind))
                    out.append(({"file": file, "line": line, "kind": kind, "code": code}, most))
        # an index into an array of known size: a check that lets through values past its end is
        # too weak to count (``& 0xff`` before an index into 8 elements)
        return [c for c, most in out if limit is None or most is None or most < limit]

    def _judge(self, file: str, names: set[str], fields: set[str], at: list, sink: bool, use: bool) -> list:
        """[(line, kind, code)] of the checks in ``file`` on one function's steps of a path (at
        their (line, column) places; ``sink``: the last steps, ``use``: a use is the sink)."""
        stmts = [s for s in (self._statement(file, line, col) for line, col in at) if s is not None]
        if not stmts:
            return {"checks": [], "limit": None}
        accesses = {_text(n) for s in stmts for n in _walk(s)
                    if n.type == "field_expression" and _field(n) in fields}
        whole = self._whole_sizes(file, stmts[-1]) if sink else set()
        macros = self._macros(file)
        if macros is not None and fields:  # the path's fields read inside the file's macros, as expanded
            accesses |= {_text(n) for s in stmts for e in _expansions(s, macros) for n in _walk(e)
                         if n.type == "field_expression" and _field(n) in fields}
        taint = _Taint(names, accesses, self.size_macros, whole, macros, fields)
        found = self._in_statements(stmts, taint) + self._before(stmts[-1], taint)
        limit = terms = None
        if use:  # a use: the operands guarding it
            found += self._short_circuit(file, at[-1][0], at[-1][1], taint)
            limit = self.ranges.index_limit(file, *at[-1])
            terms = self.ranges.sum_terms(file, *at[-1], self.copiers)
        from .taintrange import check_part

        if use:  # a narrow local given a value computed with the use bounds the result, not the use
            last = stmts[-1]
            found = [(k, n) for k, n in found if n != last or not self._parts.get((n.start_byte, n.end_byte, k)) or
                     not all(d for _, d, _ in self._parts[(n.start_byte, n.end_byte, k)])]
        if terms:  # an offset passed with a length: a check must read the length too (off + cb)
            others = {_text(n) for t in terms for n in value_names(t, self.size_macros)}

            def reads_length(k, n):
                parts = [p for p, _, _ in self._parts.get((n.start_byte, n.end_byte, k), ())] or [check_part(k, n)]
                return any(others & {_text(m) for m in value_names(p, self.size_macros)} for p in parts)

            found = [(k, n) for k, n in found if reads_length(k, n)]
        return {"checks": [[node.start_point[0] + 1, kind, _first_line(node),
                            self.ranges.check_max(kind, node, taint, file, self._wide_parts(kind, node))]
                           for kind, node in found], "limit": limit}

    def _wide_parts(self, kind: str, node) -> list | None:
        """The parsed macro expansions that make ``node`` a check (None when it is not one)."""
        return [p for p, _, wide in self._parts.get((node.start_byte, node.end_byte, kind), ()) if wide] or None

    def _macros(self, path: str):
        """The file's own #defines (taintmacros): a value read inside one of them is read."""
        if path not in self._file_macros:
            from .taintmacros import Macros

            try:
                data = self.snapshot.read(path)
            except Exception:  # noqa: BLE001 - gone: nothing expanded
                data = b""
            self._file_macros[path] = Macros.of(data, self.size_macros) or None
        return self._file_macros[path]

    def _lookup(self, name: str):
        """A #define's value, noted as one the judgment read (a kept judgment depends on it)."""
        value = self._defines(name)
        self._looked_up[name] = None if value is None else str(value)
        return value

    def _defines(self, name: str):
        return getattr(self.program, "defines", {}).get(name) if self.program is not None else None

    def _in_statements(self, stmts, taint) -> list[tuple[str, object]]:
        """Bounds inside the statements that carry the value: RT_MIN, masks, narrowing casts."""
        got = []
        for s in stmts:
            for n in _walk(s):
                t = n.type
                if t == "call_expression":
                    fn = n.child_by_field_name("function")
                    args = n.child_by_field_name("arguments")
                    if fn is not None and _text(fn) in self.bounding and args is not None and taint.reads(args):
                        got.append(self._part("bound", s, args))
                    elif taint.macros is not None and fn is not None and _text(fn) in taint.macros.table:
                        got += [self._part(k, s, m, wide=True) for k, m in self._in_expansion(n, taint)]
                elif t == "binary_expression":
                    op = n.child_by_field_name("operator")
                    opt = _text(op) if op is not None else ""
                    left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
                    if opt in ("&", "%") and left is not None and right is not None and (
                            (taint.reads(left) and self._bounding_mask(right, opt))
                            or (taint.reads(right) and self._bounding_mask(left, opt))):
                        got.append(self._part("mask", s, n))
                elif t == "cast_expression":
                    ty, v = n.child_by_field_name("type"), n.child_by_field_name("value")
                    if ty is not None and v is not None and _text(ty) in self.narrow and taint.reads(v):
                        got.append(self._part("narrowing cast", s, n))
                elif t == "conditional_expression":
                    c = n.child_by_field_name("condition")
                    if c is not None and self._compares(c, taint):
                        got.append(self._part("bound", s, n))
            if s.type == "declaration":  # a narrow local (not a pointer to one) given the value
                ty = s.child_by_field_name("type")
                narrow = ty is not None and _text(ty) in self.narrow
                for d in s.named_children if narrow else ():
                    dd, v = d.child_by_field_name("declarator"), d.child_by_field_name("value")
                    if d.type == "init_declarator" and dd is not None and dd.type == "identifier" and \
                            v is not None and taint.reads(v):
                        got.append(self._part("narrowing cast", s, v, declared=True))
        return got

    def _part(self, kind: str, stmt, part, declared: bool = False, wide: bool = False) -> tuple[str, object]:
        """A check in a statement carrying the value, noting the expression that bounds (the
        offset+length rule asks whether that part reads the length, not the whole statement;
        ``declared``: a narrow local's initializer, which bounds only what is stored in it;
        ``wide``: the part is a macro's parsed expansion)."""
        self._parts.setdefault((stmt.start_byte, stmt.end_byte, kind), []).append((part, declared, wide))
        return kind, stmt

    def _in_expansion(self, call, taint) -> list[tuple[str, object]]:
        """A mask or narrowing cast inside a file macro's expansion (``GET_BITS(REG, F)`` is
        ``(pThis->auRegs[REG_IDX] & REG_F_MASK) >> REG_F_SHIFT``)."""
        from .taintmacros import expanded

        expr = expanded(taint.macros, call)
        if expr is None:
            return []
        wide = {_text(n) for n in _walk(expr) if n.type == "field_expression" and _field(n) in taint.fields}
        inner = _Taint(taint.names, taint.accesses | wide, taint.size_macros, taint.whole, None, taint.fields)
        return [(k, n) for k, n in self._in_statements([expr], inner) if k in ("mask", "narrowing cast")]

    def _short_circuit(self, path: str, line: int | None, col: int | None, taint) -> list[tuple[str, object]]:
        """``cid >= c || a[cid]->id != cid``, ``i < n && a[i]``: a comparison of the value left of
        ``||``/``&&`` guards a use in the right operand (evaluated only when it did not hold)."""
        root = self._root(path) if path and line else None
        if root is None:
            return []
        pt = (line - 1, max((col or 1) - 1, 0))
        child = root.descendant_for_point_range(pt, pt)
        got = []
        n = child.parent if child is not None else None
        while n is not None and not n.type.endswith(_STMT_END):
            if n.type == "binary_expression":
                op, left = n.child_by_field_name("operator"), n.child_by_field_name("left")
                if op is not None and _text(op) in ("||", "&&") and left is not None and \
                        n.child_by_field_name("right") == child and self._compares(left, taint):
                    got.append(("if", n))
            child, n = n, n.parent
        return got

    def _before(self, stmt, taint) -> list[tuple[str, object]]:
        """Conditions around ``stmt`` and early exits before it in the blocks that hold it."""
        got = []
        guards = _guards_of(stmt)
        child, n = stmt, stmt.parent
        while n is not None and n.type != "function_definition":
            t = n.type
            if t in ("if_statement", "while_statement", "for_statement", "do_statement"):
                c = n.child_by_field_name("condition")
                if c is not None and child != c and self._compares(c, taint):
                    got.append(("if" if t == "if_statement" else "loop", n))
            if t == "case_statement" and _switch_on(n, taint) and case_labels(n):
                got.append(("case", n))  # under case labels of a switch on the value: it equals one
            if t in ("compound_statement", "case_statement"):
                for sib in n.named_children:
                    if sib.end_byte > child.start_byte:
                        break
                    kind = self._exit_check(sib, taint) or self._clamp(sib, taint)
                    if kind:
                        got.append((kind, sib))
                    else:  # the bound inside a branch under the step's own condition: that statement
                        got.extend(self._same_guard_check(sib, taint, guards))
            child, n = n, n.parent
        return got

    def _exit_check(self, node, taint) -> str | None:
        if node.type == "if_statement":
            c, body = node.child_by_field_name("condition"), node.child_by_field_name("consequence")
            alt = node.child_by_field_name("alternative")  # if (cb <= max) { } else return;
            if alt is not None and alt.type == "else_clause":
                alt = next((k for k in alt.named_children if k.type != "comment"), None)
            leaves = (body is not None and self._exits(body)) or (alt is not None and self._exits(alt))
            if c is not None and leaves and self._compares(c, taint):
                return "early exit"
        elif node.type == "expression_statement":
            call = node.named_children[0] if node.named_children else None
            if call is not None and call.type == "call_expression":
                fn, args = call.child_by_field_name("function"), call.child_by_field_name("arguments")
                kids = [a for a in args.named_children if a.type != "comment"] if args is not None else []
                if fn is not None and _text(fn) in self.asserts and kids and self._compares(kids[0], taint):
                    return "assert-return"
        return None

    def _clamp(self, node, taint) -> str | None:
        """``if (cb > max) { ...; cb = max; }``: the value compared and then set to a bound."""
        if node.type != "if_statement":
            return None
        c, body = node.child_by_field_name("condition"), node.child_by_field_name("consequence")
        if c is None or body is None or not self._compares(c, taint):
            return None
        for n in _walk(body):
            if n.type == "assignment_expression":
                op, left = n.child_by_field_name("operator"), n.child_by_field_name("left")
                if op is not None and _text(op) == "=" and left is not None and taint.names_value(left):
                    return "bound"
        return None

    def _whole_sizes(self, path: str, stmt) -> set[str]:
        """The allocation sizes of the buffers ``stmt`` reaches at an offset (``p->pb + p->off``,
        ``&p->pb[off]``): a comparison with the whole size of a buffer does not bound an access
        that starts inside it (``cb <= cbBuf`` before ``memcpy(dst, pbBuf + iBuf, cb)``)."""
        if not self.allocators:
            return set()
        bases = set()
        for n in _walk(stmt):
            if n.type == "binary_expression" and n.child_by_field_name("operator") is not None and \
                    _text(n.child_by_field_name("operator")) == "+":
                left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
                for a, b in ((left, right), (right, left)):
                    if a is not None and b is not None and not _constant(b):
                        bases.add(_text(a))
            elif n.type == "subscript_expression":
                a, i = n.child_by_field_name("argument"), n.child_by_field_name("index")
                if a is not None and i is not None and not _constant(i):
                    bases.add(_text(a))
        sizes = self._alloc_sizes(path)
        return {sz for b in bases for sz in sizes.get(b, ())}

    def _alloc_sizes(self, path: str) -> dict[str, set[str]]:
        """Buffer access text -> the size texts it is allocated with in this file
        (``p->pbBuf = (uint8_t *)RTMemAllocZ(p->cbBuf)``)."""
        if path not in self._sizes:
            out: dict[str, set[str]] = {}
            root = self._root(path)
            for n in _walk(root) if root is not None else ():
                if n.type not in ("assignment_expression", "init_declarator"):
                    continue
                left = n.child_by_field_name("left" if n.type == "assignment_expression" else "declarator")
                right = n.child_by_field_name("right" if n.type == "assignment_expression" else "value")
                if left is None or right is None:
                    continue
                for m in _walk(right):
                    fn = m.child_by_field_name("function") if m.type == "call_expression" else None
                    i = self.allocators.get(_text(fn)) if fn is not None else None
                    args = m.child_by_field_name("arguments") if i is not None else None
                    kids = [a for a in args.named_children if a.type != "comment"] if args is not None else []
                    if i is not None and i < len(kids):
                        out.setdefault(_text(left).lstrip("*"), set()).add(_text(kids[i]))
            self._sizes[path] = out
        return self._sizes[path]

    def _same_guard_check(self, node, taint, guards: set[str]) -> list[tuple[str, object]]:
        """``if (fFlags & F) { if (cb > max) return; }`` before a step that is itself under
        ``if (fFlags & F)``: the bound holds wherever the step runs (the same condition text;
        a condition on the value itself is an early exit already)."""
        if node.type != "if_statement" or not guards:
            return []
        c, body = node.child_by_field_name("condition"), node.child_by_field_name("consequence")
        if c is None or body is None or _text(c) not in guards:
            return []
        kids = body.named_children if body.type == "compound_statement" else [body]
        return [(k, x) for k, x in ((self._exit_check(x, taint), x) for x in kids) if k][:1]

    def _exits(self, body) -> bool:
        if body.type in self.exits:
            return True
        if body.type == "expression_statement" and body.named_children:
            call = body.named_children[0]
            fn = call.child_by_field_name("function") if call.type == "call_expression" else None
            return fn is not None and _text(fn) in self.asserts
        if body.type == "compound_statement":
            kids = [k for k in body.named_children if k.type != "comment"]
            return bool(kids) and self._exits(kids[-1])
        return False

    def _compares(self, cond, taint) -> bool:
        for n in _walk(cond):
            if n.type == "binary_expression":
                op = n.child_by_field_name("operator")
                if op is None or _text(op) not in self.comparisons or not taint.reads(n):
                    continue
                left, right = n.child_by_field_name("left"), n.child_by_field_name("right")
                if taint.whole and any(a is not None and b is not None and taint.reads(a) and _text(b) in taint.whole
                                       for a, b in ((left, right), (right, left))):
                    continue  # the whole size of a buffer the step reaches at an offset
                if _text(op) in ("==", "!="):  # an equality bounds only against a constant
                    if not any(a is not None and b is not None and taint.reads(a) and _constant(b)
                               for a, b in ((left, right), (right, left))):
                        continue
                return True
        return False

    def _bounding_mask(self, n, op: str) -> bool:
        """A constant that bounds ``x & n`` (``x % n``): not one that clears low bits
        (``~0xfff``, or a name defined as one), which keeps the high ones."""
        if not _constant(n):
            return False
        if op == "%":
            return True
        text, seen = _text(n), set()
        while text not in seen:
            value = self._defines(text)
            self._looked_up[text] = None if value is None else str(value)  # (a judgment kept depends on it)
            if value is None:
                break
            seen.add(text)
            text = "".join(str(value).split())
        return "~" not in text and "-" not in text


# a name inside these is the size or layout of an object, not its value
_SIZE_OF = ("sizeof_expression", "alignof_expression", "offsetof_expression")


def value_names(node, size_macros: frozenset = frozenset()):
    """The identifier and field-access nodes under ``node`` that read a value: not those inside
    sizeof or a size macro (``[taint.checks] size_macros``: ``RT_ELEMENTS(aBuf)`` is a constant,
    whatever ``aBuf`` holds)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if n.type in _SIZE_OF:
            continue
        if n.type == "call_expression":
            f = n.child_by_field_name("function")
            if f is not None and (_text(f) == "sizeof" or _text(f) in size_macros):
                continue
        if n.type in ("identifier", "field_expression"):
            yield n
        stack.extend(reversed(n.named_children))


class _Taint:
    """The names of one function that hold the guest value: locals and parameters by name,
    fields by the access text the path's statements use (``pReq->cb``, not any ``cb``)."""

    def __init__(self, names: set[str], accesses: set[str], size_macros: frozenset, whole: set[str] = frozenset(),
                 macros=None, fields: set[str] = frozenset()):
        self.names, self.accesses, self.size_macros = names, accesses, size_macros
        self.whole = whole  # sizes that do not bound this step (Checker._whole_sizes)
        # the file's own #defines (taintmacros.Macros): a name or a field of the path read inside
        # one (``GET_BITS(RXCSUM, PCSS)`` reads ``pThis->auRegs``) is read
        self.macros, self.fields = macros, fields
        self._wide: dict[tuple, bool] = {}

    def names_value(self, node) -> bool:
        """``node`` (an assignment's left side) is one of the names or accesses holding the value."""
        t = _text(node)
        return t in self.accesses or (node.type == "identifier" and t in self.names)

    def reads(self, node) -> bool:
        for n in value_names(node, self.size_macros):
            if n.type == "field_expression":
                if _text(n) in self.accesses:
                    return True
            elif n.type == "identifier" and _text(n) in self.names and not _is_field_base(n):
                return True
        return self._reads_expanded(node) if self.macros is not None else False

    def _reads_expanded(self, node) -> bool:
        """Whether ``node`` reads the value inside a macro of the file: a tainted name, or a field
        of the path (an expansion has no access text of the path's statements: by field name)."""
        key = (node.start_byte, node.end_byte, node.id) if hasattr(node, "id") else (node.start_byte, node.end_byte)
        if key not in self._wide:
            from .taintmacros import expanded

            expr = expanded(self.macros, node)
            hit = False
            for n in value_names(expr, self.size_macros) if expr is not None else ():
                if n.type == "field_expression" and (_field(n) in self.fields or _text(n) in self.accesses):
                    hit = True
                elif n.type == "identifier" and _text(n) in self.names and not _is_field_base(n):
                    hit = True
            self._wide[key] = hit
        return self._wide[key]


def _expansions(stmt, macros):
    """The parsed expansions of the file macros used in ``stmt`` (calls and bare names)."""
    from .taintmacros import expanded

    for n in _walk(stmt):
        name = n.child_by_field_name("function") if n.type == "call_expression" else n if n.type == "identifier" else None
        if name is not None and _text(name) in macros.table and (n.type == "call_expression" or (
                n.parent is None or n.parent.type != "call_expression")):
            e = expanded(macros, n)
            if e is not None:
                yield e


def _is_field_base(n) -> bool:
    """``p`` in ``p->cb``: the base of a field access names the struct, not the value."""
    p = n.parent
    return p is not None and p.type == "field_expression" and p.child_by_field_name("argument") == n


def _guards_of(stmt) -> set[str]:
    """The condition texts of the ``if`` statements whose then-branch holds ``stmt``."""
    out, child, n = set(), stmt, stmt.parent
    while n is not None and n.type != "function_definition":
        if n.type == "if_statement" and n.child_by_field_name("consequence") == child:
            c = n.child_by_field_name("condition")
            if c is not None:
                out.add(_text(c))
        child, n = n, n.parent
    return out


def _switch_on(case, taint) -> bool:
    """``case`` is a label of a ``switch`` on the value itself (``switch (i)``, ``switch (p->i)``)."""
    body = case.parent
    sw = body.parent if body is not None and body.type == "compound_statement" else None
    c = sw.child_by_field_name("condition") if sw is not None and sw.type == "switch_statement" else None
    while c is not None and c.type in ("condition_clause", "parenthesized_expression") and c.named_children:
        c = c.named_children[0]
    return c is not None and c.type in ("identifier", "field_expression") and taint.reads(c)


def case_labels(case) -> list:
    """The label values a statement under ``case`` may be reached with: its own and those of the
    cases before it that fall through into it; [] when ``default`` is among them."""
    cases = [k for k in case.parent.named_children if k.type == "case_statement"]
    i = cases.index(case)
    out = []
    while i >= 0:
        v = cases[i].child_by_field_name("value")
        if v is None:
            return []  # default: any value
        out.append(v)
        i -= 1
        if i >= 0:
            body = [k for k in cases[i].named_children if k.type != "comment" and k != cases[i].child_by_field_name("value")]
            if body and body[-1].type in ("break_statement", "return_statement", "goto_statement", "continue_statement"):
                break  # (the case before leaves: no fall-through from it)
    return out


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(reversed(n.named_children))


def _text(n) -> str:
    return "".join(n.text.decode("utf-8", "replace").split())


def _field(n) -> str:
    f = n.child_by_field_name("field")
    return _text(f) if f is not None else ""


def _constant(n) -> bool:
    """A literal, a constant-looking name (UPPER_CASE) or an expression of those (sizeof...)."""
    for m in _walk(n):
        if m.type == "identifier" and not m.text.decode("utf-8", "replace").isupper():
            return False
        if m.type == "field_expression":
            return False
    return True


def _first_line(n) -> str:
    return n.text.decode("utf-8", "replace").split("\n", 1)[0].strip()[:200]
