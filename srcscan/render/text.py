"""Plain text for a terminal: the start nodes, then each upstream and downstream chain as
numbered steps with file:line, the code line and its guards."""
from __future__ import annotations

import os
import re
import sys

FORMAT = "text"

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def printable(s: str) -> str:
    """Text from the tree made safe for a terminal: control characters (escape sequences,
    bidi overrides) shown as \\xNN. Applied to the data before srcscan adds its own colours."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else
                        f"\\u{ord(m.group()):04x}", s)

_TITLES = {"upstream": "UPSTREAM: where the value comes from",
           "downstream": "DOWNSTREAM: where the value goes",
           "to": "PATHS to the target"}


def _style(enabled: bool):
    def bold(s: str) -> str:
        return f"\x1b[1m{s}\x1b[0m" if enabled else s

    def dim(s: str) -> str:
        return f"\x1b[2m{s}\x1b[0m" if enabled else s

    return bold, dim


def _where(n: dict) -> str:
    if n.get("file"):
        return f"{n['file']}:{n['line']}" if n.get("line") else n["file"]
    return ""


def _node_line(n: dict) -> str:
    kind = n["kind"]
    text = f"{n['label']}  [{kind}{', ambiguous owner' if n.get('ambiguous') else ''}]"
    if n.get("values"):
        vals = ", ".join(list(dict.fromkeys(str(v.get("value")) for v in n["values"]))[:3])
        text += f"  observed: {vals}"
    return text


def _clean(x):
    if isinstance(x, str):
        return printable(x)
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    return x


def render(trace: dict, color: bool | None = None, **options) -> str:
    trace = _clean(trace)
    if color is None:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    bold, dim = _style(bool(color))
    nodes = {n["id"]: n for n in trace["nodes"]}
    edges = {e["id"]: e for e in trace["edges"]}
    src = trace["source"]
    rev = src.get("revision") or {}
    out = []
    label = src.get("label") or src.get("root")
    if rev.get("svn") is not None or rev.get("id"):
        label += " @ " + " ".join(x for x in [f"r{rev['svn']}" if rev.get("svn") is not None else "",
                                               (rev.get("id") or "")[:12]] if x)
    q = trace["query"]
    out.append(bold(f"srcscan trace {q['symbol']}" + (f" --to {q['to']}" if q.get("to") else "")) + f"  ({label})")
    if q.get("defines") or q.get("undefs"):
        out.append("configuration: " + " ".join([f"-D{d}" for d in q["defines"]] + [f"-U{u}" for u in q["undefs"]]))
    out.append("")
    out.append(bold("START"))
    for s in trace["start"]:
        n = nodes[s]
        out.append(f"  {_node_line(n)}  {dim(_where(n))}")
    for direction in ("upstream", "downstream", "to"):
        paths = [p for p in trace["paths"] if p["direction"] == direction]
        if not paths:
            continue
        out.append("")
        out.append(bold(f"{_TITLES[direction]} ({len(paths)} path{'s' if len(paths) != 1 else ''})"))
        for p in paths:
            first = nodes[p["nodes"][0]]
            head = f"[{p['id'][1:]}] {_node_line(first)}"
            if first.get("model"):
                head += f"  {first['model'].get('description', '')}"
            out.append("  " + head)
            if first.get("model", {}) and first["model"].get("override"):
                out.append("      " + dim("set it with: ") + first["model"]["override"])
            for nid, eid in zip(p["nodes"][1:], p["edges"]):
                n, e = nodes[nid], edges[eid]
                via = f" via {e['via']}" if e.get("via") and e["kind"] != "control" else ""
                ind = " (indirect call)" if e.get("indirect") else ""
                out.append(f"    -> {_node_line(n)}")
                out.append(f"       {e['kind']}{via}{ind} at {e['file']}:{e['line']}"
                           + (f" in {e['function']}()" if e.get("function") else ""))
                out.append(f"       {dim('|')} {e['code']}")
                conds = []
                if e.get("preproc"):
                    conds.append("#if " + " && ".join(e["preproc"]))
                conds += e.get("guards") or []
                if e["kind"] == "control" and e.get("via"):
                    # the guard the value depends on is marked rather than repeated
                    conds = [f"{c} (control dependence)" if c == e["via"] else c for c in conds]
                    if e["via"] not in (e.get("guards") or []):
                        conds.append(f"(control dependence on: {e['via']})")
                if conds:
                    out.append(f"       {dim('when: ' + '; '.join(conds))}")
                more = len(e.get("evidence") or []) - 1
                if more > 0:
                    others = ", ".join(f"{x['file'].rsplit('/', 1)[-1]}:{x['line']}" for x in e["evidence"][1:4])
                    out.append(f"       {dim(f'also at {others}' + (' ...' if more > 3 else ''))}")
    if not trace["paths"]:
        out.append("")
        out.append("no flows found from or to the start node(s)")
    st = trace["stats"]
    out.append("")
    out.append(dim(f"{st['files']} files ({st['parsed']} parsed, {st['reused']} from cache), {st['functions']} functions, "
                   f"graph {st['graph_nodes']} nodes / {st['graph_edges']} edges; trace {st['nodes']} nodes, "
                   f"{st['paths']} path{'' if st['paths'] == 1 else 's'}; {st['seconds']:.2f} s"))
    for w in trace.get("warnings") or []:
        out.append(f"warning: {w}")
    return "\n".join(out) + "\n"
