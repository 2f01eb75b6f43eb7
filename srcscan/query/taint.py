"""Taint: which values the guest controls reach a host copy size, allocation size, index or
pointer offset, and whether each flow is bounded on its way.

A query over the one flow graph (DESIGN §5): the starts are the guest sources
(queries/models/taint.toml: source models of the guest boundary, the guest-controlled
parameters of registered handlers, the fields of structs that live in guest memory), the
targets are the danger sinks, the paths follow the path rule of every trace (slicing.step),
and the checks on a path are judged by ``taintcheck``."""
from __future__ import annotations

import fnmatch
import hashlib
import re
import time
from dataclasses import dataclass, field

from ..datafiles import load_toml
from ..errors import UsageError
from ..graph.apimodels import load_models
from .slicing import _bfs, _walk_back

MAX_TAINT_SLICE = 2_000_000
MAX_WAYS = 4  # ways (tainted values) into one sink site judged for "every path passes a check"


@dataclass
class TaintConfig:
    guest_sources: list[str]
    sinks: dict[str, tuple[str, int]]  # sink model id -> (category, rank)
    params: list[dict]
    fields: list[dict]
    checks: dict
    not_host: list[str] = field(default_factory=list)


def load_config(doc: dict | None = None, where: str = "queries/models/taint.toml") -> TaintConfig:
    """The [taint] tables of taint.toml, checked: a bad row is a one-line error naming it."""
    doc = load_toml("models/taint.toml") if doc is None else doc
    t = doc.get("taint")
    if not isinstance(t, dict):
        raise UsageError(f"{where}: needs a [taint] table")

    def rows(name, need):
        got = t.get(name, [])
        if not isinstance(got, list) or not all(isinstance(r, dict) for r in got):
            raise UsageError(f"{where}: [[taint.{name}]] must be a list of tables")
        for i, r in enumerate(got):
            miss = [k for k in need if k not in r]
            if miss:
                raise UsageError(f"{where} [[taint.{name}]] #{i + 1}: needs {', '.join(miss)}")
        return got

    sinks = {}
    for r in rows("sink", ("id", "category", "rank")):
        if not isinstance(r["rank"], int):
            raise UsageError(f"{where} [[taint.sink]] {r['id']}: rank must be an integer")
        sinks[r["id"]] = (str(r["category"]), r["rank"])
    gs = t.get("guest_sources", [])
    if not isinstance(gs, list) or not all(isinstance(x, str) for x in gs):
        raise UsageError(f"{where}: guest_sources must be a list of source model ids")
    nh = t.get("not_host", [])
    if not isinstance(nh, list) or not all(isinstance(x, str) for x in nh):
        raise UsageError(f"{where}: not_host must be a list of path globs")
    return TaintConfig(gs, sinks, rows("param", ("functions", "params")), rows("field", ("fields",)),
                       dict(t.get("checks", {})), nh)


@dataclass
class Start:
    node: str
    model: str
    call: str
    file: str | None = None
    line: int | None = None
    function: str | None = None
    description: str = ""


@dataclass
class TaintResult:
    findings: list[dict] = field(default_factory=list)
    sources: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    left_out: int = 0  # findings in files that do not run on the host ([taint] not_host)


def _param_nodes(g, key: str, i: int) -> list[str]:
    """A parameter's node and, for a pointer, its pointee's (``pv`` of an MMIO write: the bytes)."""
    return [n for n in (f"param:{key}#{i}", f"param:{key}#{i}*") if n in g]


