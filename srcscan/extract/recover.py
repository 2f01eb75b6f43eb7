"""Function definitions the parser lost.

When a long function body holds preprocessor branches that each open a block (an
``#ifdef X`` before an ``else if (...) {`` whose brace closes after ``#endif``), tree-sitter
gives up on the definition: the header is left at file scope as a bare ``function_declarator``
followed by a ``{`` token, and the statements of the body become file-scope nodes. Read as
they are, the function's locals would be globals and its calls would belong to no function.

This module finds such headers and where their bodies end, by matching braces in the text:
comments, strings and character literals are skipped, and inside ``#if``/``#ifdef`` only the
first branch is counted (the ``#else``/``#elif`` branches repeat the same braces for another
configuration). A body whose braces never balance is left alone.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Lost:
    declarator: object  # the function_declarator node
    start: int  # byte where the definition starts (its return type, or the declarator)
    body_start: int  # the "{"
    body_end: int  # one past the matching "}"
    line: int  # first and last line (1-based)
    end_line: int


def _skip_directive(src: bytes, i: int, n: int) -> tuple[int, bytes]:
    """From a '#' at the start of a line: (index after the directive, its keyword)."""
    j = i + 1
    while j < n and src[j] in b" \t":
        j += 1
    k = j
    while k < n and (65 <= src[k] <= 90 or 97 <= src[k] <= 122):
        k += 1
    word = src[j:k]
    while k < n:  # to the end of the (continued) line
        if src[k] == 0x0A and src[k - 1] != 0x5C:
            break
        k += 1
    return k, word


def match_brace(src: bytes, start: int) -> int | None:
    """One past the ``}`` matching the ``{`` at ``start``, or None."""
    n = len(src)
    depth = 0
    skipping: list[bool] = []  # per open #if: is this branch skipped (not the first)?
    i = start
    line_start = True
    while i < n:
        c = src[i]
        if c == 0x0A:
            line_start = True
            i += 1
            continue
        if c in b" \t\r":
            i += 1
            continue
        if c == 0x23 and line_start:  # '#'
            i, word = _skip_directive(src, i, n)
            if word in (b"if", b"ifdef", b"ifndef"):
                skipping.append(False)
            elif word in (b"else", b"elif", b"elifdef", b"elifndef") and skipping:
                skipping[-1] = True
            elif word == b"endif" and skipping:
                skipping.pop()
            continue
        line_start = False
        if c == 0x2F and i + 1 < n and src[i + 1] == 0x2F:  # // comment
            j = src.find(b"\n", i)
            i = n if j < 0 else j
            continue
        if c == 0x2F and i + 1 < n and src[i + 1] == 0x2A:  # /* comment */
            j = src.find(b"*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if c in b"\"'":
            j = i + 1
            while j < n and src[j] != c and src[j] != 0x0A:
                j += 2 if src[j] == 0x5C else 1
            i = j + 1
            continue
        if not any(skipping):
            if c == 0x7B:
                depth += 1
            elif c == 0x7D:
                depth -= 1
                if depth == 0:
                    return i + 1
                if depth < 0:
                    return None
        i += 1
    return None


_TYPE_NODES = {"primitive_type", "type_identifier", "sized_type_specifier", "qualified_identifier",
               "template_type", "storage_class_specifier", "type_qualifier"}


def lost_definitions(root, src: bytes) -> list[Lost]:
    """File-scope ``declarator {`` pairs whose body the parser did not keep."""
    out: list[Lost] = []
    todo = [root]
    while todo:  # file scope, and the error nodes at file scope that swallowed a definition
        node = todo.pop()
        kids = [c for c in node.children if c.type != "comment"]
        todo += [c for c in kids if c.type == "ERROR"]
        _scan(kids, src, out)
    return sorted(out, key=lambda x: x.body_start)


def _scan(kids: list, src: bytes, out: list[Lost]) -> None:
    for i, c in enumerate(kids[:-1]):
        decl = c
        if c.type == "ERROR" and c.child_count and c.children[-1].type == "function_declarator":
            decl = c.children[-1]
        if decl.type != "function_declarator" or kids[i + 1].type != "{":
            continue
        name = decl.child_by_field_name("declarator")
        if name is None or name.type not in ("identifier", "qualified_identifier", "destructor_name"):
            continue
        brace = kids[i + 1].start_byte
        end = match_brace(src, brace)
        if end is None:
            continue
        first = decl
        if i > 0 and kids[i - 1].type in _TYPE_NODES and kids[i - 1].end_point[0] >= decl.start_point[0] - 1:
            first = kids[i - 1]
        out.append(Lost(decl, first.start_byte, brace, end, first.start_point[0] + 1,
                        src.count(b"\n", brace, end) + kids[i + 1].start_point[0] + 1))
