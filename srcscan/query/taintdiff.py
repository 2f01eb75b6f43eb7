"""How the taint findings of two revisions differ: findings that appeared, disappeared, became
checked or became unchecked (``srcscan diff --taint REV1 REV2``).

A finding's identity holds no line number (like an edge's in flowdiff): its sink file,
function, sink model and the sink statement's text (normalised: comments and whitespace do not
count), and its source model. Two findings with the same identity in one revision (the same
statement twice in a function) are told apart by their order. A finding whose nearest guest
source changed but whose sink is the same statement is matched by its sink alone, second: the
sink is what a reader follows from one release to the next."""
from __future__ import annotations

import time
from collections import defaultdict

from .flowdiff import norm

SCHEMA = "srcscan-taint-diff/1"


def sink_key(f: dict) -> tuple:
    s = f["sink"]
    return (s.get("file") or "", s.get("function") or "", norm(s.get("model")), norm(s.get("code")))


def finding_key(f: dict) -> tuple:
    return sink_key(f) + (f["source"].get("model") or "",)


def _keyed(findings: list[dict], key) -> dict[tuple, dict]:
    """key + (ordinal,) -> finding; the ordinal counts equal keys in line order."""
    seen: dict[tuple, int] = defaultdict(int)
    out = {}
    for f in sorted(findings, key=lambda f: (f["sink"].get("line") or 0, f["sink"].get("column") or 0)):
        k = key(f)
        out[k + (seen[k],)] = f
        seen[k] += 1
    return out


def _brief(f: dict) -> dict:
    s, src = f["sink"], f["source"]
    return {"id": f["id"], "checked": f["checked"], "rank": f.get("rank"), "steps": f["steps"],
            "sink": {k: s.get(k) for k in ("model", "category", "file", "line", "function", "code")},
            "source": {k: src.get(k) for k in ("model", "file", "line", "function")},
            "checks": f["checks"]}


def match(old: list[dict], new: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """(pairs of the same finding, findings only in ``old``, findings only in ``new``)."""
    a, b = list(old), list(new)
    pairs: list[tuple[dict, dict]] = []
    for key in (finding_key, sink_key):  # exact identity first, then the same sink from another source
        ka, kb = _keyed(a, key), _keyed(b, key)
        both = [k for k in ka if k in kb]
        pairs += [(ka[k], kb[k]) for k in both]
        gone_a, gone_b = {id(ka[k]) for k in both}, {id(kb[k]) for k in both}
        a = [f for f in a if id(f) not in gone_a]
        b = [f for f in b if id(f) not in gone_b]
    return pairs, a, b


def brief(f: dict) -> dict:
    """A finding as a taint diff, history or blame lists it (docs/taint-schema.md)."""
    return _brief(f)


def taint_diff(old: dict, new: dict) -> dict:
    """The difference between two taint documents (docs/taint-schema.md): a dict with the lists
    ``appeared``, ``disappeared`` (one finding each), ``became_checked``, ``became_unchecked``
    ({"before", "after"}) and the count of findings unchanged."""
    pairs, a, b = match(old["findings"], new["findings"])
    order = lambda f: (f["checked"], f["sink"]["rank"], f["sink"].get("file") or "", f["sink"].get("line") or 0)
    out = {"appeared": [_brief(f) for f in sorted(b, key=order)],
           "disappeared": [_brief(f) for f in sorted(a, key=order)],
           "became_checked": [], "became_unchecked": [], "unchanged": 0}
    for x, y in sorted(pairs, key=lambda p: order(p[1])):
        if x["checked"] == y["checked"]:
            out["unchanged"] += 1
        else:
            out["became_checked" if y["checked"] else "became_unchecked"].append({"before": _brief(x), "after": _brief(y)})
    return out


def changed(d: dict) -> bool:
    return any(d[k] for k in ("appeared", "disappeared", "became_checked", "became_unchecked"))


def taint_at(source, ref, cache=None, jobs: int = 0, config=None) -> tuple[dict, object]:
    """(taint document, revision) of one revision of a RevisionSource."""
    from ..extract.ppcond import Config
    from .taintcache import taint_doc

    snap = source.snapshot(ref)
    bad = getattr(snap, "unreadable", None)
    doc = taint_doc(snap, cache, jobs, config or Config(), "revision")
    if bad:
        from ..errors import RevisionError

        raise RevisionError(f"{snap.revision.label() or snap.describe()}: {len(bad)} file(s) cannot be read from "
                            f"the repository ({bad[0]}...); the repository is damaged: see 'git fsck'")
    return doc, snap.revision


def diff_taint(source, rev1: str, rev2: str, cache=None, jobs: int = 0, config=None) -> dict:
    """The taint difference between two revisions of a source (any two: no range needed)."""
    t0 = time.perf_counter()
    r1, r2 = source.resolve(rev1), source.resolve(rev2)
    old, rev_a = taint_at(source, r1, cache, jobs, config)
    new, rev_b = taint_at(source, r2, cache, jobs, config)
    d = taint_diff(old, new)
    return {"schema": SCHEMA, "command": "diff --taint", "source": source.to_json(),
            "before": {"revision": rev_a.to_json(), "summary": old["summary"]},
            "after": {"revision": rev_b.to_json(), "summary": new["summary"]},
            **d, "seconds": round(time.perf_counter() - t0, 3),
            "warnings": list(dict.fromkeys(old.get("warnings", []) + new.get("warnings", [])))}