def guest_starts(g, program, cfg: TaintConfig) -> list[Start]:
    """Every node whose value the guest controls, with where it enters."""
    starts: list[Start] = []
    guest = set(cfg.guest_sources)
    for n in g.nodes_of_kind("source"):
        mdl = g.nodes[n].get("model") or {}
        if mdl.get("id") in guest:
            starts.append(Start(n, g.nodes[n]["label"], mdl.get("function") or "", description=mdl.get("description", "")))
    pats = [(_globs(r["functions"]), r) for r in cfg.params]
    for defs in program.functions.values():
        for fn in defs:
            for rx, r in pats:
                if rx.match(fn.name):
                    for i, prm in enumerate(fn.params):
                        for node in _param_nodes(g, fn.key, i) if prm.name in r["params"] else ():
                            starts.append(Start(node, f"guest-param:{fn.name}", fn.name, fn.file, fn.line, fn.name,
                                                r.get("description", "")))
                    break
    # a guest read into the memory a pointer names (PDMDevHlpPhysRead(pDevIns, GCPhys, pReq, cb)),
    # directly or through a function that hands its buffer parameter on to one
    # (ohciR3ReadTd -> ohciR3GetDWords -> ohciR3PhysRead -> PDMDevHlpPhysRead): the fields read
    # through that pointer (or of that struct, &Td) afterwards are guest values
    models = load_models()
    reads = guest_readers(program, models, guest)
    words = tuple(n.encode() for n in reads)
    for defs in program.functions.values():
        for fn in defs:
            for c in fn.calls if fn.may_name(words) else ():
                name = _callee(c)
                got = reads.get(name)
                if got is None or got[0] >= len(c.args):
                    continue
                arg, sm = c.args[got[0]], got[1]
                if arg.addr_of is not None and name in models.sources:
                    continue  # &Req to the guest read itself: the graph has that flow (model out-arg)
                root = _buffer_root(arg)
                for _, fnode, ev in _fields_read(g, program, fn, {root} if root else set(),
                                                 c.line + (c.end_line > c.line)):
                    starts.append(Start(fnode, f"{sm.id}:{name}", name, fn.file, c.line, fn.name, sm.description))
    globs = [(_globs(r["fields"]), r) for r in cfg.fields]
    for n in g.nodes_of_kind("field"):
        label = g.nodes[n]["label"] or ""
        names = (label, _dotted(label))  # a field of an unnamed member struct by its path too
        for rx, r in globs:
            if any(rx.match(x) for x in names):
                starts.append(Start(n, f"guest-field:{names[1]}", "", description=r.get("description", "")))
                break
    return starts


def _globs(patterns: list[str]):
    """One compiled pattern for a row's globs (fnmatch's case-sensitive rules)."""
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns) or "(?!)")


MAX_WRAPPER_DEPTH = 4  # guest-read wrappers of wrappers followed


def _callee(c) -> str:
    return c.indirect.last if c.indirect is not None and c.indirect.steps else c.callee


def _buffer_root(arg) -> str | None:
    """The variable whose memory an out argument names: ``pReq``, ``(uint32_t *)pTd``, ``&Td``."""
    if arg.addr_of is not None:
        return arg.addr_of.root if not arg.addr_of.steps else None
    if len(arg.reads) == 1 and not arg.reads[0].steps:
        return arg.reads[0].root
    return None


def guest_readers(program, models, guest: set[str]) -> dict[str, tuple[int, object]]:
    """Function name -> (out argument, source model) of every guest read: the source models
    themselves, and the functions that pass one of their parameters unchanged as the buffer
    of a guest read (wrappers of wrappers, up to MAX_WRAPPER_DEPTH)."""
    out = {name: (sm.out_arg, sm) for name, sm in models.sources.items()
           if sm.id in guest and sm.out_arg is not None}
    frontier = dict(out)
    for _ in range(MAX_WRAPPER_DEPTH):
        more = {}
        words = tuple(n.encode() for n in frontier)  # (bodies that cannot call one are not decoded)
        for defs in program.functions.values():
            for fn in defs:
                if fn.name in out or fn.name in more or not fn.params or not fn.may_name(words):
                    continue
                params = {p.name: i for i, p in enumerate(fn.params)}
                for c in fn.calls:
                    got = frontier.get(_callee(c))
                    if got is None or got[0] >= len(c.args):
                        continue
                    root = _buffer_root(c.args[got[0]])
                    if root in params and c.args[got[0]].addr_of is None:
                        more[fn.name] = (params[root], got[1])
                        break
        if not more:
            break
        out.update(more)
        frontier = more
    return out


