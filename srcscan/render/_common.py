"""Helpers shared by the report renderers: checking a trace dict, looking things up in it,
pairing upstream and downstream paths into source-to-sink flows, and the trace as a networkx
graph. Nothing here re-runs analysis; everything reads the dict (docs/trace-schema.md)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..errors import UsageError

SCHEMA = "srcscan-trace/2"
SCHEMAS = ("srcscan-trace/1", SCHEMA)  # what report reads: version 1 documents still render

# Characters XML 1.0 cannot carry (GraphML, SVG): C0 controls except tab/newline/CR, lone
# surrogates and the two non-characters.
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# One colour per node kind, used by the DOT output and the HTML page's own layout.
KIND_STYLE = {
    "source": ("#fde2c4", "#b35900"),
    "sink": ("#f9c9c9", "#aa1111"),
    "field": ("#dbe8fb", "#2456a4"),
    "local": ("#eeeeee", "#555555"),
    "param": ("#e8e1f5", "#5b3fa0"),
    "return": ("#dff2df", "#2a7a2a"),
    "global": ("#fff4b8", "#8a6d00"),
}


# Characters that make text read other than it is or act on a terminal (bidi marks, embeddings,
# overrides such as U+202E, isolates; C0 but tab and line ends, C1, line separators): shown as
# a visible \\xNN / \\uNNNN in every report
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def visible(s: str) -> str:
    """``s`` with bidi and C1 controls spelled out (\\u202e), line breaks kept: the one layer
    every report format (Markdown, DOT, HTML, GraphML, the source view) puts text through."""
    from ..util import _escape

    return _HIDDEN.sub(_escape, s)


def clean(s) -> str:
    """Text safe to put in XML and to show: None -> '', XML-illegal characters -> U+FFFD,
    bidi and C1 controls spelled out (``visible``)."""
    if s is None:
        return ""
    return visible(_XML_BAD.sub("\ufffd", str(s)))


def one_line(s, limit: int = 0) -> str:
    s = " ".join(clean(s).split())
    if limit and len(s) > limit:
        s = s[: limit - 1] + "\u2026"
    return s


_PAREN = re.compile(r"^\((.*)\)$")


def _strip_parens(c: str) -> str:
    while True:
        m = _PAREN.match(c)
        if not m or not _balanced(m.group(1)):
            return c
        c = m.group(1).strip()


def _balanced(s: str) -> bool:
    depth = 0
    for ch in s:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


_HDR = re.compile(r" \[hdr: [^\]]*\]")


def simplify(cond) -> str | None:
    """A preprocessor condition as a reader wants it: redundant parentheses and double
    negations dropped, ``!(0)`` (the #else of an #if 0) is always true -> None, ``!(1)`` -> "0"."""
    c = _HDR.sub("", str(cond))  # (where to look up what headers say: not for the reader)
    c = _strip_parens(" ".join(c.split()))
    while c.startswith("!"):
        inner = _strip_parens(c[1:].strip())
        if inner.startswith("!") and _balanced(inner[1:]):
            c = _strip_parens(inner[1:].strip())
            continue
        if inner in ("0", "1"):
            return None if inner == "0" else "0"
        c = "!" + (inner if re.fullmatch(r"[\w()]+", inner) and _balanced(inner) and not inner.count("(") > 1
                   else f"({inner})")
        break
    return None if c == "1" else c


def simplify_all(conds) -> list[str]:
    """simplify() each condition; the always-true ones are left out, repeats too."""
    out = []
    for c in conds or []:
        s = simplify(c)
        if s is not None and s not in out:
            out.append(s)
    return out


_JSON_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None),
               "integer": int, "number": (int, float)}


def trace_schema() -> dict:
    """The JSON Schema of a saved trace (srcscan/render/trace-schema.json)."""
    from importlib.resources import files

    return json.loads((files("srcscan.render") / "trace-schema.json").read_text(encoding="utf-8"))


