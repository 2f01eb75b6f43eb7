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
    stdin: bytes | None = None  # what the command reads as standard input (`-`)


def check_stderr(err: str, code: int, expect: str) -> None:
    assert "Traceback" not in err, err
    assert "internal error" not in err, err
    lines = err.strip().splitlines()
    assert all(line.startswith("srcscan: ") for line in lines), f"stray stderr lines: {err!r}"
    errors = [line for line in lines if line.startswith("srcscan: error:")]
    if code == 0:
        assert not errors, err
        assert not expect or any(re.search(expect, line) for line in lines), f"no line matching {expect!r} in {err!r}"
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


DROP_KEPT_ANSWERS = "DELETE FROM blobs WHERE name LIKE 'trace-doc:%' OR name LIKE 'whynot-doc:%'"


def tampered_cache(tmp: Path, *tables: str) -> Path:
    """A cache filled by a real run, then the ``data`` of every row of ``table`` replaced by
    bytes that are neither zlib nor pickle (a bad disk, a foreign writer)."""
    import sqlite3

    c = tmp / "cache"
    # a trace answers on demand (its functions kept as fragments); index --graph stores the whole graph
    assert main(["trace", SYM, "--cache", str(c), "--format", "json", "-o", str(tmp / "warm.json")]) == 0
    assert main(["index", "--graph", "--cache", str(c)]) == 0
    db = sqlite3.connect(c / "facts.sqlite")
    db.execute(DROP_KEPT_ANSWERS)  # (the next run reads the stored graph and facts, not the answer kept)
    for table in tables:
        if table == "graphs":  # no cached graph: the next run must read (damaged) facts
            db.execute("DELETE FROM graphs")
        else:
            db.execute(f"UPDATE {table} SET data = x'00112233445566778899'")
    db.commit()
    db.close()
    return c


def cache_after_sql(tmp: Path, sql: str, why_not: bool = False) -> Path:
    """A cache filled by real runs (the whole graph stored; with ``why_not`` its why-not
    record too), then changed by ``sql``: damaged rows, records and tables of each kind."""
    import sqlite3

    c = tmp / "cache"
    assert main(["trace", SYM, "--cache", str(c), "--format", "json", "-o", str(tmp / "warm.json")]) == 0
    assert main(["index", "--graph", "--cache", str(c)]) == 0
    if why_not:
        assert main(["why-not", SYM, "cTSCTicksPerSecond", "--cache", str(c), "-o", str(tmp / "whynot.txt")]) == 0
    db = sqlite3.connect(c / "facts.sqlite")
    db.execute(DROP_KEPT_ANSWERS)
    db.executescript(sql)
    db.commit()
    db.close()
    return c


def history_cache_with_kept_answers(tmp: Path, data: str) -> list[str]:
    """argv of a history run whose cache holds kept trace answers replaced by ``data`` (SQL)."""
    import sqlite3

    repo, c = history_repo(tmp), tmp / "cache"
    argv = ["history", SYM, "--range", "r55000..r55021", "--src", str(repo), "--cache", str(c)]
    assert main([*argv, "-o", str(tmp / "first.txt")]) == 0
    db = sqlite3.connect(c / "facts.sqlite")
    assert db.execute(f"UPDATE blobs SET data = {data} WHERE name LIKE 'trace-result:%'").rowcount > 0
    db.commit()
    db.close()
    return argv


def cache_with_damaged_bodies(tmp: Path) -> Path:
    """A cache whose records decode, but hold function bodies that do not (found only when a
    graph is built from them)."""
    import sqlite3

    from srcscan.extract.cache import decode, encode

    c = cache_after_sql(tmp, "DELETE FROM graphs")
    db = sqlite3.connect(c / "facts.sqlite")
    n = 0
    for key, version, data in db.execute("SELECT key, version, data FROM facts").fetchall():
        ff = decode(data)
        bad = [fn for fn in ff.functions if "_body" in fn.__dict__ and fn.name in ("gimR3KvmUpdateSystemTime", "TMR3Init")]
        for fn in bad:
            fn.__dict__["_body"] = b"\x80\x05garbage"
        if bad:
            db.execute("UPDATE facts SET data = ? WHERE key = ? AND version = ?", (encode(ff), key, version))
            n += 1
    db.commit()
    db.close()
    assert n == 2
    return c


