"""Trace cTscTicksPerSecond across VirtualBox releases and check the answer's shape.

    python benchmarks/releases.py --repo /path/to/pop-os-virtualbox.git [--out DIR]
        [--versions 4.3.30 5.0.0 ...] [--symbol cTscTicksPerSecond] [--json FILE]

The repository is a (bare) git mirror of Debian's packaging repository of VirtualBox
(e.g. github.com/pop-os/virtualbox), whose upstream branch has one commit per upstream release
with a subject like "Imported Upstream version 5.0.0-dfsg" (older, git-buildpackage) or
"New upstream version 7.0.10-dfsg" (newer).  Release commits are found by that version string,
never by commit id.  For a version with several such commits (re-imports), the newest one by
committer date is used.

Each release's src/VBox/VMM and include are exported to OUT/v<version>/ (skipped when the
directory already holds a .export-commit file naming that commit).  Blobs missing from the
object database (partial mirrors leave out the largest files) are skipped and counted, not
fatal.  Then `srcscan trace SYMBOL --src DIR --format json` runs as a subprocess (so the
time is what a user waits, cold or warm depending on the fact cache) and one row per release
is printed:

  nodes, paths     stats.nodes / stats.paths of the JSON (len(...) when stats lacks them)
  cut              "yes" when a path ends_at "cut" or a warning mentions a limit / cut
  kvm              the KVM chain reaches guest memory: some path has a node matching
                   CHECKS["kvm"]["via"] and ends in a node matching CHECKS["kvm"]["sink"]
  hv               the Hyper-V TSC page write reaches guest memory: some path has a node
                   matching CHECKS["hv"]["via"] and ends in CHECKS["hv"]["sink"]
  secs             wall time of the subprocess

The regexes in CHECKS describe what a correct answer contains; srcscan never sees them.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# What a correct answer contains (regexes over node ids, matched with re.search).
CHECKS = {
    # kvm-clock: cTscTicksPerSecond -> ... -> GIMKVMSYSTEMTIME.u32TscScale -> ... guest memory
    "kvm": {
        "via": r"u32TscScale",
        "sink": r"^sink:guest-memory|guest.?mem|PGMPhys\w*Write",
    },
    # Hyper-V reference TSC page: cTscTicksPerSecond -> GIMHV field / TSC page local
    # (gimR3HvEnableTscPage & co) -> u64TscScale of GIMHVREFTSC -> guest memory
    "hv": {
        "via": r"GIMHV|gimR3HvEnableTscPage|GimHvEnableTscPage|HvEnableTscPage|u64TscScale",
        "sink": r"^sink:guest-memory|guest.?mem|PGMPhys\w*Write",
    },
}

DEFAULT_VERSIONS = ["4.3.30", "5.0.0", "5.1.30", "5.2.24", "6.0.14", "6.1.40", "7.0.10"]
IMPORT_SUBJECT = re.compile(
    r"^(?:Imported Upstream version|New upstream version|Import Upstream version)\s+"
    r"(?P<version>\d+\.\d+\.\d+)(?P<suffix>\S*)$", re.I)
EXPORT_PATHS = ["src/VBox/VMM", "include"]


def git(gitdir: str, *args: str, **kw) -> str:
    return subprocess.run(["git", "--git-dir", gitdir, *args], check=True,
                          capture_output=True, text=True, **kw).stdout


def find_imports(gitdir: str) -> dict[str, list[tuple[int, str, str]]]:
    """version -> [(commit time, commit id, subject)] of the upstream import commits.

    Only final releases (suffix empty or "-dfsg"; betas and RCs like "5.0.0~RC1" are left out).
    """
    out = git(gitdir, "log", "--all", "--format=%H%x09%ct%x09%s")
    found: dict[str, list[tuple[int, str, str]]] = {}
    for line in out.splitlines():
        commit, ct, subject = line.split("\t", 2)
        m = IMPORT_SUBJECT.match(subject.strip())
        if not m or m.group("suffix") not in ("", "-dfsg"):
            continue
        found.setdefault(m.group("version"), []).append((int(ct), commit, subject.strip()))
    return found


def pick(found: dict, want: str) -> tuple[str, str, str] | None:
    """Resolve a wanted version ("5.0.0" exact, or "4.3" / "4.3.x" = newest 4.3.*)."""
    want = want.removesuffix(".x")
    if want in found:
        version = want
    else:
        cands = [v for v in found if v.startswith(want + ".")]
        if not cands:
            return None
        version = max(cands, key=lambda v: tuple(int(p) for p in v.split(".")))
    ct, commit, subject = max(found[version])
    return version, commit, subject


def export_tree(gitdir: str, commit: str, paths: list[str], dest: Path) -> dict:
    """Write the files of `paths` at `commit` under dest, skipping blobs that are absent.

    Like `git archive commit paths | tar -x -C dest`, but a partial mirror's missing blobs
    do not abort the export.  Returns {"files": n, "missing": [paths]}.
    """
    dest = Path(dest)
    listing = git(gitdir, "ls-tree", "-r", "-z", commit, "--", *paths)
    entries = []
    for rec in listing.split("\0"):
        if not rec:
            continue
        meta, path = rec.split("\t", 1)
        mode, typ, sha = meta.split()
        if typ == "blob":
            entries.append((mode, sha, path))
    proc = subprocess.Popen(["git", "--git-dir", gitdir, "cat-file", "--batch"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    n, missing = 0, []
    try:
        for mode, sha, path in entries:
            proc.stdin.write(sha.encode() + b"\n")
            proc.stdin.flush()
            header = proc.stdout.readline().decode().split()
            if len(header) < 3 or header[1] != "blob":
                missing.append(path)
                continue
            size = int(header[2])
            data = proc.stdout.read(size)
            proc.stdout.read(1)  # trailing newline
            target = dest / path
            target.parent.mkdir(parents=True, exist_ok=True)
            if mode == "120000":
                if target.is_symlink() or target.exists():
                    target.unlink()
                os.symlink(data.decode(), target)
            else:
                target.write_bytes(data)
                if mode == "100755":
                    target.chmod(0o755)
            n += 1
    finally:
        proc.stdin.close()
        proc.wait()
    return {"files": n, "missing": missing}


def ensure_export(gitdir: str, commit: str, dest: Path, paths=EXPORT_PATHS) -> dict:
    marker = dest / ".export-commit"
    if marker.exists() and marker.read_text().split()[0] == commit:
        return {"files": None, "missing": [], "skipped": True}
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    res = export_tree(gitdir, commit, paths, dest)
    marker.write_text(f"{commit} {' '.join(paths)} files={res['files']} "
                      f"missing={len(res['missing'])}\n")
    return res


def _any(rx: str, ids) -> bool:
    return any(re.search(rx, i or "") for i in ids)


def analyse(doc: dict) -> dict:
    paths = doc.get("paths") or []
    stats = doc.get("stats") or {}
    warnings = doc.get("warnings") or []
    cut = any(p.get("ends_at") == "cut" for p in paths) or any(
        re.search(r"\bcut\b|limit|truncat", w, re.I) for w in warnings)
    res = {
        "nodes": stats.get("nodes", len(doc.get("nodes") or [])),
        "paths": stats.get("paths", len(paths)),
        "cut": cut,
        "cut_paths": sum(1 for p in paths if p.get("ends_at") == "cut"),
        "warnings": warnings,
    }
    for name, rx in CHECKS.items():
        res[name] = any(
            _any(rx["via"], p.get("nodes", [])) and p.get("nodes")
            and re.search(rx["sink"], p["nodes"][-1])
            for p in paths)
    return res


def run_trace(symbol: str, src: Path, extra: list[str]) -> tuple[dict | None, float, str, int]:
    cmd = ["srcscan", "trace", symbol, "--src", str(src), "--format", "json", *extra]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    secs = time.monotonic() - t0
    doc = None
    if proc.stdout.strip():
        try:
            doc = json.loads(proc.stdout)
        except ValueError:
            doc = None
    return doc, secs, proc.stderr.strip(), proc.returncode


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repo", required=True, help="bare git dir of pop-os/virtualbox (Debian packaging)")
    ap.add_argument("--out", help="where to export trees (default: a temp dir, removed afterwards)")
    ap.add_argument("--versions", nargs="+", default=DEFAULT_VERSIONS,
                    help="release versions: exact (5.0.0) or a series (4.3 = newest 4.3.*)")
    ap.add_argument("--symbol", default="cTscTicksPerSecond")
    ap.add_argument("--trace-arg", action="append", default=[],
                    help="extra argument for srcscan trace (repeatable)")
    ap.add_argument("--json", help="also write the rows as JSON to this file")
    args = ap.parse_args(argv)

    tmp = None
    out = Path(args.out) if args.out else Path(tmp := tempfile.mkdtemp(prefix="srcscan-rel-"))
    found = find_imports(args.repo)
    rows = []
    try:
        for want in args.versions:
            hit = pick(found, want)
            if not hit:
                print(f"# {want}: no upstream import commit found", file=sys.stderr)
                continue
            version, commit, subject = hit
            dest = out / f"v{version}"
            exp = ensure_export(args.repo, commit, dest)
            if exp["missing"]:
                print(f"# {version}: {len(exp['missing'])} blobs missing from the mirror, "
                      f"skipped (e.g. {exp['missing'][0]})", file=sys.stderr)
            doc, secs, err, rc = run_trace(args.symbol, dest, args.trace_arg)
            row = {"version": version, "commit": commit, "dir": str(dest), "rc": rc,
                   "secs": round(secs, 1)}
            if doc is None:
                row["error"] = (err.splitlines() or ["no output"])[-1][:200]
            else:
                row.update(analyse(doc))
            rows.append(row)
            print(f"# {version} done in {secs:.1f}s", file=sys.stderr, flush=True)
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)

    yn = lambda b: "yes" if b else "no"  # noqa: E731
    print(f"symbol: {args.symbol}   trace args: {' '.join(args.trace_arg) or '-'}")
    print(f"{'release':<9} {'commit':<12} {'nodes':>6} {'paths':>6} {'cut':<10} "
          f"{'kvm->mem':<9} {'hv->mem':<8} {'secs':>7}  rc")
    for r in rows:
        if "error" in r:
            print(f"{r['version']:<9} {r['commit'][:12]:<12} ERROR: {r['error']}  "
                  f"{r['secs']:>7.1f}  {r['rc']}")
            continue
        cut = f"yes({r['cut_paths']})" if r["cut"] else "no"
        print(f"{r['version']:<9} {r['commit'][:12]:<12} {r['nodes']:>6} {r['paths']:>6} "
              f"{cut:<10} {yn(r['kvm']):<9} {yn(r['hv']):<8} {r['secs']:>7.1f}  {r['rc']}")
    for r in rows:
        for w in r.get("warnings", []):
            print(f"  {r['version']}: warning: {w}")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