_WANT = {"object": "an object", "array": "a list", "string": "a string", "boolean": "true or false",
         "integer": "an integer", "number": "a number", "null": "null"}


def _type_name(v) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null",
            int: "an integer", float: "a number"}.get(type(v), type(v).__name__)


def _is(v, t: str) -> bool:
    if isinstance(v, bool) and t in ("integer", "number"):
        return False
    if t == "integer" and isinstance(v, float):  # JSON Schema: 3.0 is an integer
        return v.is_integer()
    return isinstance(v, _JSON_TYPES[t])


def check_types(v, schema: dict, at: str = "") -> str | None:
    """Where ``v`` breaks ``schema`` (the subset of JSON Schema trace-schema.json uses:
    type, const, enum, properties, required, items) as 'query.to: expected ..., got ...', or None.
    Iterative, so a deep document costs a loop, not a deep stack."""
    todo = [(v, schema, at)]
    while todo:
        v, sch, at = todo.pop()
        types = sch.get("type")
        if types is not None:
            types = [types] if isinstance(types, str) else types
            if not any(_is(v, t) for t in types):
                want = " or ".join(_WANT.get(t, t) for t in types)
                return f"{at or 'the document'}: expected {want}, got {_type_name(v)}"
        if "const" in sch and v != sch["const"]:
            return f"{at or 'the document'}: expected {sch['const']!r}"
        if "enum" in sch and v not in sch["enum"]:
            return f"{at or 'the document'}: expected one of {', '.join(map(repr, sch['enum']))}"
        if isinstance(v, dict):
            for k in sch.get("required", ()):
                if k not in v:
                    return f"{at + '.' if at else ''}{k}: missing"
            for k, sub in sch.get("properties", {}).items():
                if k in v:
                    todo.append((v[k], sub, f"{at}.{k}" if at else k))
        elif isinstance(v, list) and "items" in sch:
            todo.extend((x, sch["items"], f"{at}[{i}]") for i, x in reversed(list(enumerate(v))))
    return None


def check_trace(obj, where: str = "trace", complete: bool = True) -> dict:
    """Raise UsageError (one line) unless ``obj`` is a srcscan-trace/1 or /2 dict whose fields have
    the types trace-schema.json gives and whose paths and edges only name nodes and edges it
    holds: a renderer never meets a value of the wrong type."""
    if not isinstance(obj, dict):
        raise UsageError(f"{where}: not a srcscan trace (expected a JSON object, got {type(obj).__name__})")
    schema = obj.get("schema")
    if schema not in SCHEMAS:
        raise UsageError(f"{where}: not a srcscan trace (schema {one_line(repr(schema), 60)}, expected {SCHEMA!r})")
    for key in ("nodes", "edges", "paths"):
        if not isinstance(obj.get(key), list):
            raise UsageError(f"{where}: not a srcscan trace ({key!r} must be a list)")
    # the trace inside a blame document is checked by the blame renderer for structure only
    problem = check_types(obj, trace_schema()) if complete else None
    if problem:
        raise UsageError(f"{where}: not a valid srcscan trace: {one_line(problem, 200)}")
    nodes = set()
    for i, n in enumerate(obj["nodes"]):
        if not isinstance(n, dict) or not isinstance(n.get("id"), str):
            raise UsageError(f"{where}: nodes[{i}] has no string 'id'")
        nodes.add(n["id"])
    edges = set()
    for i, e in enumerate(obj["edges"]):
        if not isinstance(e, dict) or not isinstance(e.get("id"), str):
            raise UsageError(f"{where}: edges[{i}] has no string 'id'")
        if e.get("src") not in nodes or e.get("dst") not in nodes:
            raise UsageError(f"{where}: edge {one_line(repr(e['id']), 80)} names a node the trace does not hold")
        edges.add(e["id"])
    for i, p in enumerate(obj["paths"]):
        if not isinstance(p, dict) or not isinstance(p.get("nodes"), list) or not isinstance(p.get("edges"), list):
            raise UsageError(f"{where}: paths[{i}] needs 'nodes' and 'edges' lists")
        if not p["nodes"] or len(p["edges"]) != len(p["nodes"]) - 1:
            raise UsageError(f"{where}: paths[{i}] must have one edge fewer than nodes")
        if any(n not in nodes for n in p["nodes"]) or any(e not in edges for e in p["edges"]):
            raise UsageError(f"{where}: paths[{i}] names a node or edge the trace does not hold")
    for s in obj.get("start") or []:
        if s not in nodes:
            raise UsageError(f"{where}: start node {one_line(repr(s), 80)} is not among the nodes")
    return obj


