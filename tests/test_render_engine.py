"""Every report format over real engine output: the bundled sample tree, and a hostile tree
(written to tmp_path) whose paths, comments, strings and conditions carry markup payloads."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import networkx as nx
import pytest

from srcscan.cli import main
from srcscan.render import render
from srcscan.render._common import to_networkx


from test_render_html import check_inert  # noqa: E402
from test_render_markdown import EDGE_LINE, NODE_LINE, split, strip_inline  # noqa: E402

DATA = Path(__file__).parent / "data"
SAMPLE = Path(__file__).parent.parent / "srcscan" / "sample" / "tree"
SARIF_SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
PAYLOAD_DIR = "<img src=x onerror=alert(1)>{{7*7}}"
HOSTILE_CPP = r'''/* </script><script>alert(1)</script> <img src=x onerror=alert(1)> {{7*7}} */
#include <stdint.h>
typedef struct GIMKVM { uint64_t cTscTicksPerSecond; } GIMKVM;
typedef GIMKVM *PGIMKVM;
typedef struct GIMKVMSYSTEMTIME { uint32_t u32TscScale; } GIMKVMSYSTEMTIME;
uint64_t TMCpuTicksPerSecond(void *pVM);
int PGMPhysSimpleWriteGCPhys(void *pVM, uint64_t GCPhys, const void *pv, unsigned cb);

void gimR3KvmInit(void *pVM, PGIMKVM pKvm)
{
    pKvm->cTscTicksPerSecond = TMCpuTicksPerSecond(pVM); /* "]);click n0 call alert(1)%%{init: {"securityLevel":"loose"}}%% */
}

void gimR3KvmUpdate(void *pVM, PGIMKVM pKvm, const char *psz)
{
    GIMKVMSYSTEMTIME SystemTime;
    uint64_t u64TscFreq = pKvm->cTscTicksPerSecond; // `backticks` "quotes" 'single' \N \" "];\ digraph{}
#if defined(IN_RING3) /* </script><script>alert(1)</script> */
    if (psz[0] == '<' && !strcmp(psz, "<img src=x onerror=alert(1)>{{7*7}}"))
        SystemTime.u32TscScale = (uint32_t)(u64TscFreq >> 1); /* </script><script>alert(1)</script> */
#endif
    LogRel(("</script><script>alert(1)</script> %RU64 `x` {{7*7}} <img src=x onerror=alert(1)>\n", u64TscFreq));
    PGMPhysSimpleWriteGCPhys(pVM, 0, &SystemTime, sizeof(SystemTime));
}
'''


def write_hostile_tree(root: Path) -> Path:
    d = root / "src" / PAYLOAD_DIR
    d.mkdir(parents=True)
    (d / "Gim\"'`Kvm.cpp").write_text(HOSTILE_CPP, encoding="utf-8")
    return root


def engine_trace(tmp_path: Path, src: Path, *args: str) -> dict:
    out = tmp_path / "trace.json"
    assert main(["trace", "cTscTicksPerSecond", *args, "--src", str(src), "--no-cache", "-j", "1",
                 "--format", "json", "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample_trace(tmp_path_factory):
    return engine_trace(tmp_path_factory.mktemp("sample"), SAMPLE)


@pytest.fixture(scope="module")
def hostile_trace(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    trace = engine_trace(tmp, write_hostile_tree(tmp / "tree"))
    assert trace["paths"], "the hostile tree should give paths"
    assert any("<img src=x onerror=alert(1)>" in (e.get("file") or "") for e in trace["edges"])
    assert any("</script><script>" in (e.get("code") or "") for e in trace["edges"])
    return trace


@pytest.fixture(params=["sample", "hostile"])
def trace(request, sample_trace, hostile_trace):
    return sample_trace if request.param == "sample" else hostile_trace


def test_html(trace):
    html = render(trace, "html")
    check_inert(html)
    for pi, p in enumerate(trace["paths"], 1):
        for si in range(1, len(p["nodes"]) + 1):
            assert f'id="p{pi}-s{si}"' in html


def test_sarif(trace):
    doc = json.loads(render(trace, "sarif"))
    jsonschema.validate(doc, SARIF_SCHEMA, cls=jsonschema.Draft4Validator)
    assert doc["runs"][0]["results"]


def test_markdown(trace):
    mer, other = split(render(trace, "markdown"))
    assert sum(bool(NODE_LINE.match(line)) for line in mer) == len(trace["nodes"])
    assert sum(bool(EDGE_LINE.match(line)) for line in mer) == len(trace["edges"])
    for line in other:
        assert "<" not in strip_inline(line), line


def test_graphml_and_dot(trace, tmp_path):
    path = tmp_path / "t.graphml"
    path.write_text(render(trace, "graphml"), encoding="utf-8")
    back = nx.read_graphml(path, force_multigraph=True)
    want = to_networkx(trace)
    assert dict(back.nodes(data=True)) == dict(want.nodes(data=True))
    assert sorted(back.edges(keys=True, data=True)) == sorted(want.edges(keys=True, data=True))
    dot = render(trace, "dot").splitlines()
    assert len(dot) == 5 + len(trace["nodes"]) + len(trace["edges"])


def test_sample_story(sample_trace):
    ids = {n["id"] for n in sample_trace["nodes"]}
    assert {"source:cfgm:/TM/TSCTicksPerSecond", "field:GIMKVM.cTscTicksPerSecond",
            "sink:guest-memory:PGMPhysSimpleWriteGCPhys"} <= ids
    md = render(sample_trace, "markdown")
    assert "VBoxInternal/TM/TSCTicksPerSecond" in md
