"""Markdown for bug reports and READMEs, the answer first: a summary (sources and sinks by
category, the fix for a config key, the best chain), the upstream and downstream trees with
noisy fan-outs folded, a Mermaid flowchart that GitHub renders, and every path as numbered
steps. Identifiers and code go in code spans or fenced blocks
sized to their content; prose is backslash-escaped; Mermaid labels are entity-encoded, so
no trace text can open HTML, a link, a directive or a new statement."""
from __future__ import annotations

import re

from . import _answer
from ._common import TraceView, changeset_url, one_line, simplify_all, svn_of, trac_url

FORMAT = "markdown"
MERMAID_MAX_NODES = 200  # GitHub's renderer gives up on much larger charts
MERMAID_MAX_EDGES = 400
_MD_PUNCT = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~&:=^$@])")
_MERMAID_SAFE = re.compile(r"[A-Za-z0-9 _.,:/()=+*-]")
SHAPES = {"source": ('(["', '"])'), "sink": ('{{"', '"}}'), "local": ('("', '")'), "param": ('("', '")')}
CLASSES = {"source": "fill:#fde2c4,stroke:#b35900", "sink": "fill:#f9c9c9,stroke:#aa1111",
           "field": "fill:#dbe8fb,stroke:#2456a4", "local": "fill:#eeeeee,stroke:#555555",
           "param": "fill:#e8e1f5,stroke:#5b3fa0", "return": "fill:#dff2df,stroke:#2a7a2a",
           "global": "fill:#fff4b8,stroke:#8a6d00"}


def text(s, limit: int = 0) -> str:
    """Prose: one line, Markdown punctuation backslash-escaped (literal in CommonMark/GFM)."""
    return _MD_PUNCT.sub(r"\\\1", one_line(s, limit))


