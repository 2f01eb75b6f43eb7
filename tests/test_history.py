"""bisect / history / diff on generated git histories and a real local svn repository."""
from __future__ import annotations

import json
import math
import shutil

import pytest

from histories import fact_cache_fixture, make_history, make_svn_history, sample_tree_files
from srcscan.extract.cache import FactCache
from srcscan.cli import main
from srcscan.errors import RevisionError, UsageError
from srcscan.query.history import (Fingerprint, GitSource, Query, SvnSource, bisect, diff, flow_diff, has_path,
                             history, parse_path)

SYM = "cTscTicksPerSecond"
CALLS_EDGE = ("ret:TMCpuTicksPerSecond", "field:GIMKVM.cTscTicksPerSecond")


@pytest.fixture(scope="module")
def base():
    return sample_tree_files()  # None while the sample tree is missing: the mini tree then


cache = fact_cache_fixture()


def bound(n: int) -> int:
    return math.ceil(math.log2(n)) + 2


def removed(change) -> set:
    return {(e["src"], e["dst"]) for e in change.to_json()["diff"]["edges_removed"]}


@pytest.mark.parametrize("k", [1, 2, 13, 30, 31])
def test_bisect_finds_the_commit(tmp_path, base, cache, k):
    h = make_history(tmp_path / "r", n=32, flips={k: "const"}, base=base)
    res = bisect(GitSource(h.path), Query(SYM), f"r{h.commits[0].svn}", f"r{h.commits[-1].svn}", cache)
    assert res.found.after.revision.id == h.commits[k].id
    assert res.found.before.revision.id == h.commits[k - 1].id
    assert res.candidates == 31 and res.stats["evaluations"] <= bound(31) == res.stats["bound"]
    assert CALLS_EDGE in removed(res.found)
    assert not res.warnings


def test_bisect_sync_xref_history(tmp_path, base, cache):
    h = make_history(tmp_path / "x", n=40, flips={23: "cfg"}, style="sync-xref", svn_start=90000, svn_step=2, base=base)
    res = bisect(GitSource(h.path), Query(SYM), "r90000", "r90078", cache)
    assert res.found.after.revision.svn == 90046 and res.found.after.revision.id == h.commits[23].id
    assert res.stats["evaluations"] <= bound(39)
    added = {(e["src"], e["dst"]) for e in res.found.to_json()["diff"]["edges_added"]}
    assert any(d == "field:GIMKVM.cTscTicksPerSecond" and s.startswith("source:cfgm") for s, d in added)


def test_non_monotone(tmp_path, base, cache):
    flips = {10: "const", 14: "cfg", 28: "const"}
    h = make_history(tmp_path / "n", n=32, flips=flips, base=base)
    src = GitSource(h.path)
    res = bisect(src, Query(SYM), "main~31", "main", cache)
    assert res.found.after.revision.id == h.commits[10].id
    assert res.stats["evaluations"] <= bound(31)
    assert any("also changed" in w for w in res.warnings)
    hist = history(src, Query(SYM), "main~31", "main", cache, progress=False)
    assert [c.after.revision.id for c in hist.changes] == [h.commits[k].id for k in sorted(flips)]
    # back and forth: the flow changes and changes back, endpoints equal
    h2 = make_history(tmp_path / "b", n=12, flips={4: "const", 8: "calls"}, base=base)
    res2 = bisect(GitSource(h2.path), Query(SYM), "main~11", "main", cache)
    assert res2.found is None and "same at both ends" in res2.warnings[0]
    hist2 = history(GitSource(h2.path), Query(SYM), "main~11", "main", cache, progress=False)
    assert [c.after.revision.id for c in hist2.changes] == [h2.commits[4].id, h2.commits[8].id]


