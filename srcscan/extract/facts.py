"""Extract Facts from one C/C++ file with tree-sitter (queries/facts.scm).

The query finds the constructs; one pass over the captures in document order keeps a
stack of what encloses each one (function, if/while/switch, #if block), so every fact
knows its function, guards and preprocessor conditions without walking parents.
"""
from __future__ import annotations

import hashlib
from bisect import bisect_right
from operator import itemgetter

import tree_sitter

from .localdefs import HDR_NOTE, note as local_note, walk
from .macros import default_rewriter
from .nesting import MAX_OPEN, TooDeep
from .recover import Lost, lost_definitions
from .syntax import (MAX_EXPR_NODES, _NO_VALUE, _declarator_name, _ExprBuilder, _field_decls, _function_declarator,  # noqa: F401
                     _init_parts, _params, _query, _squash, _t, _type_text, access_of, parser,
                     _F_ALTERNATIVE, _F_ARGUMENT, _F_ARGUMENTS, _F_BODY, _F_CONDITION, _F_CONSEQUENCE, _F_DECLARATOR,
                     _F_FUNCTION, _F_LEFT, _F_NAME, _F_OPERATOR, _F_RIGHT, _F_TYPE, _F_VALUE)
from .records import (Access, Assign, Call, Define, Expr, FieldDecl, FileFacts, Function, GlobalVar, Guard, Return, Struct, Typedef)

# --------------------------------------------------------------------------- extraction
class _Ctx:
    """An open enclosing construct while sweeping captures in document order."""

    __slots__ = ("end", "kind", "node", "data", "memo")

    def __init__(self, end, kind, node, data=None):
        self.end, self.kind, self.node, self.data = end, kind, node, data
        self.memo = None  # a guard: its Guard per branch, computed once; a function: its items

def _pp_condition(node) -> str:
    t = node.type
    if t == "preproc_ifdef":
        name = node.child_by_field_id(_F_NAME)
        neg = node.children[0].type == "#ifndef" or node.text.startswith(b"#ifndef")
        return ("!" if neg else "") + f"defined({_t(name)})"
    if t in ("preproc_if", "preproc_elif"):
        c = node.child_by_field_id(_F_CONDITION)
        return _squash(_t(c))
    if t == "preproc_elifdef":
        name = node.child_by_field_id(_F_NAME)
        neg = node.text.startswith(b"#elifndef")
        return ("!" if neg else "") + f"defined({_t(name)})"
    return ""


def _negate(c: str) -> str:
    if c.startswith("!") and c[1:].startswith("defined(") and c.endswith(")") and c.count("(") == 1:
        return c[1:]
    if c.startswith("defined(") and c.endswith(")") and c.count("(") == 1:
        return "!" + c
    return f"!({c})"


_SPAN = itemgetter(0, 1)  # (start, -end): a capture sorts before the ones it encloses


