"""The answer first, for every report format: a summary of a trace (start nodes, sources and
sinks by category with file:line and the one-line fix for a config key, the best chain), the
upstream and downstream paths merged into trees that print each shared step once, ranked,
with noisy fan-outs folded. Reads only the trace dict (docs/trace-schema.md); the categories,
weights and fold size are data (queries/report.toml, queries/vboxmanage.toml; docs/ranking.md)."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from ..datafiles import load_toml
from ..errors import UsageError
from ._common import TraceView


# ---------------------------------------------------------------------- data


@dataclass(frozen=True)
class Settings:
    source: dict
    sink: dict
    default_source: dict
    default_sink: dict
    calibration: re.Pattern | None
    calibration_category: str
    constant: dict
    ends_at: dict
    per_step: float
    edge_kind: dict
    ambiguous: float
    may_alias: float
    dispatch_guess: float
    debug: re.Pattern | None
    debug_penalty: float
    fold_steps: int
    keep_score: float
    options: dict  # CFGM key -> {"fix": ..., "note": ...}
    brief: tuple = ()  # summary categories listed by name on one line (report.toml [summary])
    starts_listed: int = 4  # start nodes named one by one on the summary's start line
    max_chains: int = 6  # chains in a summary of several starts (one per start, best first)


def _regex(s, where: str):
    if not s:
        return None
    try:
        return re.compile(s)
    except re.error as e:
        raise UsageError(f"queries/{where}: bad regular expression {s!r}: {e}") from e


@lru_cache(maxsize=1)
def settings() -> Settings:
    """queries/report.toml and queries/vboxmanage.toml, checked."""
    d = load_toml("report.toml")
    rank, fold, cal = d.get("rank") or {}, d.get("fold") or {}, d.get("calibration") or {}
    opts = {}
    for i, row in enumerate(load_toml("vboxmanage.toml").get("option") or []):
        if not isinstance(row, dict) or not isinstance(row.get("key"), str) or not isinstance(row.get("fix"), str):
            raise UsageError(f"queries/vboxmanage.toml: option {i + 1} needs string 'key' and 'fix'")
        opts[row["key"]] = {"fix": row["fix"], "note": row.get("note")}
    steps = fold.get("steps", 6)
    if not isinstance(steps, int) or steps < 1:
        raise UsageError("queries/report.toml: [fold] steps must be a positive integer")
    return Settings(
        source=d.get("source") or {}, sink=d.get("sink") or {},
        default_source=d.get("default_source") or {"category": "other source", "weight": 50},
        default_sink=d.get("default_sink") or {"category": "other sink", "weight": 50},
        calibration=_regex(cal.get("function"), "report.toml"), calibration_category=cal.get("category", "calibration"),
        constant=d.get("constant") or {"category": "constant", "weight": 40},
        ends_at=rank.get("ends_at") or {}, per_step=float(rank.get("per_step", 2)),
        edge_kind=rank.get("edge_kind") or {}, ambiguous=float(rank.get("ambiguous", 30)),
        may_alias=float(rank.get("may_alias", 40)), dispatch_guess=float(rank.get("dispatch_guess", 20)),
        debug=_regex(rank.get("debug_description"), "report.toml"),
        debug_penalty=float(rank.get("debug_penalty", 0)), fold_steps=steps,
        keep_score=float(fold.get("keep_score", 75)), options=opts,
        brief=tuple((d.get("summary") or {}).get("brief") or ()),
        starts_listed=_positive(d, "starts", 4), max_chains=_positive(d, "chains", 6))


def _positive(d: dict, key: str, default: int) -> int:
    v = (d.get("summary") or {}).get(key, default)
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        raise UsageError(f"queries/report.toml: [summary] {key} must be a positive integer")
    return v


def fix_for(model: dict | None) -> tuple[str, str | None] | None:
    """The one-line fix for a source: a first-class VBoxManage option when the key has one
    (queries/vboxmanage.toml), else the model's own override spelling; (text, note) or None."""
    if not model or "?" in str(model.get("key") or "").split("/"):  # a key part srcscan could not tell
        return None
    opt = settings().options.get(model.get("key")) if model.get("id") == "cfgm" else None
    fix = (opt["fix"], opt.get("note")) if opt else (str(model["override"]), None) if model.get("override") else None
    key, tell = _drift_fix()
    if fix and tell and model.get("id") == "cfgm" and model.get("key") == key:  # the value drift computes
        fix = (fix[0], f"{fix[1]}; {tell}" if fix[1] else tell)
    return fix