_ANON = re.compile(r"^<anon:([^ >]+)(?: [^>]*)?>\.(.+)$")


def _dotted(label: str) -> str:
    """``<anon:OUTER.member file>.field`` (a field of an unnamed struct type, graph/objects) as
    the path a reader writes, ``OUTER.member.field``; other labels as they are."""
    m = _ANON.match(label)
    return f"{m.group(1)}.{m.group(2)}" if m else label


def _danger(g, cfg: TaintConfig) -> dict[str, tuple[str, int, str]]:
    """Danger sink nodes -> (category, rank, model id)."""
    out = {}
    for n in g.nodes_of_kind("sink"):
        mid = (g.nodes[n].get("model") or {}).get("id")
        if mid in cfg.sinks:
            out[n] = (*cfg.sinks[mid], mid)
    return out


def _sink_args(model_id: str, function: str) -> list[int] | str:
    for sk in load_models().sinks_of(function):
        if sk.id == model_id:
            return sk.args
    return "all"


def taint(analysis, program, cfg: TaintConfig | None = None, snapshot=None, cache=None) -> TaintResult:
    """Every flow from a guest source to a danger sink, ranked, each judged checked or not.
    ``cache``: the fact cache, where the candidate uses of each file are kept (taintsinks.UseStore)."""
    from .taintcheck import Checker
    from .taintsinks import STATEMENT_SINKS, UseStore, statement_sinks

    t0 = time.perf_counter()
    cfg = cfg or load_config()
    g = analysis.graph
    res = TaintResult()
    starts = guest_starts(g, program, cfg)
    danger = _danger(g, cfg)
    res.sources = len(starts)
    if not starts:
        res.seconds = time.perf_counter() - t0
        return res
    by_node: dict[str, list[Start]] = {}
    for s in starts:
        by_node.setdefault(s.node, []).append(s)
    # one slice from every guest value at once: each node keeps its cheapest path back to the
    # nearest guest source (data only: a condition on a guest value is not a guest value)
    tree = _bfs(g, sorted(by_node), forward=True, limit=MAX_TAINT_SLICE, control=False)
    if len(tree) >= MAX_TAINT_SLICE:
        res.warnings.append(f"taint slice cut at {MAX_TAINT_SLICE} nodes")
    # a struct or buffer filled with guest data: the fields read from it are guest values too
    # (one more slice from those fields, each path joined to the one that reached the struct)
    via: dict[str, list[tuple[str, dict]]] = {}
    for _ in range(3):
        # (a field the slice already reaches keeps its own way there: made a join start, its
        # join could lead back through itself and the way be lost)
        more = {f: o for f, o in _filled_fields(g, program, tree, starts, cfg).items()
                if f not in by_node and f not in via and f not in tree}
        if not more:
            break
        via.update(more)
        tree = _bfs(g, sorted(set(by_node) | set(via)), forward=True, limit=MAX_TAINT_SLICE, control=False)
    best: dict[tuple, tuple] = {}
    pairs, extra_ev = [], {}
    for u in tree:
        for v in g.successors(u):
            if v in danger:
                pairs.append((u, v))
    evid = g.evidence_many(pairs) if pairs else {}

    def chain_to(u):
        """The path from a guest source to ``u``, joined through the structs guest fields came from."""
        chain = list(reversed(_walk_back(tree, u)))
        joins: dict[tuple[str, str], dict] = {}
        while chain[0] in via and len(chain) < 200:
            origin, ev0 = _holder(g, via[chain[0]], chain)
            joins[(origin, chain[0])] = ev0
            head = list(reversed(_walk_back(tree, origin)))
            if chain[0] in head:
                break
            chain = head + chain
        if chain[0] not in by_node:
            return None
        extra_ev.update(joins)
        return chain

    def offer(site, chain, ev, at=None):  # every way a guest value reaches the site (a few shortest)
        got = best.setdefault(site, [])
        if all(c[1] != chain for c in got):
            got.append((len(chain), chain, ev, at))
            got.sort(key=lambda c: c[0])
            del got[MAX_WAYS:]

    # a sink inside a helper that takes the value as a parameter: one site per call of the helper
    # (each caller's argument in the slice, its own way), reported at that call
    ways_in: dict[str, list[list[str]]] = {}
    for u in {u for u, _ in pairs}:
        chain = chain_to(u)
        if g.nodes[u]["kind"] == "param":
            for p in sorted(x for x in g.predecessors(u) if x in tree and x != u):
                c = chain_to(p)
                if c and u not in c:
                    ways_in.setdefault(u, []).append(c + [u])
        if chain and not ways_in.get(u):
            ways_in[u] = [chain]
    calls = _wrapper_calls(g, [c for cs in ways_in.values() for c in cs])
    for (u, v) in pairs:
        for chain in ways_in.get(u, ()):
            at = calls.get(tuple(chain[-2:])) if len(chain) > 1 else None
            for ev in evid.get((u, v), []):
                if at is not None:  # the helper's call
                    offer((v, at.get("file"), at.get("line"), at.get("column")), chain, ev, at)
                else:
                    offer((v, ev.get("file"), ev.get("line"), ev.get("column")), chain, ev)
    allocators = {f: (sk.args[0] if isinstance(sk.args, list) and sk.args else None)
                  for f, sk in load_models().sinks.items() if sk.id == "alloc-size"}
    models = load_models()
    copiers = {f: sorted({a for sk in models.sinks_of(f) if cfg.sinks.get(sk.id, ("",))[0] == "copy size"
                          and isinstance(sk.args, list) for a in sk.args}) for f in models.sinks}
    copiers = {f: a for f, a in copiers.items() if a}
    cstore = None
    if cache is not None:
        from .taintcache import CheckStore

        cstore = CheckStore(cache, snapshot or analysis.snapshot, cfg.checks, {**allocators, "=copiers": copiers})
    checker = Checker(snapshot or analysis.snapshot, program, cfg.checks, allocators, cstore, copiers)
    uses = {k: v for k, v in cfg.sinks.items() if k in STATEMENT_SINKS}
    store = UseStore(cache, snapshot or analysis.snapshot, checker.size_macros) if cache is not None else None
    for u, kind, ev in statement_sinks(g, program, tree, checker, uses, store) if uses else ():
        chain = chain_to(u)
        if chain:
            danger[f"use:{kind}"] = (*uses[kind], kind)
            offer((f"use:{kind}", ev["file"], ev["line"], ev["what"]), chain, ev)
    path_pairs = sorted({(a, b) for ways in best.values() for _, chain, *_ in ways for a, b in zip(chain, chain[1:])})
    path_ev = g.evidence_many([p for p in path_pairs if p not in extra_ev]) if path_pairs else {}
    path_ev.update({k: [v] for k, v in extra_ev.items()})
    for (sink, *_), ways in best.items():
        # checked only when every way to the site passes a check: the first unchecked way is
        # the finding, else the shortest checked one
        found = [_finding(g, _start_of(by_node[chain[0]], chain, path_ev, ev), chain, sink, ev, danger[sink],
                          path_ev, checker, at) for _, chain, ev, at in ways]
        res.findings.append(next((f for f in found if not f["checked"]), found[0]))
    host = [f for f in res.findings  # (a helper's sink: where the sink itself is)
            if not any(fnmatch.fnmatchcase("/" + ((f["sink"].get("via") or f["sink"])["file"] or ""), p)
                       for p in cfg.not_host)]
    if cstore is not None:
        cstore.flush()
    res.left_out = len(res.findings) - len(host)
    res.findings = host
    res.findings.sort(key=rank_key)
    folded: dict[str, int] = {}
    for f in res.findings:
        unit = f"{f['sink']['file']}"
        folded[unit] = folded.get(unit, 0) + 1
        f["rank"] = folded[unit] if not f["checked"] else None
    res.seconds = time.perf_counter() - t0
    return res