class SvnRev(int):
    """A trace's svn number, carrying the web pages (render/_links.py, queries/links.toml) of
    the repository it belongs to, or None: shown as the plain number, linked only when that
    repository is listed (a user's own svn server gets no virtualbox.org links)."""

    web = None

    def __new__(cls, n: int, web=None):
        self = super().__new__(cls, n)
        self.web = web
        return self


def svn_of(trace: dict) -> SvnRev | None:
    from ._links import for_source

    svn = ((trace.get("source") or {}).get("revision") or {}).get("svn")
    if not isinstance(svn, int) or isinstance(svn, bool):
        return None
    return SvnRev(svn, for_source(trace.get("source")))


def trac_url(path: str | None, svn, line) -> str | None:
    """Link to ``path`` at ``line`` in the web source browser of ``svn``'s repository, or None."""
    web = getattr(svn, "web", None)
    return web.browse(path, int(svn), line) if web is not None and path else None


def changeset_url(svn) -> str | None:
    """Link to the changeset page of ``svn`` in its repository's web pages, or None."""
    web = getattr(svn, "web", None)
    return web.changeset(int(svn)) if web is not None else None


@dataclass
class Step:
    """One step of a path: a node, and the edge that carried the value into it (None for the
    first step)."""

    index: int
    node: dict
    edge: dict | None


@dataclass
class Flow:
    """A source-to-sink flow: an upstream path ending at a start node joined with a
    downstream path beginning there, or a single path."""

    paths: list = field(default_factory=list)  # the path dicts, in flow order
    node_ids: list = field(default_factory=list)
    edge_ids: list = field(default_factory=list)


