"""Build contexts as data (issue 30): queries/config.toml [build_contexts] says which macros the
build defines for a folder's files, so `-D IN_RING0` leaves out what only ring 3 compiles
(VMMR3/), as the build does; VMMAll/ is in every context."""
from __future__ import annotations

import re

import pytest

from srcscan.cli import main

FILES = {
    "src/VBox/VMM/VMMR3/r3.cpp": "unsigned g_uOut;\nvoid r3Set(unsigned uR3) { g_uOut = uR3; }\n",
    "src/VBox/VMM/VMMR0/r0.cpp": "extern unsigned g_uOut;\nvoid r0Set(unsigned uR0) { g_uOut = uR0; }\n",
    "src/VBox/VMM/VMMAll/all.cpp": "extern unsigned g_uOut;\nvoid allSet(unsigned uAll) { g_uOut = uAll; }\n",
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("ctx")
    for rel, text in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


@pytest.mark.parametrize("config, writers", [
    ([], {"allSet", "r0Set", "r3Set"}),
    (["-D", "IN_RING0"], {"allSet", "r0Set"}),
    (["-D", "IN_RING3"], {"allSet", "r3Set"}),
    (["-U", "IN_RING3"], {"allSet", "r0Set"}),
])
def test_a_ring_sees_only_the_files_its_build_compiles(tree, capsys, config, writers):
    assert main(["trace", "g_uOut", "--src", str(tree), "--no-cache", "--direction", "up", *config]) == 0
    out = capsys.readouterr().out
    assert set(re.findall(r"<- (\w+)#0", out)) == writers


def test_contexts_are_data(monkeypatch):
    from srcscan.extract import ppcond

    assert ppcond.build_context("src/VBox/VMM/VMMR3/TM.cpp") == ("IN_RING3",)
    assert ppcond.build_context("src/VBox/VMM/VMMAll/TMAll.cpp") == ()
    monkeypatch.setattr(ppcond, "_contexts", lambda: {"src/x": ("IN_X",)})
    cfg = ppcond.Config.from_args(None, ["IN_X"])
    assert cfg.excludes_file("src/x/a.c") and not cfg.excludes_file("src/y/a.c")
