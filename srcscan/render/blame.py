"""A blame document (docs/blame-schema.md) as text or Markdown: the trace at the end of the
range as paths of steps, each with the revision it exists since ("since" column), its first
appearance and gaps; then the steps grouped by that revision (which change brought what).

Used by ``srcscan blame --format text|markdown``; the HTML page is render/blame_html.py. Not a
trace format (no ``FORMAT``). Reads the document only, never re-runs analysis.
"""
from __future__ import annotations

from ..errors import UsageError
from ._common import TraceView, check_trace, one_line

SCHEMA = "srcscan-blame/1"
_TITLES = {"upstream": "UPSTREAM: where the value comes from", "downstream": "DOWNSTREAM: where the value goes",
           "to": "PATHS to the target"}


def check_blame(doc) -> dict:
    if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
        got = doc.get("schema") if isinstance(doc, dict) else type(doc).__name__
        raise UsageError(f"not a srcscan blame (schema {got!r}, expected {SCHEMA!r})")
    check_trace(doc.get("trace"), "blame trace", complete=False)
    for key in ("nodes", "edges"):
        if not isinstance(doc.get(key), dict):
            raise UsageError(f"not a srcscan blame ({key!r} must be an object)")
    if not isinstance(doc.get("evaluations"), list):
        raise UsageError("not a srcscan blame ('evaluations' must be a list)")
    return doc


def svn_of(rev) -> int | None:
    svn = rev.get("svn") if isinstance(rev, dict) else None
    return svn if isinstance(svn, int) and not isinstance(svn, bool) and svn > 0 else None


def rev_name(rev) -> str:
    rev = rev if isinstance(rev, dict) else {}
    rid = rev.get("id") if isinstance(rev.get("id"), str) else ""
    svn = svn_of(rev)
    return f"r{svn}" if svn else (rid[:12] or "?")


def rev_line(rev) -> str:
    rev = rev if isinstance(rev, dict) else {}
    parts = [f"r{svn_of(rev)}" if svn_of(rev) else "", (rev.get("id") or "")[:12] if isinstance(rev.get("id"), str) else "",
             str(rev.get("date") or "")[:16].replace("T", " ")]
    head = "  ".join(one_line(p) for p in parts if p)
    return head + (f"  {one_line(rev.get('subject'))}" if rev.get("subject") else "")


def since_text(b: dict | None) -> str:
    """The "since" column: ``r55140``, or ``<=r55000`` when the step is there at the start."""
    if not isinstance(b, dict):
        return "?"
    return ("<=" if b.get("from_start") else "") + rev_name(b.get("since"))


def history_text(b: dict | None) -> str:
    """First appearance and gaps, when there is more to say than the since column."""
    if not isinstance(b, dict):
        return ""
    parts = []
    if not b.get("from_start") and rev_key(b.get("first")) != rev_key(b.get("since")):
        parts.append(f"first {'<=' if b.get('first_at_start') else ''}{rev_name(b.get('first'))}")
    for g in b.get("gaps") or []:
        if isinstance(g, dict):
            parts.append(f"gone {rev_name(g.get('removed'))}..{rev_name(g.get('returned'))}")
    return "; ".join(parts)


def rev_key(rev) -> str | None:
    rev = rev if isinstance(rev, dict) else {}
    return (rev.get("id") if isinstance(rev.get("id"), str) else None) or (f"r{svn_of(rev)}" if svn_of(rev) else None)


class BlameView:
    """Lookups over a blame document: the trace's paths as steps with their blame, and the
    steps grouped by the revision they exist since."""

    def __init__(self, doc: dict):
        self.doc = check_blame(doc)
        self.trace = TraceView(doc["trace"])
        self.nodes, self.edges = doc["nodes"], doc["edges"]

    def node_blame(self, nid) -> dict | None:
        b = self.nodes.get(nid)
        return b if isinstance(b, dict) else None

    def edge_blame(self, eid) -> dict | None:
        b = self.edges.get(eid)
        return b if isinstance(b, dict) else None

    def paths(self):
        """(direction, path, [(node, edge or None, blame)]) for every path of the trace."""
        for p in self.trace.paths:
            steps = []
            for st in self.trace.steps(p):
                b = self.edge_blame(st.edge.get("id")) if st.edge else self.node_blame(st.node.get("id"))
                steps.append((st.node, st.edge, b))
            yield p.get("direction"), p, steps

    def groups(self) -> list[dict]:
        """Steps grouped by their since revision, newest change first; the steps there from
        the start come last."""
        groups: dict = {}
        order = {rev_key(e.get("revision")): i for i, e in enumerate(self.doc["evaluations"]) if isinstance(e, dict)}
        for kind, table, items in (("edge", self.edges, self.trace.edges), ("node", self.nodes, self.trace.nodes)):
            for sid, b in table.items():
                if not isinstance(b, dict) or sid not in items:
                    continue
                key = ("start",) if b.get("from_start") else ("rev", rev_key(b.get("since")))
                g = groups.setdefault(key, {"from_start": bool(b.get("from_start")), "revision": b.get("since"),
                                            "edges": [], "nodes": [], "order": order.get(key[-1], -1)})
                g[kind + "s"].append((items[sid], b))
        return sorted(groups.values(), key=lambda g: (g["from_start"], -g["order"]))


def _edge_text(e: dict) -> str:
    via = f" via {e['via']}" if e.get("via") and e.get("kind") != "control" else ""
    where = f" at {e['file']}:{e['line']}" if e.get("file") else ""
    return f"{e.get('kind')}{via}{where}" + (f" in {e['function']}()" if e.get("function") else "")


