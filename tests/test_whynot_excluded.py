"""why-not after traces on a graph built on demand (issue 34): how many facts the
configuration excludes (and the names they touch) is counted once per graph, by the first
why-not (a trace does not pay for it), and read from the fact cache by every why-not after
it: no function body decoded to count, the same answer as without a cache, and a damaged or
foreign stored count counted again (never a traceback)."""
from __future__ import annotations

import json
import sqlite3
import zlib
from pathlib import Path

import shutil

import pytest

from srcscan.cli import main
from srcscan.query import whynot_ctx

CFG = ["-D", "IN_RING3", "--src", ""]  # (+ the folder of a copy of flows/preproc.c)
PAIR = ["TM.cR0Hz", "TMCpuTicksPerSecond()"]  # (the path exists only under IN_RING0)


@pytest.fixture(autouse=True)
def src(tmp_path):
    (tmp_path / "src").mkdir()
    shutil.copy(Path(__file__).parent / "flows" / "preproc.c", tmp_path / "src")
    CFG[-1] = str(tmp_path / "src")


def _whynot(capsys, pair, cache) -> tuple[dict, str]:
    main(["why-not", *pair, *CFG, *(["--cache", str(cache)] if cache else ["--no-cache"]), "--format", "json"])
    out = capsys.readouterr()
    return json.loads(out.out), out.err


def _trace(capsys, name, cache) -> None:
    assert main(["trace", name, *CFG, "--cache", str(cache), "--format", "json"]) == 0
    capsys.readouterr()


def _stored(cache) -> list[tuple[str, bytes]]:
    db = sqlite3.connect(cache / "facts.sqlite")
    rows = db.execute("SELECT name, data FROM blobs WHERE name LIKE ?", (whynot_ctx.EXCLUDED + "%",)).fetchall()
    db.close()
    return rows


def _put(cache, name: str, data: bytes) -> None:
    db = sqlite3.connect(cache / "facts.sqlite")
    db.execute("UPDATE blobs SET data = ? WHERE name = ?", (data, name))
    db.commit()
    db.close()


@pytest.fixture
def counts(monkeypatch):
    """How many times the excluded facts were counted (every function's body decoded)."""
    calls = []
    real = whynot_ctx.count_excluded

    def counting(p, config):
        calls.append(1)
        return real(p, config)

    monkeypatch.setattr(whynot_ctx, "count_excluded", counting)
    return calls


def test_why_not_after_traces_reads_the_stored_count_and_answers_as_without_a_cache(tmp_path, capsys, counts):
    want, _ = _whynot(capsys, PAIR, None)
    counts.clear()
    assert want["excluded_by_preprocessor"] > 0 and want["reasons"][0]["kind"] == "preprocessor"
    cache = tmp_path / "c"
    _trace(capsys, PAIR[1], cache)
    _trace(capsys, "TM.cHostHz", cache)
    assert _stored(cache) == [] and counts == []  # a trace does not count
    got, err = _whynot(capsys, PAIR, cache)
    assert got == want and "Traceback" not in err
    assert len(_stored(cache)) == 1 and len(counts) == 1  # counted once, by the first why-not
    counts.clear()
    got, _ = _whynot(capsys, ["TM.cR0Hz", "TM.cHostHz"], cache)  # another pair
    assert got["excluded_by_preprocessor"] == want["excluded_by_preprocessor"]
    assert counts == []  # the stored count was used: no body decoded to count


@pytest.mark.parametrize("damage", ["bytes", "wrong-config", "wrong-type"])
def test_a_damaged_or_foreign_stored_count_is_counted_again(damage, tmp_path, capsys, counts):
    want, _ = _whynot(capsys, PAIR, None)
    cache = tmp_path / "c"
    _trace(capsys, PAIR[1], cache)
    _whynot(capsys, ["TM.cR0Hz", "TM.cHostHz"], cache)  # (stores the count)
    (name, blob), = _stored(cache)
    doc = json.loads(zlib.decompress(blob))
    if damage == "bytes":
        data = blob[:5]
    elif damage == "wrong-config":  # (a count made under other -D: never read for this one)
        data = zlib.compress(json.dumps(dict(doc, config=[[], [], False, []], excluded=999)).encode())
    else:
        data = zlib.compress(json.dumps(dict(doc, excluded="999")).encode())
    _put(cache, name, data)
    counts.clear()
    got, err = _whynot(capsys, PAIR, cache)
    assert got == want and "Traceback" not in err
    assert len(counts) == 1
    assert _stored(cache)[0][1] != data  # replaced by the right count
    counts.clear()
    got, _ = _whynot(capsys, ["TM.cR0Hz", "TM.cHostHz"], cache)  # another pair: the replaced count
    assert counts == []