def code(s, limit: int = 0) -> str:
    """An inline code span that holds ``s`` literally, whatever backticks it contains."""
    s = one_line(s, limit)
    if not s:
        return ""
    fence = "`" * (max((len(r) for r in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def fenced(s, lang: str, indent: str = "") -> list[str]:
    s = one_line(s)
    fence = "`" * max(3, max((len(r) for r in re.findall(r"`+", s)), default=0) + 1)
    return [f"{indent}{fence}{lang}", f"{indent}{s}", f"{indent}{fence}"]


def mermaid_text(s, limit: int = 60) -> str:
    """Mermaid label text: everything outside a small safe set becomes an entity code (#60;)."""
    return "".join(c if _MERMAID_SAFE.fullmatch(c) else f"#{ord(c)};" for c in one_line(s, limit))


def mermaid(view: TraceView) -> list[str]:
    ids = {nid: f"n{i}" for i, nid in enumerate(view.nodes)}
    out = ["```mermaid", "flowchart TD"]
    by_kind: dict[str, list] = {}
    for nid, n in view.nodes.items():
        kind = n.get("kind") or ""
        a, b = SHAPES.get(kind, ('["', '"]'))
        m = n.get("model") or {}
        sub = f"{m.get('kind') or kind}: {m['id']}" if m.get("id") else kind
        out.append(f"  {ids[nid]}{a}{mermaid_text(n.get('label') or nid)}<br/>{mermaid_text(sub, 40)}{b}")
        if kind in CLASSES:
            by_kind.setdefault(kind, []).append(ids[nid])
    for e in view.edges.values():
        out.append(f"  {ids[e['src']]} -->|\"{mermaid_text(e.get('kind'), 30)}\"| {ids[e['dst']]}")
    for kind, members in by_kind.items():
        out.append(f"  classDef {kind} {CLASSES[kind]}")
        out.append(f"  class {','.join(members)} {kind}")
    if view.start:
        out.append("  classDef start stroke-width:3px")
        out.append(f"  class {','.join(ids[s] for s in view.start if s in ids)} start")
    out.append("```")
    return out


def _where(file, line, svn) -> str:
    if not file:
        return ""
    label = f"{file}:{line}" if line else str(file)
    url = trac_url(file, svn, line)
    return f"[{text(label)}]({url})" if url else code(label)


def _model_lines(n: dict, indent: str) -> list[str]:
    out, m = [], n.get("model") or {}
    if m.get("id"):
        line = f"{indent}- {text(m.get('kind') or 'model')} model {code(m['id'])}"
        if m.get("key"):
            line += f", key {code(m['key'])}"
        if m.get("description"):
            line += f": {text(m['description'])}"
        out.append(line)
        if m.get("override"):
            out.append(f"{indent}- override it: {code(m['override'])}")
    for v in n.get("values") or []:
        seen = f"{indent}- observed: {code(v.get('value'))}"
        if v.get("log_line"):
            seen += f" (log line {text(v['log_line'])}{': ' + code(v['text']) if v.get('text') else ''})"
        out.append(seen)
    return out


def _places(places, svn, limit: int = 2) -> str:
    shown = [_where(p["file"], p.get("line"), svn) for p in places[:limit]]
    return ", ".join(shown) + (f" (+{len(places) - limit} more)" if len(places) > limit else "")


def _at(places, svn) -> str:
    return f" at {_places(places, svn)}" if places else ""


def _summary(view: TraceView, svn) -> list[str]:
    sm = _answer.summary(view)
    out = ["## Summary", ""]
    if sm["sources"] or sm["origins"]:
        out.append("- **Comes from:**")
    for g in sm["sources"]:
        for it in g["items"][:4]:
            label = it["key"] if g["category"] == "config key" and it.get("key") else it["node"].get("label")
            out.append(f"  - {text(g['category'])}: {code(label)}{_at(it['places'], svn)}")
            if it.get("fix"):
                out.append(f"    - fix: {code(it['fix'][0])}" + (f" ({text(it['fix'][1])})" if it["fix"][1] else ""))
        if len(g["items"]) > 4:
            out.append(f"  - {text(g['category'])}: {len(g['items']) - 4} more")
    if sm["origins"]:
        out.append("  - no writer in the tree: " + ", ".join(code(o["node"].get("label") or o["node"]["id"])
                                                      for o in sm["origins"][:4]))
    if sm["sinks"]:
        out.append("- **Goes to:**")
    for g in sm["sinks"]:
        for it in g["items"][:4]:
            out.append(f"  - {text(g['category'])}: {code(it['key'] or it['node'].get('label'))}{_at(it['places'], svn)}")
        if len(g["items"]) > 4:
            out.append(f"  - {text(g['category'])}: {len(g['items']) - 4} more")
    if sm["chain"]:
        out.append("- **Chain:** " + " \u2192 ".join(code(n.get("label") or n["id"]) for n, _ in sm["chain"]))
    return out + [""]


_TREE_TITLES = {"upstream": "Where it comes from", "downstream": "Where it goes", "to": "Paths to the target"}


def _trees(view: TraceView, svn, expand=(), show_all=False) -> list[str]:
    out = []
    for direction in ("upstream", "downstream", "to"):
        n = sum(1 for p in view.paths if p.get("direction") == direction)
        if not n:
            continue
        arrow = "\u2190" if direction == "upstream" else "\u2192"
        left = _answer.paths_left_out(view.trace, direction)
        out += [f"## {_TREE_TITLES[direction]} ({_answer.paths_count(view.trace, direction, n)})", ""]
        if left:
            out += [f"_{left} paths not listed: `srcscan trace` with `--all` lists every one._", ""]
        for r in _answer.build_trees(view, direction):
            item = _answer.shape(r, expand=expand, show_all=show_all)
            out.append("- " + ", ".join(code(view.nodes.get(s, {}).get("label") or s) for s in r.starts) + " *start*")

            def go(x, depth):
                ind = "  " * depth
                if isinstance(x, _answer.Fold):
                    out.append(f"{ind}- {text(x.sentence())} \u2014 {code('--expand ' + x.name)}")
                    return
                b = x.branch
                line = f"{ind}- {arrow} {code(b.node.get('label') or b.node['id'])} *{text(b.node.get('kind'))}*"
                kinds = sorted({e.get("kind") for e in b.edges if e.get("kind") in ("control", "through")})
                if kinds:
                    line += " (" + text(", ".join(kinds)) + ")"
                places = [e for e in b.edges[:3] if e.get("file")]
                if places:
                    line += " at " + ", ".join(_where(e["file"], e.get("line"), svn) for e in places)
                out.append(line)
                for c in x.children:
                    go(c, depth + 1)

            for c in item.children:
                go(c, 1)
        out.append("")
    return out


def render(trace: dict, **options) -> str:
    view = TraceView(trace)
    q, src = trace.get("query") or {}, trace.get("source") or {}
    rev, svn, counts = src.get("revision") or {}, svn_of(trace), view.counts()
    title = f"# srcscan trace: {code(q.get('symbol'))}" + (f" \u2192 {code(q['to'])}" if q.get("to") else "")
    out = [title, ""]
    out.append(f"- **Start:** {', '.join(code(view.nodes[s].get('label') or s) for s in view.start if s in view.nodes) or 'none'}")
    out.append(f"- **Sources:** {text(src.get('label') or src.get('root'))}"
               + (f" ({text(src.get('kind'))}: {code(src['root'])})" if src.get("root") else ""))
    revtxt = (f"svn [r{svn}]({changeset_url(svn)})" if changeset_url(svn) else f"svn r{svn}") if svn else "svn number unknown"
    if rev.get("id"):
        revtxt += f" {code(str(rev['id'])[:12])}"
    for k in ("date", "subject"):
        if rev.get(k):
            revtxt += f" \u00b7 {text(rev[k])}"
    out.append(f"- **Revision:** {revtxt}")
    out.append(f"- **Found:** {counts['sources']} sources \u00b7 {counts['sinks']} sinks \u00b7 {counts['paths']} paths "
               f"({counts['nodes']} nodes, {counts['edges']} edges in {counts['files']} files)")
    out.append("")
    for w in trace.get("warnings") or []:
        out.append(f"> \u26a0 {text(w)}")
    if trace.get("warnings"):
        out.append("")
    if view.paths:
        out += _summary(view, svn)
        out += _trees(view, svn, options.get("expand") or (), bool(options.get("show_all")))
    out += ["## Flow graph", ""]
    shown, note = view.focus(MERMAID_MAX_NODES)
    if len(shown["nodes"]) > MERMAID_MAX_NODES or len(shown["edges"]) > MERMAID_MAX_EDGES:
        out += [f"The graph has {len(view.nodes)} nodes and {len(view.edges)} edges, too many for a readable Mermaid "
                "chart; see the HTML or DOT report.", ""]
    else:
        out += ([text(note), ""] if note else []) + mermaid(TraceView(shown)) + [""]
    out += ["## Paths", ""]
    for pi, p in enumerate(view.paths, 1):
        a, b = view.nodes.get(p["nodes"][0], {}), view.nodes.get(p["nodes"][-1], {})
        out += [f"### Path {pi} ({text(p.get('direction'))}, ends at {text(p.get('ends_at'))}): "
                f"{code(a.get('label') or p['nodes'][0])} \u2192 {code(b.get('label') or p['nodes'][-1])}", ""]
        for st in view.steps(p):
            n, e = st.node, st.edge
            head = f"{st.index + 1}. {code(n.get('label') or n['id'])} *{text(n.get('kind'))}*"
            if n["id"] in view.start:
                head += " **start**"
            if e:
                head += f" \u2190 **{text(e.get('kind'))}**"
                if e.get("function"):
                    head += f" in {code(e['function'])}"
                if e.get("via"):
                    head += f" via {code(e['via'])}"
                if e.get("file"):
                    head += f" at {_where(e['file'], e.get('line'), svn)}"
            elif n.get("file"):
                head += f", declared at {_where(n['file'], n.get('line'), svn)}"
            out.append(head)
            ind = "   "
            if e and e.get("code"):
                out += fenced(e["code"], "cpp", ind)
            for g in (e or {}).get("guards") or []:
                out.append(f"{ind}- only when {code(g)}")
            for c in simplify_all((e or {}).get("preproc")):
                out.append(f"{ind}- compiled when {code('#if ' + str(c))}")
            out += _model_lines(n, ind)
            inside = (e or {}).get("callee_steps")
            if inside:  # a step through a call: the callee's steps
                for nid, eid in zip(inside["nodes"][1:], inside["edges"]):
                    m, ie = view.nodes.get(nid, {"id": nid}), view.edges.get(eid) or {}
                    out.append(f"{ind}- inside {code(str(inside.get('callee')) + '()')}: {code(m.get('label') or nid)} "
                               f"\u2190 {text(ie.get('kind'))}"
                               + (f" at {_where(ie['file'], ie.get('line'), svn)}" if ie.get("file") else ""))
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