class Extractor:
    def __init__(self, rewriter=None):
        self.parser = parser()
        self.query = _query()
        self.rewriter = rewriter if rewriter is not None else default_rewriter()

    def extract(self, path: str, data: bytes, key: str = "") -> FileFacts:
        src, spans = self.rewriter.apply(data)
        pp = walk(data)  # line of an #if -> what the file's own #define/#undef said; its #includes
        local = pp.knowledge
        tree = self.parser.parse(src)
        root = tree.root_node
        ff = FileFacts(path=path, key=key, bytes=len(data), lines=data.count(b"\n") + 1)
        ff.includes, ff.pp_exports, ff.pp_open = pp.includes, pp.exports, pp.open
        if pp.open:  # names headers may decide: their conditions say where to look them up
            ff.pp_id = hashlib.blake2b(data, digest_size=6).hexdigest()
        lines = _Lines(data.split(b"\n"))  # the original text: evidence shows what the user wrote
        cursor = tree_sitter.QueryCursor(self.query)
        caps = []
        for name, nodes in cursor.captures(root).items():
            for n in nodes:
                caps.append((n.start_byte, -n.end_byte, name, n))
        for lost in lost_definitions(root, src):  # bodies the parser left at file scope
            caps.append((lost.body_start, -lost.body_end, "function", lost))
        caps.sort(key=_SPAN)
        starts = [s for s, _, _ in spans]  # (spans are in order and do not overlap)
        stack: list[_Ctx] = []
        # per function: (Function, [(kind, node, guards, preproc)])
        pending: list[tuple[Function, list]] = []
        file_items: list = []
        for start, negend, name, node in caps:
            end = -negend
            while stack and stack[-1].end <= start:
                stack.pop()
            if name == "error":
                ff.error_nodes += 1
                continue
            if name == "missing":
                ff.missing_nodes += 1
                continue
            if name == "pp":
                cond = _pp_condition(node)
                alt = node.child_by_field_id(_F_ALTERNATIVE)
                if node.type in ("preproc_if", "preproc_ifdef") and cond == "0":
                    ff.disabled_blocks += 1
                at = node.start_point[0] + 1
                known = local.get(at) if cond else None
                hdr = f"{HDR_NOTE}{ff.pp_id}:{at}]" if cond and at in pp.open else ""
                stack.append(_Ctx(end, "pp", node, (cond, alt.start_byte if alt is not None else None,
                                                    hdr + (local_note(known) if known else ""))))
                if len(stack) > MAX_OPEN:  # every fact below carries all of them: bound the cost
                    raise TooDeep(node.start_point[0] + 1)
                continue
            if name.startswith("guard."):
                stack.append(_Ctx(end, name[6:], node, self._guard_data(name[6:], node)))
                if len(stack) > MAX_OPEN:
                    raise TooDeep(node.start_point[0] + 1)
                continue
            preproc = self._preproc(stack, start)
            if name == "function":
                fn = self._function(node, path, preproc, spans, starts)
                if fn is None:
                    continue
                ctx = _Ctx(end, "function", node, fn)
                ctx.memo = []  # the function's items, in document order
                stack.append(ctx)
                pending.append((fn, ctx.memo))
                ff.functions.append(fn)
                continue
            if name == "struct":
                st = self._struct(node)
                if st is not None:
                    ff.structs.extend(st)
                continue
            if name == "typedef":
                ff.typedefs.extend(self._typedefs(node))
                continue
            if name == "define":
                nm = node.child_by_field_id(_F_NAME)
                val = node.child_by_field_id(_F_VALUE)
                if nm is not None:
                    ff.defines.append(Define(_t(nm), _squash(_t(val))[:200] if val is not None else "",
                                             node.start_point[0] + 1))
                continue
            func_ctx = None
            for c in reversed(stack):
                if c.kind == "function":
                    func_ctx = c
                    break
            if func_ctx is not None:  # an item of the innermost open function
                func_ctx.memo.append((name, node, self._guards(stack, start, lines), preproc))
            else:
                file_items.append((name, node, [], preproc))
        for fn, items in pending:
            self._fill_function(fn, items, lines)
        self._file_scope(ff, file_items, lines)
        return ff

    # -- context helpers
    def _preproc(self, stack, start) -> list[str]:
        out = []
        for c in stack:
            if c.kind != "pp":
                continue
            cond, alt, known = c.data
            if c.node.type == "preproc_else":
                continue
            if alt is not None and start >= alt:
                out.append(_negate(cond) + known)
            elif cond:
                out.append(cond + known)
        return out

    def _guard_data(self, kind, node):
        if kind in ("if", "while", "switch"):
            c = node.child_by_field_id(_F_CONDITION)
            body = node.child_by_field_id(_F_CONSEQUENCE) if kind == "if" else node.child_by_field_id(_F_BODY)
            alt = node.child_by_field_id(_F_ALTERNATIVE) if kind == "if" else None
            return (c, c.end_byte if c is not None else node.start_byte, alt.start_byte if alt is not None else None)
        if kind == "for":
            c = node.child_by_field_id(_F_CONDITION)
            body = node.child_by_field_id(_F_BODY)
            return (c, body.start_byte if body is not None else node.start_byte, None)
        if kind == "do":
            c = node.child_by_field_id(_F_CONDITION)
            return (c, node.start_byte, None)
        if kind == "case":
            v = node.child_by_field_id(_F_VALUE)
            return (v, v.end_byte if v is not None else node.start_byte, None)
        if kind == "ternary":
            c = node.child_by_field_id(_F_CONDITION)
            return (c, c.end_byte if c is not None else node.start_byte, None)
        return (None, node.start_byte, None)

    def _guards(self, stack, start, lines) -> list[Guard]:
        out = []
        for c in stack:
            if c.kind in ("function", "pp"):
                continue
            cond, body_start, alt = c.data
            if start < body_start:
                continue  # inside the condition itself
            if c.kind == "do" and cond is not None and start >= cond.start_byte:
                continue
            if c.memo is None:
                c.memo = {}
            branch = c.kind == "if" and alt is not None and start >= alt
            g = c.memo.get(branch)
            if g is None:  # one Guard object per condition and branch, shared by the facts under it
                g = c.memo[branch] = self._make_guard(c, cond, branch)
            out.append(g)
        return out

    @staticmethod
    def _make_guard(c, cond, in_else: bool) -> Guard:
        ctext = _squash(_t(cond))[:200] if cond is not None else ""
        reads = _ExprBuilder({}).expr(cond).reads if cond is not None else []
        line = c.node.start_point[0] + 1
        if c.kind == "if":
            return Guard("else", f"else of if {ctext}", line, reads) if in_else else Guard("if", f"if {ctext}", line,
                                                                                          reads)
        if c.kind == "case":
            return Guard("case", f"case {ctext}:", line, reads)
        if c.kind == "ternary":
            return Guard("ternary", f"{ctext} ?", line, reads)
        if c.kind == "for":
            return Guard("for", f"for (...; {ctext}; ...)", line, reads)
        return Guard(c.kind, f"{c.kind} {ctext}" if c.kind != "do" else f"do ... while {ctext}", line, reads)

    # -- definitions
    def _function(self, node, path, preproc, spans, starts) -> Function | None:
        if isinstance(node, Lost):  # a body the parser lost (recover.py)
            nd = node.declarator.child_by_field_id(_F_DECLARATOR)
            return Function(name=_t(nd), file=path, line=node.line, end_line=node.end_line, static=False,
                            ret_type=None, params=_params(node.declarator), preproc=preproc)
        fdecl = _function_declarator(node)
        if fdecl is None:
            return None
        nd = fdecl.child_by_field_id(_F_DECLARATOR)
        if nd is None:
            return None
        name = _t(nd)
        if nd.type not in ("identifier", "field_identifier", "qualified_identifier", "destructor_name",
                           "operator_name", "template_function"):
            return None
        static = any(c.type == "storage_class_specifier" and _t(c) == "static" for c in node.children)
        cls = _enclosing_class(node)
        if cls and nd.type != "qualified_identifier":  # a method defined in its class body
            name, static = f"{cls}::{name}", False
        typ = node.child_by_field_id(_F_TYPE)
        ret = _squash(_t(typ)) if typ is not None else None
        d = node.child_by_field_id(_F_DECLARATOR)
        if d is not None and d.type == "pointer_declarator" and ret:
            ret += " *"
        rule = None
        i = bisect_right(starts, nd.start_byte) - 1  # the rewritten span holding the name, if any
        if i >= 0 and nd.start_byte < spans[i][1]:
            rule = spans[i][2]
        return Function(name=name, file=path, line=node.start_point[0] + 1, end_line=node.end_point[0] + 1,
                        static=static, ret_type=ret, params=_params(fdecl), preproc=preproc, name_rule=rule)

    def _struct(self, node) -> list[Struct]:  # also C++ classes
        sname = _struct_name(node)
        kind = {"union_specifier": "union", "class_specifier": "class"}.get(node.type, "struct")
        out = [Struct(sname, kind, node.start_point[0] + 1)]
        for c in node.named_children:
            if c.type == "base_class_clause":
                out[0].bases = [_t(b).rsplit("::", 1)[-1] for b in c.named_children
                                if b.type in ("type_identifier", "qualified_identifier", "template_type")]
        body = node.child_by_field_id(_F_BODY)
        for fd in _field_decls(body) if body is not None else []:
            t = fd.child_by_field_id(_F_TYPE)
            nested = None
            typ = _type_text(fd)
            if t is not None and t.type in ("struct_specifier", "union_specifier"):
                if t.child_by_field_id(_F_NAME) is None:
                    nested = _struct_name(t)
                    typ = nested
                else:
                    nested = _t(t.child_by_field_id(_F_NAME))
            decls = [c for i, c in enumerate(fd.children) if fd.field_name_for_child(i) == "declarator"]
            if not decls and nested:  # an anonymous member (C11): its fields are the struct's own
                out[0].fields.append(FieldDecl(f"<{nested}>", typ, fd.start_point[0] + 1, False, False, nested))
            for d in decls:
                nm, ptr, arr = _declarator_name(d)
                if nm:
                    out[0].fields.append(FieldDecl(nm, typ, fd.start_point[0] + 1, ptr, arr, nested))
        return out

    def _typedefs(self, node) -> list[Typedef]:
        typ = _type_text(node)
        out = []
        for i, c in enumerate(node.children):
            if node.field_name_for_child(i) != "declarator":
                continue
            nm, ptr, _ = _declarator_name(c)
            if nm and nm != typ:
                out.append(Typedef(nm, typ, ptr, node.start_point[0] + 1))
        return out

    # -- function bodies
    def _fill_function(self, fn: Function, items: list, lines: list[bytes]) -> None:
        calls = [it for it in items if it[0] == "call"]
        index = {}
        for i, (_, node, guards, preproc) in enumerate(calls):
            index[(node.start_byte, node.end_byte)] = i
        eb = _ExprBuilder(index)
        for _, node, guards, preproc in calls:
            fn.calls.append(self._call(node, eb, guards, preproc, lines))
        for p in fn.params:
            fn.locals.setdefault(p.name, p.type)
        shadows: list = []  # (name, new name, start, end) of a redeclaration: another variable
        for kind, node, guards, preproc in items:
            if kind == "assign":
                self._assign(node, eb, guards, preproc, lines, fn.assigns)
            elif kind == "update":
                arg = node.child_by_field_id(_F_ARGUMENT)
                a = access_of(arg) if arg is not None else None
                if a is not None:
                    op = "++" if b"++" in node.text else "--"
                    fn.assigns.append(Assign(a, op, Expr(""), node.start_point[0] + 1, node.start_point[1] + 1,
                                             _line(lines, node), guards, preproc))
            elif kind == "return":
                v = node.named_children[0] if node.named_child_count else None
                if v is not None and v.type != "comment":
                    fn.returns.append(Return(eb.expr(v), node.start_point[0] + 1, node.start_point[1] + 1,
                                             _line(lines, node), guards, preproc))
            elif kind == "declaration":
                self._declaration(node, eb, guards, preproc, lines, fn.locals, fn.local_lines, fn.assigns, shadows)
        for name, new, start, end in shadows:
            _rename_local(fn, name, new, start, end)

    def _call(self, node, eb, guards, preproc, lines) -> Call:
        f = node.child_by_field_id(_F_FUNCTION)
        argl = node.child_by_field_id(_F_ARGUMENTS)
        args = [a for a in argl.named_children if a.type != "comment"] if argl is not None else []
        # LogRel(("fmt", a, b)): flatten the double-parenthesised argument list
        if len(args) == 1 and args[0].type == "parenthesized_expression":
            inner = [c for c in args[0].named_children if c.type != "comment"]
            if len(inner) == 1 and inner[0].type == "comma_expression":
                flat = []
                n = inner[0]
                while n is not None and n.type == "comma_expression":
                    flat.append(n.child_by_field_id(_F_LEFT))
                    n = n.child_by_field_id(_F_RIGHT)
                if n is not None:
                    flat.append(n)
                args = [a for a in flat if a is not None]
        indirect = None
        if f is None:
            callee = "?"
        elif f.type in ("identifier", "qualified_identifier"):
            callee = _t(f)
        elif f.type == "template_function":
            nm = f.child_by_field_id(_F_NAME)
            callee = _t(nm) if nm is not None else _t(f)
        else:
            indirect = access_of(f)
            callee = _squash(_t(f))[:120]
        return Call(callee, [eb.expr(a, arg_context=True) for a in args], node.start_point[0] + 1,
                    node.start_point[1] + 1, node.end_point[0] + 1, _line(lines, node), guards, preproc,
                    indirect, node.start_byte)

    def _assign(self, node, eb, guards, preproc, lines, out) -> None:
        left = node.child_by_field_id(_F_LEFT)
        right = node.child_by_field_id(_F_RIGHT)
        op = node.child_by_field_id(_F_OPERATOR)
        a = access_of(left) if left is not None else None
        if a is None or right is None:
            return
        out.append(Assign(a, _t(op) if op is not None else "=", eb.expr(right), node.start_point[0] + 1,
                          node.start_point[1] + 1, _line(lines, node), guards, preproc))

    def _declaration(self, node, eb, guards, preproc, lines, local_types, local_lines, out, shadows=None) -> None:
        typ = _type_text(node)
        for i, c in enumerate(node.children):
            if node.field_name_for_child(i) != "declarator":
                continue
            d = c.child_by_field_id(_F_DECLARATOR) if c.type == "init_declarator" else c
            nm, ptr, arr = _declarator_name(d) if d is not None else (None, False, False)
            if not nm or (c.type == "function_declarator"):
                continue
            if shadows is not None and nm in local_types and node.parent is not None \
                    and node.parent.type not in _PP_NODES:  # (#if alternatives declare one variable)
                # declared again (an inner block's variable of the same name): another variable,
                # named by its declaration ordinal (name@decl2: the second declaration of name in
                # the function), never by its line, from here to the end of its block
                k = 1 + sum(1 for sh in shadows if sh[0] == nm)
                new = f"{nm}@decl{k + 1}"
                shadows.append((nm, new, (c.start_point[0] + 1, c.start_point[1] + 1),
                                (node.parent.end_point[0] + 1, node.parent.end_point[1] + 1)))
                nm = new
            t = typ + (" *" if ptr else "") + ("[]" if arr else "")
            local_types[nm] = t
            local_lines.setdefault(nm, c.start_point[0] + 1)
            if c.type == "init_declarator":
                v = c.child_by_field_id(_F_VALUE)
                if v is not None:
                    if v.type == "argument_list":  # C++ direct init T x(a)
                        e = Expr(_squash(_t(v))[:300])
                        for a in v.named_children:
                            sub = eb.expr(a)
                            e.reads += sub.reads
                            e.calls += sub.calls
                    else:
                        e = eb.expr(v)
                    out.append(Assign(Access(nm), "init", e, c.start_point[0] + 1, c.start_point[1] + 1,
                                      _line(lines, c), guards, preproc, type=t))

    def _file_scope(self, ff: FileFacts, items, lines) -> None:
        eb = _ExprBuilder({})
        for kind, node, guards, preproc in items:
            if kind != "declaration":
                continue
            static = any(c.type == "storage_class_specifier" and _t(c) == "static" for c in node.children)
            typ = _type_text(node)
            for i, c in enumerate(node.children):
                if node.field_name_for_child(i) != "declarator":
                    continue
                d = c.child_by_field_id(_F_DECLARATOR) if c.type == "init_declarator" else c
                if d is None or d.type == "function_declarator":
                    continue
                nm, ptr, arr = _declarator_name(d)
                if not nm:
                    continue
                ff.globals.append(GlobalVar(nm, typ + (" *" if ptr else "") + ("[]" if arr else ""), c.start_point[0] + 1,
                                            static, ptr))
                if c.type == "init_declarator":
                    v = c.child_by_field_id(_F_VALUE)
                    if v is not None and v.type == "initializer_list":
                        # registration tables: one fact per member (.pfnConstruct = fooConstruct);
                        # positional members are "#i", resolved against the struct's field order later
                        parts = [(acc, val, val) for acc, val in _init_parts(Access(nm), v, arr)]
                    elif v is not None and v.type != "argument_list" and v.type not in _NO_VALUE:
                        parts = [(Access(nm), v, c)]
                    else:
                        continue
                    for acc, val, at in parts:  # (a value that reads no name flows nowhere from here)
                        e = eb.expr(val)
                        if e.reads or e.addr_of is not None or e.string is not None:
                            ff.global_assigns.append(Assign(acc, "init", e, at.start_point[0] + 1, at.start_point[1] + 1,
                                                            _line(lines, at), [], preproc, type=typ))


