"""Score srcscan traces against hand-written answers to dataflow questions.

    python benchmarks/questions/score.py --src-root /path/to/vbox61 [--only q01 ...]
        [--json FILE] [--keep DIR] [--timeout SECS]
    python benchmarks/questions/score.py --suite benchmarks/questions/suite.toml \
        --tree vbox61=DIR --tree v6140=DIR --tree v6136=DIR --tree v7010=DIR

The second form runs every set of questions in suite.toml whose tree is given and ends with
one table for the whole suite (per set and in total).

Each q*.toml next to this script is one question, written from reading the real source
(VirtualBox 6.1) before srcscan was run on it:

    symbol     = "cfgm:/TM/TSCTicksPerSecond"  # what the user types
    direction  = "down"                         # up | down | both (omitted: srcscan's default)
    to         = "u32TscScale"                  # optional: a --to query
    src        = ["."]                          # --src folders, relative to --src-root
    args       = []                             # optional extra srcscan trace arguments
    wrong      = ['regex', ...]                 # node ids/labels a precise answer must not contain
    [[expected]]                                # the steps of the right answer
    file = "src/VBox/VMM/VMMR3/TM.cpp"          # relative to the tree root
    line = 417
    what = "one-line description"

For every question `srcscan trace SYMBOL --src ... --format json` runs as a subprocess and:

recall     = expected steps found / expected steps.  An expected step (file, line) is found
             when some edge of the trace (its own file/line or any entry of its `evidence`)
             or some node (its declaration file/line) has that line and a file that is the
             expected file (compared as path suffixes on "/" boundaries, so a trace run on a
             sub-folder with other relative paths still matches).
precision  = real paths / listed paths.  A listed path (JSON `paths`) is real when
             (a) none of its nodes matches a `wrong` regex (re.search over the node id and
                 over its label), and
             (b) its far end is an expected step (strict; the lenient figure printed
                 after it only asks that the path pass an expected step): the edge into its last node (the first,
                 upstream) or that node's declaration is at an expected file:line (a path
                 that passes an expected step and then wanders off is not real).
             With no paths listed precision is undefined ("-") and left out of the average.
wrong      = number of slice nodes (all of `nodes`, not only those on paths) that match a
             `wrong` regex.

labelled   = listed-path precision from the labels stored next to the questions
             (labels/<id>.toml, see labels.py): a path through a may-alias guess or a control
             step is wrong without reading; the others as labelled by reading the code; paths
             not labelled yet are counted apart (``--write-labels`` adds them, verdict "?").

Overall: macro averages over questions (a failed trace scores recall 0) and micro sums.
Nothing here asserts; the numbers go into issue notes.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    import tomli as tomllib  # type: ignore

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import labels as path_labels  # noqa: E402


def same_file(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a, b = a.replace("\\", "/").strip("/"), b.replace("\\", "/").strip("/")
    return a == b or a.endswith("/" + b) or b.endswith("/" + a)


def locations(doc: dict):
    """(file, line) of every edge, its evidence and every node of the trace."""
    edges = {}
    for e in doc.get("edges") or []:
        locs = [(e.get("file"), e.get("line"))]
        locs += [(ev.get("file"), ev.get("line")) for ev in e.get("evidence") or []]
        edges[e["id"]] = [(f, l) for f, l in locs if f and l]
    nodes = {n["id"]: [(n.get("file"), n.get("line"))] if n.get("file") and n.get("line") else []
             for n in doc.get("nodes") or []}
    return edges, nodes


def hits(expected: dict, locs) -> bool:
    return any(l == expected["line"] and same_file(f, expected["file"]) for f, l in locs)


def run(q: dict, root: Path, timeout: float):
    cmd = ["srcscan", "trace", q["symbol"], "--format", "json"]
    for s in q.get("src", ["."]):
        cmd += ["--src", str((root / s).resolve())]
    if q.get("direction"):
        cmd += ["--direction", q["direction"]]
    if q.get("to"):
        cmd += ["--to", q["to"]]
    cmd += list(q.get("args", []))
    t0 = time.monotonic()
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - t0, "timeout", -1, cmd
    secs = time.monotonic() - t0
    doc = None
    if p.stdout.strip():
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            pass
    err = (p.stderr.strip().splitlines() or [""])[-1][:160]
    return doc, secs, err, p.returncode, cmd


def score(q: dict, doc: dict | None) -> dict:
    exp = q["expected"]
    wrong = [re.compile(w) for w in q.get("wrong", [])]
    if doc is None:
        return {"found": 0, "expected": len(exp), "paths": 0, "real": 0, "wrong_nodes": 0,
                "missed": [f"{e['file'].rsplit('/', 1)[-1]}:{e['line']}" for e in exp]}
    edges, nodes = locations(doc)
    all_locs = [x for v in edges.values() for x in v] + [x for v in nodes.values() for x in v]
    found = [e for e in exp if hits(e, all_locs)]
    labels = {n["id"]: n.get("label") or "" for n in doc.get("nodes") or []}

    def is_wrong(nid: str) -> bool:
        return any(w.search(nid) or w.search(labels.get(nid, "")) for w in wrong)

    real = lenient = 0
    paths = doc.get("paths") or []
    bad_examples = []
    for p in paths:
        pl = [x for eid in p.get("edges", []) for x in edges.get(eid, [])]
        pl += [x for nid in p.get("nodes", []) for x in nodes.get(nid, [])]
        bad = [n for n in p.get("nodes", []) if is_wrong(n)]
        # its far end (the step into the last node, and that node itself) is an expected step:
        # a path that passes an expected step and then wanders off is not counted
        far = p["edges"][-1:] if p.get("direction") != "upstream" else p["edges"][:1]
        end_node = p["nodes"][-1] if p.get("direction") != "upstream" else p["nodes"][0]
        ends = [x for eid in far for x in edges.get(eid, [])] + list(nodes.get(end_node, []))
        touches = any(hits(e, ends) for e in exp)
        if not bad and any(hits(e, pl) for e in exp):
            lenient += 1
        if not bad and touches:
            real += 1
        elif bad and len(bad_examples) < 2:
            bad_examples.append(bad[0])
    wrong_nodes = [n["id"] for n in doc.get("nodes") or [] if is_wrong(n["id"])]
    return {"found": len(found), "expected": len(exp), "paths": len(paths), "real": real, "lenient": lenient,
            "wrong_nodes": len(wrong_nodes), "wrong_examples": wrong_nodes[:3],
            "missed": [f"{e['file'].rsplit('/', 1)[-1]}:{e['line']}" for e in exp if e not in found],
            "cut": sum(1 for p in paths if p.get("ends_at") == "cut"),
            "slice_nodes": (doc.get("stats") or {}).get("nodes", len(doc.get("nodes") or [])),
            "warnings": doc.get("warnings") or []}


def print_summary(rows: list[dict]) -> None:
    """One table for the whole suite: per set and in total, recall, listed paths, labelled
    listed-path precision (real / judged; unread paths counted apart) and the biggest slice."""
    print("\n| set | questions | recall | listed paths | labelled real / judged | precision | not labelled | biggest slice |")
    print("|---|---|---|---|---|---|---|---|")
    groups = list(dict.fromkeys(r["set"] for r in rows))
    for name in groups + ["whole suite"]:
        rs = rows if name == "whole suite" else [r for r in rows if r["set"] == name]
        lab = [r["labelled"] for r in rs if r.get("labelled")]
        real, judged = sum(x["real"] for x in lab), sum(x["real"] + x["wrong"] for x in lab)
        found, exp = sum(r["found"] for r in rs), sum(r["expected"] for r in rs)
        prec = f"{real / judged:.2f}" if judged else "-"
        big = max((r.get("slice_nodes", 0) for r in rs), default=0)
        print(f"| {name} | {len(rs)} | {found}/{exp} | {sum(r['paths'] for r in rs)} | {real}/{judged} | {prec} | "
              f"{sum(x['unlabelled'] for x in lab)} | {big} |")


def _sets(args) -> list[tuple[str, Path, Path, list | None]]:
    """(name, questions folder, tree, question id prefixes) of each set to run: the one folder
    and tree given, or the sets of a --suite file whose tree --tree names."""
    if not args.suite:
        if not args.src_root:
            raise ValueError("give --src-root (or --suite with --tree NAME=DIR)")
        return [("", Path(args.questions), Path(args.src_root), args.only)]
    trees = {}
    for t in args.tree or []:
        name, eq, d = t.partition("=")
        if not eq or not name or not d:
            raise ValueError(f"--tree {t!r}: expected NAME=DIR")
        trees[name] = Path(d)
    suite = Path(args.suite)
    doc = tomllib.loads(suite.read_text())
    out = []
    for st in doc.get("set", []):
        if st.get("tree") not in trees:
            print(f"# set {st.get('name')!r} left out: no --tree {st.get('tree')}=DIR", file=sys.stderr)
            continue
        only = [o for o in st["only"] if not args.only or any(o.startswith(x) or x.startswith(o) for x in args.only)] \
            if st.get("only") else args.only
        if st.get("only") and not only:
            continue
        out.append((st.get("name", st["tree"]), suite.parent / st.get("questions", "."), trees[st["tree"]], only))
    if not out:
        raise ValueError(f"{suite}: no set to run (give its trees with --tree NAME=DIR)")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src-root", help="root of the source tree the questions were written for")
    ap.add_argument("--questions", default=str(HERE), help="folder of q*.toml")
    ap.add_argument("--suite", help="a suite file (suite.toml): sets of questions, each with the name of its tree")
    ap.add_argument("--tree", action="append", help="NAME=DIR: where a suite's tree NAME is (repeat for each)")
    ap.add_argument("--only", nargs="*", help="question id prefixes to run")
    ap.add_argument("--json", help="write per-question results as JSON here")
    ap.add_argument("--keep", help="save each trace's JSON into this folder")
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--labels", help="folder of <id>.toml path labels (default: labels/ next to the questions)")
    ap.add_argument("--write-labels", action="store_true",
                    help="add the listed paths not labelled yet to each question's labels file")
    args = ap.parse_args(argv)
    try:
        sets = _sets(args)
    except (ValueError, OSError, tomllib.TOMLDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    rows = []
    for set_name, qdir, root, only in sets:
        for f in sorted(qdir.glob("q*.toml")):
            q = tomllib.loads(f.read_text())
            qid = q.get("id", f.stem)
            if only and not any(qid.startswith(o) for o in only):
                continue
            doc, secs, err, rc, cmd = run(q, root, args.timeout)
            if args.keep and doc is not None:
                Path(args.keep).mkdir(parents=True, exist_ok=True)
                (Path(args.keep) / f"{qid}.json").write_text(json.dumps(doc, indent=1))
            r = {"id": qid, "set": set_name, "rc": rc, "secs": round(secs, 1), "error": err if doc is None else None,
                 "cmd": " ".join(cmd[2:])}
            r.update(score(q, doc))
            lab_file = Path(args.labels or qdir / "labels") / f"{qid}.toml"
            try:
                known = path_labels.load(lab_file)
            except (ValueError, tomllib.TOMLDecodeError) as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            if doc is not None:
                if args.write_labels:
                    path_labels.write(lab_file, doc, known)
                r["labelled"] = path_labels.judge(doc, known)
            rows.append(r)
            print(f"# {qid} rc={rc} {secs:.1f}s", file=sys.stderr, flush=True)

    print(f"{'question':<40} {'rc':>3} {'recall':>9} {'precision':>11} {'wrong':>5} "
          f"{'nodes':>6} {'cut':>4} {'secs':>6}  missed / notes")
    for r in rows:
        rec = f"{r['found']}/{r['expected']}"
        prec = f"{r['real']}/{r['paths']}" if r["paths"] else "-"
        note = ("ERROR " + (r["error"] or "")) if r["error"] is not None else \
            " ".join(r["missed"][:6]) + (" ..." if len(r["missed"]) > 6 else "")
        print(f"{r['id']:<40} {r['rc']:>3} {rec:>9} {prec:>11} {r['wrong_nodes']:>5} "
              f"{r.get('slice_nodes', 0):>6} {r.get('cut', 0):>4} {r['secs']:>6.1f}  {note}")
    n = len(rows) or 1
    macro_r = sum(r["found"] / r["expected"] for r in rows) / n
    with_p = [r for r in rows if r["paths"]]
    macro_p = sum(r["real"] / r["paths"] for r in with_p) / len(with_p) if with_p else 0.0
    micro_r = sum(r["found"] for r in rows) / max(1, sum(r["expected"] for r in rows))
    micro_p = sum(r["real"] for r in rows) / max(1, sum(r["paths"] for r in rows))
    print(f"overall: recall macro {macro_r:.2f} micro {micro_r:.2f} "
          f"({sum(r['found'] for r in rows)}/{sum(r['expected'] for r in rows)}); "
          f"precision macro {macro_p:.2f} over {len(with_p)} questions with paths, micro {micro_p:.2f} "
          f"({sum(r['real'] for r in rows)}/{sum(r['paths'] for r in rows)}); "
          f"failed traces {sum(1 for r in rows if r['error'] is not None)}/{len(rows)}")
    lenient_p = sum(r.get("lenient", 0) for r in rows) / max(1, sum(r["paths"] for r in rows))
    macro_l = sum(r.get("lenient", 0) / r["paths"] for r in with_p) / len(with_p) if with_p else 0.0
    print(f"lenient precision (a path is real when it passes an expected step and no wrong node): "
          f"macro {macro_l:.2f}, micro {lenient_p:.2f}")
    lab = [r["labelled"] for r in rows if r.get("labelled")]
    listed = sum(x["listed"] for x in lab)
    judged = sum(x["real"] + x["wrong"] for x in lab)
    print(f"labelled listed-path precision (guesses and control steps wrong; labels/<id>.toml): "
          f"{sum(x['real'] for x in lab)}/{judged} judged = "
          f"{sum(x['real'] for x in lab) / max(1, judged):.2f}; {sum(x['auto_wrong'] for x in lab)} wrong "
          f"without reading, {sum(x['unlabelled'] for x in lab)} of {listed} not labelled yet")
    for r in rows:
        x = r.get("labelled")
        if x and x["listed"]:
            print(f"  labels {r['id']}: real {x['real']}, wrong {x['wrong']} ({x['auto_wrong']} guess/control), "
                  f"unlabelled {x['unlabelled']}")
    for r in rows:
        for ex in r.get("wrong_examples", [])[:3]:
            print(f"  wrong node in {r['id']}: {ex}")
        for w in r.get("warnings", []):
            print(f"  warning in {r['id']}: {w}")
    if any(r["set"] for r in rows):
        print_summary(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
