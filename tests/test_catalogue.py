"""The bad-input catalogue (issue 7): every case runs through the real command line and must
end with the documented exit code and ONE error line on stderr (``srcscan: error: ...``), or
succeed with the documented warning; never a traceback, never an ``internal error``.

Other stderr lines are allowed only as srcscan's own status lines (``srcscan: sources: ...``,
``srcscan: warning: ...``). A few cases also run as ``python -m srcscan`` in a child process,
so nothing that only shows outside pytest's capture (an interpreter traceback, a warning at
exit) can hide.

Add a case: append a ``Case`` to CASES: a setup function that builds the input under
``tmp_path`` and returns the argv, the exit code, and a regular expression the error line
(or, for exit 0, a warning line) must match.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pytest

from srcscan.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "srcscan" / "sample" / "tree"
SAMPLE_LOG = ROOT / "srcscan" / "sample" / "VBox.log"
SYM = "cTscTicksPerSecond"


@dataclass
class Case:
    id: str
    setup: Callable[[Path], list[str]]  # builds inputs under tmp_path, returns argv
    code: int
    expect: str  # regex: the error line (code != 0) or a warning line (code 0)
    out: str | None = None  # regex stdout must match (exit 0 cases)
    subprocess: bool = False  # also run as `python -m srcscan` in a child process
    seconds: float = 60.0  # wall-clock bound
    marks: list = field(default_factory=list)


def check_stderr(err: str, code: int, expect: str) -> None:
    assert "Traceback" not in err, err
    assert "internal error" not in err, err
    lines = err.strip().splitlines()
    assert all(line.startswith("srcscan: ") for line in lines), f"stray stderr lines: {err!r}"
    errors = [line for line in lines if line.startswith("srcscan: error:")]
    if code == 0:
        assert not errors, err
        assert any(re.search(expect, line) for line in lines), f"no line matching {expect!r} in {err!r}"
    else:
        assert len(errors) == 1 and lines[-1] == errors[0], f"want exactly one final error line: {err!r}"
        assert re.search(expect, errors[0]), f"{expect!r} not in {errors[0]!r}"
        assert len(errors[0]) < 1000


def run_cli(argv: list[str], capsys) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as e:  # argparse usage errors exit through SystemExit
        code = e.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err


# ----------------------------------------------------------------------------- inputs

def tree(tmp: Path, files: dict[str, bytes | str], name: str = "src") -> Path:
    d = tmp / name
    for rel, data in files.items():
        p = d / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)
    d.mkdir(exist_ok=True)
    return d


GOOD_C = "int gValue;\nvoid set(int v)\n{\n    int w = v * 2;\n    gValue = w;\n}\n"


def nested(kind: str, depth: int = 10_000) -> str:
    if kind == "parens":
        return "int f(void)\n{\n    int x = " + "(" * depth + "1" + ")" * depth + ";\n    return x;\n}\n"
    if kind == "binary":
        return "int f(int a)\n{\n    int x = " + "a + " * depth + "1;\n    return x;\n}\n"
    if kind == "calls":
        return "int g(int);\nint f(int a)\n{\n    int x = " + "g(" * depth + "a" + ")" * depth + ";\n    return x;\n}\n"
    if kind == "blocks":
        return "int f(int a)\n{\n    int x;\n" + "{" * depth + "x = a;" + "}" * depth + "\n    return x;\n}\n"
    raise ValueError(kind)


def big_source(path: Path, size: int) -> None:
    chunk = "".join(f"static int g{i};\nint f{i}(int a) {{ int b = a * {i}; g{i} = b; return b; }}\n"
                    for i in range(200)).encode()
    with open(path, "wb") as f:
        written = 0
        while written < size:
            f.write(chunk)
            written += len(chunk)


def history_repo(tmp: Path) -> Path:
    from histories import make_history

    return make_history(tmp / "repo", n=4, flips={2: "const"}).path


def shallow_clone(tmp: Path) -> tuple[Path, int]:
    from histories import make_history

    h = make_history(tmp / "upstream", n=4, flips={2: "const"})
    dest = tmp / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", h.path.as_uri(), str(dest)], check=True,
                   capture_output=True)
    return dest, h.commits[0].svn


def trace_json(tmp: Path) -> Path:
    out = tmp / "trace.json"
    assert main(["trace", SYM, "--format", "json", "-o", str(out)]) == 0
    return out


def truncated_trace(tmp: Path) -> Path:
    data = trace_json(tmp).read_bytes()
    p = tmp / "truncated.json"
    p.write_bytes(data[: len(data) // 2])
    return p


def other_log(tmp: Path) -> Path:
    p = tmp / "syslog"
    p.write_text("".join(f"Apr  1 12:00:{i % 60:02d} host sshd[{1000 + i}]: Accepted publickey for root\n"
                         for i in range(200)))
    return p


def corrupt_cache(tmp: Path) -> Path:
    c = tmp / "cache"
    c.mkdir()
    (c / "facts.sqlite").write_bytes(b"SQLite format 3\0" + os.urandom(8192))
    return c


def tampered_cache(tmp: Path, *tables: str) -> Path:
    """A cache filled by a real run, then the ``data`` of every row of ``table`` replaced by
    bytes that are neither zlib nor pickle (a bad disk, a foreign writer)."""
    import sqlite3

    c = tmp / "cache"
    for _ in range(2):  # the first trace answers on demand, the second stores the whole graph
        assert main(["trace", SYM, "--cache", str(c), "--format", "json", "-o", str(tmp / "warm.json")]) == 0
    db = sqlite3.connect(c / "facts.sqlite")
    for table in tables:
        if table == "graphs":  # no cached graph: the next run must read (damaged) facts
            db.execute("DELETE FROM graphs")
        else:
            db.execute(f"UPDATE {table} SET data = x'00112233445566778899'")
    db.commit()
    db.close()
    return c


def _w(p: Path, data: bytes | str) -> Path:
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


# ----------------------------------------------------------------------------- the catalogue

CASES = [
    # --- where the sources come from
    Case("src-missing", lambda t: ["trace", SYM, "--src", str(t / "nope")], 2, r"--src .*nope: no such file or folder"),
    Case("src-empty-folder", lambda t: ["trace", SYM, "--src", str(tree(t, {}))], 2, r"no C/C\+\+ sources found$",
         subprocess=True),
    Case("src-only-other-files", lambda t: ["trace", SYM, "--src", str(tree(t, {"README": "x", "a.py": "x"}))], 2,
         r"no C/C\+\+ sources found"),
    Case("src-cpp-is-a-folder", lambda t: ["trace", SYM, "--src", str(tree(t, {"x.cpp/inner.txt": "x"}) / "x.cpp")],
         2, r"no C/C\+\+ sources found"),
    Case("src-folder-named-cpp-beside-good", lambda t: ["trace", "gValue", "--src",
                                                         str(tree(t, {"x.cpp/inner.txt": "x", "a.c": GOOD_C}))],
         0, r"^srcscan: sources:", out=r"gValue"),
    Case("binary-cpp", lambda t: ["trace", SYM, "--src", str(tree(t, {"blob.cpp": b"\x7fELF\x02\x01\x01\0" + os.urandom(60000)}))],
         2, r"no C/C\+\+ sources found \(1 skipped: blob\.cpp: binary data", subprocess=True),
    Case("binary-cpp-beside-good", lambda t: ["trace", "gValue", "--src",
                                               str(tree(t, {"blob.cpp": b"\0\1\2" * 1000, "a.c": GOOD_C}))],
         0, r"warning: blob\.cpp: binary data \(NUL bytes\)", out=r"set:w"),
    Case("source-50MB", lambda t: (big_source(tree(t, {}) / "gen.c", 50 * 1024 * 1024),
                                   ["trace", SYM, "--src", str(t / "src")])[1],
         2, r"no C/C\+\+ sources found \(1 skipped: .*gen\.c: larger than 8 MB; skipped\)", seconds=30),
    Case("source-50MB-beside-good", lambda t: (big_source(tree(t, {"a.c": GOOD_C}) / "gen.c", 50 * 1024 * 1024),
                                               ["trace", "gValue", "--src", str(t / "src")])[1],
         0, r"warning: .*gen\.c: larger than 8 MB; skipped", out=r"gValue", seconds=30),
    Case("nested-10000-parens", lambda t: ["trace", "f:x", "--src", str(tree(t, {"a.c": nested("parens")}))],
         0, r"^srcscan: sources:", out=r"f\(\)", subprocess=True, seconds=30),
    Case("nested-10000-binary", lambda t: ["trace", "f:x", "--src", str(tree(t, {"a.c": nested("binary")}))],
         0, r"^srcscan: sources:", out=r"f:x", seconds=30),
    Case("nested-10000-calls", lambda t: ["trace", "f:x", "--src", str(tree(t, {"a.c": nested("calls")}))],
         0, r"^srcscan: sources:", out=r"f:x", seconds=30),
    Case("nested-10000-blocks", lambda t: ["trace", "gValue", "--src", str(tree(t, {"a.c": nested("blocks") + GOOD_C}))],
         0, r"warning: a\.c:4: blocks nested deeper than 2048 levels; the enclosing block \(lines 2-6\) was skipped",
         out=r"set:w", seconds=30),
    Case("symlink-loop", lambda t: (os.symlink(tree(t, {"a.c": GOOD_C}), t / "src" / "loop"),
                                    ["trace", "gValue", "--src", str(t / "src")])[1],
         0, r"warning: .*loop: symlink loop; skipped", out=r"gValue"),
    Case("symlink-to-itself-as-src", lambda t: (os.symlink(t / "self", t / "self"),
                                                ["trace", SYM, "--src", str(t / "self")])[1],
         2, r"--src .*self: no such file or folder"),
    Case("non-utf8-source", lambda t: ["trace", "gLatin", "--src", str(tree(t, {"a.c": b"/* caf\xe9 \xff\xfe */\nint gLatin;\n"
                                                                                   b"void f(void)\n{\n    int y = gLatin; /* \x80 */\n}\n"}))],
         0, r"^srcscan: sources:", out=r"f:y"),
    Case("utf16-source-with-bom", lambda t: ["trace", "gWide", "--src", str(tree(t, {"a.c": "\ufeffint gWide;\nvoid f(void)\n{\n    int y = gWide;\n}\n".encode("utf-16-le")}))],
         0, r"^srcscan: sources:", out=r"f:y"),
    Case("utf16-source-without-bom", lambda t: ["trace", "gWide", "--src", str(tree(t, {"a.c": "int gWide;\n".encode("utf-16-le")}))],
         2, r"binary data \(NUL bytes\)"),
    # --- what is asked
    Case("unknown-symbol", lambda t: ["trace", "cTscTicksPerSecnd"], 1,
         r"no value named 'cTscTicksPerSecnd' in bundled sample tree; did you mean: cTscTicksPerSecond", subprocess=True),
    Case("unknown-to-target", lambda t: ["trace", SYM, "--to", "u32NoSuchThing"], 1, r"no value named 'u32NoSuchThing'"),
    Case("empty-symbol", lambda t: ["trace", "  "], 2, r"empty symbol"),
    Case("symbol-with-path-separators", lambda t: ["trace", "../../etc/passwd", "--format", "html"], 1,
         r"no value named '\.\./\.\./etc/passwd'"),
    # --- revisions
    Case("unknown-revision", lambda t: ["trace", SYM, "--src", str(history_repo(t)), "--rev", "no-such-branch"], 2,
         r"no-such-branch: unknown revision in "),
    Case("rev-r0", lambda t: ["trace", SYM, "--src", str(history_repo(t)), "--rev", "r0"], 2, r"r0: svn revisions start at r1"),
    Case("rev-r-5", lambda t: ["trace", SYM, "--src", str(history_repo(t)), "--rev", "r-5"], 2, r"r-5: svn revisions start at r1"),
    Case("rev-svn-number-absent", lambda t: ["trace", SYM, "--src", str(history_repo(t)), "--rev", "r999999"], 2,
         r"no commit on the first-parent line of HEAD carries svn revision 999999"),
    Case("rev-looks-like-an-option", lambda t: ["trace", SYM, "--src", str(history_repo(t)), "--rev=--output=/tmp/x"],
         2, r"'--output=/tmp/x': not a revision"),
    Case("git-dir-not-a-repository", lambda t: (tree(t, {".git/HEAD": "garbage\n", "a.c": GOOD_C}),
                                                ["trace", "gValue", "--src", str(t / "src"), "--rev", "HEAD"])[1],
         2, r"not inside a git repository"),
    Case("rev-outside-any-repository", lambda t: ["trace", "gValue", "--src", str(tree(t, {"a.c": GOOD_C})), "--rev", "HEAD"],
         2, r"not inside a git repository"),
    Case("shallow-clone-lacks-revision", lambda t: (lambda d, n: ["trace", SYM, "--src", str(d), "--rev", f"r{n}"])(*shallow_clone(t)),
         2, r"the clone is shallow: run 'git fetch --unshallow'"),
    Case("diff-unknown-symbol", lambda t: ["diff", "cTscTicksPerSecnd", "HEAD~1", "HEAD", "--src", str(history_repo(t))],
         1, r"no value named 'cTscTicksPerSecnd'.*did you mean: cTscTicksPerSecond"),
    Case("history-range-malformed", lambda t: ["history", SYM, "--src", str(history_repo(t)), "--range", "r1"], 2,
         r"--range 'r1': write it as A\.\.B"),
    Case("svn-working-copy-missing", lambda t: ["trace", SYM, "--svn", str(t / "no-wc")], 2, r"no such svn working copy"),
    # --- the cache
    Case("corrupt-cache-file", lambda t: ["trace", SYM, "--cache", str(corrupt_cache(t))], 0,
         r"warning: cache .*facts\.sqlite was unreadable \(file is not a database\); moved aside and rebuilt",
         out=r"cfgm:/TM/TSCTicksPerSecond", subprocess=True),
    Case("cache-fact-rows-tampered", lambda t: ["trace", SYM, "--cache", str(tampered_cache(t, "facts", "blobs", "graphs")), "-j", "1"], 0,
         r"warning: \d+ cache entries were damaged; re-parsed and replaced", out=r"cfgm:/TM/TSCTicksPerSecond"),
    Case("cache-graph-evidence-tampered",
         lambda t: ["trace", SYM, "--cache", str(tampered_cache(t, "graph_evidence"))], 0,
         r"warning: the cached flow graph is damaged .*; rebuilt the flow graph", out=r"cfgm:/TM/TSCTicksPerSecond"),
    Case("cache-folder-is-a-file", lambda t: ["trace", SYM, "--cache", str(_w(t / "cachefile", "x"))], 2,
         r"cache folder .*cachefile: "),
    # --- saved traces
    Case("report-truncated-json", lambda t: ["report", str(truncated_trace(t))], 2, r"truncated\.json: invalid JSON at line",
         subprocess=True),
    Case("report-empty-file", lambda t: ["report", str(_w(t / "e.json", ""))], 2, r"empty file, not a JSON trace"),
    Case("report-not-a-trace", lambda t: ["report", str(_w(t / "a.json", "[1, 2]"))], 2, r"not a srcscan trace"),
    Case("report-binary", lambda t: ["report", str(_w(t / "b.json", b"\xff\xfe\0\1" * 100))], 2, r"b\.json: "),
    Case("report-missing", lambda t: ["report", str(t / "none.json")], 2, r"none\.json: cannot read"),
    # --- logs
    Case("log-empty", lambda t: ["log", str(_w(t / "VBox.log", ""))], 2, r"VBox\.log: empty log file"),
    Case("drift-empty-log", lambda t: ["drift", str(_w(t / "VBox.log", "")), "--actual-hz", "3400109000"], 2,
         r"VBox\.log: empty log file"),
    Case("log-from-another-program", lambda t: ["log", str(other_log(t))], 2, r"syslog: not a VBox\.log", subprocess=True),
    Case("drift-log-from-another-program", lambda t: ["drift", str(other_log(t))], 2, r"syslog: not a VBox\.log"),
    Case("trace-log-from-another-program", lambda t: ["trace", SYM, "--log", str(other_log(t))], 2, r"not a VBox\.log"),
    Case("log-binary", lambda t: ["log", str(_w(t / "VBox.log", os.urandom(20000)))], 2, r"not a VBox\.log"),
    Case("log-is-a-folder", lambda t: ["drift", str(t)], 2, r"is a folder, not a log file"),
    Case("log-bad-gzip", lambda t: ["log", str(_w(t / "VBox.log.gz", b"\x1f\x8b\x08garbage"))], 2, r"VBox\.log\.gz: "),
    Case("drift-bad-frequency", lambda t: ["drift", str(SAMPLE_LOG), "--actual-hz", "nan"], 2,
         r"--actual-hz 'nan': .*not a plausible TSC frequency"),
    # --- output
    Case("output-into-missing-folder", lambda t: ["trace", SYM, "-o", str(t / "no" / "such" / "r.txt")], 2,
         r"--output .*r\.txt: folder .*such does not exist"),
    Case("output-over-a-folder", lambda t: ["trace", SYM, "-o", str(t)], 2, r"--output .*: is a folder"),
    Case("report-output-over-a-folder", lambda t: ["report", str(trace_json(t)), "-f", "html", "-o", str(t)], 2,
         r"is a folder"),
    Case("log-each-output-over-a-folder", lambda t: ["log", str(SAMPLE_LOG), "--each", "-o", str(t)], 2,
         r"is a folder"),
    # --- options
    Case("bad-format", lambda t: ["trace", SYM, "--format", "pdf"], 2, r"trace: argument --format/-f: invalid choice: 'pdf'",
         subprocess=True),
    Case("log-bad-format", lambda t: ["log", str(SAMPLE_LOG), "--format", "html"], 2, r"invalid choice: 'html'"),
    Case("conflicting-drift-options", lambda t: ["drift", str(SAMPLE_LOG), "--actual-hz", "1e9", "--guest-dmesg", "x"], 2,
         r"not allowed with argument --actual-hz"),
    Case("conflicting-svn-and-src", lambda t: ["trace", SYM, "--svn", "file:///x", "--src", str(SAMPLE)], 2,
         r"--svn and --src cannot be combined"),
    Case("conflicting-each-and-json", lambda t: ["log", str(SAMPLE_LOG), "--each", "--format", "json"], 2,
         r"--each prints text"),
    Case("bad-jobs", lambda t: ["trace", SYM, "-j", "many"], 2, r"invalid int value: 'many'"),
    Case("unknown-command", lambda t: ["tracee", SYM], 2, r"invalid choice: 'tracee'"),
    Case("unknown-option", lambda t: ["drift", str(SAMPLE_LOG), "--src", "x"], 2,
         r"drift: unrecognized arguments: --src x \(see 'srcscan drift --help'\)"),
    Case("missing-argument", lambda t: ["trace"], 2, r"required: SYMBOL"),
    Case("clone-ext-transport", lambda t: ["clone", "--", "ext::sh -c touch% /tmp/pwned", str(t / "x")], 2, r"refused"),
]


def _params():
    out = []
    for c in CASES:
        out.append(pytest.param(c, id=c.id, marks=c.marks))
    return out


def test_catalogue_size():
    assert len(CASES) >= 25 and len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", _params())
def test_case(case: Case, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)  # nothing may be written into the working folder
    work = tmp_path / "in"
    work.mkdir()
    argv = case.setup(work)
    capsys.readouterr()
    before = set(os.listdir(tmp_path))
    t0 = time.perf_counter()
    code, out, err = run_cli(argv, capsys)
    took = time.perf_counter() - t0
    assert code == case.code, f"exit {code}, want {case.code}: {err!r}"
    check_stderr(err, code, case.expect)
    if case.out is not None:
        assert re.search(case.out, out), out[:2000]
    assert took < case.seconds, f"took {took:.1f} s"
    assert set(os.listdir(tmp_path)) == before, "files appeared in the working folder"


SUBPROCESS = [c for c in CASES if c.subprocess]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in SUBPROCESS])
def test_case_in_child_process(case: Case, tmp_path):
    """No traceback, no interpreter noise at exit, whatever pytest would have swallowed."""
    work = tmp_path / "in"
    work.mkdir()
    argv = case.setup(work)
    env = dict(os.environ, PYTHONPATH=str(ROOT), SRCSCAN_NO_PROGRESS="1", SRCSCAN_CACHE=str(tmp_path / "cache-child"))
    env.pop("SRCSCAN_SRC", None)
    p = subprocess.run([sys.executable, "-m", "srcscan", *argv], capture_output=True, text=True, env=env,
                       cwd=tmp_path, timeout=case.seconds * 2)
    assert p.returncode == case.code, p.stderr
    check_stderr(p.stderr, p.returncode, case.expect)


def test_unreadable_folder_and_file(tmp_path, capsys, monkeypatch):
    """Unreadable --src entries are skipped with a warning (root ignores permissions, so the
    refusals are simulated when running as root)."""
    src = tree(tmp_path, {"locked/a.c": GOOD_C, "b.c": "int gOther;\nvoid g(void)\n{\n    int z = gOther;\n}\n", "c.c": GOOD_C.replace("gValue", "gThird")})
    locked, unreadable = src / "locked", src / "c.c"
    locked.chmod(0)
    unreadable.chmod(0)
    try:
        if os.geteuid() == 0:
            import builtins

            real_scandir, real_open = os.scandir, builtins.open

            def scandir(p="."):
                if Path(p) == locked:
                    raise PermissionError(13, "Permission denied", str(p))
                return real_scandir(p)

            def fake_open(file, *a, **k):
                if isinstance(file, (str, os.PathLike)) and Path(file) == unreadable:
                    raise PermissionError(13, "Permission denied", str(file))
                return real_open(file, *a, **k)

            monkeypatch.setattr(os, "scandir", scandir)
            monkeypatch.setattr(builtins, "open", fake_open)
        code, out, err = run_cli(["trace", "gOther", "--src", str(src), "--no-cache"], capsys)
        assert code == 0, err
        check_stderr(err, 0, r"warning: .*locked: Permission denied; skipped")
        assert re.search(r"warning: c\.c: unreadable \(Permission denied\); skipped", err), err
        # nothing readable at all: one error line that says why
        code, out, err = run_cli(["trace", "gOther", "--src", str(locked), "--no-cache"], capsys)
        assert code == 2
        check_stderr(err, 2, r"no C/C\+\+ sources found \(1 skipped: .*locked: Permission denied")
    finally:
        locked.chmod(0o755)
        unreadable.chmod(0o644)


def test_symbol_names_never_become_file_names(tmp_path, capsys, monkeypatch):
    """No command derives a file name from a symbol: hostile symbols with path separators
    write nothing anywhere (only -o FILE is ever written, and exactly there)."""
    monkeypatch.chdir(tmp_path)
    src = tree(tmp_path, {"a.c": GOOD_C})
    before = sorted(p for p in tmp_path.rglob("*"))
    for sym in ("../../evil", "/tmp/evil-srcscan", "a/b\\c", "..", "gValue/../../x"):
        for fmt in ("text", "html", "json"):
            code, out, err = run_cli(["trace", sym, "--src", str(src), "--format", fmt, "--no-cache"], capsys)
            assert code == 1
            check_stderr(err, 1, "no value named")
    assert sorted(p for p in tmp_path.rglob("*")) == before
    assert not Path("/tmp/evil-srcscan").exists()