def _w(p: Path, data: bytes | str) -> Path:
    p.write_bytes(data.encode() if isinstance(data, str) else data)
    return p


# ----------------------------------------------------------------------------- issue 16 inputs

def latin1_named(tmp: Path) -> Path:
    """A tree whose only file name is not UTF-8 (b'caf\\xe9.c')."""
    d = tree(tmp, {})
    (d / os.fsdecode(b"caf\xe9.c")).write_text(GOOD_C)
    return d


def deep_json(tmp: Path, depth: int = 100_000) -> Path:
    return _w(tmp / "deep.json", "[" * depth + "]" * depth)


def retyped_trace(tmp: Path, change: Callable[[dict], None]) -> Path:
    """A real saved trace with one field given a wrong type (still passes the old checks)."""
    import json

    doc = json.loads(trace_json(tmp).read_text())
    change(doc)
    return _w(tmp / "retyped.json", json.dumps(doc))


def _set(path: str, value):
    """change(doc): doc[...path...] = value, path like 'nodes.0.values'."""
    def change(doc):
        *head, last = path.split(".")
        d = doc
        for k in head:
            d = d[int(k)] if isinstance(d, list) else d[k]
        d[int(last) if isinstance(d, list) else last] = value
    return change


def edited_log(tmp: Path, old: str, new: str, name: str = "VBox.log") -> Path:
    text = SAMPLE_LOG.read_text(encoding="utf-8", errors="surrogateescape")
    assert old in text
    return _w(tmp / name, text.replace(old, new).encode("utf-8", "surrogateescape"))


def damaged_repo(tmp: Path) -> Path:
    """A history repository whose blob of GIMKvm.cpp (at HEAD) is overwritten with garbage."""
    h = history_repo(tmp)
    sha = subprocess.run(["git", "-C", str(h), "rev-parse", "HEAD:src/VBox/VMM/VMMR3/GIMKvm.cpp"],
                         capture_output=True, text=True, check=True).stdout.strip()
    obj = h / ".git" / "objects" / sha[:2] / sha[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"garbage")
    return h


def corrupt_pack_repo(tmp: Path) -> Path:
    """A history repository packed by `git gc`, with the bytes of HEAD's TM.cpp blob damaged
    inside the pack (the other blobs intact)."""
    h = history_repo(tmp)
    git = ["git", "-C", str(h)]
    subprocess.run([*git, "gc", "-q"], check=True, capture_output=True)
    sha = subprocess.run([*git, "rev-parse", "HEAD:src/VBox/VMM/VMMR3/TM.cpp"], capture_output=True, text=True,
                         check=True).stdout.strip()
    pack = next((h / ".git" / "objects" / "pack").glob("*.pack"))
    rows = subprocess.run([*git, "verify-pack", "-v", str(pack.with_suffix(".idx"))], capture_output=True, text=True,
                          check=True).stdout.splitlines()
    _, kind, _, packed, offset, *rest = next(r.split() for r in rows if r.startswith(sha))
    assert kind == "blob" and not rest, "TM.cpp should be stored whole"
    pack.chmod(0o644)
    data = bytearray(pack.read_bytes())
    for i in range(int(offset) + 8, int(offset) + int(packed) - 2):
        data[i] ^= 0xFF
    pack.write_bytes(bytes(data))
    return h


def fifo(tmp: Path) -> Path:
    p = tmp / "pipe"
    os.mkfifo(p)
    return p


def gzip_of(tmp: Path, name: str, chunk: bytes, count: int, level: int = 1) -> Path:
    import zlib

    p = tmp / name
    c = zlib.compressobj(level, zlib.DEFLATED, 31)  # gzip framing
    with open(p, "wb") as f:
        for _ in range(count):
            f.write(c.compress(chunk))
        f.write(c.flush())
    return p


