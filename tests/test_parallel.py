"""history, bisect and blame over independent revisions in parallel (issue 34): on local worker
processes (-j) and on a 2-worker Dask local cluster, the same changes, found revisions and
blame as one process, with the revisions traced by the workers (the walk reads their answers
from the shared cache); bisect probes k revisions per round, so it needs fewer rounds."""
from __future__ import annotations

import pytest

from histories import make_history, sample_tree_files
from srcscan.extract.cache import FactCache
from srcscan.query.blame import blame
from srcscan.query.history import GitSource, Query, bisect, history

SYM = "cTscTicksPerSecond"


def _answer(res):
    return [(c.after.revision.id, c.after.fingerprint.digest()) for c in res.changes], \
        [p.fingerprint.digest() for p in res.evaluated]


@pytest.fixture(autouse=True)
def every_revision_traced(monkeypatch):
    """Count traces without answers carried from one revision to the next (carry.py; tested
    on its own in test_carry.py), so that every revision is traced here or on a worker."""
    monkeypatch.setenv("SRCSCAN_HISTORY_CARRY", "0")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return make_history(tmp_path_factory.mktemp("h") / "r", n=8, flips={2: "const", 5: "cfg"},
                        base=sample_tree_files())


@pytest.fixture(scope="module")
def long_repo(tmp_path_factory):  # enough revisions for bisect to need several rounds
    return make_history(tmp_path_factory.mktemp("l") / "r", n=14, flips={4: "cfg", 9: "calls"}, base=sample_tree_files())


def _run(repo, folder, jobs=0, cluster=None, monkeypatch=None):
    traced = []
    if monkeypatch is not None:  # count the traces this process runs (not the workers')
        import srcscan.query.trace as trace_mod

        real = trace_mod.trace
        monkeypatch.setattr(trace_mod, "trace", lambda *a, **k: (traced.append(1), real(*a, **k))[1])
    cache = FactCache(folder)
    try:
        res = history(GitSource(repo.path), Query(SYM), f"r{repo.commits[0].svn}", f"r{repo.commits[-1].svn}",
                      cache, jobs, progress=False, cluster=cluster)
    finally:
        cache.close()
    return res, traced


def test_history_on_local_processes_answers_as_one_process(repo, tmp_path, monkeypatch):
    one, _ = _run(repo, tmp_path / "one")
    many, traced = _run(repo, tmp_path / "many", jobs=2, monkeypatch=monkeypatch)
    assert _answer(many) == _answer(one) and len(one.changes) == 2
    assert many.stats["evaluations"] == one.stats["evaluations"] > 2
    # the walk answers from what the workers kept: it traces only the last revision itself
    # (with name suggestions, should the symbol be gone there)
    assert len(traced) == 1


