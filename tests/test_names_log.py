"""Names a user types and values a log shows (issue 30), through the command line: func:param
and func#N (also of file-static functions), did-you-mean ranking, --log values in the default
text next to their steps, and the TSC fix line pointing at `srcscan drift`."""
import pytest

from srcscan.cli import main

SRC_A = """typedef struct DevState_st { unsigned cbLen; unsigned fFlags; } DEVSTATE;
static unsigned helper(unsigned uIn) { unsigned uOut = uIn + 1; return uOut; }
void f(DEVSTATE *p, unsigned fArg) { unsigned v = p->cbLen * 2; p->fFlags = helper(v) + fArg; }
"""
SRC_B = "static unsigned helper(unsigned uIn) { return uIn * 3; }\nvoid g(unsigned *o) { *o = helper(4); }\n"


@pytest.fixture
def tree(tmp_path, monkeypatch):
    monkeypatch.delenv("SRCSCAN_MODELS", raising=False)
    (tmp_path / "a.c").write_text(SRC_A)
    (tmp_path / "b.c").write_text(SRC_B)
    return ["--src", str(tmp_path), "--no-cache"]


def start_line(capsys, *argv):
    rc = main(["trace", *argv])
    out = capsys.readouterr()
    line = next((ln for ln in out.out.splitlines() if ln.startswith("  start:")), "")
    return rc, line, out.err


@pytest.mark.parametrize("symbol, start", [
    ("helper:uIn", "helper#0 (uIn) (a.c:2), helper#0 (uIn) (b.c:1)"),  # a parameter by name, two statics
    ("helper#0", "helper#0 (uIn) (a.c:2), helper#0 (uIn) (b.c:1)"),  # ... by position
    ("f:fArg", "f#1 (fArg) (a.c:3)"),  # positions count from 0
    ("f#1", "f#1 (fArg) (a.c:3)"),
])
def test_parameters_by_function_and_name_or_position(tree, capsys, symbol, start):
    rc, line, _ = start_line(capsys, symbol, *tree)
    assert rc == 0 and line == "  start:      " + start


@pytest.mark.parametrize("symbol, first", [
    ("cbLe", "cbLen"),  # an exact prefix first
    ("DevState_st.cbLn", "DevState_st.cbLen"),  # the same owner's field
    ("helper:uOt", "helper:uOut"),
])
def test_did_you_mean_puts_prefixes_and_same_owner_names_first(tree, capsys, symbol, first):
    rc, _, err = start_line(capsys, symbol, *tree)
    assert rc == 1
    assert err.strip().splitlines()[-1].split("did you mean: ")[1].split(", ")[0].rstrip("?") == first


def test_did_you_mean_ranks_the_prefix_before_short_edits(capsys):
    rc, _, err = start_line(capsys, "cTscTicks", "--no-cache")
    assert rc == 1 and "did you mean: cTscTicksPerSecond" in err


def test_log_values_stand_next_to_their_steps_and_the_fix_names_drift(capsys):
    from srcscan.sources.snapshot import sample_root

    log = sample_root().parent / "VBox.log"
    assert main(["trace", "cTscTicksPerSecond", "--no-cache", "--log", str(log)]) == 0
    out = capsys.readouterr().out
    assert "<- TM.cTSCTicksPerSecond  [field]  observed: 3478274491  TMAllCpu.cpp:" in out
    assert "-> GIMKVMSYSTEMTIME.u32TscScale  [local]  observed: 2469596524  GIMKvm.cpp:" in out
    fix = next(ln for ln in out.splitlines() if "fix: VBoxManage" in ln and "TSCTicksPerSecond" in ln)
    assert fix.endswith("(srcscan drift VBox.log --actual-hz HZ computes the value)")


def test_a_typedef_name_names_its_structs_fields(tmp_path, capsys, monkeypatch):
    """`DEVSTATE.cbLen` for `typedef struct DevState_st {...} DEVSTATE`: on the graph built on
    demand (first run), and twice from the whole graph `index --graph` stored, the program read back
    for the typedef (kept answers dropped)."""
    monkeypatch.delenv("SRCSCAN_MODELS", raising=False)
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.c").write_text(SRC_A)
    for i in range(3):
        if i == 1:  # (the first run answered on demand; now the whole graph is stored)
            assert main(["index", "--graph", "--src", str(src), "--cache", str(tmp_path / "cache")]) == 0
            capsys.readouterr()
        if i:  # (not the answer an earlier run kept: the stored graph)
            import sqlite3

            db = sqlite3.connect(tmp_path / "cache" / "facts.sqlite")
            db.execute("DELETE FROM blobs WHERE name LIKE 'trace-doc:%'")
            db.commit()
            db.close()
        rc, line, _ = start_line(capsys, "DEVSTATE.cbLen", "--src", str(src), "--cache", str(tmp_path / "cache"))
        assert rc == 0 and line == "  start:      DevState_st.cbLen (a.c:1)"
    rc, _, err = start_line(capsys, "DEVSTATE.cbLenX", "--src", str(src), "--cache", str(tmp_path / "cache"))
    assert rc == 1 and "no value named 'DEVSTATE.cbLenX'" in err