NESTED_BESIDE_GOOD = {  # kind -> (C text nested past its limit, the line the warning names)
    "parens-100000": ("int f(void)\n{\n    int x = " + "(" * 100_000 + "1" + ")" * 100_000 + ";\n    return x;\n}\n", 3),
    "calls-50000": ("int g(int);\nint f(int a)\n{\n    int x = " + "g(" * 50_000 + "a" + ")" * 50_000
                    + ";\n    return x;\n}\n", 4),
    "if-groups-20000": ("int f(int a)\n{\n    int x;\n" + "#if A\n" * 20_000 + "x = a;\n" + "#endif\n" * 20_000
                        + "    return x;\n}\n", 260),
    "else-if-20000": ("int f(int a)\n{\n    int x;\n" + "if (a) x = a; else " * 20_000 + "x = 1;\n    return x;\n}\n", 4),
    "unbraced-loops-4000": ("int f(int a)\n{\n    int x;\n" + "while (a) " * 4000 + "x = a;\n    return x;\n}\n", 4),
    "ternary-4000": ("int f(int a)\n{\n    int x = " + "a ? a : " * 4000 + "1;\n    return x;\n}\n", 3),
    "if-blocks-4000": ("int f(int a)\n{\n    int x;\n" + "if (a) {" * 4000 + "x = a;" + "}" * 4000 + "\n    return x;\n}\n", 4),
}


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
    *[Case(f"cache-{name}", (lambda sql, argv, w: lambda t: [*argv, "--cache", str(cache_after_sql(t, sql, w))])(
              sql, argv, "why-not" in argv), code, expect, out=out)
      for name, sql, argv, code, expect, out in [
          ("graph-node-attrs-damaged", "UPDATE gnodes SET attrs = 'garbage{'", ["trace", SYM], 0,
           r"warning: the cached flow graph is damaged \(attributes of .*\); rebuilt the flow graph",
           r"cfgm:/TM/TSCTicksPerSecond"),
          ("graph-node-keys-damaged", "UPDATE gnodes SET key = 'x' || key", ["trace", SYM], 0,
           r"warning: the cached flow graph is damaged \(node table and ids disagree", r"cfgm:/TM/TSCTicksPerSecond"),
          ("whynot-record-garbage", "UPDATE blobs SET data = x'00112233' WHERE name LIKE 'whynot%'",
           ["why-not", SYM, "cTSCTicksPerSecond"], 0, r"warning: the cached why-not record was damaged .*; rebuilt and replaced",
           None),
          ("whynot-record-text", "UPDATE blobs SET data = '{\"a\": 1}' WHERE name LIKE 'whynot%'",
           ["why-not", SYM, "cTSCTicksPerSecond"], 0, r"warning: the cached why-not record was damaged .*; rebuilt and replaced",
           None),
          ("foreign-graphs-table", "DROP TABLE graphs; CREATE TABLE graphs (x TEXT)", ["index", "--graph"], 0,
           r"warning: the cache's graph tables were not srcscan's \(graphs: other columns\); dropped and rebuilt",
           r"flow graph: \d+ nodes"),
      ]],
    Case("output-is-the-cache-database", lambda t: ["trace", SYM, "--cache", str(cache_after_sql(t, "")), "-o",
                                                     str(t / "cache" / "facts.sqlite")], 2,
         r"--output .*facts\.sqlite: is also an input \(the fact cache in use\); refusing to overwrite it"),
    Case("to-names-the-start", lambda t: ["trace", SYM, "--to", SYM], 2,
         r"--to 'cTscTicksPerSecond' names the value the trace starts from"),
    *[Case(f"config-{name}", (lambda argv: lambda t: ["trace", SYM, *argv])(argv), 2, expect)
      for name, argv, expect in [
          ("exclusive-defines", ["-D", "IN_RING3", "-D", "IN_RING0"],
           r"-D IN_RING3 and -D IN_RING0: only one of IN_RING3, IN_RING0, IN_RC is defined in any build"),
          ("define-and-undef", ["-D", "X", "-U", "X"], r"-D X and -U X contradict each other"),
          ("empty-define", ["-D", ""], r"-D '': '' is not a macro name"),
          ("define-with-space", ["-D", "A B=1"], r"-D 'A B=1': 'A B' is not a macro name"),
      ]],
    Case("clone-empty-repository", lambda t: (subprocess.run(["git", "init", "-q", "--bare", str(t / "empty.git")],
                                                              check=True),
                                               ["clone", (t / "empty.git").as_uri(), "clonedest"])[1], 2,
         r"empty\.git: the repository is empty \(no commits\); nothing cloned"),  # (and ./clonedest not left)
    Case("corrupt-pack-name-in-the-bad-blob", lambda t: ["trace", "TMR3Init:u64Hz", "--src", str(corrupt_pack_repo(t)),
                                                          "--rev", "HEAD", "-j", "1"], 2,
         r"no value named 'TMR3Init:u64Hz', but 1 file\(s\) cannot be read from the repository "
         r"\(src/VBox/VMM/VMMR3/TM\.cpp\); the repository is damaged"),
    *[Case(f"construct-{name}", (lambda sym, text: lambda t: ["trace", sym, "--src", str(tree(t, {"a.c": text}))])(
              sym, text),
           0, expect, out=out)
      for name, sym, text, expect, out in [
          ("k-and-r", "gKR", "int gKR;\nint set(v)\nint v;\n{\n    int w = v * 2;\n    gKR = w;\n    return w;\n}\n"
                             "void caller(int a)\n{\n    set(a);\n}\n", "", r"caller#0 \(a\) -> set#0 \(v\) -> set:w -> gKR"),
          ("k-and-r-two-lists", "gKR", "int gKR;\nint set(a, b)\nint a;\nlong b;\n{\n    gKR = a + b;\n}\n", "",
           r"set#1 \(b\).*a\.c:6"),
          ("digraphs", "gDi", "int gDi;\nvoid setd(int v)\n<%\n    int w = v * 2;\n    gDi = w;\n%>\n", "",
           r"setd#0 \(v\) -> setd:w -> gDi"),
          ("brace-macros", "gBr", "#define BEGIN {\n#define END }\nint gBr;\nvoid setb(int v)\nBEGIN\n    int w = v * 2;\n"
                                  "    gBr = w;\nEND\n", "", r"setb#0 \(v\) -> setb:w -> gBr"),
          ("split-identifier", "gCont", "int gCont;\nvoid setc(int v)\n{\n    int w = v * 2;\n    gCo\\\nnt = w;\n}\n",
           "", r"setc:w  \[local\]  a\.c:5"),
          ("cr-line-ends", "gCR", "int gCR;\r// a comment\rvoid setr(int v)\r{\r    int w = v * 2;\r    gCR = w;\r}\r", "",
           r"setr:w  \[local\]  a\.c:6"),
          ("k-and-r-too-long", "gKR", "int gKR;\nint f(a,b,c) char *a,*b,*c; {\n    gKR = *a;\n}\nvoid g(int v)\n{\n    gKR = v;\n}\n",
           r"warning: a\.c:2: K&R definition of f\(\) has a parameter list too long to respell; its parameters are not "
           r"followed", None),
      ]],
    *[Case(f"cache-kept-answer-{name}", (lambda data: lambda t: history_cache_with_kept_answers(t, data))(data), 0,
           r"warning: a kept trace answer in the cache was damaged; traced again and replaced", out=r"1 change\(s\)")
      for name, data in [("text", "'{\"nodes\": 5}'"), ("garbage", "x'00112233'"), ("wrong-json", "'[1, 2]'")]],
    Case("report-millions-of-tiny-values", lambda t: ["report", str(_w(t / "flood.json", b"[" + b",".join([b"{}"] * 9_000_000)
                                                                          + b"]")), "-f", "text"], 2,
         r"flood\.json: about \d+ JSON values, more than a srcscan trace holds \(8000000\); not decoded", seconds=20),
    Case("stats-top-negative", lambda t: ["stats", "--top", "-1"], 2, r"--top -1: give 0 or more files to list"),
    Case("cache-function-bodies-damaged", lambda t: ["trace", SYM, "--cache", str(cache_with_damaged_bodies(t))], 0,
         r"warning: a damaged function body in the fact cache .*; rebuilt the flow graph", out=r"cfgm:/TM/TSCTicksPerSecond"),
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
    # --- issue 16: inputs nobody catalogued
    Case("file-name-not-utf8", lambda t: ["trace", "gValue", "--src", str(latin1_named(t))], 0, r"^srcscan: sources:",
         out=r"caf\\xe9\.c:5", subprocess=True),
    Case("file-name-not-utf8-index-graph", lambda t: ["index", "--graph", "--src", str(latin1_named(t)), "--cache",
                                                      str(t / "c")], 0, r"^srcscan: sources:", out=r"flow graph: 3 nodes"),
    Case("report-json-nested-100000", lambda t: ["report", str(deep_json(t)), "-f", "html"], 2,
         r"deep\.json: JSON nested 100000 levels deep; a srcscan trace nests at most 64", subprocess=True, seconds=10),
    *[Case(f"report-wrong-type-{name}", (lambda path, v: lambda t: ["report", str(retyped_trace(t, _set(path, v))),
                                                                       "-f", fmt])(path, value), 2,
           rf"retyped\.json: not a valid srcscan trace: {want}")
      for name, path, value, fmt, want in [
          ("query-null", "query", None, "text", r"query: expected an object, got null"),
          ("source-null", "source", None, "text", r"source: expected an object, got null"),
          ("values-string", "nodes.0.values", "x", "html", r"nodes\[0\]\.values: expected a list, got a string"),
          ("model-string", "nodes.0.model", "str", "dot", r"nodes\[0\]\.model: expected an object or null"),
          ("stats-list", "stats", [], "text", r"stats: expected an object, got a list"),
          ("warnings-string", "warnings", "w", "markdown", r"warnings: expected a list, got a string"),
          ("preproc-null", "edges.0.preproc", [None, 5], "text", r"edges\[0\]\.preproc\[0\]: expected a string, got null"),
          ("line-bool", "nodes.0.line", True, "sarif", r"nodes\[0\]\.line: expected an integer or null, got a boolean"),
      ]],
    Case("drift-told-zero", lambda t: ["drift", str(edited_log(t, "cTSCTicksPerSecond=3 478 274 491", "cTSCTicksPerSecond=0"))],
         0, r"warning: .*VBox\.log: 1 TSC line\(s\) ignored: line 48: told frequency 0 Hz is not a plausible",
         out=r"KVM system time: +3 478 274 491 Hz"),
    *[Case(f"drift-kvm-{name}", (lambda o, n: lambda t: ["drift", str(edited_log(t, o, n))])(old, new), 0,
           rf"warning: .*4 TSC line\(s\) ignored: line 83: {want}", out=r"told to the guest: +3 478 274 491 Hz")
      for name, old, new, want in [
          ("scale-zero", "u32TscScale=0x93330d6c", "u32TscScale=0x0", r"u32TscScale=0x0 is not a 32-bit value above 0"),
          ("scale-wide", "u32TscScale=0x93330d6c", "u32TscScale=0x193330d6c123", r"u32TscScale=0x193330d6c123 is not a 32-bit"),
          ("shift-low", "i8TscShift=-1", "i8TscShift=-99999", r"i8TscShift=-99999 is not an 8-bit value"),
          ("shift-high", "i8TscShift=-1", "i8TscShift=99999", r"i8TscShift=99999 is not an 8-bit value"),
      ]],
    Case("drift-actual-hz-empty", lambda t: ["drift", str(SAMPLE_LOG), "--actual-hz", ""], 2,
         r"--actual-hz '': not a frequency"),
    *[Case(f"damaged-repo-{cmd}", (lambda argv: lambda t: [argv[0], SYM, *argv[1:], "--src", str(damaged_repo(t))])(argv),
           2, r"r550\d\d [0-9a-f]{12}: 1 file\(s\) cannot be read from the repository \(src/VBox/VMM/VMMR3/GIMKvm\.cpp"
              r"\.\.\.\); the repository is damaged")
      for cmd, argv in [("history", ["history", "--range", "r55000..r55021"]), ("diff", ["diff", "HEAD~1", "HEAD"]),
                        ("bisect", ["bisect", "--good", "r55000", "--bad", "r55021"])]],
    *[Case(f"jobs-{n}", (lambda n: lambda t: ["trace", SYM, "-j", n])(n), 2,
           rf"argument -j/--jobs: {n} is out of range: give 1 to \d+ \(this machine has \d+ cores\)")
      for n in ("100000", "0", "-3")],
    Case("history-jobs-0", lambda t: ["history", SYM, "--range", "r1..r2", "-j", "0"], 2, r"-j/--jobs: 0 is out of range"),
    Case("report-output-is-its-input", lambda t: (lambda p: ["report", str(p), "-f", "text", "-o", str(p)])(trace_json(t)),
         2, r"--output .*trace\.json: is also an input \(trace\); refusing to overwrite it"),
    Case("trace-output-is-a-source", lambda t: ["trace", "gValue", "--src", str(tree(t, {"a.c": GOOD_C})), "-o",
                                                 str(t / "src" / "a.c")], 2, r"is also an input \(--src\)"),
    Case("src-is-a-fifo", lambda t: ["trace", SYM, "--src", str(fifo(t))], 2, r"--src .*pipe: is a named pipe \(FIFO\)"),
    Case("src-is-a-device", lambda t: ["trace", SYM, "--src", "/dev/null"], 2, r"--src /dev/null: is a device"),
    Case("svn-unknown-scheme", lambda t: ["trace", SYM, "--svn", "gopher://example.invalid/vbox", "--rev", "r1"], 2,
         r"gopher://example\.invalid/vbox: svn URLs start with file://, http://"),
    Case("src-path-past-path-max", lambda t: ["trace", SYM, "--src", "/" + "a" * 5000], 2, r"--src|/a+…\(\d+ chars\)…a+"),
    Case("symbol-100KB", lambda t: ["trace", "A" * 100_000, "--src", str(tree(t, {"a.c": GOOD_C}))], 1,
         r"no value named 'A+…\(\d+ chars\)…A+' in "),
    Case("gzip-2GB-of-NUL", lambda t: ["drift", str(gzip_of(t, "VBox.log.gz", b"\0" * (1 << 20), 2048))], 2,
         r"VBox\.log\.gz: not a VBox\.log: binary data \(NUL bytes\)", seconds=30),
    Case("gzip-text-bomb", lambda t: ["drift", str(gzip_of(t, "VBox.log.gz", SAMPLE_LOG.read_bytes() * 64, 120, 9))], 2,
         r"VBox\.log\.gz: gzip data expands past \d+ MB .*refused \(a decompression bomb", seconds=60),
    *[Case(f"nested-{kind}-beside-good", (lambda text: lambda t: ["trace", "gValue", "--src",
                                                                     str(tree(t, {"a.c": text + GOOD_C}))])(text), 0,
           rf"warning: a\.c:{line}: .*(nested deeper than|more than) \d+ .*skipped", out=r"set:w", seconds=30)
      for kind, (text, line) in NESTED_BESIDE_GOOD.items()],
    Case("macro-mentions-unclosed", lambda t: ["trace", "gValue", "--src", str(tree(t, {"a.c": GOOD_C + "VMMDECL(" * 7_500
                                                                                           + "\n"}))],
         0, r"^srcscan: sources:", out=r"set:w", seconds=30),
    # --- issue 32: round 3
    *[Case(f"stdin-{name}", (lambda argv: lambda t: argv)(argv), code, expect, out=out, subprocess=True, stdin=data)
      for name, argv, data, code, expect, out in [
          ("drift", ["drift", "-"], SAMPLE_LOG.read_bytes(), 0, "", r"told to the guest: +3 478 274 491 Hz"),
          ("drift-gzip", ["drift", "-"], __import__("gzip").compress(SAMPLE_LOG.read_bytes()), 0, "",
           r"told to the guest: +3 478 274 491 Hz"),
          ("log", ["log", "-"], SAMPLE_LOG.read_bytes(), 0, r"^srcscan: sources:", r"<stdin>:\d+"),
          ("trace-log", ["trace", SYM, "--log", "-"], SAMPLE_LOG.read_bytes(), 0, r"^srcscan: sources:", SYM),
          ("drift-empty", ["drift", "-"], b"", 2, r"-: empty log file", None),
          ("drift-binary", ["drift", "-"], b"\0" * 100, 2, r"not a VBox\.log: binary data", None),
      ]],
    *[Case(f"dmesg-{name}", (lambda text: lambda t: ["drift", str(SAMPLE_LOG), "--guest-dmesg",
                                                      str(_w(t / "dmesg.txt", text))])(text), code, expect, out=out)
      for name, text, code, expect, out in [
          ("zero-mhz", "[    0.000005] tsc: Detected 0.000 MHz processor\n", 2,
           r"dmesg\.txt: no plausible TSC frequency found \(line 1: 0\.000 MHz is not a plausible TSC frequency\)", None),
          ("27-digits", "[    0.000005] tsc: Detected " + "9" * 27 + ".000 MHz processor\n", 2,
           r"no plausible TSC frequency found \(line 1: 9+\S* MHz is not a plausible", None),
          ("zero-then-good", "[    0.000005] tsc: Detected 0.000 MHz processor\n"
                             "[    1.704418] tsc: Refined TSC clocksource calibration: 3400.109 MHz\n", 0, "",
           r"actual: +3 400 109 000 Hz"),
      ]],
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
    if case.stdin is not None:
        import io

        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(case.stdin))))
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
    p = subprocess.run([sys.executable, "-m", "srcscan", *argv], capture_output=True, env=env,
                       cwd=tmp_path, timeout=case.seconds * 2, input=case.stdin or b"")
    p.stdout, p.stderr = p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")
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