def test_history_on_a_two_worker_dask_local_cluster(repo, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    one, _ = _run(repo, tmp_path / "one")
    res, traced = _run(repo, tmp_path / "dask", cluster="local:2", monkeypatch=monkeypatch)
    assert _answer(res) == _answer(one) and len(traced) == 1  # (the rest by the cluster's workers)
    fc = FactCache(tmp_path / "dask")  # the workers' answers are in the shared store
    try:
        kept = fc.db.execute("SELECT COUNT(*) FROM blobs WHERE name LIKE 'trace-result:%'").fetchone()[0]
    finally:
        fc.close()
    assert kept >= one.stats["evaluations"] - 1


def test_a_bad_cluster_address_is_a_usage_error(repo, tmp_path):
    pytest.importorskip("distributed")
    from srcscan.errors import UsageError

    with pytest.raises(UsageError, match="local:N"):
        _run(repo, tmp_path / "x", cluster="local:none")


def _count_traces(monkeypatch) -> list:
    import srcscan.query.trace as trace_mod

    traced, real = [], trace_mod.trace
    monkeypatch.setattr(trace_mod, "trace", lambda *a, **k: (traced.append(1), real(*a, **k))[1])
    return traced


def _count_rounds(monkeypatch) -> list:
    from srcscan.query import parallel

    rounds, real = [], parallel.Workers.map
    monkeypatch.setattr(parallel.Workers, "map", lambda self, *a: (rounds.append(sum(map(len, a[1]))), real(self, *a))[1])
    return rounds


def _bisect(repo, folder, good, bad, jobs=0, cluster=None, to=None):
    cache = FactCache(folder)
    try:
        return bisect(GitSource(repo.path), Query(SYM, to=to), f"r{good}", f"r{bad}", cache, jobs, cluster=cluster)
    finally:
        cache.close()


def _found(res):
    f = res.found
    return f and (f.before.revision.id, f.after.revision.id, f.before.value, f.after.value)


def test_bisect_probes_several_revisions_per_round_and_finds_the_same_revision(long_repo, tmp_path, monkeypatch):
    c = long_repo.commits
    one = _bisect(long_repo, tmp_path / "one", c[0].svn, c[8].svn)
    assert one.found.after.revision.id == c[4].id
    rounds = _count_rounds(monkeypatch)
    traced = _count_traces(monkeypatch)
    many = _bisect(long_repo, tmp_path / "many", c[0].svn, c[8].svn, jobs=3)
    assert _found(many) == _found(one)
    # 3 probes per round on the workers: fewer rounds than one process's probes in a row;
    # the ends (and a round of one probe) are traced here, each revision once
    assert len(rounds) < one.stats["evaluations"] - 2 and max(rounds) == 3
    assert len(traced) + sum(rounds) == many.stats["evaluations"]
    assert many.stats["evaluations"] <= many.stats["bound"]
    # another predicate and sub-ranges: still the serial answer
    for good, bad, to in ((c[5].svn, c[12].svn, None), (c[0].svn, c[-1].svn, "u32TscScale"),
                          (c[8].svn, c[8].svn, None)):
        assert _found(_bisect(long_repo, tmp_path / "s", good, bad, to=to)) == \
            _found(_bisect(long_repo, tmp_path / "p", good, bad, jobs=2, to=to))


def _blame(repo, folder, jobs=0, cluster=None, search="auto", probes=2):
    cache = FactCache(folder)
    try:
        return blame(GitSource(repo.path), Query(SYM), f"r{repo.commits[0].svn}", f"r{repo.commits[-1].svn}", cache,
                     jobs, search=search, probes=probes, progress=False, cluster=cluster).to_json()
    finally:
        cache.close()


def _steps(doc):
    return {k: (v["since"]["id"], v["first"]["id"], v["presence"]) for k, v in {**doc["nodes"], **doc["edges"]}.items()}


@pytest.mark.parametrize("search", ["every", "bisect"])
def test_blame_on_local_processes_answers_as_one_process(long_repo, tmp_path, monkeypatch, search):
    # (one probe in the middle: both changes lie on either side of it, so the next round
    # splits two pairs at once)
    one = _blame(long_repo, tmp_path / "one", search=search, probes=1)
    traced, rounds = _count_traces(monkeypatch), _count_rounds(monkeypatch)
    many = _blame(long_repo, tmp_path / "many", jobs=2, search=search, probes=1)
    assert _steps(many) == _steps(one) and len(_steps(one)) > 3
    assert {v["since"]["id"] for v in one["edges"].values()} >= {long_repo.commits[9].id}  # (something to blame)
    # the end is traced here, with its hints; the workers trace the rest (every) or each
    # round of two or more revisions (bisect: a round that splits one pair is traced here)
    # the end is traced here, with its hints; the workers trace the rest (every), or each
    # round of two or more revisions (bisect); every revision once, here or there
    assert len(traced) == 1 if search == "every" else \
        (len(traced) + sum(rounds) == one["stats"]["revisions_traced"] and len(rounds) >= 2)


def test_bisect_and_blame_on_a_two_worker_dask_local_cluster(long_repo, tmp_path, monkeypatch):
    pytest.importorskip("distributed")
    c = long_repo.commits
    one = _bisect(long_repo, tmp_path / "one", c[0].svn, c[8].svn)
    rounds = _count_rounds(monkeypatch)
    res = _bisect(long_repo, tmp_path / "dask", c[0].svn, c[8].svn, cluster="local:2")
    assert _found(res) == _found(one) and rounds and max(rounds) == 2  # one probe per cluster worker
    assert _steps(_blame(long_repo, tmp_path / "bd", cluster="local:2", search="bisect")) == \
        _steps(_blame(long_repo, tmp_path / "bs", search="bisect"))
