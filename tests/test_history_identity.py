"""History you can trust (issue 29): identities hold no line number, so moved code is the same
flow, and an edge's statements are part of its identity, so a new statement is a change. Each
revision below changes one thing; the tests check what history, diff and bisect call it, on git
and on svn."""
from __future__ import annotations

import shutil

import pytest

from histories import fact_cache_fixture, make_svn_repo, repo_fixture
from srcscan.cli import main
from srcscan.query.history import GitSource, Query, SvnSource, diff, history

FILE = "src/VBox/VMM/VMMR3/Clk.cpp"
HEADER = "src/VBox/VMM/include/ClkInternal.h"

H = """\
typedef struct CLKSTATE
{
    struct
    {
        unsigned uScale;
    } Tick;
    unsigned uLimit;
} CLKSTATE;
"""

BODY = """\
#include "ClkInternal.h"
static CLKSTATE g_Clk;

void clkSet(unsigned uHz)
{
    unsigned uTmp = uHz;
    if (uHz > 1000)
    {
        unsigned uTmp = uHz / 1000;
        g_Clk.uLimit = uTmp;
    }
    g_Clk.Tick.uScale = uTmp;
    g_Clk.uLimit = 64;
}
"""

COMMENT = "/*\n * Clock state.\n * (a comment block that moves every line below it)\n */\n"


def tree(body: str, header: str = H) -> dict[str, str]:
    return {FILE: body, HEADER: header}


VERSIONS = [
    ("base", tree(BODY)),
    # lines move: a comment block on top of both files, a blank line inside the function
    ("moved", tree(COMMENT + BODY.replace("{\n    unsigned uTmp = uHz;", "{\n\n    unsigned uTmp = uHz;"),
                   COMMENT + H)),
    # the inner local is renamed
    ("rename", tree(COMMENT + BODY.replace("unsigned uTmp = uHz / 1000;\n        g_Clk.uLimit = uTmp;",
                                           "unsigned uKHz = uHz / 1000;\n        g_Clk.uLimit = uKHz;")
                    .replace("{\n    unsigned uTmp = uHz;", "{\n\n    unsigned uTmp = uHz;"), COMMENT + H)),
]
_R = VERSIONS[-1][1][FILE]
# the store of the outer local gets a guard
VERSIONS.append(("guard", tree(_R.replace("    g_Clk.Tick.uScale = uTmp;\n",
                                          "    if (uTmp)\n        g_Clk.Tick.uScale = uTmp;\n"), COMMENT + H)))
_G = VERSIONS[-1][1][FILE]
# the same constant is stored into the same field again, under a new guard: one edge, one statement more
VERSIONS.append(("statement", tree(_G.replace("    g_Clk.uLimit = 64;\n",
                                              "    g_Clk.uLimit = 64;\n    if (uHz == 0)\n        g_Clk.uLimit = 64;\n"),
                                   COMMENT + H)))
NAMES = [v[0] for v in VERSIONS]


repo = repo_fixture("hist", VERSIONS)


cache = fact_cache_fixture()


def kinds(change) -> dict:
    return {k: v for k, v in change.to_json()["diff"]["summary"].items() if v}


@pytest.mark.parametrize("symbol", ["uHz", "uScale", "uLimit"])
def test_moved_code_is_the_same_flow(repo, cache, symbol):
    path, ids = repo
    res = diff(GitSource(path), Query(symbol), ids["base"], ids["moved"], cache)
    assert res.changes == []


def test_moved_code_diff_exits_1(repo, capsys):
    path, ids = repo
    assert main(["diff", "uHz", ids["base"], ids["moved"], "--src", str(path), "--no-cache"]) == 1
    assert "no flow difference" in capsys.readouterr().out


def test_history_names_each_change_by_its_kind(repo, cache):
    path, ids = repo
    res = history(GitSource(path), Query("uHz"), ids["base"], ids["statement"], cache, progress=False)
    got = [(c.after.ref, kinds(c)) for c in res.changes]
    # the guarded store: the same data step under a guard (its control step merges into it);
    # the repeated store: one more statement on the control step from uHz, nothing new appears
    assert got == [(ids["rename"], {"rename": 1}), (ids["guard"], {"guard": 1}), (ids["statement"], {"statement": 1})]


def test_a_rename_is_one_line(repo, capsys):
    path, ids = repo
    assert main(["diff", "uHz", ids["moved"], ids["rename"], "--src", str(path), "--no-cache"]) == 0
    out = capsys.readouterr().out
    lines = [x.strip() for x in out.splitlines()]
    ren = [x for x in lines if x.startswith("= rename")]
    assert len(ren) == 1 and "uTmp@decl2 -> uKHz" in ren[0] and f"{FILE}:" in ren[0]
    assert not [x for x in lines if x.startswith(("+ appeared", "- disappeared", "~"))]
    assert "local:" not in out  # node ids only with --verbose


def test_a_guard_change_is_a_guard_change(repo, cache):
    path, ids = repo
    res = diff(GitSource(path), Query("uScale"), ids["rename"], ids["guard"], cache)
    d = res.changes[0].to_json()["diff"]
    assert d["summary"]["guard"] == 1 and not d["edges_removed"]
    ch = [c for c in d["edges_changed"] if c["change"] == "guard"][0]
    assert ch["dst"] == "field:CLKSTATE.Tick.uScale" or ch["dst"].endswith(".uScale")
    assert ch["statements_added"][0]["guards"] == ["if (uTmp)"] and ch["statements_removed"][0]["guards"] == []


