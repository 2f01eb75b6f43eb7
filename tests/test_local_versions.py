"""The versions of a flow-sensitive local (graph/locals.py) as users see them: each version's
node points at the line of the definition it stands for, so a trace's text and HTML lead to
the assignment that gave the value (not to the declaration, not to a version's number)."""
from pathlib import Path

import srcscan

FLOWS = Path(__file__).parent / "flows"


def _line_in(path: Path, function: str, text: str) -> int:
    """The first line holding ``text`` after the definition of ``function``."""
    lines = path.read_text().splitlines()
    start = next(i for i, t in enumerate(lines) if f" {function}(" in t and not t.startswith("//"))
    return next(i for i, t in enumerate(lines[start:], start + 1) if text in t)


def test_each_version_points_at_its_definition():
    path = FLOWS / "locals_versions.c"
    for start, assign in (("ifKill#0 (uA)", "r = uA;"), ("ifKill#1 (uB)", "r = uB;"), ("ifKill#2 (uC)", "r = uC;")):
        doc = srcscan.trace(start, src=str(path), cache=False).to_json()
        got = [n for n in doc["nodes"] if n["label"] == "ifKill:r"]
        assert len(got) == 1, (start, [n["id"] for n in got])
        assert got[0]["line"] == _line_in(path, "ifKill", assign), (start, got[0])