# ----------------------------------------------------------------------------- issue 16: the cache and lost data

def _can_bind_read_only() -> bool:
    import shutil

    if not shutil.which("unshare"):
        return False
    p = subprocess.run(["unshare", "-rm", "sh", "-c", "mount --bind /tmp /tmp && mount -o remount,ro,bind /tmp"],
                       capture_output=True)
    return p.returncode == 0


@pytest.mark.skipif(not _can_bind_read_only(), reason="needs unshare -rm (user namespaces) for a read-only bind mount")
def test_cache_on_a_read_only_file_system_runs_without_it(tmp_path):
    """A healthy cache that cannot be written is used as no cache, with one warning; it is
    neither called damaged nor moved, and every rerun works."""
    cache = tmp_path / "cache"
    env = dict(os.environ, PYTHONPATH=str(ROOT), SRCSCAN_NO_PROGRESS="1")
    env.pop("SRCSCAN_SRC", None)
    run = [sys.executable, "-m", "srcscan", "trace", SYM, "--cache", str(cache)]
    assert subprocess.run(run, capture_output=True, env=env, timeout=120).returncode == 0
    before = sorted(os.listdir(cache))
    script = (f"mount --bind {cache} {cache} && mount -o remount,ro,bind {cache} && "
              + " && ".join([" ".join(run)] * 2))
    p = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, env=env, timeout=240)
    assert p.returncode == 0, p.stderr
    warnings = [ln for ln in p.stderr.splitlines() if "warning" in ln]
    assert len(warnings) == 2 and all(re.search(r"warning: cache cannot write .*facts\.sqlite \(read-only file "
                                                r"system\); running without the cache$", w) for w in warnings), p.stderr
    assert "damaged" not in p.stderr and "cfgm:/TM/TSCTicksPerSecond" in p.stdout
    assert sorted(os.listdir(cache)) == before