class _Lines(list):
    """Source lines, each decoded once on first use."""

    def __init__(self, raw: list[bytes]):
        super().__init__(raw)
        self.text: dict[int, str] = {}


def _line(lines, node) -> str:
    row = node.start_point[0]
    memo = getattr(lines, "text", None)
    if memo is not None and row in memo:
        return memo[row]
    t = lines[row].decode("utf-8", "replace").strip()[:400] if row < len(lines) else ""
    if memo is not None:
        memo[row] = t
    return t


_EXTRACTOR: Extractor | None = None


def extract(path: str, data: bytes, key: str = "") -> FileFacts:
    """Facts of one file. Never raises on odd bytes: tree-sitter is error-tolerant and
    text is decoded with replacement."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        _EXTRACTOR = Extractor()
    return _EXTRACTOR.extract(path, data, key)


def _enclosing_class(node) -> str | None:
    """The class or struct whose body holds a function definition (C++ in-class methods)."""
    p = node.parent
    for _ in range(8):
        if p is None:
            return None
        if p.type in ("class_specifier", "struct_specifier"):
            n = p.child_by_field_id(_F_NAME)
            return _t(n) if n is not None else None
        if p.type not in ("field_declaration_list", "template_declaration", "access_specifier") and \
                p.type not in _PP_NODES:
            return None
        p = p.parent
    return None


def _struct_name(node) -> str:
    """A struct, union or class's name, and for an unnamed one a name that does not depend on
    where it sits in the file (history compares names across revisions): the typedef that names
    it, else the field it is the type of (``<anon:OUTER.field>``; an unnamed member by its ordinal
    among the unnamed members, ``<anon:OUTER.#2>``), else the variable it declares
    (``<anon:g_x>``), else a digest of its text (``<anon:1f2e3d4c>``)."""
    name = node.child_by_field_id(_F_NAME)
    if name is not None:
        return _t(name)
    p = node.parent
    if p is not None and p.type == "type_definition":
        d = p.child_by_field_id(_F_DECLARATOR)
        nm, ptr, _ = _declarator_name(d) if d is not None else (None, False, False)
        if nm and not ptr:
            return nm
    if p is not None and p.type in ("field_declaration", "declaration"):
        decls = [c for i, c in enumerate(p.children) if p.field_name_for_child(i) == "declarator"]
        nm = _declarator_name(decls[0])[0] if decls else None
        body = p.parent
        outer = body.parent if body is not None and p.type == "field_declaration" else None
        if outer is not None and outer.type in ("struct_specifier", "union_specifier", "class_specifier"):
            oname = _struct_name(outer)
            if oname.startswith("<anon:"):
                oname = oname[6:-1]
            if not nm:  # an unnamed member: its ordinal among the unnamed members before it
                k = 1
                for sib in body.named_children:
                    if sib.id == p.id:
                        break
                    if sib.type == "field_declaration" and not any(
                            sib.field_name_for_child(i) == "declarator" for i in range(sib.child_count)):
                        k += 1
                nm = f"#{k}"
            return f"<anon:{oname}.{nm}>"
        if nm and p.type == "declaration":
            return f"<anon:{nm}>"
    text = b" ".join(node.text.split())
    return f"<anon:{hashlib.blake2s(text, digest_size=4).hexdigest()}>"


_PP_NODES = {"preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef"}


def _rename_local(fn: Function, name: str, new: str, start: tuple[int, int], end: tuple[int, int]) -> None:
    """Name ``name`` ``new`` in every fact of ``fn`` between ``start`` and ``end`` (line, column)."""
    def inside(line, col):
        return start <= (line, col) <= end

    def acc(a):
        if a is not None and a.root == name:
            a.root = new

    def expr(e):
        for a in e.reads:
            acc(a)
        acc(e.addr_of)

    def guards(gs):
        for g in gs:
            if inside(g.line, 1 << 20):
                for a in g.reads:
                    acc(a)

    for a in fn.assigns:
        if inside(a.line, a.col):
            acc(a.target)
            expr(a.value)
            guards(a.guards)
    for c in fn.calls:
        if inside(c.line, c.col):
            for e in c.args:
                expr(e)
            acc(c.indirect)
            guards(c.guards)
    for r in fn.returns:
        if inside(r.line, r.col):
            expr(r.value)
            guards(r.guards)
