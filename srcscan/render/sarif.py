"""SARIF 2.1.0: one result per source-to-sink flow, its steps as a codeFlow/threadFlow, file
locations relative to the source root (uriBaseId SRCROOT), one rule per source or sink model.
VS Code's SARIF viewer and GitHub code scanning show the flow step by step."""
from __future__ import annotations

import hashlib
import json
from pathlib import PurePosixPath
from urllib.parse import quote

from .. import __version__
from ._common import TraceView, one_line, svn_of

FORMAT = "sarif"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
GENERIC_RULE = "srcscan/flow"
MAX_FLOWS = 5000


def _msg(text) -> dict:
    """A SARIF message; brackets are escaped so data cannot form embedded links (§3.11.6)."""
    t = one_line(text)
    return {"text": t.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")}


def _root_uri(root) -> str | None:
    if not isinstance(root, str) or not root:
        return None
    if "://" in root:
        return root.rstrip("/") + "/"
    p = PurePosixPath(root.replace("\\", "/"))
    if not p.is_absolute():
        return None
    return "file://" + quote(str(p).rstrip("/"), safe="/") + "/"


class _Builder:
    def __init__(self, trace: dict):
        self.trace = trace
        self.view = TraceView(trace)
        self.rules: dict[str, dict] = {}
        self.artifacts: dict[str, int] = {}

    def artifact(self, path: str) -> int:
        return self.artifacts.setdefault(path, len(self.artifacts))

    def physical(self, file, line, column=None, code=None) -> dict | None:
        if not file:
            return None
        path = str(file).lstrip("/")
        loc = {"artifactLocation": {"uri": quote(path, safe="/"), "uriBaseId": "SRCROOT",
                                    "index": self.artifact(path)}}
        if isinstance(line, int) and line >= 1:
            region = {"startLine": line}
            if isinstance(column, int) and column >= 1:
                region["startColumn"] = column
            if code:
                region["snippet"] = {"text": one_line(code)}
            loc["region"] = region
        return loc

    def rule_for(self, node: dict) -> str:
        m = node.get("model") or {}
        if not m.get("id"):
            rid = GENERIC_RULE
            if rid not in self.rules:
                self.rules[rid] = {"id": rid, "name": "ValueFlow",
                                   "shortDescription": {"text": "Flow of the traced value"},
                                   "fullDescription": {"text": "A path along which the traced value moves "
                                                       "between a root (no further origin found) and a leaf."},
                                   "defaultConfiguration": {"level": "note"}}
            return rid
        kind = "sink" if (m.get("kind") or node.get("kind")) == "sink" else "source"
        rid = f"srcscan/{kind}/{m['id']}"
        if rid not in self.rules:
            desc = one_line(m.get("description")) or f"{kind} model {m['id']}"
            rule = {"id": rid, "name": f"{kind.title()}Model",
                    "shortDescription": {"text": one_line(f"{kind} {m['id']}: {desc}", 200)},
                    "fullDescription": {"text": desc},
                    "defaultConfiguration": {"level": "note"},
                    "properties": {"model": {k: v for k, v in m.items() if v is not None}, "tags": ["dataflow", kind]}}
            if m.get("override"):
                rule["help"] = {"text": one_line(f"Override the value: {m['override']}")}
            self.rules[rid] = rule
        return rid

    def thread_location(self, idx: int, node: dict, edge: dict | None, last: bool) -> dict:
        label = one_line(node.get("label") or node["id"])
        if edge:
            phys = self.physical(edge.get("file"), edge.get("line"), edge.get("column"), edge.get("code"))
            how = one_line(edge.get("kind"))
            if edge.get("function"):
                how += f" in {one_line(edge['function'])}"
            if edge.get("via"):
                how += f" via {one_line(edge['via'])}"
            text = f"{label} ({node.get('kind')}) <- {how}"
            guards = [one_line(g) for g in edge.get("guards") or []]
            if guards:
                text += "; guarded by " + " && ".join(guards)
        else:
            phys = self.physical(node.get("file"), node.get("line"))
            text = f"{label} ({node.get('kind')})"
        loc = {"message": _msg(text)}
        if phys:
            loc["physicalLocation"] = phys
        tfl = {"location": loc, "executionOrder": idx + 1, "nestingLevel": 0}
        if idx == 0 and node.get("kind") == "source":
            tfl["kinds"] = ["taint", "source"]
        elif last and node.get("kind") == "sink":
            tfl["kinds"] = ["taint", "sink"]
        return tfl

    def callee_locations(self, edge: dict | None) -> list[dict]:
        """The steps inside the callee that a summary edge stands for (nestingLevel 1)."""
        inside = (edge or {}).get("callee_steps") or {}
        v, out = self.view, []
        for nid, eid in list(zip(inside.get("nodes", [])[1:], inside.get("edges", [])))[:-1]:
            if nid in v.nodes and eid in v.edges:
                loc = self.thread_location(1, v.nodes[nid], v.edges[eid], False)
                loc["nestingLevel"] = 1
                out.append(loc)
        return out

    def result(self, flow) -> dict:
        v = self.view
        nodes = [v.nodes[n] for n in flow.node_ids]
        edges = [v.edges[e] for e in flow.edge_ids]
        first, last = nodes[0], nodes[-1]
        rid = self.rule_for(last if last.get("kind") == "sink" else first)
        steps = []
        for i, n in enumerate(nodes):
            edge = edges[i - 1] if i else None
            steps += self.callee_locations(edge)  # a step through a call: the callee's steps, one level in
            steps.append(self.thread_location(i, n, edge, i == len(nodes) - 1))
        for k, st in enumerate(steps):
            st["executionOrder"] = k + 1
        text = (f"{one_line(first.get('label') or first['id'])} flows to {one_line(last.get('label') or last['id'])} "
                f"in {len(nodes)} steps")
        primary = next((s["location"] for s in reversed(steps) if "physicalLocation" in s["location"]), None)
        origin = next((s["location"] for s in steps if "physicalLocation" in s["location"]), None)
        res = {"ruleId": rid, "ruleIndex": list(self.rules).index(rid), "level": "note", "message": _msg(text),
               "codeFlows": [{"message": _msg(text), "threadFlows": [{"locations": steps}]}],
               "partialFingerprints": {"srcscanFlow/v1": hashlib.sha256("\n".join(flow.node_ids).encode()).hexdigest()[:32]},
               "properties": {"paths": [p["id"] for p in flow.paths], "directions": [p.get("direction") for p in flow.paths],
                              "from": first["id"], "to": last["id"]}}
        if primary:
            res["locations"] = [{"physicalLocation": primary["physicalLocation"], "message": primary["message"]}]
        if origin and origin is not primary:
            res["relatedLocations"] = [{"id": 1, "physicalLocation": origin["physicalLocation"], "message": origin["message"]}]
        return res

    def log(self, max_flows: int) -> dict:
        flows, skipped = self.view.flows(limit=max_flows)
        results = [self.result(f) for f in flows]
        src = self.trace.get("source") or {}
        q = self.trace.get("query") or {}
        base = {"description": {"text": one_line(src.get("label") or "source root")}}
        uri = _root_uri(src.get("root"))
        if uri:
            base["uri"] = uri
        run = {"tool": {"driver": {"name": "srcscan", "version": (self.trace.get("tool") or {}).get("version") or __version__,
                                   "semanticVersion": __version__, "rules": list(self.rules.values())}},
               "originalUriBaseIds": {"SRCROOT": base},
               "artifacts": [{"location": {"uri": quote(p, safe="/"), "uriBaseId": "SRCROOT"}} for p in self.artifacts],
               "results": results,
               "invocations": [{"executionSuccessful": True,
                                "toolExecutionNotifications": [{"level": "warning", "message": _msg(w)}
                                                               for w in self.trace.get("warnings") or []]}],
               "properties": {"query": q, "stats": self.trace.get("stats") or {}, "start": self.view.start,
                              "flowsLeftOff": skipped}}
        if skipped:
            run["invocations"][0]["toolExecutionNotifications"].append(
                {"level": "note", "message": _msg(f"{skipped} more flows were left off (limit {max_flows})")})
        svn = svn_of(self.trace)
        rev = src.get("revision") or {}
        if svn and isinstance(src.get("svn_url"), str) and "://" in src["svn_url"]:
            run["versionControlProvenance"] = [{"repositoryUri": src["svn_url"], "revisionId": str(svn),
                                                "mappedTo": {"uriBaseId": "SRCROOT"}}]
        elif rev.get("id") and src.get("kind") == "git" and "://" in str(src.get("root") or ""):
            run["versionControlProvenance"] = [{"repositoryUri": src["root"], "revisionId": rev["id"],
                                                "mappedTo": {"uriBaseId": "SRCROOT"}}]
        return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def to_sarif(trace: dict, max_flows: int = MAX_FLOWS) -> dict:
    return _Builder(trace).log(max_flows)


def render(trace: dict, **options) -> str:
    return json.dumps(to_sarif(trace, options.get("max_flows", MAX_FLOWS)), indent=1, ensure_ascii=False) + "\n"
