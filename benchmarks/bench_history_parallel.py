"""history over many consecutive svn revisions on 1 worker, 2 workers and a 2-worker Dask
local cluster (issue 34), beside the raw 1-process tree-sitter parse of every file version
the range holds, in one run.

    python benchmarks/bench_history_parallel.py [--repo /work/.mirror/pop-os+virtualbox/repo]
        [--base 94a53a285] [--target e192fd1f7] [--count N] [--work DIR] [--symbol S]

Builds a local svn repository (``svnadmin create``, outside the srcscan repository): r1 holds
the base import's src/VBox/VMM and include; then one revision per file the target import
changes in that scope (added, modified or deleted, in path order), so the last revision
holds exactly the target's files. Default: 5.0.0 -> 5.1.0, 502 files, 503 revisions
(``--count N`` keeps the first N file changes). Then, each a new process on a fresh cache:

    srcscan history SYMBOL --svn URL --range 1..LAST -j 1
    srcscan history SYMBOL --svn URL --range 1..LAST -j 2
    srcscan history SYMBOL --svn URL --range 1..LAST -j 1 --cluster local:2

and prints wall time, trace evaluations, answers carried over unrelated revisions, files
parsed and reused, changes found, and the ratio to the raw parse; ``--before`` first runs
``-j 2`` with every revision traced (SRCSCAN_HISTORY_CARRY=0), and the script says whether
every run found the same changes. No assertions: the numbers go into the issue notes and README.
Needs svn, svnadmin and the cluster extra (pip install 'srcscan[cluster]').
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SCOPE = ("src/VBox/VMM", "include")


def sh(*cmd, cwd=None, stdin=None) -> bytes:
    p = subprocess.run(list(cmd), cwd=cwd, input=stdin, capture_output=True, env={**os.environ, "LC_ALL": "C"})
    if p.returncode:
        raise SystemExit(f"{' '.join(map(str, cmd[:4]))}...: exit {p.returncode}: {p.stderr.decode()[-300:]}")
    return p.stdout


def build(repo: str, base: str, target: str, count: int | None, work: Path) -> tuple[str, int, list[tuple]]:
    """(URL, last revision, [(path, git blob) of every file version the range holds])."""
    store, wc, cfg = work / "svnrepo", work / "wc", str(work / "svn-config")
    url = store.resolve().as_uri()
    svn = ("svn", "--non-interactive", "--config-dir", cfg)
    changed = [ln.split("\t") for ln in sh("git", f"--git-dir={repo}", "diff", "--name-status", "--no-renames",
                                           base, target, "--", *SCOPE).decode().splitlines()]
    changed = changed[:count] if count else changed
    manifest = work / "manifest.json"
    what = [repo, base, target, len(changed)]
    versions = _versions(repo, base, changed, target)
    if manifest.exists() and json.loads(manifest.read_text()).get("what") == what:
        return url, len(changed) + 1, versions
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    sh("svnadmin", "create", str(store))
    sh(*svn, "checkout", "-q", url, str(wc))
    sh("tar", "-x", "-C", str(wc), stdin=sh("git", f"--git-dir={repo}", "archive", "--format=tar", base, "--", *SCOPE))
    sh(*svn, "add", "-q", "--force", "--no-ignore", "--", ".", cwd=wc)
    sh(*svn, "commit", "-q", "-m", f"import {base}", cwd=wc)
    for status, path in changed:
        p = wc / path
        if status == "D":
            sh(*svn, "rm", "-q", "--", f"{path}@", cwd=wc)
        else:
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(sh("git", f"--git-dir={repo}", "show", f"{target}:{path}"))
            if status == "A":
                sh(*svn, "add", "-q", "--parents", "--force", "--", f"{path}@", cwd=wc)
        sh(*svn, "commit", "-q", "-m", f"{status} {path}", cwd=wc)
    manifest.write_text(json.dumps({"what": what}))
    return url, len(changed) + 1, versions


def _versions(repo, base, changed, target) -> list[tuple]:
    def blobs(rev):
        out = sh("git", f"--git-dir={repo}", "ls-tree", "-r", rev, "--", *SCOPE).decode()
        return {ln.split("\t")[1]: ln.split()[2] for ln in out.splitlines()}

    have, new = blobs(base), blobs(target)
    out = set(have.items())
    out.update((p, new[p]) for s, p in changed if s != "D")
    return sorted(out)


def raw_parse(repo: str, versions: list[tuple]) -> float:
    import tree_sitter
    import tree_sitter_cpp

    p = tree_sitter.Parser(tree_sitter.Language(tree_sitter_cpp.language()))
    exts = (".c", ".cpp", ".h", ".hpp", ".cc", ".cxx", ".hh", ".mac")
    datas = [sh("git", f"--git-dir={repo}", "cat-file", "blob", b) for p_, b in versions if p_.endswith(exts)]
    t = time.perf_counter()
    for d in datas:
        p.parse(d)
    return time.perf_counter() - t


def history(url: str, last: int, symbol: str, extra: list[str], carry: bool = True) -> tuple[float, dict]:
    env = dict(os.environ, NO_COLOR="1", SRCSCAN_NO_PROGRESS="1", PYTHONPATH=str(REPO),
               SRCSCAN_HISTORY_CARRY="1" if carry else "0")
    with tempfile.TemporaryDirectory(prefix="srcscan-hist-") as tmp:
        out = Path(tmp) / "h.json"
        t = time.perf_counter()
        p = subprocess.run([sys.executable, "-m", "srcscan", "history", symbol, "--svn", url, "--range",
                            f"1..{last}", "--cache", str(Path(tmp) / "c"), "--format", "json", "-o", str(out),
                            *extra], capture_output=True, text=True, env=env)
        secs = time.perf_counter() - t
        if p.returncode not in (0, 1):
            raise SystemExit(f"history {' '.join(extra)}: exit {p.returncode}: {p.stderr[-400:]}")
        return secs, json.loads(out.read_text())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", default="/work/.mirror/pop-os+virtualbox/repo")
    ap.add_argument("--base", default="94a53a285", help="the import r1 holds (default: 5.0.0)")
    ap.add_argument("--target", default="e192fd1f7", help="the import whose file changes follow (default: 5.1.0)")
    ap.add_argument("--count", type=int, help="only the first N file changes")
    ap.add_argument("--work", help="folder for the svn repository (kept and re-used); default: a temporary one")
    ap.add_argument("--symbol", default="cTscTicksPerSecond")
    ap.add_argument("--before", action="store_true",
                    help="first, a run with every revision traced (SRCSCAN_HISTORY_CARRY=0, 2 workers)")
    a = ap.parse_args()
    tmp = None if a.work else tempfile.mkdtemp(prefix="srcscan-svn-")
    work = Path(a.work or tmp)
    try:
        t = time.perf_counter()
        url, last, versions = build(a.repo, a.base, a.target, a.count, work)
        print(f"svn repository: {last} revisions ({time.perf_counter() - t:.0f} s to build); "
              f"{len(versions)} distinct file versions")
        raw = raw_parse(a.repo, versions)
        print(f"raw tree-sitter parse of every file version, 1 process: {raw:.2f} s")
        print(f"{'run':<36} {'s':>8} {'x raw':>7} {'traces':>7} {'carried':>7} {'parsed':>7} {'reused':>7} "
              f"{'changes':>8}")
        runs = [("1 worker (-j 1)", ["-j", "1"], True), ("2 workers (-j 2)", ["-j", "2"], True),
                ("Dask local cluster, 2", ["-j", "1", "--cluster", "local:2"], True)]
        if a.before:  # every revision traced (no answer carried): what carrying saves
            runs = [("every revision traced, 2 workers", ["-j", "2"], False)] + runs
        answers = set()
        for name, extra, carry in runs:
            secs, doc = history(url, last, a.symbol, extra, carry)
            st = doc["stats"]
            answers.add(json.dumps([[c["revision"].get("svn"), c["fingerprint"]] for c in doc.get("changes", [])]))
            print(f"{name:<36} {secs:8.1f} {secs / raw:7.2f} {st['evaluations']:7d} {st.get('answers_carried', 0):7d} "
                  f"{st['files_parsed']:7d} {st['files_reused']:7d} {len(doc.get('changes', [])):8d}", flush=True)
        print("same changes in every run" if len(answers) == 1 else "RUNS DISAGREE on the changes")
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
