"""A file's own #define/#undef decide its later #if branches (extract/localdefs.py): what the
file said is noted on each condition, and a branch it rules out is dead unless kept."""
from srcscan.extract.facts import extract
from srcscan.extract.localdefs import local_knowledge
from srcscan.extract.ppcond import Config


def test_knowledge_follows_the_directives_in_order():
    src = b"""#define A 0x10
#define B
#if A > 8 && defined(B)
#endif
#undef A
#ifdef A
#endif
#define C(x) ((x) + 1)
#if defined(C) || D
#endif
"""
    got = local_knowledge(src)
    assert got == {3: {"A": 16, "B": "defined"}, 6: {"A": "undefined"}, 9: {"C": "defined"}}


def test_a_define_in_an_undecided_branch_makes_its_name_unknown_and_a_dead_one_is_ignored():
    src = b"""#define X 1
#ifdef HOST_THING
# undef X
#endif
#if X
#endif
#if 0
# define Y 1
#elif 1
# define Z 2
#else
# define W 3
#endif
#if Y || Z || W
#endif
"""
    assert local_knowledge(src) == {14: {"Z": 2}}


def test_an_include_guard_counts_as_taken():
    src = b"#ifndef MY_H\n#define MY_H\n#define FEATURE 1\n#if FEATURE\n#endif\n#endif\n"
    assert local_knowledge(src) == {4: {"FEATURE": 1}}
    # not a guard (another name defined first): the defines inside stay unknown
    assert local_knowledge(b"#ifndef MY_H\n#define OTHER\n#define FEATURE 1\n#if FEATURE\n#endif\n#endif\n") == {}


def test_continued_lines_and_comments():
    src = b"#define LONG_ONE \\\n    2 /* two */\n#if LONG_ONE == 2 // yes\n#endif\n"
    assert local_knowledge(src) == {3: {"LONG_ONE": 2}}  # joined, the comment dropped
    assert local_knowledge(b"#define N 2 /* two */\n#if N == 2\n#endif\n") == {2: {"N": 2}}
    # C literals: a leading 0 is octal (not a Python literal), suffixes dropped
    assert local_knowledge(b"#define M 0004000\n#define H 0x10UL\n#if M || H\n#endif\n") == {3: {"M": 2048, "H": 16}}
    # not a C number at all ("08"): defined, value unknown
    assert local_knowledge(b"#define E 08\n#if E\n#endif\n") == {2: {"E": "defined"}}


def test_the_dead_branch_is_noted_on_its_facts_and_left_out_unless_kept():
    src = b"""#define DEV_FAST
void f(int *p, int v)
{
#ifndef DEV_FAST
    *p = v;
#else
    *p = v + 1;
#endif
}
"""
    fn = extract("dev.c", src).functions[0]
    pre = [a.preproc for a in fn.assigns]
    assert pre == [["!defined(DEV_FAST) [file: DEV_FAST defined]"], ["defined(DEV_FAST) [file: DEV_FAST defined]"]]
    assert [Config().excludes(p) for p in pre] == [True, False]
    assert [Config(keep_if0=True).excludes(p) for p in pre] == [False, False]
    # the file's own #define comes after the command line's -U: it wins
    assert [Config.from_args([], ["DEV_FAST"]).excludes(p) for p in pre] == [True, False]


from hypothesis import given, settings, strategies as st

_LINE = st.one_of(
    st.tuples(st.sampled_from(["#define", "#undef", "#if", "#ifdef", "#ifndef", "#elif", "#else", "#endif", "# define"]),
              st.sampled_from(["A", "B", "A 08", "B 0x", "A 1", "B (2)", "A(x) x", "A || B", "defined(A) &&", "0", ""]))
    .map(" ".join),
    st.text(alphabet="#AB01x()\\ \t/*", max_size=12))


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, max_size=12))
def test_any_directives_give_knowledge_never_an_error(lines):
    got = local_knowledge("\n".join(lines).encode())
    assert all(isinstance(v, (int, str)) for k in got.values() for v in k.values())