def _start_of(cands: list[Start], chain: list[str], path_ev: dict, sink_ev: dict) -> Start:
    """Of the guest entries of one node (a field read after several guest reads), the one in the
    function the path leaves it in."""
    if len(cands) > 1:
        ev = (path_ev.get((chain[0], chain[1])) or [{}])[0] if len(chain) > 1 else sink_ev
        for s in cands:
            if s.function == ev.get("function") and s.file == ev.get("file"):
                return s
    return cands[0]


def rank_key(f: dict):
    """Unchecked first; copy and allocation sizes before indexes before loop bounds; fewer
    steps first; then by place (a stable order)."""
    return (f["checked"], f["sink"]["rank"], f["steps"], f["sink"]["file"] or "", f["sink"]["line"] or 0,
            f["sink"]["model"], f["source"]["model"])


def _wrapper_calls(g, chains: list[list[str]]) -> dict[tuple[str, str], dict]:
    """(argument node, parameter node) -> the call's evidence, for the last step of each chain
    that enters a function through a parameter (the sink is in that function)."""
    pairs = {tuple(c[-2:]) for c in chains if len(c) > 1 and g.nodes[c[-1]]["kind"] == "param"}
    out = {}
    for k, evs in (g.evidence_many(sorted(pairs)) if pairs else {}).items():
        ev = next((e for e in evs if e.get("kind") == "arg" and e.get("function") and e.get("line")), None)
        if ev is not None:  # an argument of a call (not a handler registration: its parameter is the source)
            out[k] = ev
    return out


