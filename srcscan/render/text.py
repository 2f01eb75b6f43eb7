"""Plain text for a terminal. By default the answer first: a summary (start nodes, sources and
sinks by category with file:line and the fix for a config key, the best chain), then the
upstream and downstream paths as trees that print each shared step once, ranked, with noisy
fan-outs folded (``expand``, ``show_all``). ``paths=True`` gives the flat list of numbered
paths with the code line and guards of every step, for scripts."""
from __future__ import annotations

import os
import re
import sys

from . import _answer
from ._common import TraceView, simplify_all

FORMAT = "text"

def printable(s: str, newline: bool = False) -> str:
    """Text from the tree made safe for a terminal: control characters (escape sequences,
    bidi overrides; with ``newline``, line breaks too, for one value on one line) shown as
    \\xNN. Applied to the data before srcscan adds its own colours (``util.inert``)."""
    from ..util import inert

    return inert(s, lines=not newline)

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
        return printable(x, newline=True)  # a file name with a newline stays on its line
    if isinstance(x, dict):
        return {k: _clean(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_clean(v) for v in x]
    return x


WIDTH = 160  # a tree line longer than this has its code cut with an ellipsis


def _pp(conds) -> list[str]:
    simple = simplify_all(conds or [])
    return ["#if " + " && ".join(simple)] if simple else []


def _short(file, line) -> str:
    if not file:
        return ""
    base = str(file).rsplit("/", 1)[-1]
    return f"{base}:{line}" if line else base


def _start_lines(trace: dict, nodes: dict, bold, dim) -> list[str]:
    out = [bold("START")]
    for s in trace["start"]:
        n = nodes[s]
        text = f"  {_node_line(n)}"
        if (n.get("model") or {}).get("description"):
            text += f"  {n['model']['description']}"
        if _where(n):
            text += f"  {dim(_where(n))}"
        out.append(text)
        fix = _answer.fix_for(n.get("model"))
        if fix:
            out.append("      " + dim("set it with: ") + fix[0] + (f"  ({fix[1]})" if fix[1] else ""))
    return out


def _places(places, limit: int = 2) -> str:
    shown = [f"{p['file']}:{p['line']}" if p.get("line") else p["file"] for p in places[:limit]]
    more = len(places) - limit
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")


def _summary_lines(view: TraceView, bold, dim) -> list[str]:
    sm = _answer.summary(view)
    out = [bold("SUMMARY")]
    out.append("  start:      " + _start_text(sm))
    if sm["sources"] or sm["origins"]:
        out.append("  comes from:")
    for g in sm["sources"]:
        out += _group_lines(g, dim, fixes=True)
    if sm["origins"]:
        names = [o["node"].get("label") or o["node"]["id"] for o in sm["origins"]]
        out.append(f"    {'no writer':<14}" + ", ".join(names[:4]) + (f" (+{len(names) - 4} more)" if len(names) > 4 else "")
                   + dim("  (nothing in the tree writes it)"))
    if sm["sinks"]:
        out.append("  goes to:")
    for g in sm["sinks"]:
        out += _group_lines(g, dim)
    if len(sm["start"]) > 1 and sm["chains"]:
        out += _chain_lines(sm["chains"], dim)
    elif sm["chain"]:
        out.append("  chain:      " + _wrap([n.get("label") or n["id"] for n, _ in sm["chain"]], 14))
    return out


def _start_text(sm: dict) -> str:
    """The start nodes one by one, or (more than [summary] starts of them) grouped by owner
    with counts: ``312 values of 187 owners: PGMPAGE (3), VM (2), ...``."""
    starts, groups = sm["start"], sm["start_groups"]
    if len(starts) <= _answer.settings().starts_listed:
        return ", ".join(f"{n.get('label')}" + (f" ({_where(n)})" if _where(n) else "") for n in starts)
    shown = [f"{o} ({len(ns)})" if len(ns) > 1 else (ns[0].get("label") or ns[0]["id"]) for o, ns in groups[:6]]
    more = f", +{len(groups) - 6} more owners" if len(groups) > 6 else ""
    return f"{len(starts)} values of {len(groups)} owners: " + ", ".join(shown) + more


def _chain_lines(rows: list[dict], dim) -> list[str]:
    """One chain per start, best first (at most [summary] chains), each with its ``also:``."""
    cap = _answer.settings().max_chains
    out = []
    for r in rows[:cap]:
        out.append("  chain:      " + _wrap([n.get("label") or n["id"] for n, _ in r["chain"]], 14))
        if r.get("also"):
            out.append("  also:       " + _wrap([n.get("label") or n["id"] for n, _ in r["also"]], 14))
    if len(rows) > cap:
        out.append("  " + dim(f"+{len(rows) - cap} more starts' chains: see the trees below, or --paths"))
    return out


SUMMARY_ITEMS = 2  # items per category shown with their places; the rest by name on one line


def _group_lines(g: dict, dim, fixes: bool = False) -> list[str]:
    out = []
    items = g["items"]
    if g["category"] in _answer.settings().brief:  # a minor category: its names on one line
        names = [it["node"].get("label") or it["node"]["id"] for it in items]
        return [f"    {g['category'] + ' ':<14}" + dim(", ".join(names[:6]) + (" ..." if len(names) > 6 else ""))]
    for i, it in enumerate(items[:SUMMARY_ITEMS]):
        label = it["key"] if g["category"] == "config key" and it.get("key") else it["node"].get("label")
        cat = g["category"] if i == 0 else ""
        out.append(f"    {cat + ' ':<14}{label}  {dim(_places(it['places']))}".rstrip())
        if fixes and it.get("fix"):
            out.append(f"    {'':<14}fix: {it['fix'][0]}" + (f"  ({it['fix'][1]})" if it["fix"][1] else ""))
    rest = items[SUMMARY_ITEMS:]
    if rest:
        names = [it["node"].get("label") or it["node"]["id"] for it in rest]
        out.append(f"    {'':<14}" + dim(f"+{len(rest)} more: " + ", ".join(names[:6]) + (" ..." if len(names) > 6 else "")))
    return out


def _wrap(labels: list[str], indent: int, width: int = 100) -> str:
    lines, cur = [], ""
    for i, lab in enumerate(labels):
        piece = lab if i == 0 else f" -> {lab}"
        if cur and len(cur) + len(piece) > width:
            lines.append(cur)
            cur = " " * indent + "-> " + lab
        else:
            cur += piece
    lines.append(cur)
    return "\n".join(lines)


def _step_text(b, arrow: str, dim, nodes: dict | None = None) -> str:
    n = b.node
    tags = [n.get("kind") or "?"]
    if n.get("ambiguous"):
        tags.append("ambiguous owner")
    if _answer.is_may_alias(n) or any(_answer.is_may_alias(e) for e in b.edges):
        tags.append("may-alias")
    kinds = sorted({e.get("kind") for e in b.edges if e.get("kind") in ("control", "through")})
    tags += kinds
    if any(e.get("indirect") for e in b.edges):
        tags.append("indirect call")
    inside = next((e["callee_steps"] for e in b.edges if e.get("callee_steps")), None)
    if inside and nodes:  # a call's argument to its result: the callee's steps
        inner = [nodes.get(x, {"label": x}) for x in inside["nodes"][1:-1]]
        names = [x.get("name") if x.get("kind") in ("local", "param") and x.get("name") else x.get("label") or "?"
                 for x in inner]
        tags.append(f"through {inside['callee']}(): " + " -> ".join(names))
    text = f"{arrow}{n.get('label') or n['id']}  [{', '.join(tags)}]" + _observed(n)
    if b.edges:
        text += "  " + ", ".join(_short(e.get("file"), e.get("line")) for e in b.edges[:3])
        code = " ".join(str(b.edges[0].get("code") or "").split())
        if code:
            room = WIDTH - len(text) - 3
            if room > 12:
                text += "  " + dim("| " + (code if len(code) <= room else code[: room - 1] + "\u2026"))
    elif _where(n):
        text += "  " + dim(_where(n))
    if not b.children and b.ends_at and b.ends_at not in ("source", "sink", "target"):
        text += dim(f"  (ends: {b.ends_at})")
    return text


def _observed(n: dict) -> str:
    """``  observed: 3478274491`` for a node with values from --log (the log line's values)."""
    if not n.get("values"):
        return ""
    vals = list(dict.fromkeys(str(v.get("value")) for v in n["values"]))
    return "  observed: " + ", ".join(vals[:3]) + (f" (+{len(vals) - 3} more)" if len(vals) > 3 else "")


def _tree_lines(item, arrow: str, dim, nodes: dict | None = None) -> list[str]:
    root = item.branch
    out = []
    n = root.node
    if len(root.starts) > 1:
        out.append(", ".join(root.start_labels) + "  [start]")
    else:
        out.append(f"{n.get('label') or n['id']}  [{n.get('kind')}, start]" + _observed(n)
                   + (f"  {dim(_where(n))}" if _where(n) else ""))

    def line(guide, x):
        if isinstance(x, _answer.Fold):
            out.append(guide + dim(x.sentence() + f" \u2014 --expand {x.name}"))
        else:
            out.append(guide + _step_text(x.branch, arrow, dim, nodes))

    def emit(it, guide):
        kids = it.children
        if len(kids) == 1:
            line(guide, kids[0])
            if isinstance(kids[0], _answer.Item):
                emit(kids[0], guide)
            return
        for i, k in enumerate(kids):
            last = i == len(kids) - 1
            line(guide + ("\u2514 " if last else "\u251c "), k)
            if isinstance(k, _answer.Item):
                emit(k, guide + ("  " if last else "\u2502 "))

    emit(item, "  ")
    return out


_TREE_TITLES = {"upstream": "UPSTREAM: where the value comes from",
                "downstream": "DOWNSTREAM: where the value goes",
                "to": "PATHS to the target"}


def _trees(view: TraceView, bold, dim, expand=(), show_all=False) -> list[str]:
    out = []
    folded = []
    for direction in ("upstream", "downstream", "to"):
        n_paths = sum(1 for p in view.paths if p.get("direction") == direction)
        if not n_paths:
            continue
        roots = _answer.build_trees(view, direction)
        out.append("")
        out.append(bold(f"{_TREE_TITLES[direction]} ({_count(view.trace, direction, n_paths)}, "
                        f"{sum(r.size() - 1 for r in roots)} steps; {_how_to_see(view.trace, direction)})"))
        arrow = "<- " if direction == "upstream" else "-> "
        for r in roots:
            r.start_labels = [view.nodes.get(s, {}).get("label") or s for s in r.starts]
            item = _answer.shape(r, expand=expand, show_all=show_all)
            folded += _answer.folded_names([item])
            out += _tree_lines(item, arrow, dim, view.nodes)
    if folded:
        out.append("")
        out.append(dim(f"{len(folded)} branch{'es' if len(folded) != 1 else ''} folded; --expand NAME opens one, "
                       "--all shows everything"))
    return out


_left_out, _count = _answer.paths_left_out, _answer.paths_count


def _how_to_see(trace: dict, direction: str) -> str:
    left = _left_out(trace, direction)
    if left:
        return f"{left} not listed: --all or --paths lists every one"
    return "--paths lists them step by step"


def render(trace: dict, color: bool | None = None, paths: bool = False, expand=(), show_all: bool = False,
           **options) -> str:
    trace = _clean(trace)
    if color is None:
        color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    bold, dim = _style(bool(color))
    nodes = {n["id"]: n for n in trace["nodes"]}
    src = trace["source"]
    rev = src.get("revision") or {}
    out = []
    label = src.get("label") or src.get("root") or "?"
    if rev.get("svn") is not None or rev.get("id"):
        label += " @ " + " ".join(x for x in [f"r{rev['svn']}" if rev.get("svn") is not None else "",
                                               (rev.get("id") or "")[:12]] if x)
    q = trace["query"]
    out.append(bold(f"srcscan trace {q['symbol']}" + (f" --to {q['to']}" if q.get("to") else "")) + f"  ({label})")
    if q.get("defines") or q.get("undefs"):
        out.append("configuration: " + " ".join([f"-D{d}" for d in q["defines"]] + [f"-U{u}" for u in q["undefs"]]))
    out.append("")
    if paths:
        out += _flat(trace, bold, dim)
    else:
        view = TraceView(trace)
        if trace["paths"]:
            out += _summary_lines(view, bold, dim)
        else:
            out += _start_lines(trace, nodes, bold, dim)
        out += _trees(view, bold, dim, expand, show_all)
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


def _inside(call: dict, nodes: dict, edges: dict, dim) -> list[str]:
    """The steps inside the callee that a step through a call stands for."""
    out = [f"       {dim('inside ' + str(call.get('callee')) + '():')}"]
    for nid, eid in zip(call["nodes"][1:], call["edges"]):
        n, e = nodes.get(nid, {"label": nid}), edges.get(eid, {})
        code = " ".join(str(e.get("code") or "").split())
        out.append(f"         -> {n.get('label') or nid}  {e.get('kind')} at {_short(e.get('file'), e.get('line'))}"
                   + (f"  {dim('| ' + code[:100])}" if code else ""))
    return out


def _flat(trace: dict, bold, dim) -> list[str]:
    """Every listed path as numbered steps (today's list, for scripts: --paths)."""
    nodes = {n["id"]: n for n in trace["nodes"]}
    edges = {e["id"]: e for e in trace["edges"]}
    out = []
    out += _start_lines(trace, nodes, bold, dim)
    for direction in ("upstream", "downstream", "to"):
        paths = [p for p in trace["paths"] if p["direction"] == direction]
        if not paths:
            continue
        out.append("")
        left = _left_out(trace, direction)
        out.append(bold(f"{_TITLES[direction]} ({_count(trace, direction, len(paths))}"
                        + (f"; {left} not listed: run the trace with --paths to list every one" if left else "") + ")"))
        for p in paths:
            first = nodes[p["nodes"][0]]
            head = f"[{p['id'][1:]}] {_node_line(first)}"
            if (first.get("model") or {}).get("description"):
                head += f"  {first['model']['description']}"
            out.append("  " + head)
            fix = _answer.fix_for(first.get("model"))
            if fix:
                out.append("      " + dim("set it with: ") + fix[0] + (f"  ({fix[1]})" if fix[1] else ""))
            calls = {c["edge"]: c for c in p.get("calls") or []}
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
                    conds += _pp(e["preproc"])
                conds += e.get("guards") or []
                if e["kind"] == "control" and e.get("via"):
                    # the guard the value depends on is marked rather than repeated
                    conds = [f"{c} (control dependence)" if c == e["via"] else c for c in conds]
                    if e["via"] not in (e.get("guards") or []):
                        conds.append(f"(control dependence on: {e['via']})")
                if conds:
                    out.append(f"       {dim('when: ' + '; '.join(conds))}")
                if eid in calls:
                    out += _inside(calls[eid], nodes, edges, dim)
                more = len(e.get("evidence") or []) - 1
                if more > 0:
                    others = ", ".join(f"{x['file'].rsplit('/', 1)[-1]}:{x['line']}" for x in e["evidence"][1:4])
                    out.append(f"       {dim(f'also at {others}' + (' ...' if more > 3 else ''))}")
    return out
