"""Faults (issue 7): a run killed with SIGKILL while indexing, two runs sharing one cache, a
full disk under a report or the cache, an interrupt while writing. Nothing is lost: the next
run uses (or repairs) the cache with no manual step and gives the clean run's answer, and a
report is either the old one or the new one, never half of one, with no temp file left.
"""
from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from srcscan import util
from srcscan.cli import main
from srcscan.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]


BIG = dict(dirs=4, files=30, funcs=30)  # 120 files, about 1 MB: a few seconds to index cold
BIG_FILES = BIG["dirs"] * BIG["files"]


def gen_tree(root: Path, dirs: int = 2, files: int = 20, funcs: int = 25) -> Path:
    """A generated C tree (``dirs`` x ``files`` files of ``funcs`` functions each)."""
    for d in range(dirs):
        for i in range(files):
            p = root / f"d{d}" / f"f{i}.c"
            p.parent.mkdir(parents=True, exist_ok=True)
            out = [f"typedef struct S{d}_{i} {{ int cValue; int cOther; }} S{d}_{i};\n"]
            for k in range(funcs):
                out.append(f"static int f{d}_{i}_{k}(S{d}_{i} *p, int a)\n{{\n    int b = a * {k} + p->cValue;\n"
                           f"    if (b > {k})\n        p->cOther = b;\n    return g_{(i + k) % files}(b);\n}}\n")
            p.write_text("".join(out))
    return root


def env_for(cache: Path | None = None) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT), SRCSCAN_NO_PROGRESS="1")
    env.pop("SRCSCAN_SRC", None)
    if cache is not None:
        env["SRCSCAN_CACHE"] = str(cache)
    return env


def srcscan(*args: str, cache: Path | None = None, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "srcscan", *args], capture_output=True, text=True,
                          env=env_for(cache), timeout=300, **kw)


def normalised(text: str) -> dict:
    doc = json.loads(text)
    for k in ("stats", "warnings"):
        doc.pop(k, None)
    return doc