@pytest.mark.parametrize("kind", ["another-program", "another-layout"])
def test_foreign_cache_file_is_set_aside_not_lost(kind, tmp_path, capsys):
    import sqlite3

    cache = tmp_path / "cache"
    if kind == "another-program":
        cache.mkdir()
        db = sqlite3.connect(cache / "facts.sqlite")
        db.execute("CREATE TABLE notes (body TEXT)")
        db.execute("INSERT INTO notes VALUES ('precious')")
        db.commit()
        db.close()
        expect = r"not a srcscan cache \(application id 0x0, tables: notes\); set aside as facts\.sqlite\.foreign-\*"
    else:
        assert main(["trace", SYM, "--cache", str(cache)]) == 0
        db = sqlite3.connect(cache / "facts.sqlite")
        db.execute("PRAGMA user_version = 99")
        db.commit()
        db.close()
        expect = r"written by another srcscan version \(cache layout 99, this one uses 1\); set aside as " \
                 r"facts\.sqlite\.other-version-\*"
    capsys.readouterr()
    code, out, err = run_cli(["trace", SYM, "--cache", str(cache)], capsys)
    assert code == 0
    check_stderr(err, 0, expect)
    assert len([ln for ln in err.splitlines() if "warning" in ln]) == 1
    aside = [p for p in cache.iterdir() if ".foreign-" in p.name or ".other-version-" in p.name]
    assert len(aside) == 1
    if kind == "another-program":
        assert sqlite3.connect(aside[0]).execute("SELECT body FROM notes").fetchone() == ("precious",)
    code, out, err = run_cli(["trace", SYM, "--cache", str(cache)], capsys)  # the rebuilt cache is ours
    assert code == 0 and "warning" not in err