@lru_cache(maxsize=1)
def _drift_fix() -> tuple[str | None, str | None]:
    """The config key whose value `srcscan drift` computes, and what a fix line for it adds
    (queries/models/drift.toml [fix] cfgm_key, trace_hint)."""
    fix = load_toml("models/drift.toml").get("fix") or {}
    return fix.get("cfgm_key"), fix.get("trace_hint")


def _row(n: dict, role: str) -> dict:
    s = settings()
    m = n.get("model") or {}
    table, default = (s.source, s.default_source) if role == "source" else (s.sink, s.default_sink)
    return table.get(m.get("id")) or default


def end_weight(n: dict, ends_at: str | None, edge: dict | None = None) -> tuple[float, str | None]:
    """What a path ending at node ``n`` is worth, and the summary category of that end."""
    s = settings()
    kind = n.get("kind")
    if kind in ("source", "sink"):
        row = _row(n, kind)
        w, cat = float(row.get("weight", 50)), row.get("category")
        m = n.get("model") or {}
        if kind == "sink" and s.debug and s.debug.search(m.get("description") or ""):
            w -= s.debug_penalty
            cat = f"debug {cat}"
        if kind == "source" and s.calibration and edge and s.calibration.search(edge.get("function") or ""):
            cat = s.calibration_category
        return w, cat
    if is_constant(n):
        return float(s.constant.get("weight", 40)), s.constant.get("category", "constant")
    return float(s.ends_at.get(ends_at or "", 0)), None


def is_constant(n: dict) -> bool:
    return n.get("kind") == "constant" or str(n.get("id", "")).startswith("const:")


ALIAS_KINDS = ("alias-load", "alias-store", "alias-arg")  # the engine's may-alias edge kinds


def is_may_alias(x: dict | None) -> bool:
    """A may-alias step: a node or edge marked ``may_alias: true``, or an alias-load/-store edge."""
    return bool(x and (x.get("may_alias") or x.get("kind") in ALIAS_KINDS))


def is_dispatch_guess(e: dict | None) -> bool:
    """A step into one of several overrides a C++ virtual call may reach (the allocated type
    unknown): an indirect edge to a method (``Class::method``)."""
    return bool(e and e.get("indirect") and "::" in str(e.get("via") or ""))


def is_ambiguous(n: dict) -> bool:
    return bool(n.get("ambiguous")) or str(n.get("label") or "").startswith("?.")


def _path_end(view: TraceView, p: dict):
    nodes, edges = p["nodes"], p["edges"]
    if p.get("direction") == "upstream":
        return view.nodes.get(nodes[0], {"id": nodes[0]}), (view.edges.get(edges[0]) if edges else None)
    return view.nodes.get(nodes[-1], {"id": nodes[-1]}), (view.edges.get(edges[-1]) if edges else None)


def path_end_weight(view: TraceView, p: dict) -> float:
    end, edge = _path_end(view, p)
    return end_weight(end, p.get("ends_at"), edge)[0]


def path_score(view: TraceView, p: dict) -> float:
    """A path's rank (higher first): the worth of where it ends, minus a cost per step and
    per guessed, implicit, ambiguous or may-alias step (queries/report.toml [rank])."""
    s = settings()
    nodes = [view.nodes.get(n, {"id": n}) for n in p["nodes"]]
    edges = [view.edges.get(e) or {} for e in p["edges"]]
    score = path_end_weight(view, p)
    score -= s.per_step * len(edges)
    for e in edges:
        score -= float(s.edge_kind.get(e.get("kind"), 0))
        if is_may_alias(e):
            score -= s.may_alias
        if is_dispatch_guess(e):
            score -= s.dispatch_guess
    for n in nodes:
        if is_ambiguous(n):
            score -= s.ambiguous
        if is_may_alias(n):
            score -= s.may_alias
    return score


def paths_left_out(trace: dict, direction: str) -> int:
    """How many paths of a direction the trace found but did not list (stats.paths_not_listed)."""
    return int(((trace.get("stats") or {}).get("paths_not_listed") or {}).get(direction) or 0)


def paths_count(trace: dict, direction: str, n: int) -> str:
    """``38 paths``, or ``60 of 143 paths`` when the trace left some out."""
    left = paths_left_out(trace, direction)
    return f"{n} of {n + left} paths" if left else f"{n} path{'s' if n != 1 else ''}"


# ---------------------------------------------------------------------- trees


