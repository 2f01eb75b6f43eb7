"""Graphviz DOT: the trace's graph for `dot`, `xdot`, Gephi and friends. Every string is
quoted and escaped, so node names or code cannot end a quote or add statements."""
from __future__ import annotations

from ._common import KIND_STYLE, TraceView, one_line

FORMAT = "dot"

SHAPES = {"source": "house", "sink": "invhouse", "field": "box", "local": "ellipse",
          "param": "ellipse", "return": "box", "global": "box"}


def quote(s, limit: int = 0) -> str:
    """A DOT double-quoted string holding ``s`` literally. Backslashes are doubled so that
    Graphviz's label escapes (\\N, \\G, \\l, ...) cannot fire; newlines become spaces."""
    s = one_line(s, limit)
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _label(n: dict) -> str:
    """Two-line node label: the short name, then what kind of thing it is."""
    m = n.get("model") or {}
    second = f"{m.get('kind', n.get('kind'))}: {m['id']}" if m.get("id") else n.get("kind") or ""
    if n.get("ambiguous"):
        second += " (owner ambiguous)"
    vals = [str(v.get("value")) for v in n.get("values") or [] if v.get("value") is not None]
    if vals:
        second += " = " + ", ".join(dict.fromkeys(vals))
    a, b = quote(n.get("label") or n.get("id"), 48), quote(second, 48)
    return a[:-1] + "\\n" + b[1:]


def to_dot(trace: dict, *, ids: dict | None = None, hrefs: dict | None = None, rankdir: str = "TB") -> str:
    """DOT text of the trace graph. ``ids`` maps node id -> DOT/SVG id to use instead of the
    node id (the HTML report uses short generated ids); ``hrefs`` maps node id -> link."""
    view = TraceView(trace)
    q = trace.get("query") or {}
    start = set(view.start)
    out = [f"digraph {quote('srcscan: ' + str(q.get('symbol') or 'trace'))} {{",
           f"  graph [rankdir={rankdir}, fontname=\"Helvetica\", fontsize=11, nodesep=0.25, ranksep=0.35];",
           "  node [fontname=\"Helvetica\", fontsize=10, style=filled, margin=\"0.08,0.03\"];",
           "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#666666\"];"]

    def nid(x):
        return quote(ids[x]) if ids else quote(x)

    for n in view.nodes.values():
        kind = n.get("kind") or ""
        fill, line = KIND_STYLE.get(kind, ("#ffffff", "#333333"))
        attrs = [f"label={_label(n)}", f"shape={SHAPES.get(kind, 'box')}",
                 f"fillcolor=\"{fill}\"", f"color=\"{line}\""]
        if n["id"] in start:
            attrs.append("penwidth=2.5")
        if n.get("ambiguous"):
            attrs.append("style=\"filled,dashed\"")
        where = f" ({n['file']}:{n['line']})" if n.get("file") and n.get("line") else ""
        attrs.append(f"tooltip={quote(str(n.get('label') or n['id']) + where, 200)}")
        if ids:
            attrs.append(f"id={quote('node-' + ids[n['id']])}")
            attrs.append(f"class={quote('kind-' + ''.join(c for c in kind if c.isalnum()))}")
        if hrefs and n["id"] in hrefs:
            attrs.append(f"URL={quote(hrefs[n['id']])}")
        out.append(f"  {nid(n['id'])} [{', '.join(attrs)}];")
    for e in view.edges.values():
        attrs = [f"label={quote(e.get('kind'), 30)}"]
        if e.get("file"):
            tip = f"{e['file']}:{e.get('line')}  {e.get('code') or ''}"
            attrs.append(f"tooltip={quote(tip, 200)}")
        if e.get("kind") == "through" or e.get("indirect"):
            attrs.append("style=dashed")
        if ids:
            attrs.append(f"id={quote('edge-' + ids[e['src']] + '-' + ids[e['dst']] + '-' + str(len(out)))}")
        out.append(f"  {nid(e['src'])} -> {nid(e['dst'])} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def render(trace: dict, **options) -> str:
    return to_dot(trace, rankdir=options.get("rankdir", "TB"))
