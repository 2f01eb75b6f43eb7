"""srcscan diff --taint (issue 28): which taint findings appeared, disappeared, became checked or
unchecked between two revisions. Each revision of the purpose-made repository changes one thing;
a finding's identity holds no line number, so moved code is no change."""
from __future__ import annotations

import json

import pytest

from histories import fact_cache_fixture, repo_fixture
from srcscan.cli import main
from srcscan.query.history import GitSource
from srcscan.query.taintdiff import diff_taint

FILE = "src/VBox/VMM/VMMR3/DevFoo.cpp"

HEAD = "typedef struct DEV { unsigned char abBuf[64]; unsigned char abReg[64]; } DEV;\n\n"

A_UNCHECKED = """\
static int devOutA(void *pDevIns, void *pvUser, unsigned offPort, unsigned u32, unsigned cb)
{
    DEV *pThis = (DEV *)pvUser;
    memcpy(pThis->abBuf, pThis->abReg, u32);
    return 0;
}
"""
A_CHECKED = A_UNCHECKED.replace("    memcpy(", "    if (u32 > sizeof(pThis->abBuf))\n        return -1;\n    memcpy(")
B_CHECKED = A_CHECKED.replace("devOutA", "devOutB").replace("memcpy(pThis->abBuf, pThis->abReg, u32)",
                                                            "memset(pThis->abBuf, 0, u32)")
B_UNCHECKED = A_UNCHECKED.replace("devOutA", "devOutB").replace("memcpy(pThis->abBuf, pThis->abReg, u32)",
                                                                "memset(pThis->abBuf, 0, u32)")
C_UNCHECKED = A_UNCHECKED.replace("devOutA", "devOutC").replace("memcpy(pThis->abBuf, pThis->abReg, u32)",
                                                                "memmove(pThis->abReg, pThis->abBuf, u32)")


def device(*handlers: str, above: str = "") -> dict[str, str]:
    names = [h.split("(", 1)[0].split()[-1] for h in handlers]
    reg = "".join(f"    PDMDevHlpIoPortCreate(pDevIns, 1, 0, 0, {n}, 0, pThis, \"{n}\", 0, 0);\n" for n in names)
    body = HEAD + above + "\n".join(handlers) + "\nint devConstruct(void *pDevIns, DEV *pThis)\n{\n" + reg + \
        "    return 0;\n}\n"
    return {FILE: body, "include/VBox/dummy.h": "#define DUMMY 1\n"}


VERSIONS = [
    ("base", device(A_UNCHECKED, B_CHECKED)),
    ("moved", device(A_UNCHECKED, B_CHECKED, above="/* a comment\n   that moves\n   every line */\nstatic int g_x;\n\n")),
    ("fixed", device(A_CHECKED, B_CHECKED)),
    ("regressed", device(A_CHECKED, B_UNCHECKED)),
    ("swapped", device(B_UNCHECKED, C_UNCHECKED)),
]
NAMES = [v[0] for v in VERSIONS]


repo = repo_fixture("taintdiff", VERSIONS)


cache = fact_cache_fixture()


def fns(rows, side=None) -> list[str]:
    return sorted((r[side] if side else r)["sink"]["function"] for r in rows)


def test_moved_code_is_no_change(repo, cache):
    path, ids = repo
    d = diff_taint(GitSource(path), ids["base"], ids["moved"], cache)
    assert d["before"]["summary"]["findings"] == 2 and d["unchanged"] == 2
    assert not (d["appeared"] or d["disappeared"] or d["became_checked"] or d["became_unchecked"])


def test_a_new_bound_is_became_checked_with_its_check(repo, cache):
    path, ids = repo
    d = diff_taint(GitSource(path), ids["base"], ids["fixed"], cache)
    assert fns(d["became_checked"], "after") == ["devOutA"]
    after = d["became_checked"][0]["after"]
    assert after["checks"][0]["kind"] == "early exit" and "u32 > sizeof" in after["checks"][0]["code"]
    assert d["became_checked"][0]["before"]["checked"] is False
    assert not (d["appeared"] or d["disappeared"] or d["became_unchecked"]) and d["unchanged"] == 1


def test_a_removed_bound_is_became_unchecked(repo, cache):
    path, ids = repo
    d = diff_taint(GitSource(path), ids["fixed"], ids["regressed"], cache)
    assert fns(d["became_unchecked"], "after") == ["devOutB"]
    assert not (d["appeared"] or d["disappeared"] or d["became_checked"])


def test_new_and_removed_handlers_appear_and_disappear(repo, cache):
    path, ids = repo
    d = diff_taint(GitSource(path), ids["regressed"], ids["swapped"], cache)
    assert fns(d["appeared"]) == ["devOutC"] and fns(d["disappeared"]) == ["devOutA"]
    assert d["appeared"][0]["sink"]["model"] == "copy-size:memmove" and not d["appeared"][0]["checked"]
    assert d["unchanged"] == 1  # devOutB, moved up the file


def test_cli_text_json_and_exit_codes(repo, capsys):
    path, ids = repo
    src = ["--src", str(path), "--no-cache"]
    assert main(["diff", "--taint", ids["base"], ids["fixed"], *src]) == 0
    out = capsys.readouterr().out
    assert "became checked: 1" in out and "devOutA" in out and "unchecked 1 -> 0" in out
    assert main(["diff", "--taint", ids["base"], ids["moved"], *src]) == 1
    assert "no change in the taint findings" in capsys.readouterr().out
    assert main(["diff", "--taint", ids["regressed"], ids["swapped"], *src, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "srcscan-taint-diff/1" and fns(doc["appeared"]) == ["devOutC"]


def test_cli_rejects_a_symbol_with_taint_and_html(repo, capsys):
    path, ids = repo
    assert main(["diff", "--taint", "uHz", ids["base"], ids["fixed"], "--src", str(path)]) == 2
    assert "no SYMBOL" in capsys.readouterr().err
    assert main(["diff", "--taint", ids["base"], ids["fixed"], "--src", str(path), "--format", "html"]) == 2
    assert main(["diff", ids["base"], ids["fixed"], "--src", str(path)]) == 2


def test_cli_words_may_sit_on_either_side_of_the_options(repo, capsys):
    path, ids = repo
    assert main(["diff", "--taint", ids["base"], "--src", str(path), "--no-cache", ids["fixed"]]) == 0
    assert "became checked: 1" in capsys.readouterr().out
    assert main(["diff", "--taint", ids["base"], "--src", str(path), ids["fixed"], "extra"]) == 2
    with pytest.raises(SystemExit) as e:  # (an unknown option: argparse's own usage error)
        main(["diff", "--taint", ids["base"], "--src", str(path), "--bogus", ids["fixed"]])
    assert e.value.code == 2 and "unrecognized arguments: --bogus" in capsys.readouterr().err
