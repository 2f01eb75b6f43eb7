"""The stored set-up of a graph built on demand (issue 34): after one question, the next on the
same files starts without reading any file's facts, answers as the whole graph does, and a
damaged, tampered or outdated set-up is built again from the facts (a warning, never a
traceback)."""
from __future__ import annotations

import json
import pickle
import sqlite3
import zlib

import pytest

from srcscan.cli import main
from srcscan.extract.cache import FactCache

Q1 = ["cTscTicksPerSecond"]
Q2 = ["TMCpuTicksPerSecond()"]  # (reaches a function Q1 did not build)


def _trace(capsys, argv, cache):
    assert main(["trace", *argv, *(["--cache", str(cache)] if cache else ["--no-cache"]), "--format", "json",
                 "--all"]) == 0
    out = capsys.readouterr()
    doc = json.loads(out.out)
    return {k: doc[k] for k in ("start", "nodes", "edges", "paths")}, out.err


def _forget_answers(cache):
    db = sqlite3.connect(cache / "facts.sqlite")
    db.execute("DELETE FROM blobs WHERE name LIKE 'trace-doc:%' OR name LIKE 'whynot-doc:%'")
    db.commit()
    db.close()


def _setups(cache) -> list[tuple[str, bytes]]:
    db = sqlite3.connect(cache / "facts.sqlite")
    rows = db.execute("SELECT name, data FROM blobs WHERE name LIKE 'demand-setup:%'").fetchall()
    db.close()
    return rows


@pytest.fixture
def facts_read(monkeypatch):
    """How many times facts were read from the cache."""
    calls = []
    real = FactCache.get_many

    def counting(self, keys):
        calls.append(len(keys))
        return real(self, keys)

    monkeypatch.setattr(FactCache, "get_many", counting)
    return calls


def test_the_next_question_reads_no_facts_when_its_functions_are_stored(tmp_path, capsys, facts_read):
    cache = tmp_path / "c"
    want, _ = _trace(capsys, Q1, None)
    assert _trace(capsys, Q1, cache)[0] == want
    assert len(_setups(cache)) == 1
    _forget_answers(cache)
    facts_read.clear()
    got, err = _trace(capsys, Q1, cache)  # every function it needs is stored: no facts read
    assert got == want
    assert facts_read == []
    assert "Traceback" not in err


def test_a_question_reaching_new_functions_reads_the_facts_once_and_answers_as_the_whole_graph(
        tmp_path, capsys, facts_read):
    cache = tmp_path / "c"
    _trace(capsys, Q1, cache)
    facts_read.clear()
    got, _ = _trace(capsys, Q2, cache)
    assert got == _trace(capsys, Q2, None)[0]
    assert len(facts_read) == 1  # (the builder made once, when the first new function was needed)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "tampered", "foreign", "wrong types"])
def test_a_damaged_set_up_is_built_again_with_a_warning(damage, tmp_path, capsys, facts_read):
    cache = tmp_path / "c"
    want, _ = _trace(capsys, Q1, cache)
    (name, data), = _setups(cache)
    if damage == "garbage":
        data = b"not a set-up"
    elif damage == "truncated":
        data = data[: len(data) // 2]
    elif damage == "tampered":  # a pickle that would run code if a class could be loaded
        data = zlib.compress(pickle.dumps(_Boom()))
    else:  # plain data of the set-up's shape: a function that is not there, a name that is a number
        from srcscan.graph.setup import Setup

        bad = ({"k:a": [5]}, {}) if damage == "foreign" else ({"k:a": [0]}, {"a": 7})
        data = Setup(["a#0"], bad[0], [], bad[1], {}, Setup.loads(data).prepared, 1, [], set(), {}).dumps()
    db = sqlite3.connect(cache / "facts.sqlite")
    db.execute("UPDATE blobs SET data = ? WHERE name = ?", (data, name))
    db.commit()
    db.close()
    _forget_answers(cache)
    got, err = _trace(capsys, Q1, cache)
    assert got == want
    assert "stored set-up of the flow graph was damaged" in err and "Traceback" not in err
    assert not _BOOM
    assert _setups(cache)[0][1] != data  # replaced by a good one
    _forget_answers(cache)
    facts_read.clear()
    assert _trace(capsys, Q1, cache)[0] == want  # (on the set-up stored anew: no facts read)
    assert facts_read == []


_BOOM: list = []


def _boom():
    _BOOM.append(1)


class _Boom:
    def __reduce__(self):
        return (_boom, ())


def test_a_version_change_does_not_use_the_stored_set_up(tmp_path, capsys, facts_read, monkeypatch):
    cache = tmp_path / "c"
    _trace(capsys, Q1, cache)
    _forget_answers(cache)
    import srcscan.query.analysis as analysis

    monkeypatch.setattr(analysis, "FLOW_VERSION", analysis.FLOW_VERSION + 1000)
    facts_read.clear()
    _trace(capsys, Q1, cache)
    assert facts_read  # another graph key: set-up computed again from the facts
    assert len(_setups(cache)) == 2
