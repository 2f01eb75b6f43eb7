"""Tree-sitter syntax helpers for extraction: the parser and query, access paths of
expressions (``pVM->tm.s.x``), string literals, expression summaries (what an expression
reads and calls), declarations (declarator names, types, parameters, fields) and the members of
initializer lists."""
from __future__ import annotations

from functools import lru_cache

import tree_sitter
import tree_sitter_cpp

from ..datafiles import read_text
from .records import Access, Expr, Param

MAX_EXPR_NODES = 4000  # expression summaries stop here (deeply nested generated code)


@lru_cache(maxsize=1)
def _language():
    return tree_sitter.Language(tree_sitter_cpp.language())


@lru_cache(maxsize=1)
def _query():
    return tree_sitter.Query(_language(), read_text("facts.scm"))


def parser() -> tree_sitter.Parser:
    return tree_sitter.Parser(_language())


def _field_id(name: str) -> int:
    """A field's id: ``child_by_field_id`` skips the name lookup ``child_by_field_name`` does
    on every call (the extraction asks for fields a few hundred thousand times per 100 files)."""
    fid = _language().field_id_for_name(name)
    if fid is None:  # pragma: no cover - a grammar without the field
        raise RuntimeError(f"tree-sitter-cpp has no field {name!r}")
    return fid


_F_ALTERNATIVE = _field_id("alternative")
_F_ARGUMENT = _field_id("argument")
_F_ARGUMENTS = _field_id("arguments")
_F_BODY = _field_id("body")
_F_CONDITION = _field_id("condition")
_F_CONSEQUENCE = _field_id("consequence")
_F_DECLARATOR = _field_id("declarator")
_F_FIELD = _field_id("field")
_F_FUNCTION = _field_id("function")
_F_LEFT = _field_id("left")
_F_NAME = _field_id("name")
_F_OPERATOR = _field_id("operator")
_F_PARAMETERS = _field_id("parameters")
_F_RIGHT = _field_id("right")
_F_TYPE = _field_id("type")
_F_VALUE = _field_id("value")


def _t(node) -> str:
    return node.text.decode("utf-8", "replace") if node is not None else ""


def _squash(s: str) -> str:
    return " ".join(s.split())


# --------------------------------------------------------------------------- expressions

def access_of(node) -> Access | None:
    """The access path a node names (identifier, a->b.c, a[i], *p), or None."""
    t = node.type
    if t == "identifier":
        return Access(_t(node))
    if t in ("field_expression",):
        base = node.child_by_field_id(_F_ARGUMENT)
        fld = node.child_by_field_id(_F_FIELD)
        op = node.child_by_field_id(_F_OPERATOR)
        if base is None or fld is None:
            return None
        inner = access_of(base)
        if inner is None:
            inner = Access("()")  # field of a call result or other expression
        opt = _t(op) if op is not None else ("->" if b"->" in node.text else ".")
        inner.steps.append((opt if opt in ("->", ".") else ".", _t(fld)))
        return inner
    if t == "subscript_expression":
        base = node.child_by_field_id(_F_ARGUMENT)
        inner = access_of(base) if base is not None else None
        if inner is not None:
            inner.steps.append(("[]", ""))
        return inner
    if t == "pointer_expression":
        op = node.child_by_field_id(_F_OPERATOR)
        arg = node.child_by_field_id(_F_ARGUMENT)
        if arg is not None and op is not None and _t(op) == "*":
            inner = access_of(arg)
            if inner is not None and not inner.steps:
                inner.deref = True
            return inner
        return None
    if t in ("parenthesized_expression",):
        kids = [c for c in node.named_children if c.type != "comment"]
        return access_of(kids[0]) if len(kids) == 1 else None
    if t == "cast_expression":
        v = node.child_by_field_id(_F_VALUE)
        return access_of(v) if v is not None else None
    if t == "qualified_identifier":
        return Access(_t(node))
    return None


_STRING = {"string_literal", "concatenated_string"}
_NO_VALUE = {"sizeof_expression", "alignof_expression", "offsetof_expression", "string_literal",
             "concatenated_string", "char_literal", "number_literal", "true", "false", "null", "nullptr",
             "lambda_expression", "comment", "type_descriptor", "raw_string_literal"}


def _string_value(node) -> str | None:
    if node.type == "string_literal":
        out = []
        for c in node.named_children:
            if c.type == "string_content":
                out.append(_t(c))
            elif c.type == "escape_sequence":
                out.append(_unescape(_t(c)))
        return "".join(out)
    if node.type == "concatenated_string":
        parts = []
        for c in node.named_children:
            if c.type == "string_literal":
                parts.append(_string_value(c) or "")
            elif c.type == "identifier":  # "a" PRIx64 "b": keep the macro name visible
                parts.append("%{" + _t(c) + "}")
        return "".join(parts)
    if node.type == "parenthesized_expression" and node.named_child_count == 1:
        return _string_value(node.named_children[0])
    return None


_ESC = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'", "a": "\a", "b": "\b",
        "f": "\f", "v": "\v", "?": "?"}