class TraceView:
    """Read-only lookups over a trace dict."""

    def __init__(self, trace: dict):
        self.trace = trace
        self.nodes = {n["id"]: n for n in trace.get("nodes") or []}
        self.edges = {e["id"]: e for e in trace.get("edges") or []}
        self.paths = list(trace.get("paths") or [])
        self.start = list(trace.get("start") or [])

    def steps(self, path: dict) -> list[Step]:
        out = []
        for i, nid in enumerate(path["nodes"]):
            edge = self.edges.get(path["edges"][i - 1]) if i else None
            out.append(Step(i, self.nodes.get(nid, {"id": nid, "label": nid, "kind": "?"}), edge))
        return out

    def counts(self) -> dict:
        kinds = [n.get("kind") for n in self.nodes.values()]
        return {"sources": kinds.count("source"), "sinks": kinds.count("sink"),
                "paths": len(self.paths), "nodes": len(self.nodes), "edges": len(self.edges),
                "files": len({e.get("file") for e in self.edges.values() if e.get("file")})}

    def focus(self, max_nodes: int) -> tuple[dict, str]:
        """The part of the trace a picture can show: all of it when it has at most
        ``max_nodes`` nodes, else the start nodes and the nodes and edges of its paths.
        Returns (trace dict restricted to that part, a sentence saying what was left out or '')."""
        if len(self.nodes) <= max_nodes:
            return self.trace, ""
        keep, edges = dict.fromkeys(self.start), {}
        for p in self.paths:
            keep.update(dict.fromkeys(p["nodes"]))
            edges.update(dict.fromkeys(p["edges"]))
        sub = dict(self.trace, nodes=[n for n in self.nodes.values() if n["id"] in keep],
                   edges=[e for e in self.edges.values() if e["id"] in edges])
        note = (f"The trace holds {len(self.nodes)} nodes and {len(self.edges)} edges; shown here are the "
                f"{len(sub['nodes'])} nodes and {len(sub['edges'])} edges on its {len(self.paths)} listed paths. "
                "The JSON, DOT and GraphML reports carry the whole graph.")
        return sub, note

    def flows(self, limit: int = 0) -> tuple[list[Flow], int]:
        """Source-to-sink flows: every upstream path ending at a start node joined with every
        downstream path beginning there (either side alone when the other has none), then
        every ``to`` path. Returns (flows, how many were left off because of ``limit``)."""
        ups, downs = {}, {}
        for p in self.paths:
            if p.get("direction") == "upstream":
                ups.setdefault(p["nodes"][-1], []).append(p)
            elif p.get("direction") == "downstream":
                downs.setdefault(p["nodes"][0], []).append(p)
        combos = []
        for s in list(dict.fromkeys(self.start + list(ups) + list(downs))):
            for up in ups.get(s) or [None]:
                for down in downs.get(s) or [None]:
                    if up or down:
                        combos.append([p for p in (up, down) if p])
        combos += [[p] for p in self.paths if p.get("direction") == "to"]
        skipped = max(0, len(combos) - limit) if limit else 0
        if limit:
            combos = combos[:limit]
        flows = []
        for parts in combos:
            f = Flow(paths=parts)
            for p in parts:
                f.node_ids += p["nodes"] if not f.node_ids else p["nodes"][1:]
                f.edge_ids += p["edges"]
            flows.append(f)
        return flows, skipped


def node_attrs(n: dict) -> dict:
    """A node's attributes as GraphML-friendly scalars (no None, lists as JSON)."""
    out = {}
    for k in ("kind", "label", "name", "owner", "file", "line", "ambiguous", "role"):
        v = n.get(k)
        if v is not None:
            out[k] = clean(v) if isinstance(v, str) else v
    m = n.get("model") or {}
    for k in ("id", "kind", "key", "description", "override"):
        if m.get(k) is not None:
            out[f"model_{k}"] = clean(m[k])
    if n.get("values"):
        out["values"] = clean(json.dumps(n["values"], ensure_ascii=False))
    return out


def edge_attrs(e: dict) -> dict:
    out = {}
    for k in ("kind", "file", "line", "column", "code", "function", "via", "indirect"):
        v = e.get(k)
        if v is not None:
            out[k] = clean(v) if isinstance(v, str) else v
    for k in ("guards", "preproc"):
        if e.get(k):
            out[k] = clean(json.dumps(e[k], ensure_ascii=False))
    return out


def to_networkx(trace: dict):
    """The trace as a networkx MultiDiGraph: node ids as nodes, edge ids as edge keys."""
    import networkx as nx

    g = nx.MultiDiGraph()
    q, src = trace.get("query") or {}, trace.get("source") or {}
    rev = src.get("revision") or {}
    for k, v in (("schema", trace.get("schema")), ("symbol", q.get("symbol")), ("to", q.get("to")),
                 ("source_kind", src.get("kind")), ("source_root", src.get("root")),
                 ("revision", rev.get("id")), ("svn", rev.get("svn"))):
        if v is not None:
            g.graph[k] = clean(v) if isinstance(v, str) else v
    if trace.get("start"):
        g.graph["start"] = clean(json.dumps(trace["start"], ensure_ascii=False))
    for n in trace.get("nodes") or []:
        g.add_node(clean(n["id"]), **node_attrs(n))
    for e in trace.get("edges") or []:
        g.add_edge(clean(e["src"]), clean(e["dst"]), key=clean(e["id"]), **edge_attrs(e))
    return g
