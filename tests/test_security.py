"""Security (issue 7): srcscan never runs code from the tree, the log, the cache or a
repository's configuration; clone refuses option injection and command-running transports;
nothing but ``clone`` and ``--svn`` touches the network; messages cannot drive the terminal.

Reports escaping tree content (HTML with its inline SVG graph, Markdown/Mermaid, SARIF, DOT,
GraphML) is covered by tests/test_render_engine.py (hostile tree through the engine) and
tests/test_browser.py (the same in Chromium); this file covers the rest.
"""
from __future__ import annotations

import os
import json
import pickle
import shutil
import socket
import sqlite3
import subprocess
import sys
import zlib
from pathlib import Path

import pytest

from histories import git, make_history
from srcscan.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "srcscan" / "sample" / "tree"
SAMPLE_LOG = ROOT / "srcscan" / "sample" / "VBox.log"
SAMPLE_DMESG = ROOT / "srcscan" / "sample" / "dmesg-guest.txt"


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert "Traceback" not in err and all(line.startswith("srcscan: ") for line in lines), err
    assert lines[-1].startswith("srcscan: error: "), err
    return lines[-1]


def run(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as e:
        code = e.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err


# ----------------------------------------------------------------------------- clone


@pytest.mark.parametrize("url", [
    "--upload-pack=touch {m}",
    "-c core.sshCommand=touch {m}",
    "ext::sh -c touch% {m}",
    "EXT::sh -c touch% {m}",
    "fd::0",
    "ext://sh",
    "file::{m}",
    "ssh://-oProxyCommand=touch%20{m}/x",
    "-oProxyCommand=touch {m}:x",
])
def test_clone_refuses_injection(url, tmp_path, capsys):
    marker = tmp_path / "pwned"
    code, out, err = run(["clone", "--", url.format(m=marker), str(tmp_path / "dest")], capsys)
    assert code == 2 and one_error_line(err)
    assert not marker.exists() and not (tmp_path / "dest").exists()


def test_svn_refuses_option_like_url(tmp_path, capsys):
    marker = tmp_path / "pwned"
    code, out, err = run(["trace", "x", f"--svn=svn+ssh://-oProxyCommand=touch%20{marker}/x"], capsys)
    assert code == 2 and one_error_line(err) and not marker.exists()


# ----------------------------------------------------------------------------- git configuration


def hostile_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A history whose repository configuration asks git to run commands on every occasion
    it offers (fsmonitor, hooks, pager, ssh, filters, textconv, external diff)."""
    h = make_history(tmp_path / "repo", n=4, flips={2: "const"})
    marker = tmp_path / "pwned"
    cmd = f"touch {marker}"
    hooks = h.path / ".git" / "evil-hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "post-merge", "pre-commit", "reference-transaction", "post-index-change"):
        (hooks / hook).write_text(f"#!/bin/sh\n{cmd}\n")
        (hooks / hook).chmod(0o755)
    for key, value in [("core.fsmonitor", cmd), ("core.hooksPath", str(hooks)), ("core.pager", cmd),
                       ("core.sshCommand", cmd), ("core.editor", cmd), ("diff.external", cmd),
                       ("filter.evil.smudge", cmd), ("filter.evil.clean", cmd), ("filter.evil.process", cmd),
                       ("diff.evil.textconv", cmd), ("alias.log", f"!{cmd}"), ("alias.rev-parse", f"!{cmd}"),
                       ("uploadpack.packObjectsHook", cmd)]:
        git(h.path, "config", key, value)
    (h.path / ".git" / "info").mkdir(exist_ok=True)
    (h.path / ".git" / "info" / "attributes").write_text("* filter=evil diff=evil\n")
    return h.path, marker


def test_hostile_repository_config_runs_nothing(tmp_path, capsys):
    repo, marker = hostile_repo(tmp_path)
    for argv in (["trace", "cTscTicksPerSecond", "--src", str(repo), "--rev", "HEAD~1"],
                 ["trace", "cTscTicksPerSecond", "--src", str(repo), "--rev", "r55007"],
                 ["diff", "cTscTicksPerSecond", "HEAD~3", "HEAD", "--src", str(repo)],
                 ["history", "cTscTicksPerSecond", "--range", "HEAD~3..HEAD", "--src", str(repo)],
                 ["bisect", "cTscTicksPerSecond", "--good", "HEAD~3", "--bad", "HEAD", "--src", str(repo)]):
        code, out, err = run(argv, capsys)
        assert code in (0, 1), (argv, err)
        assert "Traceback" not in err
        assert not marker.exists(), f"{argv[0]} ran a command from the repository's configuration"
    # the trap is armed: plain git runs it
    subprocess.run(["git", "status"], cwd=repo, capture_output=True)
    assert marker.exists()


# ----------------------------------------------------------------------------- tree, log, cache


def test_hostile_file_names_and_contents_run_nothing(tmp_path, capsys, monkeypatch):
    marker = tmp_path / "pwned"
    src = tmp_path / "src"
    src.mkdir()
    cmd = f"touch {marker}"
    body = ("int gValue;\n"
            f"/* $({cmd}) `{cmd}` */\n"
            f"#include \"$({cmd})\"\n"
            f"#pragma comment(lib, \"`{cmd}`\")\n"
            "void set(int v)\n{\n"
            f"    int w = v; // ;{cmd};\n"
            "    gValue = w;\n"
            f"    LogRel((\"TM: $({cmd}) %d\\n\", w));\n"
            f"    CFGMR3QueryU64(pCfg, \"$({cmd})\", &w);\n"
            "}\n")
    for name in (f"$({cmd}).c", f";{cmd};.c", "--output=x.c", "-rf.c", "a`id`.c"):
        (src / name.replace("/", "_")).write_text(body)
    monkeypatch.chdir(tmp_path)
    log = tmp_path / "VBox.log"
    log.write_text(SAMPLE_LOG.read_text() + f"00:00:09.000000 TM: $({cmd}) 5\n00:00:09.000001 `{cmd}`\n")
    for argv in (["trace", "gValue", "--src", str(src), "--format", "html", "-o", str(tmp_path / "r.html")],
                 ["trace", "gValue", "--src", str(src), "--log", str(log)],
                 ["log", str(log), "--src", str(src)],
                 ["drift", str(log), "--actual-hz", "3400109000"]):
        code, out, err = run(argv, capsys)
        assert code in (0, 1), (argv, err)
        assert not marker.exists()
    assert not (tmp_path / "x.c").exists()


class _Evil:
    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def test_tampered_cache_runs_nothing(tmp_path, capsys):
    """Every pickled blob in the cache (facts, cached graph, graph evidence) replaced by a
    pickle that would run a command when loaded: refused, re-parsed, same answer."""
    cache, marker = tmp_path / "cache", tmp_path / "pwned"
    assert main(["trace", "cTscTicksPerSecond", "--cache", str(cache), "--format", "json"]) == 0
    clean = capsys.readouterr().out
    evil = pickle.dumps(_Evil(marker))
    for payload in (evil, zlib.compress(evil)):
        db = sqlite3.connect(cache / "facts.sqlite")
        for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            if "data" in [r[1] for r in db.execute(f"PRAGMA table_info({table})")]:
                db.execute(f"UPDATE {table} SET data = ?", (payload,))
        db.commit()
        db.close()
        code = main(["trace", "cTscTicksPerSecond", "--cache", str(cache), "--format", "json"])
        cap = capsys.readouterr()
        if code != 0:  # at worst: one line, cache moved aside, and the next run is whole
            assert code == 2 and "moved aside" in one_error_line(cap.err)
            assert main(["trace", "cTscTicksPerSecond", "--cache", str(cache), "--format", "json"]) == 0
            cap = capsys.readouterr()
        assert not marker.exists()
        import json

        def norm(t):
            d = json.loads(t)
            d.pop("stats")
            d.pop("warnings")
            return d

        assert norm(cap.out) == norm(clean)


def test_a_tampered_function_body_runs_nothing(tmp_path, capsys):
    """Function bodies are pickled apart and decoded only when a query builds them: a body
    replaced by a pickle that would run a command is refused when read, its file is parsed
    again with a warning, and the answer is the clean one."""
    from srcscan.extract.cache import decode, encode

    cache, marker = tmp_path / "cache", tmp_path / "pwned"
    assert main(["trace", "cTscTicksPerSecond", "--cache", str(cache), "--format", "json"]) == 0
    clean = json.loads(capsys.readouterr().out)
    db = sqlite3.connect(cache / "facts.sqlite")
    rows = []
    for key, version, data in db.execute("SELECT key, version, data FROM facts").fetchall():
        ff = decode(data)
        for i, fn in enumerate(ff.functions):
            assert "_body" in fn.__dict__  # (still encoded: decoding the file left bodies alone)
            evil = pickle.dumps(_Evil(marker))  # (a big body is kept deflated, a small one as it is)
            fn.__dict__["_body"] = zlib.compress(evil) if i % 2 else evil
        rows.append((encode(ff), key, version))
    db.executemany("UPDATE facts SET data = ? WHERE key = ? AND version = ?", rows)
    db.execute("DELETE FROM blobs")  # (no cached graph: the next trace reads the bodies)
    db.commit()
    db.close()
    code = main(["trace", "cTscTicksPerSecond", "--cache", str(cache), "--format", "json"])
    cap = capsys.readouterr()
    assert not marker.exists()
    # the file whose body is refused is parsed again, with a warning, and the answer is the clean one
    assert code == 0 and "a damaged function body in the fact cache" in cap.err and "Traceback" not in cap.err
    assert json.loads(cap.out)["paths"] == clean["paths"]
    assert main(["trace", "cTscTicksPerSecond", "--cache", str(cache), "--format", "json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["paths"] == clean["paths"] and not marker.exists()


def test_terminal_escapes_in_file_names_are_neutralised_on_stderr(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "\x1b]0;pwned\x07x.c").write_bytes(b"\0\1binary")
    (src / "good.c").write_text("int gValue;\nvoid set(int v)\n{\n    int w = v;\n    gValue = w;\n}\n")
    code, out, err = run(["trace", "gValue", "--src", str(src), "--no-cache"], capsys)
    assert code == 0 and "\x1b" not in err and "\x07" not in err and "\\x1b]0;pwned\\x07x.c: binary data" in err
    code, out, err = run(["trace", "a\nb\x1b[2J"], capsys)
    assert code == 1 and "\x1b" not in err and len(err.strip().splitlines()) == 2


def test_terminal_escapes_in_the_text_report(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "\x1b[2Jgood.c").write_bytes(b"int gValue;\nvoid set(int v)\n{\n    int w = v; /* \x1b]0;t\x07 */\n"
                                        b"    gValue = w;\n}\n")
    code, out, err = run(["trace", "gValue", "--src", str(src), "--no-cache"], capsys)
    assert code == 0 and "good.c" in out
    assert "\x1b" not in out and "\x07" not in out


# ----------------------------------------------------------------------------- no network


COMMANDS_OFFLINE = [
    ["trace", "cTscTicksPerSecond"],
    ["trace", "cTscTicksPerSecond", "--to", "u32TscScale", "--format", "html"],
    ["trace", "cTscTicksPerSecond", "--log", str(SAMPLE_LOG), "--format", "sarif"],
    ["log", str(SAMPLE_LOG)],
    ["drift", str(SAMPLE_LOG), "--actual-hz", "3400109000"],
    ["drift", str(SAMPLE_LOG), "--guest-dmesg", str(SAMPLE_DMESG)],
    ["stats"],
]


def _report_argv(tmp_path: Path) -> list[list[str]]:
    t = tmp_path / "t.json"
    assert main(["trace", "cTscTicksPerSecond", "--format", "json", "-o", str(t)]) == 0
    return [["report", str(t), "--format", f] for f in ("html", "markdown", "sarif", "dot", "graphml")]


def test_no_network_in_process(tmp_path, capsys, monkeypatch):
    """Every socket and name lookup fails loudly; the offline commands still succeed."""
    argvs = COMMANDS_OFFLINE + _report_argv(tmp_path)
    tried = []

    def refuse(*a, **k):
        tried.append(a)
        raise OSError("network access attempted")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    for argv in argvs:
        code, out, err = run(argv, capsys)
        assert code == 0, (argv, err)
    assert tried == []


def _can_unshare_net() -> bool:
    if not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0


def _offline_in_namespace(tmp_path, argvs):
    env = dict(os.environ, PYTHONPATH=str(ROOT), SRCSCAN_NO_PROGRESS="1", SRCSCAN_CACHE=str(tmp_path / "cache"))
    env.pop("SRCSCAN_SRC", None)
    for argv in argvs:
        p = subprocess.run(["unshare", "-rn", sys.executable, "-m", "srcscan", *argv], capture_output=True, text=True,
                           env=env, cwd=tmp_path, timeout=300)
        assert p.returncode == 0, (argv, p.stderr)
        assert "Traceback" not in p.stderr


_NO_NET = pytest.mark.skipif(not _can_unshare_net(), reason="needs unshare -rn (user and network namespaces)")


@_NO_NET
def test_no_network_namespace_trace(tmp_path):
    """A trace in a child process with no network at all (only a down loopback): the parser's
    worker processes included (the fast twin of the whole list below)."""
    _offline_in_namespace(tmp_path, [["trace", "cTscTicksPerSecond", "-j", "2", "--format", "html"]])


@_NO_NET
@pytest.mark.slow
def test_no_network_namespace(tmp_path):
    """Every offline command in a child process with no network at all (12 child processes;
    test_no_network_in_process runs the same list in-process with sockets refused)."""
    _offline_in_namespace(tmp_path, COMMANDS_OFFLINE + _report_argv(tmp_path))