def _unescape(s: str) -> str:
    if len(s) >= 2 and s[0] == "\\":
        if s[1] in _ESC and len(s) == 2:
            return _ESC[s[1]]
        if s[1] == "x":
            try:
                return chr(int(s[2:], 16))
            except ValueError:
                return s
        if s[1].isdigit():
            try:
                return chr(int(s[1:], 8))
            except ValueError:
                return s
    return s


def _strip_casts(node):
    """The expression inside casts and parentheses: ``(void *)&x`` -> ``&x``."""
    for _ in range(32):
        if node.type == "cast_expression":
            v = node.child_by_field_id(_F_VALUE)
        elif node.type == "parenthesized_expression":
            kids = [c for c in node.named_children if c.type != "comment"]
            v = kids[0] if len(kids) == 1 else None
        else:
            return node
        if v is None:
            return node
        node = v
    return node


class _ExprBuilder:
    """Summarises expressions of one function: which access paths they read and which calls
    feed their value (calls are referenced by their byte span, resolved to indexes later)."""

    def __init__(self, call_index: dict[tuple[int, int], int]):
        self.call_index = call_index

    def expr(self, node, arg_context: bool = False) -> Expr:
        t = node.type
        if t == "identifier":  # (half of all expressions: a bare name)
            name = node.text.decode("utf-8", "replace")
            return Expr(name[:300], [Access(name)])
        if t == "number_literal":
            num = node.text.decode("utf-8", "replace")
            return Expr(num[:300], number=num)
        e = Expr(_squash(node.text[:1200].decode("utf-8", "replace"))[:300])  # nested: no whole-text copy
        s = _string_value(node)
        if s is not None:
            e.string = s
            return e
        inner = _strip_casts(node)
        if inner.type == "pointer_expression":  # &x, (void *)&x: the callee / pointer may reach x itself
            op = inner.child_by_field_id(_F_OPERATOR)
            if op is not None and _t(op) == "&":
                arg = inner.child_by_field_id(_F_ARGUMENT)
                e.addr_of = access_of(arg) if arg is not None else None
                if e.addr_of is not None:
                    return e
        budget = [MAX_EXPR_NODES]
        self._walk(node, e, budget)
        return e

    def _walk(self, node, e: Expr, budget: list[int]) -> None:
        budget[0] -= 1
        if budget[0] < 0:
            return
        t = node.type
        if t == "identifier":
            e.reads.append(Access(node.text.decode("utf-8", "replace")))
            return
        if t in _NO_VALUE:
            return
        if t == "call_expression":
            idx = self.call_index.get((node.start_byte, node.end_byte))
            if idx is not None:
                e.calls.append(idx)
            return
        if t in ("identifier", "field_expression", "subscript_expression", "qualified_identifier"):
            a = access_of(node)
            if a is not None:
                e.reads.append(a)
                if t == "subscript_expression":  # the index does not flow, the element does
                    return
                if a.root != "()":
                    return
            # field of an expression: look inside the base too
        if t == "pointer_expression":
            a = access_of(node)
            if a is not None:
                e.reads.append(a)
                return
        if t == "conditional_expression":
            branches = [node.child_by_field_name(f) for f in ("consequence", "alternative")]
            for c in branches:
                if c is not None:
                    self._walk(c, e, budget)
            if all(c is not None and _constant_literal(c) for c in branches):
                # f ? 1 : 0 is the condition's value spelled as a number: it flows
                cond = node.child_by_field_id(_F_CONDITION)
                if cond is not None:
                    self._walk(cond, e, budget)
            return
        if t == "cast_expression":
            v = node.child_by_field_id(_F_VALUE)
            if v is not None:
                self._walk(v, e, budget)
            return
        if t == "assignment_expression":  # a = b = c: the value is a's
            left = node.child_by_field_id(_F_LEFT)
            a = access_of(left) if left is not None else None
            if a is not None:
                e.reads.append(a)
            return
        for c in node.named_children:
            self._walk(c, e, budget)


_LITERALS = {"number_literal", "true", "false", "char_literal", "null", "nullptr"}


def _constant_literal(node) -> bool:
    """A literal constant, possibly in parentheses (``1``, ``(0)``, ``true``)."""
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    return node.type in _LITERALS


# --------------------------------------------------------------------------- declarations

def _declarator_name(d) -> tuple[str | None, bool, bool]:
    """(name, is_pointer, is_array) of a declarator node."""
    pointer = array = False
    while d is not None:
        t = d.type
        if t in ("identifier", "field_identifier", "type_identifier"):
            return _t(d), pointer, array
        if t == "pointer_declarator" or t == "reference_declarator":
            pointer = True
        elif t == "array_declarator":
            array = True
        elif t == "function_declarator":
            pointer = True  # function pointer member / prototype
        elif t == "qualified_identifier":
            return _t(d), pointer, array
        nxt = d.child_by_field_id(_F_DECLARATOR)
        if nxt is None:
            named = [c for c in d.named_children if c.type not in ("comment", "type_qualifier")]
            nxt = named[0] if named else None
        d = nxt
    return None, pointer, array


