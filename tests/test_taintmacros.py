"""A file's own #defines expanded inside an expression (srcscan/query/taintmacros.py), as taint
looks for guest values read through device macros."""
from srcscan.query.taintmacros import Macros, parse_expression

SRC = rb"""
#define REG_IDX 2
#define REG pThis->auRegs[REG_IDX]
#define REG_F_MASK 0xff
#define REG_F_SHIFT 4
#define GET(reg, f) ((reg & reg##_##f##_MASK) >> reg##_##f##_SHIFT)
#define TWICE(x) ((x) + (x))
#define START GET(REG, F)
#define SELF SELF + 1
#define NAME(x) #x
#define SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define LONG(a, \
             b) ((a) * (b)) /* a comment */
"""


def _flat(text):
    return "".join(text.split())


def test_pasted_names_are_expanded_after_pasting_and_arguments_next_to_paste_are_not():
    m = Macros.of(SRC)
    # REG next to ## is pasted as written (REG_F_MASK), elsewhere expanded to the register
    assert _flat(m.expand("p + GET(REG, F)")) == "p+((pThis->auRegs[2]&0xff)>>4)"


def test_nested_macros_and_continuation_lines():
    m = Macros.of(SRC)
    assert _flat(m.expand("TWICE(START)")) == "((((pThis->auRegs[2]&0xff)>>4))+(((pThis->auRegs[2]&0xff)>>4)))"
    assert _flat(m.expand("LONG(i, j)")) == "((i)*(j))"


def test_a_macro_is_not_expanded_inside_its_own_expansion():
    assert _flat(Macros.of(SRC).expand("SELF")) == "SELF+1"


def test_stringizing_and_skipped_names():
    m = Macros.of(SRC, frozenset({"SIZE"}))
    assert m.expand("NAME(abc)") == '"abc"'
    assert m.expand("SIZE(aBuf)") is None  # a size macro is not expanded (it reads no value)
    assert m.expand("i + 1") is None  # nothing to expand


def test_a_call_with_the_wrong_number_of_arguments_is_left_alone():
    assert Macros.of(SRC).expand("GET(REG)") is None or "GET" in Macros.of(SRC).expand("GET(REG)")


def test_the_expansion_parses_to_an_expression_with_the_register_field():
    expr = parse_expression(Macros.of(SRC).expand("GET(REG, F)"))
    assert expr is not None
    stack, fields = [expr], []
    while stack:
        n = stack.pop()
        if n.type == "field_expression":
            fields.append(n.child_by_field_name("field").text.decode())
        stack.extend(n.named_children)
    assert fields == ["auRegs"]
