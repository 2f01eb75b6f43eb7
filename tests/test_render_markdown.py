"""Markdown + Mermaid: GitHub-renderable, and no trace text can open HTML, links or statements."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from srcscan.render import render
from srcscan.render.markdown import code, mermaid_text, text

DATA = Path(__file__).parent / "data"
LABEL = r'"(?:[^"`<>]|<br/>)*"'  # entity-encoded text; srcscan's own <br/> is the only markup
NODE_LINE = re.compile(rf"^  n\d+(\(\[{LABEL}\]\)|\[{LABEL}\]|\{{\{{{LABEL}\}}\}}|\({LABEL}\))$")
EDGE_LINE = re.compile(r'^  n\d+ -->\|"[^"`<>|]*"\| n\d+$')
CLASS_LINE = re.compile(r"^  (classDef [a-z]+ [a-z0-9:#,\-]+|class [n0-9,]+ [a-z]+)$")


def load(name: str) -> dict:
    return json.loads((DATA / f"trace-{name}.json").read_text(encoding="utf-8"))


def split(md: str):
    """(mermaid lines, other non-fenced lines)"""
    mer, other, fence, lang = [], [], None, None
    for line in md.splitlines():
        m = re.match(r"^\s*(`{3,})(\w*)\s*$", line)
        if fence is None and m:
            fence, lang = m.group(1), m.group(2)
        elif fence is not None and line.strip() == fence:
            fence = None
        elif fence is not None:
            (mer if lang == "mermaid" else []).append(line)
        else:
            other.append(line)
    return mer, other


def strip_inline(line: str) -> str:
    """Remove code spans (CommonMark: a run of n backticks closes at the next run of exactly n),
    backslash escapes and srcscan's own Trac links; what is left is what Markdown interprets."""
    out, i = [], 0
    while i < len(line):
        if line[i] == "\\" and i + 1 < len(line):
            i += 2
            continue
        if line[i] == "`":
            n = len(re.match(r"`+", line[i:]).group(0))
            m = re.search(r"(?<!`)`{%d}(?!`)" % n, line[i + n:])
            if m:
                i += n + m.end()
                continue
        out.append(line[i])
        i += 1
    s = "".join(out)
    return re.sub(r"\[[^\[\]]*\]\(https://www\.virtualbox\.org/[^()\s<>]*\)", "LINK", s)


@pytest.mark.parametrize("name", ["sample", "hostile"])
def test_mermaid_block_is_well_formed(name):
    trace = load(name)
    md = render(trace, "markdown")
    mer, _ = split(md)
    assert mer[0] == "flowchart TD"
    nodes = [l for l in mer if NODE_LINE.match(l)]
    edges = [l for l in mer if EDGE_LINE.match(l)]
    classes = [l for l in mer if CLASS_LINE.match(l)]
    assert len(nodes) == len(trace["nodes"]) and len(edges) == len(trace["edges"])
    assert len(nodes) + len(edges) + len(classes) + 1 == len(mer), "a line the checks do not recognise"
    assert "%%" not in "\n".join(mer)


def test_sample_content():
    md = render(load("sample"), "markdown")
    assert md.startswith("# srcscan trace: `cTscTicksPerSecond` \u2192 `u32TscScale`")
    assert "[r82968](https://www.virtualbox.org/changeset/82968/vbox)" in md
    assert "2 sources \u00b7 2 sinks \u00b7 7 paths" in md
    assert "### Path 4 (downstream, ends at sink)" in md
    assert "(https://www.virtualbox.org/browser/vbox/trunk/src/VBox/VMM/VMMR3/GIMKvm.cpp?rev=82968#L311)" in md
    assert '`VBoxManage setextradata "VM" "VBoxInternal/TM/TSCTicksPerSecond" <Hz>`' in md
    assert "   ```cpp\n   pKvm->cTscTicksPerSecond = TMCpuTicksPerSecond(pVM);\n   ```" in md
    assert "- only when `if (rc == VERR_CFGM_VALUE_NOT_FOUND)`" in md


def test_hostile_text_is_inert():
    md = render(load("hostile"), "markdown")
    _, other = split(md)
    for line in other:
        rest = strip_inline(line)
        assert "<" not in rest, line
        assert "$" not in rest and "@" not in rest, line
        assert "[" not in rest and "]" not in rest, line
    assert "{{7*7}}" in md  # literal, inside a code span


def test_escapes():
    assert code("a`b") == "``a`b``" and code("`x`") == "`` `x` ``" and code("") == ""
    assert text("<b>*x*</b>") == r"\<b\>\*x\*\</b\>"
    assert mermaid_text('a"b<c>#;') == "a#34;b#60;c#62;#35;#59;"


def test_big_graph_shows_path_nodes_or_skips_mermaid():
    trace = load("sample")
    base = trace["nodes"][0]
    trace["nodes"] += [dict(base, id=f"x{i}") for i in range(300)]
    md = render(trace, "markdown")
    mer, _ = split(md)
    assert len([l for l in mer if NODE_LINE.match(l)]) == 14  # only the nodes on paths
    assert "The trace holds 314 nodes" in md
    trace["paths"] += [dict(trace["paths"][0], nodes=[f"x{i}", f"x{i + 1}"], edges=["e1"]) for i in range(0, 300, 2)]
    md = render(trace, "markdown")
    assert "```mermaid" not in md and "too many for a readable Mermaid chart" in md
