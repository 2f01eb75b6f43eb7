"""What a user relies on without seeing it: an edited file is parsed again (whatever of size,
mtime and inode changed), `index --graph` really caches the flow graph, NO_COLOR is honoured."""
import json
import os
import subprocess
import sys
import time

import pytest

from srcscan.cli import main
from srcscan.extract.cache import FactCache
from srcscan.extract.index import index
from srcscan.sources.snapshot import DirSnapshot

OLD = "int fnAlpha(int x)\n{\n    int vKeep = x * 2;\n    return vKeep;\n}\n"
NEW = "int fnOmega(int x)\n{\n    int vKeep = x * 3;\n    return vKeep;\n}\n"  # same length


def _names(tmp_path, cache):
    facts, st = index(DirSnapshot([tmp_path / "src"]), cache)
    return sorted(fn.name for ff in facts.values() for fn in ff.functions), st


def _setup(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    f = src / "a.c"
    f.write_text(OLD)
    past = time.time_ns() - 100 * 10 ** 9  # older than the racy window: its stat is remembered
    os.utime(f, ns=(past, past))
    cache = FactCache(tmp_path / "cache")
    names, st = _names(tmp_path, cache)
    assert names == ["fnAlpha"] and st.parsed == 1
    names, st = _names(tmp_path, cache)  # unchanged: reused, not even re-hashed
    assert names == ["fnAlpha"] and st.parsed == 0
    return f, os.stat(f), cache


def _edit_in_place(f, text):
    with open(f, "r+b") as fh:  # same inode
        fh.seek(0)
        fh.write(text.encode())
        fh.truncate()


def test_a_file_whose_size_changed_is_parsed_again(tmp_path):
    """Same mtime and inode, other size."""
    f, st, cache = _setup(tmp_path)
    _edit_in_place(f, NEW + "\n")
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (os.stat(f).st_ino, os.stat(f).st_mtime_ns) == (st.st_ino, st.st_mtime_ns)
    assert os.stat(f).st_size != st.st_size
    assert _names(tmp_path, cache)[0] == ["fnOmega"]


def test_a_file_whose_mtime_changed_is_parsed_again(tmp_path):
    """Same size and inode, other mtime (an edit that kept the length)."""
    f, st, cache = _setup(tmp_path)
    _edit_in_place(f, NEW)
    later = st.st_mtime_ns + 10 ** 9
    os.utime(f, ns=(later, later))
    assert (os.stat(f).st_ino, os.stat(f).st_size) == (st.st_ino, st.st_size)
    assert _names(tmp_path, cache)[0] == ["fnOmega"]


def test_a_file_replaced_by_another_inode_is_parsed_again(tmp_path):
    """Same size and mtime, other inode (an editor that writes a new file and renames it over)."""
    f, st, cache = _setup(tmp_path)
    tmp = f.with_name("a.c.new")
    tmp.write_text(NEW)
    os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(tmp, f)
    new = os.stat(f)
    assert (new.st_size, new.st_mtime_ns) == (st.st_size, st.st_mtime_ns) and new.st_ino != st.st_ino
    assert _names(tmp_path, cache)[0] == ["fnOmega"]


def test_index_graph_really_caches_the_flow_graph(tmp_path, capsys, monkeypatch):
    """After `srcscan index --graph`, a trace loads the graph: building one would fail here."""
    cache = str(tmp_path / "c")
    assert main(["index", "--graph", "--cache", cache]) == 0
    capsys.readouterr()
    import srcscan.graph.flow as flow

    def no_building(*a, **k):
        raise AssertionError("the flow graph was built again: index --graph did not cache it")

    monkeypatch.setattr(flow, "build_graph", no_building)
    assert main(["trace", "cTscTicksPerSecond", "--cache", cache, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert any(n["id"] == "source:cfgm:/TM/TSCTicksPerSecond" for n in doc["nodes"])
    # the guard is real: another configuration has no cached graph; building it is caught
    with pytest.raises(AssertionError, match="did not cache"):
        main(["index", "--graph", "--cache", cache, "-D", "IN_RING3", "--debug"])


def _run_on_a_terminal(env_extra: dict) -> bytes:
    """`srcscan trace` with stdout on a pseudo-terminal, as a user runs it."""
    import pty

    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(SRCSCAN_NO_PROGRESS="1", **env_extra)
    p = subprocess.Popen([sys.executable, "-m", "srcscan", "trace", "cTscTicksPerSecond", "--no-cache"],
                         stdout=slave, stderr=subprocess.PIPE, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    os.close(master)
    assert p.wait(timeout=120) == 0, p.stderr.read()
    return out


def test_no_color_is_honoured_on_a_terminal():
    coloured = _run_on_a_terminal({})
    plain = _run_on_a_terminal({"NO_COLOR": "1"})
    assert b"\x1b[" in coloured and b"UPSTREAM" in coloured
    assert b"\x1b[" not in plain and b"UPSTREAM" in plain


def test_every_question_reuses_the_functions_the_ones_before_built(tmp_path, capsys, monkeypatch):
    """Issue 34: no question builds the whole graph it did not ask for. A first trace answers
    on demand and stores each function it built as a fragment; a later question on the same
    files loads those and builds only what is new (the same question: nothing), with the
    answer of a graph built from scratch. Only `index --graph` builds the whole graph."""
    import srcscan.graph.demand as demand
    import srcscan.graph.flow as flow

    def run(*extra, cache=str(tmp_path / "c")):
        built.clear()
        assert main(["trace", *extra, *(["--cache", cache] if cache else ["--no-cache"]), "--format", "json",
                     "--paths"]) == 0
        doc = json.loads(capsys.readouterr().out)
        return doc["stats"]["scope"], sorted(tuple(p["nodes"]) for p in doc["paths"]), list(built)

    built = []
    whole = {q: run(q, cache=None)[1] for q in ("cTscTicksPerSecond", "u32TscScale")}  # the whole graph's answers
    monkeypatch.setattr(flow, "build_graph", lambda *a, **k: (_ for _ in ()).throw(AssertionError("whole graph")))
    real = flow.FlowBuilder._function
    monkeypatch.setattr(flow.FlowBuilder, "_function", lambda self, fn: (built.append(fn.key), real(self, fn))[1])
    first = run("cTscTicksPerSecond")
    assert first[:2] == ("full (graph built on demand)", whole["cTscTicksPerSecond"]) and first[2]
    # the same question asked again with another view: every function it needs is stored
    again = run("cTscTicksPerSecond", "--direction", "down")
    assert again[2] == [] and again[1] and set(again[1]) <= set(first[1])
    alone = run("u32TscScale", cache=str(tmp_path / "other"))  # asked first, on a cache of its own
    other = run("u32TscScale")
    assert other[1] == alone[1] == whole["u32TscScale"]
    assert len(other[2]) < len(alone[2])  # built only what the first question did not
    assert not set(other[2]) & set(first[2])


def test_on_a_terminal_the_whole_graph_is_built_in_the_background(tmp_path, capsys, monkeypatch):
    """Interactive use: after a first trace answered on demand, a background `srcscan index
    --graph` with the trace's own options stores the graph, so the next trace loads it."""
    import subprocess
    import sys

    import srcscan.commands.trace as trace_cmd

    cache = str(tmp_path / "c")
    started = []
    monkeypatch.delenv("SRCSCAN_NO_BACKGROUND", raising=False)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(subprocess, "Popen", lambda argv, **kw: started.append((argv, kw)))
    assert main(["trace", "cTscTicksPerSecond", "--cache", cache, "-D", "IN_RING3", "--format", "json"]) == 0
    capsys.readouterr()
    assert len(started) == 1
    argv, kw = started[0]
    assert argv[1:5] == ["-m", "srcscan", "index", "--graph"] and kw.get("start_new_session")
    assert argv[argv.index("--cache") + 1] == cache and argv[argv.index("-D") + 1] == "IN_RING3"
    # while it runs (its pid is kept under the graph's key), a question says so and answers on
    # demand from what is ready, the functions the first question stored
    from srcscan.extract.cache import FactCache
    from srcscan.query.analysis import BUILDING

    fc = FactCache(cache)
    gkeys = [r[0] for r in fc.db.execute("SELECT DISTINCT gkey FROM gfrags")]
    assert len(gkeys) == 1
    fc.put_blob(BUILDING + gkeys[0].rsplit(":", 1)[0], str(os.getpid()).encode())
    fc.close()
    q = ["trace", "cTscTicksPerSecond", "--cache", cache, "-D", "IN_RING3", "--format", "json", "--direction"]
    assert main(q + ["up"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["stats"]["scope"] == "full (graph built on demand)"
    assert f"background `srcscan index --graph` (pid {os.getpid()}) is building" in err
    assert main(argv[3:]) == 0  # what the background process runs (it clears the mark when done)
    capsys.readouterr()
    import srcscan.graph.flow as flow

    monkeypatch.setattr(flow, "build_graph", lambda *a, **k: (_ for _ in ()).throw(AssertionError("built again")))
    assert main(q + ["down"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["stats"]["scope"] == "full" and "background" not in err
    assert len(started) == 1  # nothing more to build
    # scripts and tests (no terminal) never start one
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    assert not trace_cmd.build_in_background(type("A", (), {})())


def test_the_same_content_at_two_paths_gets_facts_of_its_own_at_each(tmp_path):
    """Two files with the same bytes share one cache entry, but each path has its own facts
    (a static function is that file's), also when both come from the cache."""
    body = "static int fnLocal(int x)\n{\n    int v = x + 1;\n    return v;\n}\n"
    for d in ("one", "two"):
        (tmp_path / "src" / d).mkdir(parents=True)
        (tmp_path / "src" / d / "same.c").write_text(body)
    cache = FactCache(tmp_path / "cache")
    for run in ("cold", "warm"):
        facts, st = index(DirSnapshot([tmp_path / "src"]), cache)
        fns = {p: ff.functions[0] for p, ff in facts.items()}
        assert sorted(fns) == ["one/same.c", "two/same.c"], run
        assert [fn.file for fn in fns.values()] == list(fns) and fns["one/same.c"] is not fns["two/same.c"], run
        assert {fn.key for fn in fns.values()} == {"one/same.c:fnLocal", "two/same.c:fnLocal"}, run
        assert [a.target.text() for a in fns["two/same.c"].assigns] == ["v"], run
    assert st.reused == 2


def test_the_next_question_warns_in_the_same_order(tmp_path):
    """Warnings of files left out come in the tree's order, not in the order parser processes
    finished them (biggest first): the next question, which starts from the set-up the first
    one stored, says the same as the first."""
    from srcscan.query.analysis import analyse_demand
    from srcscan.query.trace import trace

    src = tmp_path / "src"
    src.mkdir()
    for i in range(30):  # enough files for parser processes
        (src / f"f{i:02}.c").write_text(f"int g{i};\nvoid fnSet{i}(int x)\n{{\n    g{i} = x + {i};\n}}\n")
    for name, n in (("a1.c", 40000), ("z2.c", 60000)):  # one top-level statement over 64 KiB
        (src / name).write_text("int aHuge[] = {" + "0," * n + "0};\n")

    def warnings(symbol):
        doc = trace(analyse_demand(DirSnapshot([src]), FactCache(tmp_path / "c"), jobs=2, keep=True), symbol).to_json()
        return [w.split(":")[0] for w in doc["warnings"] if "file skipped" in w]

    assert warnings("g1") == ["a1.c", "z2.c"]
    assert warnings("g2") == ["a1.c", "z2.c"]