def _type_text(node) -> str:
    t = node.child_by_field_id(_F_TYPE)
    if t is None:
        return ""
    if t.type in ("struct_specifier", "union_specifier", "enum_specifier", "class_specifier"):
        name = t.child_by_field_id(_F_NAME)
        return _t(name) if name is not None else ""
    quals = [_t(c) for c in node.named_children if c.type == "type_qualifier"]
    base = _squash(_t(t))
    return " ".join([*quals, base]) if quals else base


def _params(fdecl) -> list[Param]:
    out = []
    plist = fdecl.child_by_field_id(_F_PARAMETERS)
    if plist is None:
        return out
    for p in plist.named_children:
        if p.type not in ("parameter_declaration", "optional_parameter_declaration"):
            if p.type == "variadic_parameter":
                out.append(Param("...", "...", False))
            continue
        typ = _type_text(p)
        d = p.child_by_field_id(_F_DECLARATOR)
        name, ptr, arr = _declarator_name(d) if d is not None else (None, False, False)
        if name is None:
            if typ in ("void", ""):
                continue
            name = f"#{len(out)}"
        ref = d is not None and d.type == "reference_declarator"
        out.append(Param(name, typ + (" &" if ref else " *" if ptr or arr else ""), ptr or arr, ref))
    return out


_PP_BLOCKS = {"preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef"}


def _field_decls(body):
    """Field declarations of a struct body, including those inside #if blocks."""
    for c in body.named_children:
        if c.type == "field_declaration":
            yield c
        elif c.type in _PP_BLOCKS:
            yield from _field_decls(c)


def _function_declarator(node):
    d = node.child_by_field_id(_F_DECLARATOR)
    while d is not None and d.type != "function_declarator":
        d = d.child_by_field_id(_F_DECLARATOR)
    return d


MAX_INIT_PARTS = 4096  # members of one initializer (huge generated tables stop here)


def _init_parts(acc: Access, node, is_array: bool, depth: int = 0, budget: list | None = None):
    """(member access, value node) of each leaf of an initializer list: ``.a.b = x`` gives
    ``g.a.b``; the i-th positional member of a struct gives ``g.#i``, of an array ``g[]``."""
    budget = [MAX_INIT_PARTS] if budget is None else budget
    pos = [0]
    for c in _init_elements(node, pos):
        budget[0] -= 1
        if budget[0] < 0:
            return
        if c.type == "initializer_pair":
            steps = []
            for d in c.children_by_field_name("designator"):
                if d.type == "field_designator":
                    steps.append((".", _t(d).lstrip(".").strip()))
                elif d.type == "subscript_designator":
                    steps.append(("[]", ""))
            val = c.child_by_field_id(_F_VALUE)
            if val is None or not steps:
                continue
        else:
            steps = [("[]", "")] if is_array else [(".", f"#{pos[0]}")]
            pos[0] += 1
            val = c
        sub = Access(acc.root, acc.steps + steps, acc.deref)
        if val.type in _STRING and not any(op == "[]" for op, _ in sub.steps):
            yield sub, val  # a name in a registration struct ({ .szName = "e1000" }): data, kept
            continue
        if val.type in _NO_VALUE:
            continue  # a constant flows nowhere from file scope (generated tables hold thousands)
        if val.type == "initializer_list":
            if depth < 4:
                yield from _init_parts(sub, val, False, depth + 1, budget)
        else:
            yield sub, val


def _init_elements(node, pos: list[int], depth: int = 0):
    """The elements of an initializer list, seeing through ``#if`` groups in it: each branch of
    a group starts at the same position (they are alternatives), and the elements after the
    group continue from where its first branch ended."""
    groups: list[list] = []  # [start, end of the first branch] of #if lines the parser could not place
    for c in node.named_children:
        if c.type == "comment":
            continue
        if c.type == "ERROR":  # '#if' inside an initializer: the parser leaves the directive as an error
            d = c.text.lstrip()
            if d.startswith(b"#if"):
                groups.append([pos[0], None])
            elif d.startswith((b"#elif", b"#else")) and groups:
                if groups[-1][1] is None:
                    groups[-1][1] = pos[0]
                pos[0] = groups[-1][0]
            elif d.startswith(b"#endif") and groups:
                start, end = groups.pop()
                pos[0] = pos[0] if end is None else end
            continue
        if c.type in ("preproc_if", "preproc_ifdef") and depth < 8:
            start, end, branch = pos[0], None, c
            while branch is not None:
                pos[0] = start
                skip = {branch.child_by_field_name(f) for f in ("condition", "name", "alternative")}
                for k in branch.named_children:
                    if k in skip or k.type == "comment":
                        continue
                    if k.type.startswith("preproc_") and k.type not in ("preproc_if", "preproc_ifdef"):
                        continue  # #error, #define inside a group: no element
                    yield from _init_elements(_Single(k), pos, depth + 1)
                if end is None:
                    end = pos[0]
                branch = branch.child_by_field_id(_F_ALTERNATIVE)
            pos[0] = end
            continue
        yield c


class _Single:
    """A stand-in parent holding one node (to reuse _init_elements on a group's items)."""

    def __init__(self, node):
        self.named_children = [node]