def test_moved_code_is_not_a_change(tmp_path, base, cache):
    h = make_history(tmp_path / "m", n=8, flips={3: "calls+shift", 6: "const+shift"}, base=base)
    res = history(GitSource(h.path), Query(SYM), "main~7", "main", cache, progress=False)
    assert [c.after.revision.id for c in res.changes] == [h.commits[6].id]
    line_of = {e["line"] for e in res.changes[0].to_json()["diff"]["edges_removed"]}
    assert line_of  # evidence keeps the line numbers


def test_path_and_to_predicates(tmp_path, base, cache):
    h = make_history(tmp_path / "p", n=20, flips={7: "const", 12: "cfg"}, base=base)
    src = GitSource(h.path)
    res = bisect(src, Query(SYM, path=parse_path("TMCpuTicksPerSecond() -> GIMKVM.cTscTicksPerSecond")), "main~19", "main", cache)
    assert res.found.after.revision.id == h.commits[7].id
    assert (res.found.before.value, res.found.after.value) == (True, False)
    res = bisect(src, Query("TMCpuTicksPerSecond()", to="u32TscScale"), "main~19", "main", cache)
    assert res.found.after.revision.id == h.commits[7].id and res.found.after.value is False
    with pytest.raises(UsageError):
        parse_path("just-one")


def test_scope_narrows_candidates(tmp_path, base, cache):
    h = make_history(tmp_path / "s", n=10, flips={5: "const"}, merge_at=3, base=base)
    src = GitSource(h.path, paths=["src/VBox/VMM/VMMR3"])
    res = bisect(src, Query(SYM), "main~9", "main", cache)
    assert res.found.after.revision.id == h.commits[5].id
    assert h.side[0] not in [p.ref for p in res.evaluated]


def test_diff(tmp_path, base, cache):
    h = make_history(tmp_path / "d", n=6, flips={2: "cfg"}, base=base)
    src = GitSource(h.path)
    res = diff(src, Query(SYM), "main~5", "main", cache)
    assert CALLS_EDGE in removed(res.changes[0])
    assert diff(src, Query(SYM), "main~5", "main~4", cache).changes == []


def test_bad_ranges(tmp_path, base, cache):
    h = make_history(tmp_path / "e", n=4, base=base)
    src = GitSource(h.path)
    with pytest.raises(RevisionError, match="not older"):
        bisect(src, Query(SYM), "main", "main~2", cache)
    with pytest.raises(RevisionError, match="start at r1"):
        bisect(src, Query(SYM), "r0", "main", cache)


def test_symbol_missing_at_every_revision_is_an_error_with_suggestions(tmp_path, base, cache):
    """Missing at some revisions is a state (a flow that appears); missing at all is a typo."""
    from srcscan.errors import NotFound

    h = make_history(tmp_path / "u", n=4, base=base)
    with pytest.raises(NotFound) as e:
        history(GitSource(h.path), Query("cTscTicksPerSecnd"), "main~3", "main", cache, progress=False)
    assert "no value named 'cTscTicksPerSecnd'" in str(e.value) and "did you mean" in str(e.value)


def test_fingerprint_and_flow_diff_units():
    a = {"nodes": [{"id": "x"}, {"id": "y"}], "edges": [{"src": "x", "dst": "y", "kind": "assign", "via": None, "line": 3}]}
    b = {"nodes": [{"id": "x"}, {"id": "y"}], "edges": [{"src": "x", "dst": "y", "kind": "assign", "via": None, "line": 9}]}
    assert Fingerprint.of(a) == Fingerprint.of(b) and Fingerprint.of(a).digest() == Fingerprint.of(b).digest()
    d = flow_diff(a, {"nodes": [{"id": "x"}], "edges": []})
    assert d["nodes_removed"] == ["y"] and d["edges_removed"][0]["line"] == 3
    assert has_path(a, ["x", "y"]) and not has_path(a, ["y", "x"])


svn_only = pytest.mark.skipif(not shutil.which("svnadmin"), reason="subversion not installed")


