"""The taint findings over a range of revisions: ``srcscan history --taint`` (every revision
where findings appeared, disappeared, became checked or became unchecked) and ``srcscan blame
--taint`` (for every finding at the end of the range, the revision where it appeared and the one
since which it is checked or unchecked).

Both run ``srcscan taint`` at the start of the range and at every candidate revision after it
(the revisions history walks: first-parent order for git, svn numbers with --svn, only those
that touch the scope), each answer read from the cache when that revision's tree was judged
before. Findings of neighbouring revisions are matched as ``diff --taint`` matches them
(taintdiff.match: no line numbers, so moved code is no change)."""
from __future__ import annotations

import time

from .taintdiff import brief, changed, match, taint_at, taint_diff

HISTORY_SCHEMA = "srcscan-taint-history/1"
BLAME_SCHEMA = "srcscan-taint-blame/1"


def _walk(source, start: str, end: str, cache, jobs: int, config, progress: bool):
    """[(revision, taint document)] for start and every candidate up to end, in order."""
    from ..util import progress as bar

    g, b = source.resolve(start), source.resolve(end)
    refs = [g, *source.range(g, b)]
    out = []
    for ref in (bar(refs, desc="taint", unit="rev") if progress else refs):
        doc, rev = taint_at(source, ref, cache, jobs, config)
        out.append((rev, doc))
    return out


def _summary(doc: dict) -> dict:
    s = doc.get("summary") or {}
    return {"findings": s.get("findings", len(doc["findings"])),
            "unchecked": s.get("unchecked", sum(1 for f in doc["findings"] if not f["checked"]))}


def _warnings(docs) -> list[str]:
    return list(dict.fromkeys(w for _, d in docs for w in d.get("warnings", [])))


def taint_history(source, start: str, end: str, cache=None, jobs: int = 0, config=None,
                  progress: bool = False) -> dict:
    """Every revision in (start, end] whose taint findings differ from the previous candidate's
    (docs/taint-schema.md, "history --taint")."""
    t0 = time.perf_counter()
    docs = _walk(source, start, end, cache, jobs, config, progress)
    changes = []
    for (ra, a), (rb, b) in zip(docs, docs[1:]):
        d = taint_diff(a, b)
        if changed(d):
            changes.append({"before": ra.to_json(), "after": rb.to_json(),
                            "summary": {"before": _summary(a), "after": _summary(b)}, **d})
    return {"schema": HISTORY_SCHEMA, "command": "history --taint", "source": source.to_json(),
            "range": {"start": start, "end": end}, "candidates": len(docs) - 1,
            "revisions": [{"revision": r.to_json(), "summary": _summary(d)} for r, d in docs],
            "changes": changes, "seconds": round(time.perf_counter() - t0, 3), "warnings": _warnings(docs)}


def taint_blame(source, start: str, end: str, cache=None, jobs: int = 0, config=None,
                progress: bool = False) -> dict:
    """For every finding at ``end``: the revision where it appeared (None: it is there at
    ``start``, older than the range) and the one since which it has its state at ``end``
    (checked or unchecked; None: since before the range), each the start of the last unbroken
    run up to ``end`` (docs/taint-schema.md, "blame --taint")."""
    t0 = time.perf_counter()
    docs = _walk(source, start, end, cache, jobs, config, progress)
    # back[i]: id(finding at revision i) -> the same finding at revision i - 1
    back = [{}]
    for (_, a), (_, b) in zip(docs, docs[1:]):
        pairs, _, _ = match(a["findings"], b["findings"])
        back.append({id(y): x for x, y in pairs})
    rows = []
    last = len(docs) - 1
    for f in docs[last][1]["findings"]:
        appeared, state_since, cur, i = None, None, f, last
        while i > 0:
            prev = back[i].get(id(cur))
            if prev is None:
                appeared = docs[i][0].to_json()
                break
            if prev["checked"] != f["checked"] and state_since is None:
                state_since = docs[i][0].to_json()
            cur, i = prev, i - 1
        if state_since is None and appeared is not None:
            state_since = appeared  # (unchanged since it appeared)
        rows.append({"finding": brief(f), "appeared": appeared, "state_since": state_since})
    return {"schema": BLAME_SCHEMA, "command": "blame --taint", "source": source.to_json(),
            "range": {"start": start, "end": end}, "candidates": len(docs) - 1,
            "start": docs[0][0].to_json(), "end": docs[last][0].to_json(), "summary": _summary(docs[last][1]),
            "findings": rows, "seconds": round(time.perf_counter() - t0, 3), "warnings": _warnings(docs)}
