"""#define/#undef in headers a file includes decide its #if branches (extract/localdefs.walk
notes the includes, exports and open names; graph/ppheaders.py looks them up in the tree)."""
from srcscan.extract.facts import extract
from srcscan.extract.localdefs import walk
from srcscan.extract.ppcond import Config
from srcscan.graph.ppheaders import HeaderDefines
from srcscan.graph.program import Program


def test_the_walk_notes_includes_exports_and_the_names_left_to_headers():
    w = walk(b"""#ifndef DEV_H
#define DEV_H
#if OLD
#endif
#include <dev/features.h>
#ifdef HOST_THING
# include "maybe.h"
# define MAYBE 1
#endif
#define MINE 4
#if FEATURE && MINE
#endif
#undef GONE
#endif
""")
    assert w.includes == [(5, "dev/features.h", True), (7, "maybe.h", False)]
    assert w.open == {6: ["HOST_THING"], 11: ["FEATURE"]}  # OLD: above any include; MINE: the file's own
    assert w.exports == {"MAYBE": "unknown", "DEV_H": "defined", "MINE": 4, "GONE": "undefined"}


def _program(files: dict[str, bytes]) -> Program:
    return Program({p: extract(p, data) for p, data in files.items()})


SRC = b"""#include <dev/features.h>
void f(int *p, int v)
{
#ifdef DEV_WITH_FIFO
    *p = v;
#endif
#if DEV_DEPTH > 8
    *p = v + 1;
#endif
#ifdef DEV_TURBO
    *p = v + 2;
#endif
}
"""


def test_an_include_resolves_by_path_suffix_and_through_the_headers_it_includes():
    p = _program({"src/dev.c": SRC,
                  "include/dev/features.h": b'#include "depth.h"\n#undef DEV_WITH_FIFO\n#ifdef X\n# define DEV_TURBO\n#endif\n',
                  "include/dev/depth.h": b"#define DEV_DEPTH 4\n"})
    cfg = Config().for_program(p)
    pre = [a.preproc for a in p.functions["f"][0].assigns]
    # undefined by the header; 4 > 8 is false (through depth.h); DEV_TURBO defined in an undecided branch
    assert [cfg.excludes(c) for c in pre] == [True, True, False]
    assert [Config(keep_if0=True).for_program(p).excludes(c) for c in pre] == [False, False, False]
    assert [Config().excludes(c) for c in pre] == [False, False, False]  # without the tree's headers: open
    assert cfg.resolve(pre[0][0]) == "defined(DEV_WITH_FIFO) [file: DEV_WITH_FIFO undefined]"


def test_the_files_own_define_wins_and_an_unresolved_or_uncertain_include_decides_nothing():
    p = _program({"dev.c": b'#include "a.h"\n#ifdef Y\n#include "b.h"\n#endif\n#include "none.h"\n#undef A\n'
                           b"#if A\nint x;\n#endif\n#if B\nint y;\n#endif\n#if C\nint z;\n#endif\n",
                  "a.h": b"#define A 1\n#define B 1\n#define C 0\n", "b.h": b"#undef B\n"})
    table = HeaderDefines(p.files).table()
    assert table == {f"{p.files['dev.c'].pp_id}:13": {"C": 0}}  # A: the file's #undef; B: b.h may undefine it


def test_an_include_cycle_ends():
    p = _program({"a.h": b'#include "b.h"\n#if Q\n#endif\n', "b.h": b'#include "a.h"\n#define Q 1\n'})
    assert HeaderDefines(p.files).table() == {f"{p.files['a.h'].pp_id}:2": {"Q": 1}}


def test_a_header_change_reaches_the_including_files_trace_through_the_cache(tmp_path):
    import srcscan

    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "dev.c").write_bytes(b'#include "cfg.h"\ntypedef struct S { int a; int b; } S;\n'
                                 b"void f(S *s, int v)\n{\n#ifdef FAST\n    s->a = v;\n#else\n    s->b = v;\n#endif\n}\n")
    (tree / "cfg.h").write_bytes(b"#define FAST\n")
    cache = tmp_path / "cache"

    def targets():
        tr = srcscan.trace("f#1", str(tree), cache=str(cache), direction="down")
        return {n["label"] for n in tr.to_json()["nodes"]} & {"S.a", "S.b"}

    assert targets() == {"S.a"}
    (tree / "cfg.h").write_bytes(b"#undef FAST\n")
    assert targets() == {"S.b"}


def test_the_same_file_under_two_paths_keeps_only_what_both_headers_say():
    src = b'#include "cfg.h"\n#if A || B\nint x;\n#endif\n'
    p = _program({"x/dev.c": src, "y/dev.c": src, "x/cfg.h": b"#define A 1\n#define B 0\n",
                  "y/cfg.h": b"#define A 0\n#define B 0\n"})
    assert HeaderDefines(p.files).table() == {f"{p.files['x/dev.c'].pp_id}:2": {"B": 0}}


def test_the_same_condition_at_two_lines_is_one_condition_for_local_versions(tmp_path):
    """A marker names its #if line; two #ifdef X blocks are still one condition (X is the same
    in both): a read under the second sees the assignment under the first replace the value,
    as it does with no #include above them."""
    import srcscan

    body = (b"int g;\nvoid f(int a, int b)\n{\n    int v = a;\n#ifdef X\n    v = b;\n#endif\n"
            b"#ifdef X\n    g = v;\n#endif\n}\n")
    for head in (b"", b'#include "none.h"\n'):
        d = tmp_path / ("inc" if head else "plain")
        d.mkdir()
        (d / "f.c").write_bytes(head + body)
        tr = srcscan.trace("g", str(d), cache=False, direction="up").to_json()
        labels = {n["label"] for n in tr["nodes"]}
        assert "f#1 (b)" in labels and "f#0 (a)" not in labels, (head, labels)
