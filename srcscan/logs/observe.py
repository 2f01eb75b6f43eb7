"""trace --log: put values a VBox.log printed onto the trace's nodes.

A log statement's argument (``pVM->tm.s.cTSCTicksPerSecond``) printed a value; the flow
graph has an edge from that argument's node into the log sink with the statement's
file:line as evidence. That edge names the node that held the value."""
from __future__ import annotations

import re

from ..errors import UsageError

_LAST = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(\[[^\]]*\])?\s*\)*\s*$")


def _last_name(expr: str) -> str | None:
    m = _LAST.search(expr)
    return m.group(1) if m else None


def attach_log_values(doc: dict, analysis, log_path: str) -> int:
    """Fill ``values`` of trace nodes from the log; returns how many values were attached."""
    from .logmap import observe_log

    if analysis.get_program() is None:
        raise UsageError("--log needs the parsed program; run without a graph-only cache")
    observed = observe_log(log_path, analysis.program.files.values(), show_progress=True)
    g = analysis.graph
    by_site: dict[tuple[str, int], list[str]] = {}
    into_sinks = [(u, v) for v in g.nodes_of_kind("sink") for u in g.predecessors(v)]
    for (u, v), evs in g.evidence_many(into_sinks).items():
        for ev in evs:
            by_site.setdefault((ev["file"], ev["line"]), []).append(u)
    nodes = {n["id"]: n for n in doc["nodes"]}
    count = 0
    for expr, obs in observed.items():
        name = _last_name(expr)
        if not name:
            continue
        for o in obs:
            for u in by_site.get((o["file"], o["line"]), []):
                if u in nodes and g.nodes[u].get("name") == name:
                    vals = nodes[u].setdefault("values", [])
                    if len(vals) < 20:
                        vals.append({"value": str(o["value"]), "text": o["text"], "expr": expr,
                                     "log_line": o["log_line"], "time": o.get("time"), "file": o["file"],
                                     "line": o["line"]})
                        count += 1
    doc.setdefault("log", {"path": log_path, "values_attached": count})
    return count
