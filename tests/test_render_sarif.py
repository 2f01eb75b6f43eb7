"""SARIF 2.1.0: valid against the OASIS schema, one result per source-to-sink flow."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from srcscan.render import render
from srcscan.render.sarif import to_sarif

DATA = Path(__file__).parent / "data"
SCHEMA = json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def load(name: str) -> dict:
    return json.loads((DATA / f"trace-{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", ["sample", "hostile"])
def test_validates_against_sarif_schema(name):
    doc = json.loads(render(load(name), "sarif"))
    jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft4Validator)
    assert doc["version"] == "2.1.0"


def test_one_result_per_flow_with_code_flows():
    trace = load("sample")
    run = to_sarif(trace)["runs"][0]
    # 3 upstream paths x 3 downstream paths through the one start node, plus the one `to` path
    assert len(run["results"]) == 3 * 3 + 1
    nodes = {n["id"]: n for n in trace["nodes"]}
    for res in run["results"]:
        steps = res["codeFlows"][0]["threadFlows"][0]["locations"]
        assert [s["executionOrder"] for s in steps] == list(range(1, len(steps) + 1))
        first, last = nodes[res["properties"]["from"]], nodes[res["properties"]["to"]]
        assert steps[0]["location"]["message"]["text"].startswith(first["label"])
        assert steps[-1]["location"]["message"]["text"].startswith(last["label"])
        rule = run["tool"]["driver"]["rules"][res["ruleIndex"]]
        assert rule["id"] == res["ruleId"]
        for s in steps:
            art = s["location"]["physicalLocation"]["artifactLocation"]
            assert art["uriBaseId"] == "SRCROOT" and not art["uri"].startswith("/")
            assert run["artifacts"][art["index"]]["location"]["uri"] == art["uri"]
    by_msg = {r["message"]["text"]: r for r in run["results"]}
    full = by_msg["cfgm:/TM/TSCTicksPerSecond flows to guest-memory:PGMPhysSimpleWriteGCPhys in 8 steps"]
    assert full["ruleId"] == "srcscan/sink/guest-memory"
    assert full["locations"][0]["physicalLocation"]["region"]["startLine"] == 176
    assert full["relatedLocations"][0]["physicalLocation"]["region"]["startLine"] == 417
    steps = full["codeFlows"][0]["threadFlows"][0]["locations"]
    assert steps[0]["kinds"] == ["taint", "source"] and steps[-1]["kinds"] == ["taint", "sink"]
    assert "TMCpuTicksPerSecond(pVM)" in steps[3]["location"]["physicalLocation"]["region"]["snippet"]["text"]
    rules = {r["id"] for r in run["tool"]["driver"]["rules"]}
    assert {"srcscan/source/cfgm", "srcscan/source/ssm", "srcscan/sink/guest-memory", "srcscan/sink/log"} <= rules
    cfgm = next(r for r in run["tool"]["driver"]["rules"] if r["id"] == "srcscan/source/cfgm")
    assert "VBoxInternal/TM/TSCTicksPerSecond" in cfgm["help"]["text"]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == "file:///home/user/src/vbox/"
    assert run["versionControlProvenance"][0]["revisionId"] == "82968"


def test_fingerprints_stable_and_distinct():
    a = [r["partialFingerprints"] for r in to_sarif(load("sample"))["runs"][0]["results"]]
    b = [r["partialFingerprints"] for r in to_sarif(load("sample"))["runs"][0]["results"]]
    assert a == b and len({json.dumps(x) for x in a}) == len(a)


def test_flow_limit_is_reported():
    run = to_sarif(load("sample"), max_flows=4)["runs"][0]
    assert len(run["results"]) == 4 and run["properties"]["flowsLeftOff"] == 6
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any("6 more flows" in n["message"]["text"] for n in notes)


def test_upstream_only_and_downstream_only_traces():
    trace = load("sample")
    trace["paths"] = [p for p in trace["paths"] if p["direction"] == "upstream"]
    assert len(to_sarif(trace)["runs"][0]["results"]) == 3
    trace = load("sample")
    trace["paths"] = [p for p in trace["paths"] if p["direction"] == "downstream"]
    assert len(to_sarif(trace)["runs"][0]["results"]) == 3


def test_hostile_text_cannot_form_links_or_escape_uris():
    run = to_sarif(load("hostile"))["runs"][0]
    for res in run["results"]:
        for s in res["codeFlows"][0]["threadFlows"][0]["locations"]:
            msg = s["location"]["message"]["text"]
            assert "[" not in msg.replace("\\[", "") and "]" not in msg.replace("\\]", "")
            uri = s["location"].get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
            assert not any(c in uri for c in '<>" `{}')
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"].startswith("file:///tmp/%3C/script%3E")
