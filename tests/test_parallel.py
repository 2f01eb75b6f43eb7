"""history over independent revisions in parallel (issue 34): on local worker processes (-j)
and on a 2-worker Dask local cluster, the same changes and fingerprints as one process, with
each revision traced once by a worker (the walk reads their answers from the shared cache)."""
from __future__ import annotations

import pytest

from histories import make_history, sample_tree_files
from srcscan.extract.cache import FactCache
from srcscan.query.history import GitSource, Query, history

SYM = "cTscTicksPerSecond"


def _answer(res):
    return [(c.after.revision.id, c.after.fingerprint.digest()) for c in res.changes], \
        [p.fingerprint.digest() for p in res.evaluated]


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    return make_history(tmp_path_factory.mktemp("h") / "r", n=8, flips={2: "const", 5: "cfg"},
                        base=sample_tree_files())


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
