"""svn bisect after a git bisect of the same contents: does the svn run parse anything new?

Builds a local svn repository with one revision per git import (only the default scope,
src/VBox/VMM and include, each revision equal to its import), then runs, as a user runs them
(new processes, one shared fact cache that starts empty):

1. ``srcscan bisect SYMBOL --src GIT --good A --bad B``            (cold cache)
2. ``srcscan bisect SYMBOL --svn file://REPO --good r1 --bad rN``  (the same contents over svn)

and prints, for each run, wall time, files parsed vs reused, and the ratio to the raw
single-process tree-sitter parse of the distinct file versions the git bisect read.
The goal: the svn run parses 0 files; the cold git run <= 2x the raw parse (issue 17).

    python benchmarks/bench_svn_after_git.py [--repo /work/.mirror/pop-os+virtualbox/repo]
        [--range 40b3330d3..5b8c4cdfd] [--count N] [--work DIR] [--svn-cold]

Default range: the pop-os/virtualbox imports from 4.3.26 to 5.0.2 (15 first-parent commits).
``--work DIR`` keeps the svn repository there (re-used when built from the same commits);
without it everything lives in a temporary folder removed at the end. Nothing is written
inside the srcscan repository. No assertions: the numbers go into the issue notes.
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
import xml.etree.ElementTree as ET
from pathlib import Path

DEFAULT_REPO = "/work/.mirror/pop-os+virtualbox/repo"
DEFAULT_RANGE = "40b3330d3..5b8c4cdfd"  # Imported Upstream version 4.3.26-dfsg .. 5.0.2-dfsg
SCOPE = ("src/VBox/VMM", "include")
GOAL_COLD_X_RAW = 2.0
TIMEOUT = 3600


def sh(*cmd: str, cwd=None, stdin=None, check: bool = True) -> bytes:
    p = subprocess.run(list(cmd), cwd=cwd, input=stdin, capture_output=True, timeout=TIMEOUT,
                       env={**os.environ, "LC_ALL": "C"})
    if check and p.returncode:
        raise SystemExit(f"{' '.join(cmd[:4])}...: exit {p.returncode}: {p.stderr.decode(errors='replace')[-400:]}")
    return p.stdout


def git(repo: str, *args: str, **kw) -> bytes:
    return sh("git", f"--git-dir={repo}", *args, **kw)


# --- the commits and the svn repository ------------------------------------------------------

def pick_commits(repo: str, rng: str, count: int | None) -> list[tuple[str, str]]:
    """[(id, subject)] of A and the first-parent commits after it up to B (the first
    ``count`` of them), oldest first."""
    if ".." not in rng:
        raise SystemExit(f"--range {rng}: write it as A..B")
    a, b = rng.split("..", 1)
    a = git(repo, "rev-parse", "--verify", a + "^{commit}").decode().strip()
    out = git(repo, "log", "--first-parent", "--reverse", "--format=%H %s", f"{a}..{b}").decode()
    after = [tuple(ln.split(" ", 1)) for ln in out.splitlines() if ln.strip()]
    if count:
        after = after[:count]
    first = git(repo, "log", "-1", "--format=%s", a).decode().strip()
    return [(a, first), *[(c, s) for c, s in after]]


def svn(cfg: str, *args: str, cwd=None) -> bytes:
    return sh("svn", "--non-interactive", "--config-dir", cfg, *args, cwd=cwd)


def tree_files(repo: str, commit: str) -> list[str]:
    out = git(repo, "ls-tree", "-r", "--name-only", "-z", commit, "--", *SCOPE).decode()
    return sorted(p for p in out.split("\0") if p)


def svn_files(cfg: str, url: str, rev: int) -> list[str]:
    xml = svn(cfg, "list", "-R", "--xml", "--", f"{url}@{rev}")
    return sorted(e.findtext("name") for e in ET.fromstring(xml).iter("entry") if e.get("kind") == "file")


def build_svn(repo: str, commits: list[tuple[str, str]], work: Path) -> tuple[str, dict[int, str], float]:
    """An svn repository under ``work`` with one revision per commit that changes the scope
    (each revision's files equal to the commit's); returns (URL, {svn number: git id}, seconds)."""
    t = time.perf_counter()
    store, wc, cfg = work / "svnrepo", work / "wc", str(work / "svn-config")
    manifest = work / "commits.json"
    url = store.resolve().as_uri()
    if manifest.exists() and store.exists():
        saved = json.loads(manifest.read_text())
        if saved.get("commits") == [c for c, _ in commits]:
            return url, {int(k): v for k, v in saved["revs"].items()}, 0.0
    for p in (store, wc, work / "svn-config"):
        shutil.rmtree(p, ignore_errors=True)
    work.mkdir(parents=True, exist_ok=True)
    sh("svnadmin", "create", str(store))
    svn(cfg, "checkout", "-q", url, str(wc))
    revs: dict[int, str] = {}
    for commit, subject in commits:
        for top in {s.split("/")[0] for s in SCOPE}:
            shutil.rmtree(wc / top, ignore_errors=True)
        tar = git(repo, "archive", "--format=tar", commit, "--", *SCOPE)
        sh("tar", "-x", "-C", str(wc), stdin=tar)
        svn(cfg, "add", "-q", "--force", "--no-ignore", "--", ".", cwd=wc)
        status = ET.fromstring(svn(cfg, "status", "--xml", cwd=wc))
        missing = {e.get("path") for e in status.iter("entry") if e.find("wc-status").get("item") == "missing"}
        gone = sorted(p for p in missing if os.path.dirname(p) not in missing)  # a folder takes its files
        if gone:
            targets = work / "gone.txt"
            targets.write_text("".join(f"{p}@\n" for p in gone))
            svn(cfg, "rm", "-q", "--targets", str(targets), cwd=wc)
        svn(cfg, "commit", "-q", "-m", subject, cwd=wc)
        svn(cfg, "update", "-q", cwd=wc)
        rev = int(sh("svnlook", "youngest", str(store)).decode())
        if rev and rev not in revs:
            revs[rev] = commit
    for rev, commit in revs.items():  # each revision holds exactly the commit's files
        if svn_files(cfg, url, rev) != tree_files(repo, commit):
            raise SystemExit(f"r{rev} does not hold the files of {commit[:12]}")
    shutil.rmtree(wc, ignore_errors=True)
    manifest.write_text(json.dumps({"commits": [c for c, _ in commits], "revs": revs}))
    return url, revs, time.perf_counter() - t


# --- runs ---------------------------------------------------------------------------------

def srcscan_bin() -> list[str]:
    exe = Path(sys.executable).with_name("srcscan")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "srcscan"]


def bisect(args, cache: Path, where: list[str], good: str, bad: str) -> dict:
    cmd = [*srcscan_bin(), "bisect", args.symbol, *where, "--good", good, "--bad", bad, "--cache", str(cache),
           "--format", "json"] + (["-j", str(args.jobs)] if args.jobs else [])
    env = {**os.environ, "SRCSCAN_NO_PROGRESS": "1", "SRCSCAN_NO_BACKGROUND": "1"}
    t = time.perf_counter()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=TIMEOUT)
    wall = time.perf_counter() - t
    try:
        out = json.loads(p.stdout) if p.returncode in (0, 1) else None
    except ValueError:
        out = None
    if not isinstance(out, dict):  # (exit 1 also means: the symbol is missing at both ends)
        raise SystemExit(f"{' '.join(cmd[1:6])}...: exit {p.returncode}: {p.stderr.strip()[-400:]}")
    out["wall"] = wall
    return out


_P = None


def raw_parse(repo: str, commits: list[str]) -> tuple[float, int, float]:
    """One process: tree-sitter's parse of every distinct file version of these commits
    (the files srcscan reads there)."""
    import tree_sitter
    import tree_sitter_cpp

    from srcscan.sources.ranges import GitSource

    src = GitSource(repo)
    seen: set[str] = set()
    blobs: list[bytes] = []
    for c in commits:
        snap = src.snapshot(c)
        for path, key in snap.files():
            if key not in seen:
                seen.add(key)
                blobs.append(snap.read(path))
    parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_cpp.language()))
    t = time.perf_counter()
    for b in blobs:
        parser.parse(b)
    return time.perf_counter() - t, len(blobs), sum(map(len, blobs)) / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", default=DEFAULT_REPO, help="git dir or clone of pop-os/virtualbox")
    ap.add_argument("--range", default=DEFAULT_RANGE, help="A..B: A and the first-parent commits after it up to B")
    ap.add_argument("--count", type=int, help="only the first N commits after A")
    ap.add_argument("--symbol", default="cTscTicksPerSecond")
    ap.add_argument("--work", help="folder for the svn repository (kept, re-used); default: a temporary one")
    ap.add_argument("-j", "--jobs", type=int, default=0, help="parser processes srcscan may use (default: its own)")
    ap.add_argument("--svn-cold", action="store_true", help="also run the svn bisect with an empty cache (control)")
    args = ap.parse_args()
    for tool in ("git", "svn", "svnadmin", "svnlook", "tar"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed")
    commits = pick_commits(args.repo, args.range, args.count)
    if len(commits) < 2:
        raise SystemExit(f"--range {args.range}: no commits after the first")
    tmp = Path(tempfile.mkdtemp(prefix="srcscan-bench-svn-"))
    work = Path(args.work).resolve() if args.work else tmp
    if Path(__file__).resolve().parents[1] in [work, *work.parents]:
        raise SystemExit("--work must be outside the srcscan repository (it holds VirtualBox sources)")
    try:
        url, revs, built = build_svn(args.repo, commits, work)
        print(f"{args.repo} {args.range}: {len(commits)} commits ({commits[0][1]} .. {commits[-1][1]}); "
              f"svn {url}: r1..r{max(revs)} ({built:.1f} s to build); symbol {args.symbol}; "
              f"load average {os.getloadavg()[0]:.2f}")
        cache = tmp / "cache"
        shutil.rmtree(cache, ignore_errors=True)
        g = bisect(args, cache, ["--src", args.repo], commits[0][0], commits[-1][0])
        s = bisect(args, cache, ["--svn", url], f"r{min(revs)}", f"r{max(revs)}")
        cold = bisect(args, tmp / "cache-svn-cold", ["--svn", url], f"r{min(revs)}", f"r{max(revs)}") \
            if args.svn_cold else None
        read = [e["revision"]["id"] for e in g["evaluations"]]
        raw, nfiles, mb = raw_parse(args.repo, read)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    rows = [(f"raw tree-sitter parse, 1 process ({nfiles} versions git read, {mb:.1f} MB)",
             {"wall": raw}),
            ("srcscan bisect over git, empty cache", g),
            ("srcscan bisect over svn, after git (same cache)", s)]
    if cold:
        rows.append(("srcscan bisect over svn, empty cache (control)", cold))
    print(f"\n{'run':72} {'wall s':>7} {'x raw':>6} {'evals':>5} {'parsed':>6} {'reused':>6}")
    for name, r in rows:
        st = r.get("stats") or {}
        cols = f"{st['evaluations']:5d} {st['files_parsed']:6d} {st['files_reused']:6d}" if st else ""
        print(f"{name:72} {r['wall']:7.2f} {r['wall'] / raw:6.2f} {cols}")
    # same contents, same answers: the found revision and every shared evaluation agree
    git_fp = {e["revision"]["id"]: e["fingerprint"] for e in g["evaluations"]}
    svn_fp = {revs.get(e["revision"]["svn"]): e["fingerprint"] for e in s["evaluations"]}
    common = sorted(set(git_fp) & set(svn_fp))
    agree = sum(git_fp[c] == svn_fp[c] for c in common)
    found_g = ((g.get("found") or {}).get("revision") or {}).get("id")
    found_s = revs.get(((s.get("found") or {}).get("revision") or {}).get("svn"))
    print(f"\nfound: git {found_g and found_g[:12]}, svn r{((s.get('found') or {}).get('revision') or {}).get('svn')} "
          f"= {found_s and found_s[:12]} ({'same import' if found_g == found_s else 'DIFFERENT'}); "
          f"fingerprints equal at {agree} of {len(common)} revisions both evaluated")
    parsed = s["stats"]["files_parsed"]
    print(f"svn after git: files parsed {parsed}, reused {s['stats']['files_reused']}; goal 0 parsed: "
          f"{'met' if parsed == 0 else 'NOT met'}")
    x = g["wall"] / raw
    print(f"cold git bisect / raw 1-process parse = {x:.2f}; goal <= {GOAL_COLD_X_RAW:.0f}x: "
          f"{'met' if x <= GOAL_COLD_X_RAW else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