def test_report_onto_its_own_input_keeps_the_input(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    t = trace_json(tmp_path)
    data = t.read_bytes()
    for out in (str(t), "./trace.json", str(tmp_path / "." / "trace.json")):
        code, _, err = run_cli(["report", str(t), "-f", "text", "-o", out], capsys)
        assert code == 2 and "is also an input" in err
    assert t.read_bytes() == data


def test_skipped_block_is_said_on_a_cached_run_too(tmp_path, capsys):
    """The nesting warning travels with the file's cached facts: a warm run says it again
    (and the JSON trace carries it), nothing dropped silently."""
    import json

    src = tree(tmp_path, {"a.c": NESTED_BESIDE_GOOD["else-if-20000"][0] + GOOD_C})
    for _ in range(2):
        code, out, err = run_cli(["trace", "gValue", "--src", str(src), "--cache", str(tmp_path / "c"), "-f", "json"],
                                 capsys)
        assert code == 0
        assert re.search(r"warning: a\.c:4: more than 8192 control keywords \(if, else, loops, \?:\) in one block; "
                         r"the enclosing block \(lines 2-6\) was skipped, flows through it are missing", err), err
        assert any("a.c:4:" in w for w in json.loads(out)["warnings"])


# ----------------------------------------------------------------------------- issue 32: index on a cache it cannot fill

@pytest.mark.skipif(not _can_bind_read_only(), reason="needs unshare -rm (user namespaces) for a read-only bind mount")
def test_index_on_a_read_only_cache_is_one_error(tmp_path):
    """`index` exists to fill the cache: on one it cannot write it says so once, on stderr,
    exit 2 (it used to exit 0 with the warning three times on stdout)."""
    cache = tmp_path / "cache"
    env = dict(os.environ, PYTHONPATH=str(ROOT), SRCSCAN_NO_PROGRESS="1")
    env.pop("SRCSCAN_SRC", None)
    run = [sys.executable, "-m", "srcscan", "index", "--cache", str(cache)]
    assert subprocess.run(run, capture_output=True, env=env, timeout=120).returncode == 0
    script = f"mount --bind {cache} {cache} && mount -o remount,ro,bind {cache} && " + " ".join(run)
    p = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True, text=True, env=env, timeout=240)
    assert p.returncode == 2 and p.stdout == "", (p.stdout, p.stderr)
    check_stderr(p.stderr, 2, r"cache cannot write .*facts\.sqlite \(read-only file system\); srcscan index only "
                              r"fills the cache$")