def _summary(doc: dict) -> list[str]:
    q, rng, se = doc.get("query") or {}, doc.get("range") or {}, doc.get("search") or {}
    src = doc.get("source") or {}
    what = one_line(q.get("symbol")) + (f" --to {one_line(q.get('to'))}" if q.get("to") else "")
    mode = se.get("mode") or "?"
    how = "every candidate traced" if mode == "every" else (
        f"bisection with {se.get('probes')} probe(s); a removal and return between two traced revisions is not seen")
    return [f"srcscan blame {what}  ({one_line(src.get('kind'))} {one_line(src.get('root'))})",
            f"range: {rev_line(rng.get('start'))}", f"   .. {rev_line(rng.get('end'))}",
            f"search: {mode} ({how})"]


def _footer(doc: dict) -> list[str]:
    st, rng = doc.get("stats") or {}, doc.get("range") or {}
    secs = st.get("seconds")
    line = (f"{rng.get('candidates')} candidate revision(s), {st.get('revisions_traced', len(doc['evaluations']))} "
            f"revision(s) evaluated ({st.get('evaluations')} trace evaluation(s)); files parsed "
            f"{st.get('files_parsed')}, reused {st.get('files_reused')}"
            + (f"; {secs:.2f} s" if isinstance(secs, (int, float)) else ""))
    return [line] + [f"warning: {one_line(w)}" for w in doc.get("warnings") or []]


def render_text(doc: dict) -> str:
    from ..util import inert_doc
    from .text import printable

    doc = inert_doc(doc)  # each value on its own line: a file name or subject cannot forge one
    v = BlameView(doc)
    out = _summary(doc) + ["", "since      step"]
    width = max([len(since_text(b)) for _, _, steps in v.paths() for _, _, b in steps] + [9])
    col = lambda s: s.ljust(width)  # noqa: E731
    out.append("")
    out.append("START")
    for s in v.trace.start:
        n = v.trace.nodes.get(s) or {}
        out.append(f"{col(since_text(v.node_blame(s)))}  {n.get('label') or s}  [{n.get('kind')}]")
    for direction in ("upstream", "downstream", "to"):
        paths = [(p, steps) for d, p, steps in v.paths() if d == direction]
        if not paths:
            continue
        out += ["", f"{_TITLES[direction]} ({len(paths)} path{'s' if len(paths) != 1 else ''})"]
        for p, steps in paths:
            for i, (n, e, b) in enumerate(steps):
                label = f"{n.get('label') or n.get('id')}  [{n.get('kind')}]"
                if e is None:
                    out.append(f"{col(since_text(b))}  [{str(p.get('id'))[1:]}] {label}")
                    continue
                out.append(f"{col(since_text(b))}    -> {label}")
                out.append(f"{col('')}       {_edge_text(e)}")
                if e.get("code"):
                    out.append(f"{col('')}       | {one_line(e['code'])}")
                more = history_text(b)
                if more:
                    out.append(f"{col('')}       ({more})")
    if not v.trace.paths:
        out += ["", "no flows found from or to the start node(s)"]
    out += ["", "BY REVISION (which change brought each step of the flow at the end)"]
    for g in v.groups():
        head = (f"<= {rev_line(g['revision'])}  (there from the start of the range)" if g["from_start"]
                else rev_line(g["revision"]))
        out.append(f"  {head}: {len(g['edges'])} edge(s), {len(g['nodes'])} node(s)")
        if g["from_start"]:
            continue
        for e, b in g["edges"]:
            more = history_text(b)
            out.append(f"      {e.get('src')} -> {e.get('dst')}  [{e.get('kind')}]" + (f"  ({more})" if more else ""))
        for n, b in g["nodes"]:
            out.append(f"      node {n.get('id')}")
    out += [""] + _footer(doc)
    return printable("\n".join(out)) + "\n"


def render_markdown(doc: dict) -> str:
    from ._links import for_source
    from .markdown import code, text

    v = BlameView(doc)
    links = for_source(doc.get("source"))

    def rev_md(rev, prefix="") -> str:
        name = text(prefix + rev_name(rev))
        url = links.changeset(svn_of(rev)) if links else None
        return f"[{name}]({url})" if url else name

    def since_md(b) -> str:
        if not isinstance(b, dict):
            return "?"
        return rev_md(b.get("since"), "<=" if b.get("from_start") else "")

    q = doc.get("query") or {}
    out = [f"# Blame of the flow of {code(q.get('symbol'))}", ""] + [f"- {text(x)}" for x in _summary(doc)[1:]] + [""]
    for direction in ("upstream", "downstream", "to"):
        paths = [(p, steps) for d, p, steps in v.paths() if d == direction]
        if not paths:
            continue
        out += [f"## {text(_TITLES[direction])}", ""]
        for p, steps in paths:
            out += [f"### Path {text(str(p.get('id'))[1:])}", "", "| since | step | how | first, gaps |", "|---|---|---|---|"]
            for n, e, b in steps:
                how = code(_edge_text(e)) if e else "start of the path"
                out.append(f"| {since_md(b)} | {code(n.get('label') or n.get('id'))} | {how} | {text(history_text(b))} |")
            out.append("")
    out += ["## By revision", ""]
    for g in v.groups():
        head = (f"{rev_md(g['revision'], '<=')} (there from the start of the range)" if g["from_start"]
                else f"{rev_md(g['revision'])} {text(rev_line(g['revision']))}")
        out.append(f"- {head}: {len(g['edges'])} edge(s), {len(g['nodes'])} node(s)")
        if not g["from_start"]:
            for e, b in g["edges"]:
                out.append(f"  - {code(str(e.get('src')) + ' -> ' + str(e.get('dst')))} {text(history_text(b))}")
    out += [""] + [text(x) for x in _footer(doc)]
    return "\n".join(out) + "\n"