def fact_rows(db: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM facts").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory):
    return gen_tree(tmp_path_factory.mktemp("gen") / "tree", **BIG)


@pytest.fixture(scope="module")
def clean_answer(big_tree, tmp_path_factory):
    p = srcscan("trace", "cValue", "--all-starts", "--src", str(big_tree), "--no-cache", "-j", "2", "--format", "json")
    assert p.returncode == 0, p.stderr
    return normalised(p.stdout)


def test_sigkill_while_indexing_then_rerun(big_tree, clean_answer, tmp_path):
    """SIGKILL the whole process group (parent and parse workers) once facts are being
    committed; the next run reuses what was committed and answers like a clean run."""
    cache = tmp_path / "cache"
    proc = subprocess.Popen([sys.executable, "-m", "srcscan", "trace", "cValue", "--all-starts", "--src", str(big_tree),
                             "--cache", str(cache), "-j", "2", "--format", "json"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env_for(), start_new_session=True)
    db = cache / "facts.sqlite"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None and fact_rows(db) == 0:
        time.sleep(0.02)
    assert proc.poll() is None, "the run ended before it could be killed: make the generated tree bigger"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL
    committed = fact_rows(db)
    assert 0 < committed < BIG_FILES  # killed mid-index: some facts stored, not all

    again = srcscan("trace", "cValue", "--all-starts", "--src", str(big_tree), "--cache", str(cache), "-j", "2", "--format", "json")
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr and "moved aside" not in again.stderr  # used, not thrown away
    doc = json.loads(again.stdout)
    assert doc["stats"]["reused"] >= committed and doc["stats"]["parsed"] == BIG_FILES - doc["stats"]["reused"]
    assert normalised(again.stdout) == clean_answer
    assert fact_rows(db) == BIG_FILES


def test_sigkill_at_random_moments_never_needs_a_manual_step(tmp_path):
    """Kills at several moments (start-up, parsing, graph building); every next run succeeds."""
    tree = gen_tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    ref = srcscan("trace", "cValue", "--all-starts", "--src", str(tree), "--no-cache", "-j", "1", "--format", "json")
    assert ref.returncode == 0, ref.stderr
    for delay in (0.05, 0.5, 1.2):
        proc = subprocess.Popen([sys.executable, "-m", "srcscan", "trace", "cValue", "--all-starts", "--src", str(tree),
                                 "--cache", str(cache), "-j", "2", "--format", "json"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env_for(),
                                start_new_session=True)
        time.sleep(delay)
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
    p = srcscan("trace", "cValue", "--all-starts", "--src", str(tree), "--cache", str(cache), "-j", "2", "--format", "json")
    assert p.returncode == 0, p.stderr
    assert normalised(p.stdout) == normalised(ref.stdout)


def test_two_concurrent_runs_share_one_cache(tmp_path):
    tree = gen_tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    cmd = [sys.executable, "-m", "srcscan", "trace", "cValue", "--all-starts", "--src", str(tree), "--cache", str(cache), "-j", "1",
           "--format", "json"]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env_for())
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert "Traceback" not in err and "moved aside" not in err and "not usable" not in err, err
    assert normalised(outs[0][0]) == normalised(outs[1][0])
    third = srcscan(*cmd[3:])
    assert third.returncode == 0 and json.loads(third.stdout)["stats"]["parsed"] == 0  # all from the shared cache


# ----------------------------------------------------------------------------- full disk, interrupts


class _FailingFile:
    """A file object that writes the first half of the data, then fails like a full disk."""

    def __init__(self, f, exc):
        self._f, self._exc = f, exc

    def write(self, data):
        self._f.write(data[: len(data) // 2])
        self._f.flush()
        raise self._exc

    def __getattr__(self, name):
        return getattr(self._f, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._f.close()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp") or p.name.startswith("."))


@pytest.mark.parametrize("exc", [OSError(errno.ENOSPC, "No space left on device"),
                                 OSError(errno.EDQUOT, "Disk quota exceeded"), KeyboardInterrupt()],
                         ids=["ENOSPC", "EDQUOT", "interrupt"])
def test_failed_report_write_keeps_the_old_report(tmp_path, capsys, monkeypatch, exc):
    report = tmp_path / "tsc.html"
    report.write_text("old report\n")
    real_fdopen = os.fdopen
    monkeypatch.setattr(util.os, "fdopen", lambda fd, *a, **k: _FailingFile(real_fdopen(fd, *a, **k), exc))
    if isinstance(exc, KeyboardInterrupt):
        assert main(["trace", "cTscTicksPerSecond", "--format", "html", "-o", str(report)]) == 130
    else:
        assert main(["trace", "cTscTicksPerSecond", "--format", "html", "-o", str(report)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1] == f"srcscan: error: --output {report}: {exc.strerror}"
    assert report.read_text() == "old report\n"
    assert _leftovers(tmp_path) == []


def test_failed_fsync_and_rename_leave_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "r.txt"
    target.write_text("old")
    for name in ("fsync", "replace"):
        with monkeypatch.context() as m:
            m.setattr(util.os, name, lambda *a, **k: (_ for _ in ()).throw(OSError(errno.EIO, "Input/output error")))
            with pytest.raises(UsageError, match="Input/output error"):
                util.write_atomic(target, "new")
        assert target.read_text() == "old" and _leftovers(tmp_path) == []


def _can_mount_tmpfs() -> bool:
    if not shutil.which("unshare"):
        return False
    p = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs -o size=64k tmpfs /mnt"], capture_output=True)
    return p.returncode == 0


@pytest.mark.skipif(not _can_mount_tmpfs(), reason="needs unshare -rm and tmpfs (user namespaces)")
def test_real_full_disk(tmp_path):
    """A 64 KiB tmpfs: the HTML report does not fit (old report kept, no temp file, one error
    line), and a cache on the full disk degrades to a warning, the trace still succeeds."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    script = f"""
set -u
mount -t tmpfs -o size=64k tmpfs {mnt}
echo 'old report' > {mnt}/tsc.html
{sys.executable} -m srcscan trace cTscTicksPerSecond --format html -o {mnt}/tsc.html --no-cache 2> {tmp_path}/err1
echo "rc1=$?"
cat {mnt}/tsc.html
ls -A {mnt}
{sys.executable} -m srcscan trace cTscTicksPerSecond --cache {mnt}/c1 > /dev/null 2> {tmp_path}/err2
echo "rc2=$?"
{sys.executable} -m srcscan trace cTscTicksPerSecond --cache {mnt}/c2 > /dev/null 2> {tmp_path}/err3
echo "rc3=$?"
"""
    p = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, env=env_for(), timeout=300)
    out = p.stdout.split("\n")
    assert "rc1=2" in out, p.stdout + p.stderr
    err1 = (tmp_path / "err1").read_text().strip().splitlines()
    assert err1[-1] == f"srcscan: error: --output {mnt}/tsc.html: No space left on device"
    assert "old report" in out and "tsc.html" in out and not any(x.endswith(".tmp") for x in out)
    for n in (2, 3):
        err = (tmp_path / f"err{n}").read_text()
        assert f"rc{n}=0" in out, err
        assert "Traceback" not in err and "moved aside" not in err


# ----------------------------------------------------------------------------- output targets


def test_output_through_a_symlink_replaces_the_target_not_the_link(tmp_path, capsys):
    real = tmp_path / "reports" / "tsc.txt"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.txt"
    link.symlink_to(real)
    assert main(["trace", "cTscTicksPerSecond", "-o", str(link)]) == 0
    assert link.is_symlink() and "cfgm:/TM/TSCTicksPerSecond" in real.read_text()
    assert _leftovers(real.parent) == []


def test_output_into_a_pipe_is_written_not_replaced(tmp_path, capsys):
    """`-o /dev/stdout` or a FIFO: written directly (renaming over it would replace the
    device node or the pipe with a regular file)."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(open(fifo, "rb").read()))
    reader.start()
    assert main(["trace", "cTscTicksPerSecond", "-o", str(fifo)]) == 0
    reader.join(timeout=30)
    assert fifo.is_fifo() and b"cfgm:/TM/TSCTicksPerSecond" in got[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pipe"]


def test_log_each_full_disk_leaves_no_temp_file(tmp_path, capsys, monkeypatch):
    from srcscan.commands import log as log_cmd

    out = tmp_path / "each.txt"
    out.write_text("old")
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, f):
            self._f = f

        def write(self, s):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            self._f.close()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, n):
            return getattr(self._f, n)

    monkeypatch.setattr(log_cmd.os, "fdopen", lambda fd, *a, **k: Full(real_fdopen(fd, *a, **k)))
    code = main(["log", str(ROOT / "srcscan" / "sample" / "VBox.log"), "--each", "-o", str(out)])
    assert code == 2 and "No space left on device" in capsys.readouterr().err
    assert out.read_text() == "old" and _leftovers(tmp_path) == []