@dataclass(eq=False)
class Branch:
    """One step of a tree: a node, the edge(s) joining it to its parent (several when start
    nodes with identical trees were merged), its children by node id, and the best score of a
    path through it."""

    node: dict
    edges: list = field(default_factory=list)
    children: dict = field(default_factory=dict)
    best: float = float("-inf")
    keep: bool = False  # holds a path scoring at least [fold] keep_score
    ends_at: str | None = None  # set where a listed path ends
    paths: list = field(default_factory=list)  # path ids ending here
    starts: list = field(default_factory=list)  # root only: the start node(s) it stands for

    def size(self) -> int:
        return 1 + sum(c.size() for c in self.children.values())

    def ranked(self) -> list:
        return sorted(self.children.values(), key=lambda c: (-c.best, c.node.get("label") or "", c.node["id"]))

    def walk(self):
        yield self
        for c in self.children.values():
            yield from c.walk()

    def signature(self):
        return tuple(sorted((cid, c.signature()) for cid, c in self.children.items()))


def build_trees(view: TraceView, direction: str) -> list[Branch]:
    """The paths of one direction as trees rooted at their start nodes (upstream trees grow
    towards the sources), roots with identical trees merged, best first."""
    roots: dict[str, Branch] = {}
    for p in view.paths:
        if p.get("direction") != direction or not p["nodes"]:
            continue
        ids, eids = list(p["nodes"]), list(p["edges"])
        if direction == "upstream":  # start first, each step's edge joins it to the step before
            ids.reverse()
            eids.reverse()
        score = path_score(view, p)
        keep = score >= settings().keep_score
        root = roots.get(ids[0])
        if root is None:
            root = roots[ids[0]] = Branch(view.nodes.get(ids[0], {"id": ids[0]}), starts=[ids[0]])
        root.best = max(root.best, score)
        root.keep |= keep
        cur = root
        for nid, eid in zip(ids[1:], eids):
            nxt = cur.children.get(nid)
            if nxt is None:
                e = view.edges.get(eid)
                nxt = cur.children[nid] = Branch(view.nodes.get(nid, {"id": nid}), [e] if e else [])
            nxt.best = max(nxt.best, score)
            nxt.keep |= keep
            cur = nxt
        cur.ends_at = cur.ends_at or p.get("ends_at")
        cur.paths.append(p.get("id"))
    merged: dict = {}
    for rid in sorted(roots):
        r = roots[rid]
        key = r.signature() if r.children else ("alone", rid)
        if key in merged:
            m = merged[key]
            m.starts.append(rid)
            m.best = max(m.best, r.best)
            for cid, c in r.children.items():
                _merge_edges(m.children[cid], c)
        else:
            merged[key] = r
    return sorted(merged.values(), key=lambda r: (-r.best, r.starts))


def _merge_edges(a: Branch, b: Branch) -> None:
    seen = {e.get("id") for e in a.edges}
    a.edges += [e for e in b.edges if e.get("id") not in seen]
    a.best = max(a.best, b.best)
    a.keep |= b.keep


# ---------------------------------------------------------------------- folding


@dataclass
class Fold:
    """A folded fan-out: ``count`` steps from ``branch`` down, described for one line."""

    branch: Branch
    count: int
    owners: list
    files: list
    more_files: int
    ends: list  # (category or end kind, count)
    via: "Branch | None" = None  # where the folded branch fans out (the name it is told by)

    @property
    def name(self) -> str:
        n = (self.via or self.branch).node
        return n.get("label") or n["id"]

    def sentence(self) -> str:
        into = ", ".join(self.owners) if self.owners else ""
        where = ", ".join(self.files) + (f", +{self.more_files} files" if self.more_files else "")
        ends = ", ".join(f"{k} \u00d7{n}" if n > 1 else k for k, n in self.ends)
        text = f"+{self.count} steps through {self.name}"
        if into:
            text += f" into {into}"
        if where:
            text += f" ({where})"
        if ends:
            text += f"; ends at {ends}"
        return text


@dataclass
class Item:
    """A step to show, with what to show under it (Items and Folds, best first)."""

    branch: Branch
    children: list = field(default_factory=list)


def _describe(b: Branch, via: Branch | None = None) -> Fold:
    owners, files, ends = Counter(), Counter(), Counter()
    count = 0
    for x in b.walk():
        count += 1
        n = x.node
        if n.get("kind") == "field" and n.get("owner"):
            owners[n["owner"]] += 1
        for e in x.edges[:1]:
            if e.get("file"):
                files[e["file"].rsplit("/", 1)[-1]] += 1
        if not x.children:
            _, cat = end_weight(n, x.ends_at, x.edges[0] if x.edges else None)
            ends[cat or x.ends_at or "end"] += 1
    top_files = [f for f, _ in files.most_common(3)]
    return Fold(b, count, [o for o, _ in owners.most_common(3)], top_files, max(0, len(files) - 3),
                sorted(ends.items(), key=lambda kv: (-kv[1], kv[0]))[:4], via)


