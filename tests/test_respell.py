"""The respelling pass before parsing (issue 32, item 19): same length and line count whatever
the input, nothing inside comments or literals touched, ordinary code left alone."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from srcscan.extract.respell import respell

PIECES = ["<%", "%>", "<:", ":>", "%:", "\\\n", "#define B {\n", "B", "int f(a) int a; {", "(", ")", ";", "{", "}",
          "a", "x1", " ", "\n", '"', "'", "/*", "*/", "//", "register ", "char *p;", ","]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_same_length_and_lines(parts):
    data = "".join(parts).encode()
    out, notes = respell(data)
    assert len(out) == len(data) and out.count(b"\n") == data.count(b"\n")
    assert all(isinstance(n, str) and n.split(":", 1)[0].isdigit() for n in notes)


def test_comments_literals_and_ordinary_code_untouched():
    src = (b'/* <% a\\\nb %> */\nconst char *s = "<%x%> a\\\nb";\nchar c = \'%\';\n'
           b"std::vector<::Foo> v;\nint g(int a)\n{\n    if (a) return a;\n    return f(a);\n}\n"
           b"#define NOTBRACE { 1 }\n")
    assert respell(src) == (src, [])


def test_each_construct_is_respelled_in_place():
    out, _ = respell(b"void f(a, b)\nint a;\nchar *b;\n{ <% g(a\\\nb); %> }\n")
    assert out.startswith(b"void f(int a, char *b)") and b"{ {  g(ab\n );  } }" in out

