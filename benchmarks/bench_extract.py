"""Facts extraction, old commit against the working tree, on a fixed sample of files (issue 34).

For each tree, ``--files N`` C/C++ files are taken evenly from its sorted file list (the same
files every run). Each side extracts them in its own process, one at a time (``-j 1``), as the
index does (``extract_bounded``: respell, parse, facts, keys), and encodes the facts as the
cache stores them; ``--repeat`` passes, the fastest counts. Seconds are CPU seconds of the
child (``time.process_time``): the machine's other load does not count. The script prints old
and new seconds side by side, next to tree-sitter's raw parse of the same files, and checks
that every file's encoded facts are the same bytes (exit 1 and the first differing files when
not; both sides run with PYTHONHASHSEED=0).

    python benchmarks/bench_extract.py --old main --src /work/trees/vbox61 --src /work/trees/h28dev
    python benchmarks/bench_extract.py --old HEAD~3 --src TREE --profile   # cProfile of the new side

The old side is ``git archive REV srcscan queries`` in a temporary folder put first on the
child's ``sys.path`` (the working tree's package is not imported there).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXTS = (".c", ".cpp", ".cc", ".h", ".hpp")
REPO = Path(__file__).resolve().parent.parent


def sample(tree: str, n: int) -> list[str]:
    files = sorted(str(p) for p in Path(tree).rglob("*") if p.suffix in EXTS and p.is_file())
    if len(files) <= n:
        return files
    step = len(files) / n
    return [files[int(i * step)] for i in range(n)]


def worker(listfile: str, out: str, profile: bool, repeat: int) -> None:
    """In a child: extract and encode each file; write per-file digests and seconds."""
    import srcscan
    from srcscan.extract.cache import encode
    from srcscan.extract.nesting import extract_bounded
    from srcscan.extract.syntax import parser

    paths = json.loads(Path(listfile).read_text())
    datas = [(p, Path(p).read_bytes()) for p in paths]
    ps = parser()
    t0 = time.process_time()
    for _, d in datas:
        ps.parse(d)
    raw = time.process_time() - t0
    extract_bounded("warm.c", b"int f(int a) { return a; }\n")  # query compiled, models loaded
    prof = None
    if profile:
        import cProfile
        prof = cProfile.Profile(time.process_time)
        prof.enable()
    digests, best_ex, best_enc = {}, float("inf"), float("inf")
    for _ in range(repeat):  # the fastest pass of each: the machine's load only adds
        t_ex = t_enc = 0.0
        for p, d in datas:
            t1 = time.process_time()
            ff = extract_bounded(p, d, hashlib.sha1(d).hexdigest())
            t2 = time.process_time()
            blob = encode(ff)
            t3 = time.process_time()
            t_ex += t2 - t1
            t_enc += t3 - t2
            digests[p] = hashlib.sha256(blob).hexdigest()
        best_ex, best_enc = min(best_ex, t_ex), min(best_enc, t_enc)
        if prof is not None:
            break
    if prof is not None:
        import pstats
        prof.disable()
        pstats.Stats(prof, stream=sys.stderr).sort_stats("tottime").print_stats(30)
    Path(out).write_text(json.dumps({"package": srcscan.__file__, "raw": raw, "extract": best_ex,
                                     "encode": best_enc, "digests": digests}))


def run_side(pythonpath: str | None, listfile: str, profile: bool, repeat: int) -> dict:
    env = dict(os.environ, PYTHONHASHSEED="0")  # sets in the facts pickle in one order on both sides
    if pythonpath:
        env["PYTHONPATH"] = pythonpath + os.pathsep + env.get("PYTHONPATH", "")
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as f:
        out = f.name
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", listfile, out, str(repeat)] + (["--profile"] if profile else [])
    subprocess.run(cmd, env=env, check=True, cwd=tempfile.gettempdir())
    res = json.loads(Path(out).read_text())
    os.unlink(out)
    return res


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--old", default="main", help="git revision of the old side (default main)")
    ap.add_argument("--src", action="append", required=True, help="a source tree (repeatable)")
    ap.add_argument("--files", type=int, default=150, help="files per tree (default 150)")
    ap.add_argument("--repeat", type=int, default=3, help="passes per side, the fastest counts (default 3)")
    ap.add_argument("--profile", action="store_true", help="cProfile of the new side, by tottime, on stderr")
    ap.add_argument("--new-only", action="store_true", help="only the working tree (with --profile)")
    a = ap.parse_args()
    for s in a.src:
        if not Path(s).is_dir():
            print(f"bench_extract: {s}: not a folder", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory(prefix="bench_extract_") as tmp:
        old_dir = Path(tmp) / "old"
        old_dir.mkdir()
        if not a.new_only:
            arch = subprocess.run(["git", "-C", str(REPO), "archive", a.old, "srcscan", "queries"],
                                  capture_output=True)
            if arch.returncode:
                print(f"bench_extract: git archive {a.old}: {arch.stderr.decode().strip()}", file=sys.stderr)
                return 2
            subprocess.run(["tar", "-x", "-C", str(old_dir)], input=arch.stdout, check=True)
        bad = 0
        print(f"{'tree':<28} {'files':>5} {'raw parse':>10} {'old s':>8} {'new s':>8} {'new/old':>8} "
              f"{'old enc':>8} {'new enc':>8}  same bytes")
        for tree in a.src:
            files = sample(tree, a.files)
            listfile = Path(tmp) / "files.json"
            listfile.write_text(json.dumps(files))
            new = run_side(None, str(listfile), a.profile, a.repeat)
            if a.new_only:
                print(f"{Path(tree).name:<28} {len(files):>5} {new['raw']:>10.2f} {'':>8} {new['extract']:>8.2f}")
                continue
            old = run_side(str(old_dir), str(listfile), False, a.repeat)
            assert old["package"].startswith(str(old_dir)), old["package"]
            diff = [p for p in files if old["digests"].get(p) != new["digests"].get(p)]
            bad += len(diff)
            print(f"{Path(tree).name:<28} {len(files):>5} {new['raw']:>10.2f} {old['extract']:>8.2f} "
                  f"{new['extract']:>8.2f} {new['extract'] / old['extract']:>8.2f} {old['encode']:>8.2f} "
                  f"{new['encode']:>8.2f}  {'yes' if not diff else f'NO ({len(diff)} files)'}")
            for p in diff[:5]:
                print(f"  differs: {p}")
        return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], "--profile" in sys.argv[5:], int(sys.argv[4]))
        sys.exit(0)
    sys.exit(main())
