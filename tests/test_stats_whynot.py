"""srcscan stats and srcscan why-not on small trees."""
import json
from pathlib import Path

from srcscan.cli import main

FLOWS = Path(__file__).parent / "flows"


def test_stats_text_and_json(tmp_path, capsys):
    (tmp_path / "a.c").write_text("FNIEMOP_DEF(iemOp_nop)\n{\n    return 0;\n}\n#if 0\nint x;\n#endif\n"
                                  "int broken(void) { return ) ; }\n")
    assert main(["stats", "--src", str(tmp_path), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "functions recovered" in out and "iem-opcode" in out
    assert main(["stats", "--src", str(tmp_path), "--no-cache", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "srcscan-stats/1" and doc["files"] == 1
    assert doc["functions_named_by_rule"] == 1 and doc["functions_by_rule"] == {"iem-opcode": 1}
    assert doc["if0_blocks"] == 1 and doc["files_with_errors"] == 1
    assert doc["worst_files"][0]["file"] == "a.c"


def test_why_not_explains_and_exits_0(capsys):
    rc = main(["why-not", "gimSetMacro#0 (uHz2)", "gimFromExternal()", "--src", str(FLOWS / "whynot.c"),
               "--no-cache", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert rc == 0 and doc["path_exists"] is False and doc["schema"] == "srcscan-whynot/1"
    assert doc["reasons"][0]["kind"] == "macro-hidden" and doc["reasons"][0]["line"] == 21
    assert doc["from"]["reach"] == 0


def test_why_not_preprocessor_text(capsys):
    rc = main(["why-not", "TM.cR0Hz", "TMCpuTicksPerSecond()", "-D", "IN_RING3", "--src",
               str(FLOWS / "preproc.c"), "--no-cache"])
    out = capsys.readouterr().out
    assert rc == 0 and "[preprocessor]" in out and "defined(IN_RING0)" in out


def test_why_not_path_exists_exits_1(capsys):
    rc = main(["why-not", "TM.cHostHz", "TMCpuTicksPerSecond()", "--src", str(FLOWS / "preproc.c"), "--no-cache"])
    assert rc == 1 and "a path exists after all" in capsys.readouterr().out


def test_why_not_unknown_name_is_one_line(capsys):
    rc = main(["why-not", "noSuchThing", "TMCpuTicksPerSecond()", "--src", str(FLOWS / "preproc.c"), "--no-cache"])
    err = capsys.readouterr().err
    assert rc == 1 and "no value named 'noSuchThing'" in err and "Traceback" not in err