@svn_only
def test_svn_bisect_by_numbers(tmp_path, base, cache):
    sh = make_svn_history(tmp_path, n=12, flips={6: "const", 9: "cfg"}, base=base)
    src = SvnSource(sh.url)
    res = bisect(src, Query(SYM), "r1", "r12", cache)
    assert res.found.after.revision.svn == 7 and res.found.before.revision.svn == 6
    assert res.stats["evaluations"] <= bound(11)
    hist = history(SvnSource(str(sh.wc)), Query(SYM), "1", "12", cache, progress=False)
    assert [c.after.revision.svn for c in hist.changes] == [7, 10]
    assert hist.changes[0].after.trace["source"]["kind"] == "svn"


@svn_only
def test_svn_bad_range(tmp_path, base, cache):
    sh = make_svn_history(tmp_path, n=3, base=base)
    with pytest.raises(RevisionError, match="not older"):
        bisect(SvnSource(sh.url), Query(SYM), "r3", "r2", cache)


@svn_only
def test_svn_bisect_after_a_git_bisect_of_the_same_contents_parses_nothing(tmp_path, base):
    """The same files committed to git and to svn: an svn bisect run after the git bisect
    (one cache) reads its files but parses none of them, and finds the same change."""
    flips = {6: "const", 9: "cfg"}
    h = make_history(tmp_path / "git", n=12, flips=flips, base=base)
    (tmp_path / "svn").mkdir()
    sh = make_svn_history(tmp_path / "svn", n=12, flips=flips, base=base)
    cache = str(tmp_path / "cache")
    docs = {}
    for name, where, good, bad in (("git", ["--src", str(h.path)], h.commits[0].id, h.commits[-1].id),
                                   ("svn", ["--svn", sh.url], "r1", "r12")):
        out = tmp_path / f"{name}.json"
        assert main(["bisect", SYM, *where, "--good", good, "--bad", bad, "--cache", cache,
                     "--format", "json", "-o", str(out)]) == 0
        docs[name] = json.loads(out.read_text())
    g, s = docs["git"]["stats"], docs["svn"]["stats"]
    assert g["files_parsed"] > 0
    assert s["files_parsed"] == 0 and s["files_reused"] == g["files_parsed"] + g["files_reused"]
    assert docs["git"]["found"]["revision"]["id"] == h.commits[6].id
    assert docs["svn"]["found"]["revision"]["svn"] == 7
    assert [e["fingerprint"] for e in docs["svn"]["evaluations"]] == \
        [e["fingerprint"] for e in docs["git"]["evaluations"]]


def test_cli_json_and_text(tmp_path, base, capsys, monkeypatch):
    monkeypatch.setenv("SRCSCAN_CACHE", str(tmp_path / "cache"))
    h = make_history(tmp_path / "c", n=16, flips={9: "const"}, base=base)
    svn = h.commits
    rc = main(["bisect", SYM, "--src", str(h.path), "--good", f"r{svn[0].svn}", "--bad", f"r{svn[-1].svn}", "--format", "json"])
    cap = capsys.readouterr()
    doc = json.loads(cap.out)
    assert rc == 0 and doc["schema"] == "srcscan-history/1" and doc["command"] == "bisect"
    assert doc["found"]["revision"]["id"] == svn[9].id and doc["found"]["revision"]["svn"] == svn[9].svn
    assert set(doc["stats"]) >= {"evaluations", "bound", "files_parsed", "files_reused", "seconds"}
    assert "files parsed" in cap.err
    rc = main(["history", SYM, "--src", str(h.path), "--range", f"r{svn[0].svn}..r{svn[-1].svn}"])
    out = capsys.readouterr().out
    assert rc == 0 and "1 change(s)" in out and f"r{svn[9].svn}" in out and "files parsed" in out
    rc = main(["diff", SYM, "--src", str(h.path), f"r{svn[0].svn}", f"r{svn[1].svn}"])
    assert rc == 1 and "no flow difference" in capsys.readouterr().out
    assert main(["history", SYM, "--src", str(h.path), "--range", "nonsense"]) == 2
    assert "A..B" in capsys.readouterr().err
    assert main(["bisect", SYM, "--src", str(h.path), "--good", "r1", "--bad", "main"]) == 2
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("srcscan: error: r1: no commit") and "Traceback" not in err


