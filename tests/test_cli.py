"""The command line: help and docs for every command, exit codes, one-line errors."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from srcscan.cli import command_modules, main

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("mod", command_modules(), ids=lambda m: m.NAME)
def test_every_command_has_help_and_a_docs_page(mod, capsys):
    with pytest.raises(SystemExit) as e:
        main([mod.NAME, "--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert f"srcscan {mod.NAME}" in out and len(mod.HELP) > 10
    page = ROOT / "docs" / "commands" / f"{mod.NAME}.md"
    assert page.exists(), f"docs/commands/{mod.NAME}.md is missing"
    assert mod.NAME in (ROOT / "README.md").read_text(), "README's command table lacks it"


def test_cli_reference_is_current():
    r = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_cli_docs.py"), "--check"], capture_output=True,
                       text=True)
    assert r.returncode == 0, r.stderr


def test_trace_text_on_sample_tree(capsys):
    assert main(["trace", "cTscTicksPerSecond"]) == 0
    cap = capsys.readouterr()
    assert "bundled sample tree" in cap.err  # says which sources it used
    assert "cfgm:/TM/TSCTicksPerSecond" in cap.out and "VBoxInternal/TM/TSCTicksPerSecond" in cap.out
    assert "GIMKVMSYSTEMTIME.u32TscScale" in cap.out and "\x1b[" not in cap.out  # no colour into a pipe


def test_trace_json_to_file(tmp_path, capsys):
    out = tmp_path / "t.json"
    assert main(["trace", "cTscTicksPerSecond", "--format", "json", "-o", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["schema"] == "srcscan-trace/2" and doc["paths"] and capsys.readouterr().out == ""


def test_unknown_symbol_exits_1_with_suggestions(capsys):
    assert main(["trace", "cTscTicksPerSec"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and err[1].startswith("srcscan: error: no value named 'cTscTicksPerSec'")
    assert "did you mean: cTscTicksPerSecond" in err[1]


def test_missing_src_exits_2_with_one_line(tmp_path, capsys):
    assert main(["trace", "x", "--src", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"srcscan: error: --src {tmp_path / 'nope'}: no such file or folder"]


def test_no_path_to_target_exits_1(capsys):
    assert main(["trace", "GIMHV.cTscTicksPerSecond", "--to", "u32TscScale"]) == 1
    assert "no path from GIMHV.cTscTicksPerSecond to u32TscScale" in capsys.readouterr().err


def test_python_dash_m_works_and_no_traceback():
    r = subprocess.run([sys.executable, "-m", "srcscan", "trace", "nosuchthing"], capture_output=True, text=True)
    assert r.returncode == 1 and "Traceback" not in r.stderr


def test_a_command_imports_only_its_own_module_and_help_lists_all(capsys):
    code = ("import sys\nfrom srcscan.cli import main\ntry:\n    main(['--debug', 'stats', '--help'])\n"
            "except SystemExit:\n    pass\n"
            "print(sorted(m for m in sys.modules if m.startswith('srcscan.commands.') and not m.endswith('._history')))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip().splitlines()[-1] == "['srcscan.commands.stats']"
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(m.NAME in out for m in command_modules())


def test_index_graph_makes_the_first_trace_warm(tmp_path, capsys, monkeypatch):
    cache = str(tmp_path / "c")
    assert main(["index", "--graph", "--cache", cache]) == 0
    m = re.search(r"flow graph: (\d+) nodes, (\d+) edges", capsys.readouterr().out)
    assert m, "index --graph reports the graph it built"
    assert main(["trace", "cTscTicksPerSecond", "--cache", cache, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["stats"]["parsed"] == 0 and doc["stats"]["reused"] == doc["stats"]["files"]
    # the trace read the graph index --graph stored (the same graph, nothing rebuilt)
    assert (doc["stats"]["graph_nodes"], doc["stats"]["graph_edges"]) == (int(m[1]), int(m[2]))
    import srcscan.query.lazy

    monkeypatch.setattr(srcscan.query.lazy, "LAZY_AUTO_FILES", 10)
    assert main(["index", "--graph", "--cache", cache]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("srcscan: error: --graph: 33 files is more than 10")


@pytest.mark.parametrize("exc, code, line", [
    (KeyboardInterrupt(), 130, "srcscan: interrupted"),
    (ZeroDivisionError("boom"), 3, "srcscan: internal error: ZeroDivisionError: boom (run with --debug for the traceback)"),
])
def test_exit_codes_3_and_130_are_what_readme_says(monkeypatch, capsys, exc, code, line):
    import srcscan.commands.stats as stats

    def boom(args):
        raise exc

    monkeypatch.setattr(stats, "run", boom)
    assert main(["stats"]) == code
    assert capsys.readouterr().err.strip().splitlines() == [line]
    readme = " ".join((ROOT / "README.md").read_text().split())
    assert {"3": "3 internal error", "130": "130 interrupted"}[str(code)] in readme