def _matches(n: dict, names: set) -> bool:
    return bool(names) and bool({n.get("id"), n.get("label"), n.get("name")} & names)


def shape(root: Branch, fold_steps: int | None = None, expand=(), show_all: bool = False) -> Item:
    """What to show of a tree: every branch, except that a fan-out holding more than
    ``fold_steps`` steps becomes a Fold, unless it holds the tree's best path or a node named
    in ``expand`` (or ``show_all``)."""
    n_fold = settings().fold_steps if fold_steps is None else fold_steps
    names = set(expand or ())
    protected = set()
    b = root
    while b is not None:  # the best path of the tree is always shown whole
        protected.add(id(b))
        kids = b.ranked()
        b = kids[0] if kids else None
    keep: dict[int, bool] = {}

    def wanted(x: Branch) -> bool:
        if id(x) not in keep:
            keep[id(x)] = id(x) in protected or x.keep or _matches(x.node, names) or any(
                wanted(c) for c in x.children.values())
        return keep[id(x)]

    def build(x: Branch) -> Item:
        return Item(x, [place(c) for c in x.ranked()])

    def place(c: Branch):
        # a big branch folds into one line at its first step (the line names the function it
        # goes through and where it ends): the first screen keeps room for the answer
        if show_all or wanted(c) or c.size() <= n_fold:
            return build(c)
        fan = c
        while len(fan.children) == 1:  # told by where it fans out
            fan = next(iter(fan.children.values()))
        return _describe(c, fan)

    return build(root)


def flatten(item: Item):
    """(depth, Item or Fold, is_last_sibling, ancestors_last) rows in display order, for
    renderers that draw the tree as indented lines."""
    out = []

    def go(x, depth, lasts):
        kids = x.children
        for i, c in enumerate(kids):
            last = i == len(kids) - 1
            out.append((depth, c, last, lasts))
            if isinstance(c, Item):
                go(c, depth + 1, lasts + [last])

    out.append((0, item, True, []))
    go(item, 1, [])
    return out


def shown_nodes(items) -> set:
    """Node ids shown (not folded) in shaped trees."""
    out = set()

    def go(x):
        if isinstance(x, Item):
            out.add(x.branch.node["id"])
            out.update(x.branch.starts)
            for c in x.children:
                go(c)

    for it in items:
        go(it)
    return out


def folded_names(items) -> list:
    out = []

    def go(x):
        if isinstance(x, Fold):
            out.append(x.name)
        else:
            for c in x.children:
                go(c)

    for it in items:
        go(it)
    return out


# ---------------------------------------------------------------------- summary


def _where(e: dict | None, n: dict | None = None) -> dict:
    src = e or n or {}
    return {"file": src.get("file"), "line": src.get("line"), "function": (e or {}).get("function")}


def summary(view: TraceView) -> dict:
    """Start nodes; sources and sinks grouped by category (best category first), each with
    the places it is read or written; other origins; constants; the best chain."""
    sources: dict[str, dict] = {}
    sinks: dict[str, dict] = {}
    origins: dict[str, dict] = {}

    def add(table, n, edge, role):
        w, cat = end_weight(n, None, edge)
        cat = cat or role
        group = table.setdefault(cat, {"category": cat, "weight": w, "items": {}})
        group["weight"] = max(group["weight"], w)
        item = group["items"].setdefault(n["id"], {"node": n, "key": (n.get("model") or {}).get("key"),
                                                   "model": n.get("model"), "fix": fix_for(n.get("model")),
                                                   "places": []})
        place = _where(edge, n)
        if place["file"] and place not in item["places"]:
            item["places"].append(place)

    for e in view.edges.values():
        a, b = view.nodes.get(e.get("src")), view.nodes.get(e.get("dst"))
        if a and a.get("kind") == "source" and a.get("role") != "downstream":
            add(sources, a, e, "source")
        elif a and is_constant(a):
            add(sources, a, e, "constant")
        if b and b.get("kind") == "sink":
            add(sinks, b, e, "sink")
    for p in view.paths:
        ns = p["nodes"]
        if p.get("direction") == "upstream" and p.get("ends_at") == "root":
            n = view.nodes.get(ns[0], {})
            if n and n.get("kind") not in ("source",) and not is_constant(n):
                origins.setdefault(n["id"], {"node": n, "places": [_where(None, n)]})
    for table in (sources, sinks):
        for g in table.values():
            for it in g["items"].values():
                it["places"].sort(key=lambda p: (p["file"] or "", p["line"] or 0))
            g["items"] = sorted(g["items"].values(), key=lambda it: (it["node"].get("label") or "", it["node"]["id"]))
    order = lambda t: sorted(t.values(), key=lambda g: (-g["weight"], g["category"]))  # noqa: E731
    starts = [view.nodes[s] for s in view.start if s in view.nodes]
    return {"start": starts, "start_groups": start_groups(starts),
            "sources": order(sources), "sinks": order(sinks),
            "origins": sorted(origins.values(), key=lambda o: o["node"]["id"]),
            "chain": best_chain(view), "chains": chains_per_start(view)}


