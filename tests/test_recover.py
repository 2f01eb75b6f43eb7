"""Function bodies the parser loses are found again by matching braces (extract/recover.py)."""
from srcscan.extract.recover import match_brace


def test_braces_in_comments_strings_and_chars_do_not_count():
    src = b'{ a = "}"; b = \'}\'; /* } */ // }\n c = "\\"}"; }tail'
    assert src[match_brace(src, 0):] == b"tail"


def test_only_the_first_branch_of_a_conditional_counts():
    src = b"{\n#ifdef A\n if (x) {\n#else\n if (y) {\n#endif\n  f();\n }\n}tail"
    assert src[match_brace(src, 0):] == b"tail"


def test_a_directive_continued_on_the_next_line_is_one_directive():
    src = b"{\n#define M(x) \\\n  { x }\n g();\n}tail"
    assert src[match_brace(src, 0):] == b"tail"


def test_unbalanced_text_is_left_alone():
    assert match_brace(b"{ { }", 0) is None
    assert match_brace(b"{ } }", 0) == 3


def test_a_lost_definition_starts_at_its_return_type():
    """A lost body's function starts on its return type's line (the node's line), also when
    the type stands on the line before the name."""
    from pathlib import Path

    from srcscan.extract.facts import extract

    text = (Path(__file__).parent / "flows" / "lost_body.cpp").read_text()
    text = text.replace("int Machine::configure(", "int\nMachine::configure(")
    lines = text.splitlines()
    want = lines.index("int") + 1
    fn = next(f for f in extract("lost.cpp", text.encode()).functions if f.name == "Machine::configure")
    assert fn.line == want and fn.end_line > want + 10
