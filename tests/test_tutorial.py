"""docs/tutorial.md runs: every `$ srcscan ...` command in it runs on the bundled sample tree
and prints each line the tutorial shows under it (`...` stands for lines left out)."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from srcscan.cli import main
from srcscan.sources.snapshot import sample_root

TUTORIAL = Path(__file__).resolve().parents[1] / "docs" / "tutorial.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def _examples():
    out = []
    for block in BLOCK.findall(TUTORIAL.read_text(encoding="utf-8")):
        lines = block.splitlines()
        assert lines and lines[0].startswith("$ srcscan "), lines[:1]
        shown = [ln for ln in lines[1:] if ln.strip() and ln.strip() != "..."]
        out.append(pytest.param(lines[0][2:], shown, id=lines[0][10:40]))
    return out


def test_the_tutorial_has_five_questions():
    assert len(_examples()) == 5


@pytest.mark.parametrize("command, shown", _examples())
def test_tutorial_command_prints_what_it_shows(command, shown, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # not inside a checkout: the bundled sample tree
    monkeypatch.delenv("SRCSCAN_SRC", raising=False)
    argv = shlex.split(command)[1:]
    argv = [str(sample_root().parent / "VBox.log") if a == "VBox.log" else a for a in argv]
    code = main(argv + ["--no-cache"])
    out = capsys.readouterr().out
    assert code == 0, out
    got = [ln.rstrip() for ln in out.splitlines()]
    for want in shown:
        w = re.sub(r"\d+\.\d+ s\)", "", want.rstrip()) if want.startswith("UNCHECKED") else want.rstrip()
        assert any(w in g for g in got), f"{command}: the tutorial shows a line the command does not print:\n{want}"