def start_groups(starts: list[dict]) -> list[tuple[str, list[dict]]]:
    """The start nodes grouped by owner (a field's struct, a local's function), most first."""
    from ..query.starts import owner_of

    groups: dict[str, list[dict]] = {}
    for n in starts:
        groups.setdefault(owner_of(n), []).append(n)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def _join(parts: list[dict], view: TraceView) -> list[tuple[dict, dict | None]]:
    out: list = []
    for p in parts:
        for i, nid in enumerate(p["nodes"]):
            if out and i == 0:
                continue
            out.append((view.nodes.get(nid, {"id": nid, "label": nid}),
                        view.edges.get(p["edges"][i - 1]) if i else None))
    return out


def chains_per_start(view: TraceView) -> list[dict]:
    """One chain per start node (its best upstream path joined with its best downstream path),
    best first, at most [summary] chains; each with ``also``: the best downstream path through
    another first step when that one scores at least [fold] keep_score (a second good answer,
    such as a value reaching guest memory through two different fields)."""
    s = settings()
    ups: dict[str, tuple] = {}
    downs: dict[str, list] = {}
    for p in view.paths:
        sc = path_score(view, p)
        if p.get("direction") == "upstream":
            k = p["nodes"][-1]
            if k not in ups or sc > ups[k][0]:
                ups[k] = (sc, p)
        elif p.get("direction") == "downstream":
            downs.setdefault(p["nodes"][0], []).append((sc, p))
    rows = []
    for st in view.start:
        down = sorted(downs.get(st, []), key=lambda x: (-x[0], len(x[1]["nodes"]), x[1].get("id") or ""))
        if st not in ups and not down:
            continue
        parts = [x[1] for x in (ups.get(st), down[0] if down else None) if x]
        total = (ups[st][0] if st in ups else 0) + (down[0][0] if down else 0)
        also = None
        if down and len(down[0][1]["nodes"]) > 1:
            first = down[0][1]["nodes"][1]
            other = next((x for x in down[1:] if len(x[1]["nodes"]) > 1 and x[1]["nodes"][1] != first
                          and x[0] >= s.keep_score), None)
            if other:
                also = _join([other[1]], view)
        rows.append({"start": view.nodes.get(st, {"id": st, "label": st}), "score": total,
                     "chain": _join(parts, view), "also": also})
    rows.sort(key=lambda r: (-r["score"], r["start"].get("label") or r["start"]["id"]))
    return rows


def best_chain(view: TraceView) -> list[tuple[dict, dict | None]]:
    """The best-ranked flow: the best upstream path into a start node joined with the best
    downstream path out of it (or the best --to path): [(node, edge into it or None)]."""
    scored = [(path_score(view, p), p) for p in view.paths]
    to = [sp for sp in scored if sp[1].get("direction") == "to"]
    if to:
        parts = [max(to, key=lambda sp: (sp[0], -len(sp[1]["nodes"])))[1]]
    else:
        ups, downs = {}, {}
        for sc, p in scored:
            if p.get("direction") == "upstream":
                key = p["nodes"][-1]
                if key not in ups or sc > ups[key][0]:
                    ups[key] = (sc, p)
            elif p.get("direction") == "downstream":
                key = p["nodes"][0]
                if key not in downs or sc > downs[key][0]:
                    downs[key] = (sc, p)
        best, parts = None, []
        for s in sorted(set(ups) | set(downs)):
            total = (ups[s][0] if s in ups else 0) + (downs[s][0] if s in downs else 0)
            if best is None or total > best:
                best, parts = total, [x[1] for x in (ups.get(s), downs.get(s)) if x]
    return _join(parts, view)
