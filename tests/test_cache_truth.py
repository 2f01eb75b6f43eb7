"""The cache tells the truth (issue 32, item 1): a file edited while srcscan reads it never
leaves facts of one version stored under the content key of another. Every row of the cache
is checked against a fresh parse of the bytes its key names."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from srcscan.cli import main
from srcscan.extract.cache import decode
from srcscan.extract.nesting import extract_bounded
from srcscan.sources import snapshot as snapmod
from srcscan.sources.snapshot import content_key

ROOT = Path(__file__).resolve().parents[1]


def version(i: int, v: str) -> bytes:
    """File ``i`` in version ``v``: its functions are named after the version."""
    return "".join(f"int g{v}{i}_{k};\nvoid f{v}{i}_{k}(int a)\n{{\n    int b = a + {k};\n    g{v}{i}_{k} = b;\n}}\n"
                   for k in range(6)).encode()


def make_tree(root: Path, n: int, v: str = "A") -> dict[str, bytes]:
    """``n`` files in version ``v``; returns content key -> bytes for both versions."""
    known = {}
    for i in range(n):
        p = root / f"f{i}.c"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(version(i, v))
        for w in "AB":
            known[content_key(version(i, w))] = version(i, w)
    return known


def check_cache_against_fresh_parse(cache: Path, known: dict[str, bytes]) -> int:
    """Every facts row: its key is the hash of bytes we wrote, its record carries that key, and
    its functions are those a fresh parse of those bytes finds. Returns the rows checked."""
    db = sqlite3.connect(cache / "facts.sqlite")
    rows = db.execute("SELECT key, data FROM facts").fetchall()
    db.close()
    for key, data in rows:
        assert key in known, f"a row under a key of bytes never written: {key}"
        ff = decode(data)
        assert ff.key == key
        fresh = extract_bounded(ff.path, known[key], key)
        assert sorted(f.name for f in ff.functions) == sorted(f.name for f in fresh.functions), \
            f"{ff.path}: facts of another version stored under {key}"
    return len(rows)


def edit_after_listing(monkeypatch, edit):
    """Run ``edit()`` once, right after the first listing of a folder's files (hashed, not yet
    parsed); returns the real ``DirSnapshot.files`` to put back."""
    real_files = snapmod.DirSnapshot.files
    done = []

    def files_then_edit(self):
        out = real_files(self)
        if not done:
            done.append(1)
            edit()
        return out

    monkeypatch.setattr(snapmod.DirSnapshot, "files", files_then_edit)
    return real_files


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_file_edited_after_listing_is_keyed_by_the_bytes_parsed(jobs, tmp_path, capsys, monkeypatch):
    """Each file is rewritten from version A to version B right after srcscan listed (hashed)
    it and before it is parsed: the cache must hold B's facts under B's key only, and a later
    trace of version A (same bytes as the first listing) must answer from A."""
    src, cache = tmp_path / "src", tmp_path / "cache"
    n = 30  # past PARALLEL_MIN_FILES: -j 2 parses in worker processes
    known = make_tree(src, n)
    real_files = edit_after_listing(monkeypatch, lambda: [(src / f"f{i}.c").write_bytes(version(i, "B"))
                                                          for i in range(n)])
    assert main(["index", "--src", str(src), "--cache", str(cache), "-j", jobs]) == 0
    monkeypatch.setattr(snapmod.DirSnapshot, "files", real_files)
    assert check_cache_against_fresh_parse(cache, known) == n
    db = sqlite3.connect(cache / "facts.sqlite")
    keys = {k for (k,) in db.execute("SELECT key FROM facts")}
    db.close()
    assert keys == {content_key(version(i, "B")) for i in range(n)}
    # version A again (the bytes first listed): their facts, not B's
    make_tree(src, n, "A")
    capsys.readouterr()
    assert main(["trace", "gA3_2", "--src", str(src), "--cache", str(cache), "-j", jobs]) == 0
    assert "fA3_2:b" in capsys.readouterr().out
    check_cache_against_fresh_parse(cache, known)


def test_trace_of_a_file_edited_after_listing_caches_a_graph_of_what_it_parsed(tmp_path, capsys, monkeypatch):
    """The flow graph cached after an edit during the parse is keyed by the bytes parsed: the
    next run (on the new bytes) reuses it and answers the same; a run on the old bytes does
    not get the new bytes' graph."""
    src, cache = tmp_path / "src", tmp_path / "cache"
    make_tree(src, 3)
    real_files = edit_after_listing(monkeypatch, lambda: (src / "f1.c").write_bytes(version(1, "B")))
    args = ["--src", str(src), "--cache", str(cache), "--scope", "full"]
    assert main(["index", "--graph", *args[:4]]) == 0
    monkeypatch.setattr(snapmod.DirSnapshot, "files", real_files)
    capsys.readouterr()
    assert main(["trace", "gB1_2", *args]) == 0
    assert "fB1_2:b" in capsys.readouterr().out
    (src / "f1.c").write_bytes(version(1, "A"))
    assert main(["trace", "gA1_2", *args]) == 0
    assert "fA1_2:b" in capsys.readouterr().out


