"""DOT and GraphML: graph formats for other tools."""
from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest

from srcscan.render import render
from srcscan.render._common import to_networkx
from srcscan.render.dot import quote

DATA = Path(__file__).parent / "data"


def load(name: str) -> dict:
    return json.loads((DATA / f"trace-{name}.json").read_text(encoding="utf-8"))


def test_dot_quote():
    assert quote('a"b') == '"a\\"b"'
    assert quote("x\\") == '"x\\\\"'  # a trailing backslash cannot swallow the closing quote
    assert quote("a\nb") == '"a b"'


@pytest.mark.parametrize("name", ["sample", "hostile"])
def test_dot_statements_one_per_node_and_edge(name):
    trace = load(name)
    dot = render(trace, "dot")
    lines = dot.splitlines()
    assert lines[0].startswith("digraph ") and lines[-1] == "}"
    stmt = [l for l in lines[4:-1]]
    assert len(stmt) == len(trace["nodes"]) + len(trace["edges"])
    assert sum(" -> " in re.sub(r'"(?:[^"\\]|\\.)*"', '""', l) for l in stmt) == len(trace["edges"])


@pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz dot is not installed")
@pytest.mark.parametrize("name", ["sample", "hostile"])
def test_dot_is_read_by_graphviz_into_the_same_graph(name):
    trace = load(name)
    out = subprocess.run(["dot", "-Tjson"], input=render(trace, "dot").encode(), capture_output=True,
                         timeout=60, check=True).stdout
    g = json.loads(out)
    names = sorted(o["name"] for o in g.get("objects", []))
    # node names are the trace's ids (Graphviz keeps backslashes in names as written, doubled)
    assert names == sorted(n["id"].replace("\x0b", "\ufffd").replace("\\", "\\\\") for n in trace["nodes"])
    assert len(g.get("edges", [])) == len(trace["edges"])


@pytest.mark.parametrize("name", ["sample", "hostile"])
def test_graphml_reads_back_into_the_same_graph(name, tmp_path):
    trace = load(name)
    path = tmp_path / "t.graphml"
    path.write_text(render(trace, "graphml"), encoding="utf-8")
    back = nx.read_graphml(path, force_multigraph=True)
    want = to_networkx(trace)
    assert {k: v for k, v in back.graph.items() if k not in ("node_default", "edge_default")} == want.graph
    assert dict(back.nodes(data=True)) == dict(want.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True)) == sorted(want.edges(keys=True, data=True))
    assert back.is_directed() and back.number_of_edges() == len(trace["edges"])


def test_graphml_keeps_parallel_edges_and_types():
    trace = load("sample")
    e = dict(trace["edges"][0], id="e-dup", line=999)
    trace["edges"].append(e)
    g = nx.read_graphml(io.BytesIO(render(trace, "graphml").encode()), force_multigraph=True)
    assert g.number_of_edges(e["src"], e["dst"]) == 2
    assert g.edges[e["src"], e["dst"], "e-dup"]["line"] == 999
    node = g.nodes["field:GIMKVM.cTscTicksPerSecond"]
    assert node["line"] == 212 and node["ambiguous"] is False and node["role"] == "start"
    assert json.loads(g.nodes["field:TM.cTSCTicksPerSecond"]["values"])[0]["value"] == "3478274491"