def _finding(g, start: Start, chain: list[str], sink: str, ev: dict, danger, path_ev, checker, at=None) -> dict:
    category, rank, mid = danger
    first = path_ev.get((chain[0], chain[1]), [{}])[0] if len(chain) > 1 else ev
    src = {"model": start.model, "call": start.call or first.get("via") or "",
           "file": start.file or first.get("file"), "line": start.line or first.get("line"),
           "function": start.function or first.get("function"), "description": start.description}
    if sink in g:
        sattr = g.nodes[sink]
        mdl = sattr.get("model") or {}
        args = _sink_args(mid, mdl.get("function") or "")
    else:  # a use (an index, a pointer offset, a loop bound): not a node of the graph
        sattr, args = {"label": f"{mid}:{ev.get('what')}", "kind": "sink"}, None
    site = at or ev  # a sink inside a helper is reported at the helper's call (its ``via`` the helper)
    snk = {"model": sattr["label"], "category": category, "rank": rank, "arg": args,
           "file": site.get("file"), "line": site.get("line"), "function": site.get("function"),
           "code": site.get("code")}
    if at is not None:
        snk["via"] = {"function": ev.get("function"), "file": ev.get("file"), "line": ev.get("line")}
    path, here = [], first.get("function")
    for i, n in enumerate(chain + [sink]):
        a = g.nodes[n] if n in g else sattr
        step = {"node": n, "label": a["label"], "kind": a["kind"]}
        e = (_pick(path_ev.get((chain[i - 1], n)) or [{}], here) if i < len(chain) else ev) if i else None
        here = (e or {}).get("function") or here
        if i == 0 and a.get("file"):  # where the start is declared
            step.update({"file": a.get("file"), "line": a.get("line")})
        if e:
            step.update({"edge": e.get("kind"), "file": e.get("file"), "line": e.get("line"),
                         "column": e.get("column"), "code": e.get("code"), "function": e.get("function")})
        path.append(step)
    checks = checker.checks(path, g)
    ident = hashlib.sha1("\0".join(map(str, (src["model"], snk["model"], snk["file"], snk["function"],
                                             snk["code"]))).encode()).hexdigest()[:12]
    return {"id": ident, "source": src, "sink": snk, "checked": bool(checks), "checks": checks,
            "steps": len(chain), "path": path}


def _pick(evs: list[dict], function: str | None) -> dict:
    """The evidence of a step: of the statements that make it (a field node is shared by every
    struct of its type, so ``d = p->f`` may be read in several functions), the one in the
    function the path is in, else the first."""
    if len(evs) > 1 and function:
        return next((e for e in evs if e.get("function") == function), evs[0])
    return evs[0]