def test_files_rewritten_during_a_parallel_index(tmp_path):
    """A real race: a thread rewrites files between the two versions while ``index -j 2`` runs;
    whatever it read, every cached row must be the facts of the bytes its key names."""
    src, cache = tmp_path / "src", tmp_path / "cache"
    n = 60
    known = make_tree(src, n)
    stop = threading.Event()

    def churn():
        k = 0
        while not stop.is_set():
            i = k % n
            tmp = src / f".f{i}.tmp"  # whole versions only (rename): every read is A or B
            tmp.write_bytes(version(i, "AB"[(k // n) % 2 == 0]))
            os.replace(tmp, src / f"f{i}.c")
            k += 1
            time.sleep(0.0005)

    env = dict(os.environ, PYTHONPATH=str(ROOT), SRCSCAN_NO_PROGRESS="1")
    env.pop("SRCSCAN_SRC", None)
    t = threading.Thread(target=churn)
    t.start()
    try:
        for _ in range(3):
            p = subprocess.run([sys.executable, "-m", "srcscan", "index", "--src", str(src), "--cache", str(cache),
                                "-j", "2"], capture_output=True, text=True, env=env, timeout=300)
            assert p.returncode == 0, p.stderr
    finally:
        stop.set()
        t.join()
    assert check_cache_against_fresh_parse(cache, known) >= n


def test_a_row_holding_another_keys_record_is_re_parsed(tmp_path, capsys):
    """Two rows' records swapped (a foreign writer, an old srcscan that stored by a stale key):
    each record names its own key, so both are noticed, re-parsed and replaced, with one
    warning; the answer is that of the files as they are."""
    src, cache = tmp_path / "src", tmp_path / "cache"
    known = make_tree(src, 2)
    assert main(["index", "--src", str(src), "--cache", str(cache)]) == 0
    db = sqlite3.connect(cache / "facts.sqlite")
    (k0, d0), (k1, d1) = db.execute("SELECT key, data FROM facts").fetchall()
    db.execute("UPDATE facts SET data = ? WHERE key = ?", (d1, k0))
    db.execute("UPDATE facts SET data = ? WHERE key = ?", (d0, k1))
    db.commit()
    db.close()
    capsys.readouterr()
    assert main(["trace", "gA0_2", "--src", str(src), "--cache", str(cache), "--scope", "full"]) == 0
    out, err = capsys.readouterr()
    assert "fA0_2:b" in out
    assert [ln for ln in err.splitlines() if "warning" in ln] == \
        ["srcscan: warning: 2 cache entries were damaged; re-parsed and replaced"], err
    assert check_cache_against_fresh_parse(cache, known) == 2
