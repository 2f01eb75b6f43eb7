"""Graph fragments (issue 34): every function a question builds on demand is stored, and the
next question on the same files loads it instead of building it. Whatever order questions
come in, and whatever is stored or damaged, each answers as the whole graph does."""
from __future__ import annotations

import json
import sqlite3

import pytest

from srcscan.cli import main

QUESTIONS = [["cTscTicksPerSecond"], ["u32TscScale"], ["cTscTicksPerSecond", "--to", "u32TscScale"],
             ["TMCpuTicksPerSecond()"], ["cfgm:/TM/TSCTicksPerSecond"]]


def _trace(capsys, argv, cache):
    assert main(["trace", *argv, *(["--cache", str(cache)] if cache else ["--no-cache"]), "--format", "json",
                 "--all"]) == 0
    doc = json.loads(capsys.readouterr().out)
    return {k: doc[k] for k in ("start", "nodes", "edges", "paths")}


def _forget_answers(cache):
    """Drop kept answers, so the next run traces again (on the stored fragments)."""
    db = sqlite3.connect(cache / "facts.sqlite")
    db.execute("DELETE FROM blobs WHERE name LIKE 'trace-doc:%' OR name LIKE 'whynot-doc:%'")
    db.commit()
    db.close()


@pytest.mark.parametrize("order", [(0, 1, 2, 3, 4), (4, 3, 2, 1, 0), (2, 0, 4, 1, 3)])
def test_questions_in_any_order_answer_as_the_whole_graph(order, tmp_path, capsys):
    cache = tmp_path / "c"
    for i in order:
        want = _trace(capsys, QUESTIONS[i], None)  # (no cache: the whole graph, built from scratch)
        assert _trace(capsys, QUESTIONS[i], cache) == want, QUESTIONS[i]
    for i in order:  # every question again, now all on stored fragments
        _forget_answers(cache)
        assert _trace(capsys, QUESTIONS[i], cache) == _trace(capsys, QUESTIONS[i], None), QUESTIONS[i]
    db = sqlite3.connect(cache / "facts.sqlite")
    assert db.execute("SELECT COUNT(*) FROM gfrags").fetchone()[0] > 5
    db.close()


def test_a_damaged_fragment_is_built_again(tmp_path, capsys):
    cache = tmp_path / "c"
    want = _trace(capsys, QUESTIONS[0], None)
    assert _trace(capsys, QUESTIONS[0], cache) == want
    db = sqlite3.connect(cache / "facts.sqlite")
    n = db.execute("UPDATE gfrags SET data = x'789c0300' || data").rowcount  # not a fragment any more
    db.commit()
    db.close()
    assert n > 0
    _forget_answers(cache)
    assert _trace(capsys, QUESTIONS[0], cache) == want
    _forget_answers(cache)
    assert _trace(capsys, QUESTIONS[0], cache) == want  # (and stored anew)


def test_index_graph_replaces_the_fragments_and_history_stores_none(tmp_path, capsys):
    cache = tmp_path / "c"
    _trace(capsys, QUESTIONS[0], cache)
    assert main(["index", "--graph", "--cache", str(cache)]) == 0
    capsys.readouterr()
    db = sqlite3.connect(cache / "facts.sqlite")
    assert db.execute("SELECT COUNT(*) FROM gfrags").fetchone()[0] == 0
    db.close()
    from srcscan.extract.cache import FactCache
    from srcscan.query.analysis import analyse_demand
    from srcscan.query.trace import trace
    from srcscan.sources.snapshot import DirSnapshot, sample_root

    fc = FactCache(tmp_path / "h")
    a = analyse_demand(DirSnapshot([sample_root()]), fc)  # (history's per-revision analysis)
    trace(a, "cTscTicksPerSecond").to_json()
    fc.close()
    db = sqlite3.connect(tmp_path / "h" / "facts.sqlite")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master")}
    assert "gfrags" not in tables or db.execute("SELECT COUNT(*) FROM gfrags").fetchone()[0] == 0
    db.close()


INDIRECT_C = """typedef void (*PFNSET)(int);
struct OPS { PFNSET pfnSet; };
int g_uIn;
int g_uOther;
static void devWrite(struct OPS *pOps)
{
    int uVal = g_uIn + 1;
    pOps->pfnSet(uVal);
}
static void devSink(int uArg)
{
    g_uOther = uArg;
}
"""


def test_why_not_on_stored_fragments_keeps_the_unresolved_pointer_call(tmp_path, capsys):
    """A function loaded from its fragment still tells why-not which of its calls through a
    pointer went nowhere (the reason a path is missing here)."""
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "ind.c").write_text(INDIRECT_C)
    cache = tmp_path / "c"
    docs = []
    for _ in range(2):
        _forget_answers(cache) if cache.exists() else None
        assert main(["why-not", "g_uIn", "g_uOther", "--src", str(tmp_path / "src"), "--cache", str(cache),
                     "--format", "json"]) == 0
        docs.append(json.loads(capsys.readouterr().out))
    assert docs[1] == docs[0]
    assert [r["detail"] for r in docs[1]["reasons"] if r["kind"] == "indirect-call"] == [{"callee": "pOps->pfnSet"}]
