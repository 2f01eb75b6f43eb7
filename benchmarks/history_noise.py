"""Is every change history reports a change in the source? (issue 29)

    python benchmarks/history_noise.py --repo /path/to/pop-os-virtualbox.git \\
        --good 40b3330d3 --bad d70a82e79 [--symbol cTSCTicksPerSecond --symbol ...] [--json FILE]

Runs `history` over the first-parent range for each symbol, then checks every reported item
(an edge that appeared or disappeared, a statement added or removed on an edge, a guard change, a
rename) against `git diff -U0` of the two revisions it compares: an item is *matched* when a hunk
touches the line of one of its statements, on the side it comes from (new lines for what
appeared, old lines for what disappeared). An item that no hunk touches is *unexplained*: not
necessarily wrong (an edge can appear because a header or a caller elsewhere changed), so the
script also lists, per revision, whether any file of the item's function changed at all. A
change (a revision where the flow differs) is *spurious* when none of its items is matched and
no file its statements sit in changed: the line-shift noise this issue removes.

Default range: the 4.3.26 -> 5.0.24 imports of github:pop-os/virtualbox (27 first-parent
commits). Prints a table per symbol and the totals; no assertions (the numbers go into notes).
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from srcscan.query.flowdiff import norm

HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@")


class Hunks:
    """Changed line ranges per (old rev, new rev, path), from git diff -U0 (cached)."""

    def __init__(self, git_dir: str):
        self.git_dir = git_dir
        self._cache: dict = {}

    def _get(self, a: str, b: str, path: str):
        key = (a, b, path)
        if key not in self._cache:
            out = subprocess.run(["git", "--git-dir", self.git_dir, "diff", "-U0", "--no-color", a, b, "--", path],
                                 capture_output=True, text=True, errors="replace").stdout
            old, new = [], []
            plus = []
            for line in out.splitlines():
                if line.startswith("+") and not line.startswith("+++"):
                    plus.append(line[1:])
                m = HUNK.match(line)
                if m:
                    os_, oc, ns, nc = int(m[1]), int(m[2] or 1), int(m[3]), int(m[4] or 1)
                    old.append((os_, os_ + max(oc, 1) - 1) if oc else (os_, os_))
                    new.append((ns, ns + max(nc, 1) - 1) if nc else (ns, ns))
            self._cache[key] = (old, new, bool(out.strip()), norm("\n".join(plus)))
        return self._cache[key]

    def touches(self, a: str, b: str, path: str | None, line, side: str) -> bool:
        if not path or not isinstance(line, int):
            return False
        old, new = self._get(a, b, path)[:2]
        return any(lo <= line <= hi for lo, hi in (new if side == "new" else old))

    def in_added_text(self, a: str, b: str, path: str | None, text: str) -> bool:
        """Whether ``text`` (normalised) is in the lines the diff adds to ``path`` (a changed
        condition: its text is on the new side even when the statement's own line is not)."""
        t = norm(text)
        return bool(path and t) and t[:60] in self._get(a, b, path)[3]

    def changed(self, a: str, b: str, path: str | None) -> bool:
        return bool(path) and self._get(a, b, path)[2]


def items(diff: dict):
    """(kind, description, [(file, line, side)]) for every item of one flow diff."""
    for e in diff.get("edges_added", []):
        yield "appeared", f"{e['src']} -> {e['dst']}", [(e.get("file"), e.get("line"), "new")]
    for e in diff.get("edges_removed", []):
        yield "disappeared", f"{e['src']} -> {e['dst']}", [(e.get("file"), e.get("line"), "old")]
    for c in diff.get("edges_changed", []):
        at = [(s.get("file"), s.get("line"), "new") for s in c.get("statements_added", [])]
        at += [(s.get("file"), s.get("line"), "old") for s in c.get("statements_removed", [])]
        conds = []  # a guard change: the conditions the new side has and the old one had not
        if c["change"] == "guard":
            was = {norm(g) for s in c.get("statements_removed", []) for g in s.get("guards") or []}
            conds = [(s.get("file"), g) for s in c.get("statements_added", []) for g in s.get("guards") or []
                     if norm(g) not in was]
        yield c["change"], f"{c['src']} -> {c['dst']}", at + [("cond", f, g) for f, g in conds]
    for r in diff.get("renames", []):
        yield "rename", f"{r['old']} -> {r['new']}", [(r.get("file"), r.get("line"), "new")]


def run(repo: str, good: str, bad: str, symbols: list[str], cache_dir: str) -> dict:
    from srcscan.extract.cache import FactCache
    from srcscan.query.history import GitSource, Query, history

    src = GitSource(repo)
    hunks = Hunks(str(src.repo.git_dir))
    cache = FactCache(cache_dir)
    out = {"range": [good, bad], "symbols": {}}
    try:
        for sym in symbols:
            t = time.perf_counter()
            res = history(src, Query(sym), good, bad, cache, progress=False)
            rows = []
            for ch in res.changes:
                a, b = str(ch.before.ref), str(ch.after.ref)
                d = ch.to_json()["diff"]
                its = []
                for kind, what, at in items(d):
                    lines = [x for x in at if x[0] != "cond"]
                    matched = any(hunks.touches(a, b, f, ln, side) for f, ln, side in lines) or \
                        any(hunks.in_added_text(a, b, f, g) for _, f, g in (x for x in at if x[0] == "cond"))
                    file_changed = any(hunks.changed(a, b, f) for f, _, _ in lines)
                    its.append({"kind": kind, "what": what, "matched": matched, "file_changed": file_changed})
                spurious = bool(its) and not any(i["matched"] or i["file_changed"] for i in its)
                rows.append({"before": a[:10], "after": b[:10], "subject": ch.after.revision.subject,
                             "summary": d.get("summary"), "items": its, "spurious": spurious})
            out["symbols"][sym] = {"revisions": res.stats.get("evaluations"), "candidates": res.candidates,
                                   "changes": rows, "seconds": round(time.perf_counter() - t, 1)}
    finally:
        cache.close()
    return out


def run_blame(repo: str, good: str, bad: str, symbols: list[str], cache_dir: str) -> dict:
    """For every step of the end's trace that is not there from the start: does the diff from the
    revision before its ``since`` to ``since`` touch one of its statements (as they read at
    ``since``), or at least a file they sit in?"""
    from srcscan.extract.cache import FactCache
    from srcscan.query.blame import blame
    from srcscan.query.flowdiff import edge_identity
    from srcscan.query.history import GitSource, Query

    src = GitSource(repo)
    hunks = Hunks(str(src.repo.git_dir))
    cache = FactCache(cache_dir)
    out = {}
    try:
        for sym in symbols:
            res = blame(src, Query(sym), good, bad, cache, search="every", progress=False)
            pts = res.points
            by_id = {e["id"]: e for e in res.end.trace.get("edges", [])}
            rows = []
            for eid, sb in res.edges.items():
                s = sb.since
                if s == 0:
                    continue
                ident = edge_identity(by_id[eid])
                at_since = next((e for e in pts[s].trace.get("edges", []) if edge_identity(e) == ident), by_id[eid])
                ev = at_since.get("evidence") or [at_since]
                a, b = str(pts[s - 1].ref), str(pts[s].ref)
                matched = any(hunks.touches(a, b, x.get("file"), x.get("line"), "new") for x in ev)
                changed = any(hunks.changed(a, b, x.get("file")) for x in ev)
                rows.append({"edge": f"{by_id[eid]['src']} -> {by_id[eid]['dst']}", "since": b[:10],
                             "subject": pts[s].revision.subject, "matched": matched, "file_changed": changed})
            out[sym] = {"steps": len(res.edges), "dated": rows}
    finally:
        cache.close()
    return out


def report_blame(doc: dict) -> None:
    for sym, s in doc.items():
        rows = s["dated"]
        m = sum(r["matched"] for r in rows)
        f = sum(r["file_changed"] and not r["matched"] for r in rows)
        print(f"\nblame {sym}: {s['steps']} steps, {len(rows)} dated after the start: "
              f"since touched by a hunk {m}, file changed only {f}, neither {len(rows) - m - f}")
        for r in rows:
            if not r["matched"]:
                print(f"  {'file changed' if r['file_changed'] else 'UNEXPLAINED':12}  {r['since']}  "
                      f"{(r['subject'] or '')[:36]:36}  {r['edge'][:110]}")


def report(doc: dict) -> None:
    tot = {"changes": 0, "spurious": 0, "items": 0, "matched": 0, "in_changed_file": 0}
    for sym, s in doc["symbols"].items():
        print(f"\n{sym}: {len(s['changes'])} change(s), {s['seconds']} s")
        for r in s["changes"]:
            n = len(r["items"])
            m = sum(i["matched"] for i in r["items"])
            f = sum(i["file_changed"] and not i["matched"] for i in r["items"])
            tag = "SPURIOUS" if r["spurious"] else ""
            summ = ", ".join(f"{v} {k}" for k, v in (r["summary"] or {}).items() if v)
            print(f"  {r['before']}..{r['after']}  {(r['subject'] or '')[:40]:40}  {summ:42} "
                  f"matched {m}/{n}, file changed {f}  {tag}")
            tot["changes"] += 1
            tot["spurious"] += r["spurious"]
            tot["items"] += n
            tot["matched"] += m
            tot["in_changed_file"] += f
    print(f"\ntotal: {tot['changes']} change(s), spurious {tot['spurious']}; items {tot['items']}: "
          f"matched by a hunk {tot['matched']}, in a changed file but not on a hunk {tot['in_changed_file']}, "
          f"in no changed file {tot['items'] - tot['matched'] - tot['in_changed_file']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", required=True)
    ap.add_argument("--good", default="40b3330d3")
    ap.add_argument("--bad", default="d70a82e79")
    ap.add_argument("--symbol", action="append")
    ap.add_argument("--cache", help="fact cache folder (default: a fresh temporary one)")
    ap.add_argument("--json", help="write the full result here")
    ap.add_argument("--blame", action="store_true", help="also check blame's 'since' of every step")
    args = ap.parse_args()
    symbols = args.symbol or ["cTSCTicksPerSecond", "cTscTicksPerSecond", "u64CpuHz"]
    with tempfile.TemporaryDirectory() as tmp:
        doc = run(args.repo, args.good, args.bad, symbols, args.cache or tmp)
        if args.blame:
            doc["blame"] = run_blame(args.repo, args.good, args.bad, symbols, args.cache or tmp)
    report(doc)
    if args.blame:
        report_blame(doc["blame"])
    if args.json:
        Path(args.json).write_text(json.dumps(doc, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
