"""How two traces of one value differ, in terms a reader of the code recognises (DESIGN §3-4).

Identity never holds a line number. A node is its id (locals by function, name and definition
ordinal; anonymous structs by their typedef or field path). An edge is its endpoints, kind and
``via`` plus the *multiset of its statements*: (function, statement text with whitespace
normalised, guards, #if conditions). So:

- code that moved (lines inserted above it, a file reformatted) is the same flow;
- a new statement that repeats an existing edge (the same store under a new guard, a second
  copy of a line) changes that edge's statements: a ``statement`` change;
- the same statements under other guards or #if conditions: a ``guard`` change;
- a local that was renamed (same function, same neighbours through the same kinds of edge) is
  one ``rename``, not every edge it touches removed and added again.

``flow_diff(old, new)`` returns the dict docs/history-schema.md describes; ``Fingerprint`` is the
digest history and bisect compare."""
from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass

_WS = re.compile(r"\s+")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_TOKEN_WS = re.compile(r"\s*([^\w\s])\s*")


def norm(text) -> str:
    """Statement text as identity: /* comments */ dropped, whitespace runs collapsed, none
    around punctuation (a reworded comment or a re-indented line is not a change)."""
    return _TOKEN_WS.sub(r"\1", _WS.sub(" ", _COMMENT.sub(" ", str(text or ""))).strip())


def edge_key(e: dict) -> tuple:
    """An edge's endpoints, kind and via (its statements aside). A control step's via is the
    condition of its first statement, which the statements already hold: left out, so that
    the order of its statements cannot change it."""
    kind = e.get("kind")
    return (e.get("src"), e.get("dst"), kind, None if kind == "control" else e.get("via"))


def _evidence_list(e: dict) -> list[dict]:
    ev = e.get("evidence")
    if isinstance(ev, list) and ev:
        return [x for x in ev if isinstance(x, dict)]
    return [e]


def statement_key(ev: dict) -> tuple:
    """(function, normalised text, guards, #if conditions) of one piece of evidence."""
    guards = ev.get("guards") if isinstance(ev.get("guards"), list) else []
    pp = ev.get("preproc") if isinstance(ev.get("preproc"), list) else []
    return (ev.get("function") or "", norm(ev.get("code")), tuple(norm(g) for g in guards),
            tuple(sorted(norm(p) for p in pp)))


def statements(e: dict, subs: list | None = None) -> Counter:
    """The multiset of an edge's statements; ``subs`` (function, old name, new name) renames
    locals in the text of that function's statements first (an old edge read with renamed locals)."""
    out = Counter()
    for x in _evidence_list(e):
        k = statement_key(x)
        for fn, a, b in subs or ():
            if fn == k[0]:
                k = (k[0], re.sub(rf"\b{re.escape(a)}\b", b, k[1]), k[2], k[3])
        out[k] += 1
    return out


def _base(name) -> str:
    return str(name or "").split("@", 1)[0]


def edge_identity(e: dict) -> tuple:
    return edge_key(e) + (tuple(sorted(statements(e).elements())),)


@dataclass(frozen=True)
class Fingerprint:
    nodes: frozenset
    edges: frozenset  # edge_identity tuples

    @classmethod
    def of(cls, trace_json: dict) -> "Fingerprint":
        return cls(frozenset(n["id"] for n in trace_json.get("nodes", [])),
                   frozenset(edge_identity(e) for e in trace_json.get("edges", [])))

    def digest(self) -> str:
        h = hashlib.sha1()
        for n in sorted(self.nodes):
            h.update(b"n\0" + n.encode() + b"\n")
        for e in sorted(self.edges, key=repr):
            h.update(b"e\0" + repr(e).encode() + b"\n")
        return h.hexdigest()


# --- the diff ----------------------------------------------------------------------------

def _evidence(e: dict, labels: dict | None = None) -> dict:
    out = {k: e.get(k) for k in ("src", "dst", "kind", "via", "file", "line", "code", "function", "guards")}
    if labels is not None:
        out["src_label"] = labels.get(e.get("src")) or e.get("src")
        out["dst_label"] = labels.get(e.get("dst")) or e.get("dst")
    return out


def _stmt_view(k: tuple, where: dict | None) -> dict:
    fn, code, guards, pp = k
    out = {"function": fn or None, "code": code, "guards": list(guards), "preproc": list(pp)}
    if where:
        out.update({"file": where.get("file"), "line": where.get("line"), "code": where.get("code") or code})
        if isinstance(where.get("guards"), list):
            out["guards"] = list(where["guards"])
        if isinstance(where.get("preproc"), list):
            out["preproc"] = list(where["preproc"])
    return out


def _where(e: dict) -> dict:
    """statement_key -> the evidence (file, line, original text) that holds it."""
    out = {}
    for x in _evidence_list(e):
        out.setdefault(statement_key(x), x)
    return out


