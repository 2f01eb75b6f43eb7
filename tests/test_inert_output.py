"""Output is inert (issue 32, item 5): file names, source lines and commit subjects carrying
terminal escapes, raw line breaks and bidi overrides (U+202E) come out spelled as \\xNN /
\\uNNNN in every text output (stats, log, log --each, history, bisect, diff, blame, trace),
and no bidi control reaches a Markdown, DOT or HTML report: a value can neither drive the
terminal, forge a line of srcscan's output, nor read other than it is."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from histories import SVN_URL, SVN_UUID, git, make_history
from test_security import run  # noqa: E402  (main in-process, exit code and both streams)

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "srcscan" / "sample" / "tree"
SAMPLE_LOG = ROOT / "srcscan" / "sample" / "VBox.log"
SYM = "cTscTicksPerSecond"
NAME = "\x1b]0;pwned\x07\nFORGED\u202e"  # a title-setting escape, a line break, a bidi override
SUBJECT = "VMM: \x1b[2J evil\u202e subject"




def assert_inert(text: str, shown: str = "") -> None:
    for bad in ("\x1b", "\x07", "\u202e", "\r"):
        assert bad not in text, f"{bad!r} reached the output"
    assert not any(line.startswith("FORGED") for line in text.splitlines()), "a value forged a line"
    if shown:
        assert shown in text, f"{shown!r} not shown"


@pytest.fixture(scope="module")
def hostile_repo(tmp_path_factory) -> Path:
    """A history whose last commit (r55028) adds a file with a hostile name holding a flow into
    cTscTicksPerSecond (with escapes in its code) under a hostile subject."""
    h = make_history(tmp_path_factory.mktemp("hist") / "repo", n=4, flips={2: "const"})
    (h.path / f"src/VBox/VMM/VMMR3/{NAME}.cpp").write_text(
        "int gimEvilSet(PVM pVM)\n{\n    PGIMKVM pKvm = &pVM->gim.s.u.Kvm;\n"
        "    pKvm->cTscTicksPerSecond = 7; /* \x1b[31m \u202e */\n    return 0;\n}\n")
    git(h.path, "add", "-A")
    git(h.path, "commit", "-q", "-m", f"{SUBJECT}\n\ngit-svn-id: {SVN_URL}@55028 {SVN_UUID}\n")
    return h.path


@pytest.mark.parametrize("argv", [
    ["history", SYM, "--range", "r55000..r55028"],
    ["bisect", SYM, "--good", "r55021", "--bad", "r55028"],
    ["diff", SYM, "HEAD~1", "HEAD"],
], ids=["history", "bisect", "diff"])
def test_history_text_is_inert(argv, hostile_repo, tmp_path, capsys):
    code, out, err = run([*argv, "--src", str(hostile_repo), "--cache", str(tmp_path / "c")], capsys)
    assert code == 0, err
    assert_inert(out, "\\x1b]0;pwned\\x07\\x0aFORGED\\u202e.cpp")
    assert_inert(out, "VMM: \\x1b[2J evil\\u202e subject")
    assert_inert(err)


@pytest.mark.parametrize("fmt", ["text", "markdown", "dot", "html", "sarif", "graphml"])
def test_trace_reports_carry_no_bidi_control(fmt, hostile_repo, tmp_path, capsys):
    code, out, err = run(["trace", SYM, "--src", str(hostile_repo), "--no-cache", "--format", fmt], capsys)
    assert code == 0, err
    assert "FORGED" in out  # the hostile file is on the trace
    assert "\u202e" not in out and "\x1b" not in out
    if fmt in ("text", "markdown", "dot", "html"):
        assert "\\u202e" in out  # spelled out, not dropped


def test_stats_file_names_are_inert(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / f"c{NAME}.c").write_text("int x = ;;; }}} void f( {\n")  # a file with parse errors: listed by name
    code, out, err = run(["stats", "--src", str(src), "--no-cache"], capsys)
    assert code == 0, err
    assert_inert(out, "c\\x1b]0;pwned\\x07\\x0aFORGED\\u202e.c")


@pytest.mark.parametrize("each", [False, True], ids=["summary", "each"])
def test_log_statement_file_names_are_inert(each, tmp_path, capsys):
    src = tmp_path / "tree"
    shutil.copytree(SAMPLE, src)
    tm = src / "src/VBox/VMM/VMMR3/TM.cpp"
    tm.rename(tm.with_name(f"TM{NAME}.cpp"))
    code, out, err = run(["log", str(SAMPLE_LOG), "--src", str(src), "--no-cache", *(["--each"] if each else [])],
                         capsys)
    assert code == 0, err
    assert_inert(out, "TM\\x1b]0;pwned\\x07\\x0aFORGED\\u202e.cpp:")


# ----------------------------------------------------------------------------- item 6: printed commands

CFGM_TREE = '''int CFGMR3QueryU64(void *pNode, const char *pszName, unsigned long long *pu64);
void *CFGMR3GetRoot(void *pVM);
void *CFGMR3GetChild(void *pNode, const char *pszPath);
unsigned long long gHz;
void init(void *pVM)
{
    void *pCfg = CFGMR3GetChild(CFGMR3GetRoot(pVM), "TM");  /* a known node: a key with '?' gets no fix */
    unsigned long long u64Hz;
    CFGMR3QueryU64(pCfg, "Tsc$(touch MARK)`touch MARK`;touch MARK;echo \\"x'y\\\\", &u64Hz);
    gHz = u64Hz;
}
'''


def _printed_fix(fmt: str, out: str) -> str:
    import html
    import re

    if fmt == "text":
        line = next(ln for ln in out.splitlines() if "VBoxManage setextradata" in ln)
        return line[line.index("VBoxManage"):]
    if fmt == "markdown":
        return re.search(r"(``+) ?(VBoxManage setextradata.*?) ?\1", out).group(2)
    m = re.search(r">(VBoxManage setextradata[^<]*)<", out)
    return html.unescape(m.group(1))


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_printed_fix_is_one_safe_shell_command(fmt, tmp_path, capsys):
    """A CFGM key from the tree holding $(...), backquotes, ';', quotes and a backslash: the
    fix srcscan prints, run by a shell once the user fills in the value, calls VBoxManage with
    exactly the key as one argument and runs nothing else (a stub VBoxManage records argv)."""
    import os
    import subprocess

    mark = tmp_path / "MARK"
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.c").write_text(CFGM_TREE.replace("MARK", str(mark)))
    code, out, err = run(["trace", "gHz", "--src", str(src), "--no-cache", "--format", fmt], capsys)
    assert code == 0, err
    command = _printed_fix(fmt, out).replace("<value>", "42")
    stub = tmp_path / "bin"
    stub.mkdir()
    (stub / "VBoxManage").write_text('#!/bin/sh\nfor a in "$@"; do printf "%s\\n" "$a"; done > "$ARGS"\n')
    (stub / "VBoxManage").chmod(0o755)
    args = tmp_path / "args"
    p = subprocess.run(["sh", "-c", command], env={"PATH": f"{stub}:/usr/bin:/bin", "ARGS": str(args)},
                       capture_output=True, text=True, cwd=tmp_path, timeout=30)
    assert p.returncode == 0, (command, p.stderr)
    assert not mark.exists(), f"the printed command ran what the key planted: {command}"
    key = f"Tsc$(touch {mark})`touch {mark}`;touch {mark};echo \"x'y\\"
    assert args.read_text().split("\n")[:4] == ["setextradata", "<VM name>", f"VBoxInternal/TM/{key}", "42"]
