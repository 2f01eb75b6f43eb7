"""One self-contained HTML page per trace, the answer first: a summary (sources and sinks by
category with file:line, the fix for a config key, the best chain), the upstream and
downstream trees of shared steps with noisy fan-outs folded in native <details>, the flow
graph of the unfolded part as inline SVG (clickable nodes jump to their step), then every
path as numbered steps with highlighted code, guards, preprocessor conditions and Trac links.
Jinja2 with autoescaping; the only markup not escaped by Jinja is Pygments' output and the
allow-listed SVG. No script, no fetches: the page carries a Content-Security-Policy that
forbids both."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from .. import __version__
from . import _answer
from ._common import TraceView, changeset_url, one_line, simplify_all, svn_of, trac_url
from ._svg import graph_svg

FORMAT = "html"
BIG_GRAPH_PT = 1100  # wider than this: keep natural size and scroll instead of shrinking
FOCUS_NODES = 250  # larger traces: the graph and node table show only the nodes on listed paths
MAX_ALSO = 8  # further evidence places listed per step


@lru_cache(maxsize=1)
def _env():
    from jinja2 import ChainableUndefined, Environment, FileSystemLoader

    from ._common import visible

    def finalize(v):
        """Every value a template prints: bidi and C1 controls spelled out (before escaping)."""
        if isinstance(v, Markup):
            return Markup(visible(str(v)))
        return visible(v) if isinstance(v, str) else v

    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")), finalize=finalize,
                      autoescape=True, undefined=ChainableUndefined, trim_blocks=True, lstrip_blocks=True)
    return env


@lru_cache(maxsize=1)
def _pygments():
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import CppLexer

    fmt = HtmlFormatter(nowrap=True, style="default")
    return CppLexer(stripnl=False, ensurenl=False), fmt, fmt.get_style_defs(".hl")


def highlight(code) -> Markup:
    """One line of C/C++ as Pygments HTML spans (Pygments escapes the text)."""
    from pygments import highlight as _hl

    lexer, fmt, _ = _pygments()
    return Markup(_hl(one_line(code), lexer, fmt).rstrip("\n"))


def _model_line(n: dict) -> str:
    m = n.get("model") or {}
    return " ".join(x for x in (m.get("kind"), m.get("id") and f"model {m['id']}", m.get("key") and f"key {m['key']}") if x)


def _also(edge: dict | None, svn) -> list:
    """Other places the same flow was seen (the engine merges parallel evidence into one edge)."""
    if not edge:
        return []
    out = []
    for ev in (edge.get("evidence") or [])[1:]:
        if isinstance(ev, dict) and ev.get("file"):
            out.append({"file": ev["file"], "line": ev.get("line"), "function": ev.get("function"),
                        "trac": trac_url(ev["file"], svn, ev.get("line"))})
    return out


_TREE_TITLES = {"upstream": "Where it comes from", "downstream": "Where it goes", "to": "Paths to the target"}


def _inside(view: TraceView, e: dict | None, svn) -> dict | None:
    """The callee's steps a step through a call stands for (the edge's callee_steps)."""
    inside = (e or {}).get("callee_steps")
    if not inside:
        return None
    steps = []
    for nid, eid in zip(inside["nodes"][1:], inside["edges"]):
        ie = view.edges.get(eid) or {}
        steps.append({"node": view.nodes.get(nid, {"id": nid}), "kind": ie.get("kind"), "file": ie.get("file"),
                      "line": ie.get("line"), "trac": trac_url(ie.get("file"), svn, ie.get("line"))})
    return {"callee": inside.get("callee"), "steps": steps}


def _tree_item(x, svn, first_step) -> dict:
    """A shaped tree (srcscan/render/_answer.py) as plain dicts for the template; a fold keeps
    its whole subtree for the <details> that opens it."""
    if isinstance(x, _answer.Fold):
        inner = _answer.shape(x.branch, show_all=True)
        return {"fold": True, "sentence": x.sentence(), "name": x.name, "count": x.count,
                "children": [_tree_item(inner, svn, first_step)]}
    b = x.branch
    e = b.edges[0] if b.edges else None
    places = [{"file": ed.get("file"), "line": ed.get("line"), "trac": trac_url(ed.get("file"), svn, ed.get("line"))}
              for ed in b.edges[:3] if ed.get("file")]
    return {"fold": False, "node": b.node, "edge": e, "places": places,
            "code": highlight(e["code"]) if e and e.get("code") else None,
            "href": "#" + first_step[b.node["id"]] if b.node["id"] in first_step else None,
            "control": any(ed.get("kind") == "control" for ed in b.edges),
            "may_alias": _answer.is_may_alias(b.node) or any(_answer.is_may_alias(ed) for ed in b.edges),
            "ends_at": b.ends_at if not b.children and b.ends_at not in ("source", "sink", "target") else None,
            "children": [_tree_item(c, svn, first_step) for c in x.children]}


def _trees(view: TraceView, svn, first_step, expand=(), show_all=False) -> tuple[list, set, int]:
    out, shown, folds = [], set(), 0
    for direction in ("upstream", "downstream", "to"):
        n_paths = sum(1 for p in view.paths if p.get("direction") == direction)
        if not n_paths:
            continue
        roots = []
        for r in _answer.build_trees(view, direction):
            item = _answer.shape(r, expand=expand, show_all=show_all)
            shown |= _answer.shown_nodes([item])
            folds += len(_answer.folded_names([item]))
            roots.append({"starts": [view.nodes.get(s, {"id": s, "label": s}) for s in r.starts],
                          "children": [_tree_item(c, svn, first_step) for c in item.children]})
        out.append({"direction": direction, "title": _TREE_TITLES[direction], "paths": n_paths, "roots": roots,
                    "count": _answer.paths_count(view.trace, direction, n_paths),
                    "left": _answer.paths_left_out(view.trace, direction),
                    "arrow": "\u2190" if direction == "upstream" else "\u2192"})
    return out, shown, folds


def _summary(view: TraceView, svn) -> dict:
    sm = _answer.summary(view)
    for table in ("sources", "sinks"):
        for g in sm[table]:
            for it in g["items"]:
                for pl in it["places"]:
                    pl["trac"] = trac_url(pl["file"], svn, pl["line"])
    return sm


def build_context(trace: dict, layout: str = "auto", links=None, expand=(), show_all: bool = False) -> dict:
    """The template context of a trace page. ``links`` (srcscan serve) turns the page into one
    view of an explorer: an object with ``node(id) -> url`` (the trace of that node, used by the
    graph, the steps and the node table), ``source(file, line) -> url | None`` (the source view)
    and ``click_note``; its URLs are same-site paths, the only non-fragment links let through;
    the trees' steps get them too. ``expand`` (fan-out names) and ``show_all`` unfold the trees'
    folds (trace/report --expand, --all)."""
    view = TraceView(trace)
    svn = svn_of(trace)
    first_step = {}
    for pi, p in enumerate(view.paths, 1):
        for si, nid in enumerate(p["nodes"], 1):
            first_step.setdefault(nid, f"p{pi}-s{si}")
    trees, unfolded, n_folds = _trees(view, svn, first_step, expand, show_all)
    if n_folds:
        # the graph shows what the trees show; folded fan-outs stay in the tables below
        keep = unfolded | set(view.start)
        shown = dict(trace, nodes=[n for n in view.nodes.values() if n["id"] in keep],
                     edges=[e for e in view.edges.values() if e["src"] in keep and e["dst"] in keep])
        focus_note = (f"The graph shows the {len(shown['nodes'])} nodes the trees above show unfolded "
                      f"({n_folds} fan-out{'s' if n_folds != 1 else ''} folded); the trace holds {len(view.nodes)}. "
                      f"Open a fold above, or {'start srcscan serve' if links is not None else 're-render'} "
                      "with --all, for the rest.")
        if len(shown["nodes"]) > FOCUS_NODES:
            shown, focus_note = TraceView(shown).focus(FOCUS_NODES)
    else:
        shown, focus_note = view.focus(FOCUS_NODES)
    shown_ids = {n["id"] for n in shown["nodes"]}
    ids = {nid: f"n{i}" for i, nid in enumerate(view.nodes)}
    first_step, appearances = {}, {nid: [] for nid in view.nodes}
    paths = []
    for pi, p in enumerate(view.paths, 1):
        steps = []
        for st in view.steps(p):
            anchor = f"p{pi}-s{st.index + 1}"
            nid = st.node["id"]
            first_step.setdefault(nid, anchor)
            appearances.setdefault(nid, []).append((anchor, f"{pi}.{st.index + 1}"))
            e = st.edge
            where_file, where_line = (e.get("file"), e.get("line")) if e else (st.node.get("file"), st.node.get("line"))
            steps.append({
                "anchor": anchor, "number": st.index + 1, "node": st.node, "edge": e,
                "node_ref": ids.get(nid, ""),
                "code": highlight(e["code"]) if e and e.get("code") else None,
                "file": where_file, "line": where_line,
                "trac": trac_url(where_file, svn, where_line),
                "model": _model_line(st.node), "also": _also(e, svn)[:MAX_ALSO],
                "preproc": simplify_all((e or {}).get("preproc")),
                "also_more": max(0, len(_also(e, svn)) - MAX_ALSO),
                "inside": _inside(view, e, svn),
            })
        paths.append({"number": pi, "path": p, "anchor": f"path-{pi}", "steps": steps,
                      "from": view.nodes.get(p.get("from") or p["nodes"][0], {}),
                      "to": view.nodes.get(p.get("to") or p["nodes"][-1], {})})
    if links is not None:
        hrefs = {nid: links.node(nid) for nid in shown_ids}
    else:
        hrefs = {nid: "#" + (first_step.get(nid) or ids[nid]) for nid in shown_ids}
    graph = graph_svg(shown, ids, hrefs, layout=layout, local_links=links is not None)
    nodes = [{"n": n, "ref": ids[nid], "appears": appearances.get(nid, []), "model": _model_line(n),
              "trac": trac_url(n.get("file"), svn, n.get("line"))} for nid, n in view.nodes.items() if nid in shown_ids]
    q = trace.get("query") or {}
    src = trace.get("source") or {}
    return {
        "answer": _summary(view, svn), "trees": trees, "n_folds": n_folds,
        "trace": trace, "query": q, "source": src, "revision": src.get("revision") or {},
        "svn": svn, "changeset": changeset_url(svn),
        "stats": trace.get("stats") or {}, "counts": view.counts(), "warnings": trace.get("warnings") or [],
        "start": [view.nodes[s] for s in view.start if s in view.nodes],
        "paths": paths, "n_steps": sum(len(p["steps"]) for p in paths), "nodes": nodes, "graph": graph, "focus_note": focus_note, "graph_svg": Markup(graph["svg"]),
        "graph_big": graph["width"] > BIG_GRAPH_PT, "pygments_css": Markup(_pygments()[2]),
        "tool_version": (trace.get("tool") or {}).get("version") or __version__,
        "links": links,
    }


def render(trace: dict, **options) -> str:
    """The report page; ``expand``/``show_all`` unfold the trees' fan-outs (trace/report --expand,
    --all); ``template`` and ``links`` (and any extra context) are for srcscan serve, whose trace
    page extends this one."""
    ctx = build_context(trace, layout=options.get("layout", "auto"), links=options.get("links"),
                        expand=options.get("expand") or (), show_all=bool(options.get("show_all")))
    ctx.update(options.get("extra") or {})
    return _env().get_template(options.get("template") or "report.html.j2").render(**ctx)


def template(name: str):
    """A template of this folder (the explorer's pages share the report's environment)."""
    return _env().get_template(name)