def _renames(old: dict, new: dict, on: dict, nn: dict) -> dict[str, str]:
    """Removed local -> added local of the same function whose neighbourhood (other endpoint,
    direction, kind, via of every edge) is the same once both are put in one another's place."""
    removed = [n for n in on if n not in nn and on[n].get("kind") == "local"]
    added = [n for n in nn if n not in on and nn[n].get("kind") == "local"]
    if not removed or not added:
        return {}
    loose = set(removed) | set(added)  # other renamed candidates read as a wildcard

    def shape(edges: list, node: str) -> frozenset:
        out = set()
        for e in edges:
            s, d = e.get("src"), e.get("dst")
            if s == node:
                out.add(("out", "?" if d in loose else d, e.get("kind"), e.get("via")))
            elif d == node:
                out.add(("in", "?" if s in loose else s, e.get("kind"), e.get("via")))
        return frozenset(out)

    oe, ne = old.get("edges", []), new.get("edges", [])
    added_shapes: dict = {}
    for a in added:
        added_shapes.setdefault((nn[a].get("owner"), shape(ne, a)), []).append(a)
    out = {}
    for r in sorted(removed):
        sh = shape(oe, r)
        if not sh:
            continue
        cands = [a for a in added_shapes.get((on[r].get("owner"), sh), []) if a not in out.values()]
        if len(cands) == 1:
            out[r] = cands[0]
    return out


def flow_diff(old: dict | None, new: dict | None) -> dict:
    """What changed from trace ``old`` to trace ``new``: edges that appeared or disappeared,
    edges whose statements or guards changed, renamed locals, nodes added and removed; and a
    ``summary`` count per kind. Evidence of an edge comes from the trace that has it (the new
    side for a changed edge)."""
    old, new = old or {}, new or {}
    on = {n["id"]: n for n in old.get("nodes", [])}
    nn = {n["id"]: n for n in new.get("nodes", [])}
    ren = _renames(old, new, on, nn)
    back = {v: k for k, v in ren.items()}

    def moved(k: tuple) -> tuple:  # an old edge key with renamed locals put in their new place
        s, d, kind, via = k
        return (ren.get(s, s), ren.get(d, d), kind, via)

    # the old statements are read with the renamed locals' new names (every statement of the
    # function that declares them, since a control or summary step may quote them too)
    subs = []
    for r, a in ren.items():
        x, y = _base(on[r].get("name")), _base(nn[a].get("name"))
        fn = str(nn[a].get("label") or "").rpartition(":")[0]
        if x and y and x != y:
            subs.append((fn, x, y))
    oe = {edge_key(e): e for e in old.get("edges", [])}
    ne = {edge_key(e): e for e in new.get("edges", [])}
    oe_m = {moved(k): e for k, e in oe.items()}
    _unmoved = {moved(k): k for k in oe}
    order = lambda k: tuple(x or "" for x in k)  # noqa: E731
    labels = {i: n.get("label") for i, n in on.items()}
    labels.update({i: n.get("label") for i, n in nn.items()})
    added, removed, changed = [], [], []
    for k in sorted(set(ne) - set(oe_m), key=order):
        added.append(_evidence(ne[k], labels))
    for k in sorted(set(oe_m) - set(ne), key=order):
        removed.append(_evidence(oe[_unmoved[k]], labels))
    renamed_edges = set()
    for k in sorted(set(ne) & set(oe_m), key=order):
        e_new, e_old = ne[k], oe_m[k]
        if k[0] in back or k[1] in back:
            renamed_edges.add(k)
        s_new, s_old = statements(e_new), statements(e_old)
        if s_new == s_old or (subs and statements(e_old, subs) == s_new):
            continue  # the same, or the same once renamed locals are read with their new names
        plus, minus = s_new - s_old, s_old - s_new
        bare = lambda c: Counter({(f, code): n for (f, code, _, _), n in c.items()})  # noqa: E731
        kind = "guard" if bare(plus) == bare(minus) else "statement"
        wn, wo = _where(e_new), _where(e_old)
        changed.append({**_evidence(e_new, labels), "change": kind,
                        "statements_added": [_stmt_view(s, wn.get(s)) for s in sorted(plus.elements())],
                        "statements_removed": [_stmt_view(s, wo.get(s)) for s in sorted(minus.elements())]})
    renames = []
    for r, a in sorted(ren.items()):
        n_old, n_new = on[r], nn[a]
        renames.append({"old": r, "new": a, "old_name": n_old.get("name") or n_old.get("label"),
                        "new_name": n_new.get("name") or n_new.get("label"), "function": n_new.get("owner"),
                        "file": n_new.get("file"), "line": n_new.get("line"),
                        "edges": sum(1 for k in renamed_edges if a in (k[0], k[1]))})
    nodes_added = sorted(set(nn) - set(on) - set(back))
    nodes_removed = sorted(set(on) - set(nn) - set(ren))
    return {
        "nodes_added": nodes_added,
        "nodes_removed": nodes_removed,
        "edges_added": added,
        "edges_removed": removed,
        "edges_changed": changed,
        "renames": renames,
        "summary": {"appeared": len(added), "disappeared": len(removed),
                    "statement": sum(1 for c in changed if c["change"] == "statement"),
                    "guard": sum(1 for c in changed if c["change"] == "guard"), "rename": len(renames)},
    }


_WORDS = (("appeared", "appeared", "appeared"), ("disappeared", "disappeared", "disappeared"),
          ("statement", "statement change", "statement changes"), ("guard", "guard change", "guard changes"),
          ("rename", "rename", "renames"))


def summary_text(summary) -> str:
    """'2 appeared, 1 guard change, 1 rename' from a flow diff's summary ('' when empty)."""
    if not isinstance(summary, dict):
        return ""
    out = []
    for key, one, many in _WORDS:
        n = summary.get(key)
        if isinstance(n, int) and not isinstance(n, bool) and n > 0:
            out.append(f"{n} {one if n == 1 else many}")
    return ", ".join(out)