def test_index_on_a_full_disk_is_one_error(tmp_path, capsys, monkeypatch):
    """Every write of the parsed facts fails (disk full): one error line, exit 2, not a
    report of files 'parsed' that the next run will parse again."""
    import sqlite3

    from srcscan.extract import cache as cachemod

    class Full:
        def __init__(self, db):
            self._db = db

        def executemany(self, *a):
            raise sqlite3.OperationalError("database or disk is full")

        def __getattr__(self, name):
            return getattr(self._db, name)

    real_open = cachemod.FactCache._open
    monkeypatch.setattr(cachemod.FactCache, "_open", lambda self: Full(real_open(self)))
    code, out, err = run_cli(["index", "--cache", str(tmp_path / "cache"), "-j", "1"], capsys)
    assert code == 2 and out == ""
    check_stderr(err, 2, r"cache write failed \(database or disk is full\): the cache .*facts\.sqlite was not filled")


def test_corrupt_pack_spoils_only_its_own_blob(tmp_path, capsys):
    """One damaged object in a pack: that file is skipped with a warning, every other blob
    (read after it) is read as it is, and nothing is parsed from the bytes of a bad read."""
    repo = corrupt_pack_repo(tmp_path)
    code, out, err = run_cli(["trace", SYM, "--src", str(repo), "--rev", "HEAD", "-j", "1",
                              "--cache", str(tmp_path / "c")], capsys)
    assert code == 0, err
    unreadable = [ln for ln in err.splitlines() if "cannot read blob" in ln]
    assert len(unreadable) == 1 and "src/VBox/VMM/VMMR3/TM.cpp" in unreadable[0], err
    assert "u32TscScale" in out  # GIMKvmInternal.h and GIMKvm.cpp, read after it, are there