def test_a_new_statement_repeating_an_edge_is_a_change(repo, cache):
    path, ids = repo
    res = diff(GitSource(path), Query("uLimit"), ids["guard"], ids["statement"], cache)
    assert len(res.changes) == 1
    d = res.changes[0].to_json()["diff"]
    # the constant's step and the control step from uHz each gain the new statement
    stmt = sorted((c for c in d["edges_changed"] if c["change"] == "statement"), key=lambda c: c["kind"])
    assert [(c["src"].split("@")[0], c["kind"]) for c in stmt] == [("const:64", "const"), ("param:clkSet#0", "control")]
    assert not d["edges_added"] and not d["edges_removed"]
    added = stmt[0]["statements_added"]
    assert len(added) == 1 and added[0]["guards"] == ["if (uHz == 0)"] and added[0]["line"] > 0
    assert stmt[0]["statements_removed"] == []


def test_anonymous_struct_fields_keep_their_identity(repo, cache):
    path, ids = repo
    res = history(GitSource(path), Query("uScale"), ids["base"], ids["rename"], cache, progress=False)
    assert res.changes == []
    node_ids = {n["id"] for n in res.evaluations[-1].trace["nodes"]} if hasattr(res, "evaluations") else set()
    assert not any("@" in n and n.split("@")[-1].split(" ")[0].isdigit() for n in node_ids)


@pytest.mark.skipif(not shutil.which("svnadmin"), reason="subversion not installed")
def test_git_and_svn_histories_agree(repo, cache, tmp_path):
    path, ids = repo
    url = make_svn_repo(tmp_path, [t for _, t in VERSIONS])
    for symbol in ("uHz", "uLimit"):
        g = history(GitSource(path), Query(symbol), ids["base"], ids["statement"], cache, progress=False)
        s = history(SvnSource(url), Query(symbol), "1", str(len(VERSIONS)), cache, progress=False)
        assert [kinds(c) for c in g.changes] == [kinds(c) for c in s.changes] and g.changes
        assert [c.after.fingerprint.digest() for c in g.changes] == [c.after.fingerprint.digest() for c in s.changes]
        assert [NAMES[ids_index(ids, c.after.ref)] for c in g.changes] == \
               [NAMES[c.after.revision.svn - 1] for c in s.changes]


def ids_index(ids: dict, ref) -> int:
    return list(ids.values()).index(ref)


def test_html_timeline_shows_the_kinds(repo, tmp_path):
    path, ids = repo
    out = tmp_path / "h.html"
    assert main(["history", "uHz", "--range", f"{ids['base']}..{ids['statement']}", "--src", str(path), "--no-cache",
                 "--format", "html", "-o", str(out)]) == 0
    page = out.read_text()
    assert "Locals renamed (1)" in page and "<code>uTmp@decl2</code>" in page and "<code>uKHz</code>" in page
    assert page.count("statements changed</span>") == 1 and page.count("guard changed</span>") == 1
    assert "1 guard changes" not in page and "1 rename" in page  # the per-change summary line


def test_comments_and_spacing_are_not_changes_a_new_copy_is():
    from srcscan.query.flowdiff import Fingerprint, flow_diff

    def trace(code, guard, line, copies=1):
        ev = [{"kind": "assign", "file": "a.c", "line": line + i, "code": code, "function": "f", "guards": [guard],
               "preproc": [], "via": None} for i in range(copies)]
        return {"nodes": [{"id": "x"}, {"id": "y"}],
                "edges": [{"src": "x", "dst": "y", "kind": "assign", "via": None, **ev[0], "evidence": ev}]}

    a = trace("y = x;", "if (x > 1)", 10)
    b = trace("y  =  x;   /* reworded */", "if (x > 1 /* kHz */)", 40)
    assert Fingerprint.of(a) == Fingerprint.of(b) and flow_diff(a, b)["edges_changed"] == []
    c = trace("y = x;", "if (x > 1)", 10, copies=2)
    assert Fingerprint.of(a) != Fingerprint.of(c)
    assert flow_diff(a, c)["summary"]["statement"] == 1
    d = trace("y = x;", "if (x > 2)", 10)
    assert flow_diff(a, d)["summary"] == {"appeared": 0, "disappeared": 0, "statement": 0, "guard": 1, "rename": 0}


def test_a_big_change_reads_at_scale():
    from srcscan.commands._history import FOLD_ITEMS, MAX_FUNCTIONS, diff_lines

    def edge(i, fn):
        return {"src": f"local:f.c:{fn}:a{i}", "dst": f"field:S.x{i}", "src_label": f"{fn}:a{i}", "dst_label": f"S.x{i}",
                "kind": "assign", "via": None, "file": "f.c", "line": i, "code": f"s.x{i} = a{i};", "function": fn}

    added = [edge(i, f"fn{i % 30}") for i in range(300)]
    d = {"edges_added": added, "summary": {"appeared": 300}}
    short = diff_lines(d)
    assert short[0].strip() == "300 appeared"
    assert len(short) <= 2 + 2 * MAX_FUNCTIONS + 1 and "10 more function(s)" in short[-1]
    assert all("local:" not in x for x in short) and any("+ appeared    10: fn" in x for x in short)
    full = diff_lines(d, verbose=True)
    assert sum("+ appeared" in x for x in full) == 300 and any("local:f.c:fn0:a0" in x for x in full)
    few = diff_lines({"edges_added": added[:FOLD_ITEMS], "summary": {"appeared": FOLD_ITEMS}})
    assert sum("+ appeared" in x for x in few) == FOLD_ITEMS and any("| s.x0 = a0;" in x for x in few)