def _holder(g, holders: list[tuple[str, dict]], chain: list[str]) -> tuple[str, dict]:
    """Of the structs a guest field was read from, the one read in the function the path goes
    on in (a field node is shared by every struct of its type)."""
    if len(holders) > 1 and len(chain) > 1:
        ev = g.evidence_many([(chain[0], chain[1])]).get((chain[0], chain[1])) or [{}]
        for h in holders:
            if h[1].get("function") == ev[0].get("function") and h[1].get("file") == ev[0].get("file"):
                return h
    return holders[0]


def _local_node(g, fn, name: str) -> str | None:
    for prefix in (f"local:{fn.key}:{name}", f"local:{fn.file}:{fn.name}:{name}"):
        if prefix in g:
            return prefix
    for i, p in enumerate(fn.params):
        if p.name == name and f"param:{fn.key}#{i}" in g:
            return f"param:{fn.key}#{i}"
    return None


def _fields_read(g, program, fn, names: set[str], after: int = 0):
    """(variable, field node, evidence) of every field read through one of ``names`` in ``fn``
    (``Req.cb``, ``pReq->cb``) on or after line ``after``."""
    stmts = [(a.value.reads, a) for a in fn.assigns] + [(r.value.reads, r) for r in fn.returns] + \
        [([x for e in c.args for x in e.reads], c) for c in fn.calls] + \
        [([x for gd in c.guards for x in gd.reads], c) for c in fn.calls]
    for reads, st in stmts:
        if st.line < after:
            continue
        for acc in reads:
            if acc.root not in names or not any(op in ("->", ".") for op, _ in acc.steps):
                continue
            own = f"local:{fn.file}:{fn.name}:{acc.root}." + ".".join(n for op, n in acc.steps if op in ("->", "."))
            owner, fname, _ = program.field_owner(acc, fn, fn.file)
            fnode = own if own in g else f"field:{owner}.{fname}"  # a local struct's own field, else the type's
            if fnode == own or (owner is not None and fnode in g):  # (an unknown struct's field is every struct's)
                yield acc.root, fnode, {"kind": "field-load", "file": fn.file, "line": st.line, "column": st.col,
                                        "code": st.code, "function": fn.name}


def _filled_fields(g, program, tree, starts, cfg) -> dict[str, list[tuple[str, dict]]]:
    """Field nodes read from a struct the guest filled -> [(the node holding the struct, the
    read's evidence)], for the locals and parameters in the slice."""
    holders: dict[str, dict[str, str]] = {}  # function key -> variable -> node
    for n in tree:
        if not n.startswith(("local:", "param:")):  # (by id first: attributes cost a lookup)
            continue
        a = g.nodes[n]
        if a["kind"] in ("local", "param") and a.get("owner") and a.get("name"):
            holders.setdefault(a["owner"], {})[a["name"].split("@")[0]] = n
    out: dict[str, list[tuple[str, dict]]] = {}
    for owner in sorted(holders):
        for fn in program.functions.get(owner, ()):
            mine = holders[owner]
            for var, fnode, ev in _fields_read(g, program, fn, set(mine)):
                if all(h[0] != mine[var] for h in out.get(fnode, ())):
                    out.setdefault(fnode, []).append((mine[var], ev))
    return out


def taint_json(analysis, program, why: str = "", cache=None) -> dict:
    """The documented JSON of a taint answer (docs/taint-schema.md)."""
    res = taint(analysis, program, cache=cache)
    un = sum(1 for f in res.findings if not f["checked"])
    return {"schema": "srcscan-taint/1",
            "source": {"label": analysis.snapshot.describe(), "why": why},
            "summary": {"findings": len(res.findings), "unchecked": un, "checked": len(res.findings) - un,
                        "sources": res.sources, "not_host": res.left_out, "seconds": round(res.seconds, 3)},
            "findings": res.findings,
            "warnings": list(analysis.stats.warnings) + res.warnings}