def test_a_second_walk_reuses_traces_and_survives_damaged_ones(tmp_path, base):
    c = FactCache(tmp_path / "c")
    h = make_history(tmp_path / "r", n=8, flips={5: "const"}, base=base)
    args = (GitSource(h.path), Query(SYM), "main~7", "main")
    first = bisect(*args, c)
    assert c.memo is None  # the decoded facts kept between revisions are let go after the walk
    again = bisect(*args, c)
    assert again.found.after.revision.id == first.found.after.revision.id == h.commits[5].id
    assert again.stats["files_parsed"] == 0
    assert [p.fingerprint for p in again.evaluated] == [p.fingerprint for p in first.evaluated]
    n = c.db.execute("UPDATE blobs SET data = ? WHERE name LIKE 'trace-result:%'", (b"\x00garbage",)).rowcount
    assert n >= 3
    damaged = bisect(*args, c)
    assert [p.fingerprint for p in damaged.evaluated] == [p.fingerprint for p in first.evaluated]
    c.close()


def test_big_trees_are_walked_with_the_lazy_scope(tmp_path, base, monkeypatch):
    """A whole checkout per revision would not fit: above the auto threshold each revision is
    traced on the files its trace needs (as `trace --scope auto`), and bisect still lands."""
    import srcscan.query.lazy as lazy

    monkeypatch.setattr(lazy, "LAZY_AUTO_FILES", 5)
    c = FactCache(tmp_path / "c")
    h = make_history(tmp_path / "r", n=8, flips={5: "const"}, base=base)
    res = bisect(GitSource(h.path), Query(SYM), "main~7", "main", c)
    assert res.found.after.revision.id == h.commits[5].id
    assert all(p.trace["stats"]["scope"].startswith("lazy") for p in res.evaluated if p.trace.get("stats"))
    assert CALLS_EDGE in removed(res.found)
    c.close()


def test_history_parses_every_revisions_files_up_front_with_the_same_answer(tmp_path, base, monkeypatch):
    """history parses all the file versions of its revisions in one parallel run before it
    traces them (each revision's own index then parses nothing): the same changes, the same
    fingerprints and the same parsed/reused totals as tracing revision by revision."""
    import srcscan.extract.index as index_mod
    import srcscan.query.history as hist_mod

    monkeypatch.setattr(index_mod, "PARALLEL_MIN_FILES", 1)  # (a small tree: parallel anyway)
    monkeypatch.setenv("SRCSCAN_HISTORY_CARRY", "0")  # (every revision traced: the same files parsed either way)
    h = make_history(tmp_path / "p", n=10, flips={3: "const", 7: "cfg"}, base=base)
    up_front = []
    real = index_mod.index_versions

    def spy(snaps, cache, jobs=0):
        st = real(snaps, cache, jobs)
        up_front.append(st.parsed)
        return st

    monkeypatch.setattr(index_mod, "index_versions", spy)
    runs = {}
    for label in ("up front", "one by one"):
        if label == "one by one":
            monkeypatch.setattr(hist_mod.Evaluator, "preindex", lambda self, refs: None)
        cache = FactCache(tmp_path / label)
        try:
            runs[label] = history(GitSource(h.path), Query(SYM), "main~9", "main", cache, jobs=2, progress=False)
        finally:
            cache.close()
    a, b = runs["up front"], runs["one by one"]
    assert [c.after.revision.id for c in a.changes] == [h.commits[3].id, h.commits[7].id]
    assert [p.fingerprint.digest() for p in a.evaluated] == [p.fingerprint.digest() for p in b.evaluated]
    assert up_front and up_front[0] > 0 and a.stats["files_parsed"] == up_front[0]  # all of it up front
    for k in ("files_parsed", "files_reused", "evaluations"):
        assert a.stats[k] == b.stats[k], k
