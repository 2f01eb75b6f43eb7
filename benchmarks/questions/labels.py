"""Labels of listed paths (issue 27): each path a question's trace lists, judged real or wrong by
reading the code, stored next to the question so anyone can recheck it.

    benchmarks/questions/labels/<question id>.toml

    [[path]]
    nodes = ["field:E1KSTATE.u16TxPktLen", "local:...", ...]   # the path's node ids, in flow order
    steps = ["DevE1000.cpp:4595 e1kFallbackAddSegment (model) cbCopy", ...]  # what a reader checks
    verdict = "real"                                           # real | wrong | ? (not read yet)
    why = "the frame length is clamped into cbCopy, then stored as the descriptor's cbUsed"

A path is found by its node ids (ids hold no line numbers, so a label survives edits elsewhere).
Two kinds of path are wrong without reading: one through a may-alias guess (downstream an
``alias-load`` or ``alias`` step, upstream an ``alias-store`` or ``alias`` step: which object
it is cannot be told) and one through a control
step (the value decides whether other data is written, it does not flow into it). ``score.py
--labels`` reports listed-path precision = real / listed, with paths not labelled yet counted
apart; ``score.py --write-labels`` adds the listed paths not labelled yet (the automatic verdict
filled in, the others "?"), keeping every label already written.
"""
from __future__ import annotations

import json
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore

# which object a may-alias step reaches is a guess downstream when it loads from the field (or
# hands it to a call: alias-arg; a
# store into it is certain: the value is in that field of some object), upstream when it looks
# at who stored into it (slicing.py's path rule, the same steps)
GUESS_KINDS = {True: frozenset(("alias-load", "alias", "alias-arg")), False: frozenset(("alias-store", "alias"))}
VERDICTS = ("real", "wrong", "?")


def auto_verdict(path: dict, edges: dict) -> tuple[str, str] | None:
    """("wrong", why) for a path through a may-alias guess or a control step, else None."""
    guesses = GUESS_KINDS[path.get("direction") != "upstream"]
    for eid in path.get("edges", ()):
        e = edges.get(eid) or {}
        kind = e.get("kind")
        where = f"{(e.get('file') or '?').rsplit('/', 1)[-1]}:{e.get('line')}"
        if kind in guesses:
            return "wrong", f"may-alias guess ({kind} at {where})"
        if kind == "control":
            return "wrong", f"control step into other data (at {where})"
    return None


def load(file: Path) -> dict[tuple, dict]:
    """Path node ids -> its label; an unknown verdict is an error (a one-line message)."""
    if not file.exists():
        return {}
    doc = tomllib.loads(file.read_text())
    out = {}
    for i, p in enumerate(doc.get("path", [])):
        if p.get("verdict") not in VERDICTS or not p.get("nodes"):
            raise ValueError(f"{file}: path {i + 1}: needs nodes and a verdict of {', '.join(VERDICTS)}")
        out[tuple(p["nodes"])] = p
    return out


def steps_of(path: dict, edges: dict, labels: dict) -> list[str]:
    """One line per step: file:line function (edge kind) the node it reaches."""
    out = []
    nodes = path.get("nodes", [])
    down = path.get("direction") != "upstream"
    for k, eid in enumerate(path.get("edges", [])):
        e = edges.get(eid) or {}
        to = e.get("dst") if down else e.get("src")
        out.append(f"{(e.get('file') or '?').rsplit('/', 1)[-1]}:{e.get('line')} {e.get('function')} "
                   f"({e.get('kind')}) {labels.get(to, to)}")
    return out or [labels.get(n, n) for n in nodes]


def judge(doc: dict, known: dict[tuple, dict]) -> dict:
    """Counts over the listed paths of one trace: real, wrong (read or automatic), unlabelled."""
    edges = {e["id"]: e for e in doc.get("edges") or []}
    real = wrong = auto = unread = 0
    for p in doc.get("paths") or []:
        a = auto_verdict(p, edges)
        lab = known.get(tuple(p.get("nodes", ())))
        verdict = a[0] if a else (lab or {}).get("verdict", "?")
        if a:
            auto += 1
        if verdict == "real":
            real += 1
        elif verdict == "wrong":
            wrong += 1
        else:
            unread += 1
    return {"real": real, "wrong": wrong, "auto_wrong": auto, "unlabelled": unread,
            "listed": len(doc.get("paths") or [])}


def write(file: Path, doc: dict, known: dict[tuple, dict]) -> int:
    """Append the listed paths not labelled yet; returns how many were added."""
    edges = {e["id"]: e for e in doc.get("edges") or []}
    labels = {n["id"]: n.get("label") or n["id"] for n in doc.get("nodes") or []}
    new = []
    for p in doc.get("paths") or []:
        key = tuple(p.get("nodes", ()))
        if key in known or not key:
            continue
        a = auto_verdict(p, edges)
        new.append({"nodes": list(key), "steps": steps_of(p, edges, labels),
                    "verdict": a[0] if a else "?", "why": a[1] if a else ""})
        known[key] = new[-1]
    if not new:
        return 0
    file.parent.mkdir(parents=True, exist_ok=True)
    text = file.read_text() if file.exists() else ""
    parts = [text.rstrip("\n") + "\n\n" if text.strip() else ""]
    for p in new:
        parts.append("[[path]]\n")
        for k in ("nodes", "steps"):  # JSON strings are TOML basic strings
            parts.append(f"{k} = [\n" + "".join(f"  {json.dumps(x)},\n" for x in p[k]) + "]\n")
        parts.append(f"verdict = {json.dumps(p['verdict'])}\nwhy = {json.dumps(p['why'])}\n\n")
    file.write_text("".join(parts).rstrip("\n") + "\n")
    return len(new)
