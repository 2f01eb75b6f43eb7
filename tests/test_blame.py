"""srcscan blame on generated git histories (git-svn-id and svn:sync-xref-src-repo-rev lines)
and a real local svn repository: since / first / gaps per step, both searches agreeing, the
link table keyed by repository URL, one-line errors."""
from __future__ import annotations

import json
import shutil

import pytest

import histories
from histories import fact_cache_fixture, make_history, make_svn_history, sample_tree_files
from srcscan.cli import main
from srcscan.errors import NotFound, RevisionError, UsageError
from srcscan.extract.cache import FactCache
from srcscan.query.blame import blame
from srcscan.query.history import GitSource, Query, SvnSource
from srcscan.render._links import for_source

SYM = "cTscTicksPerSecond"
CALLS = ("ret:TMCpuTicksPerSecond", "field:GIMKVM.cTscTicksPerSecond")
# (SystemTime is a local struct of gimR3KvmUpdateSystemTime: its field is that variable's own node)
SCALE_DST = "local:src/VBox/VMM/VMMR3/GIMKvm.cpp:gimR3KvmUpdateSystemTime:SystemTime.u32TscScale"
# the calls flow: absent at 0, added at 5, removed at 10, back at 20 (and there at the end)
FLIPS = {0: "const", 5: "calls", 10: "const", 20: "calls"}


@pytest.fixture(scope="module")
def base():
    return sample_tree_files()


cache = fact_cache_fixture()


@pytest.fixture(scope="module")
def hist(tmp_path_factory, base):
    return make_history(tmp_path_factory.mktemp("bl") / "r", n=32, flips=FLIPS, base=base)


def edge_blame(doc: dict, src: str, dst: str) -> dict:
    eid = [e["id"] for e in doc["trace"]["edges"] if (e["src"], e["dst"]) == (src, dst)]
    assert len(eid) == 1, (src, dst)
    return doc["edges"][eid[0]]


def edge_into(doc: dict, dst: str) -> dict:
    ids = [e["id"] for e in doc["trace"]["edges"] if e["dst"] == dst]
    assert ids, dst
    return doc["edges"][ids[0]]


@pytest.mark.parametrize("search", ["every", "bisect"])
def test_added_removed_readded_git_svn(hist, cache, search):
    c = hist.commits
    res = blame(GitSource(hist.path), Query(SYM), f"r{c[0].svn}", f"r{c[-1].svn}", cache, search=search,
                progress=False)
    doc = res.to_json()
    assert doc["schema"] == "srcscan-blame/1" and doc["search"]["mode"] == search
    b = edge_blame(doc, *CALLS)
    assert (b["since"]["id"], b["since"]["svn"]) == (c[20].id, c[20].svn) and not b["from_start"]
    assert b["since"]["subject"] == "VMM: change 20" and b["since"]["date"].startswith("2015-01-01T20:00")
    assert (b["first"]["id"], b["first_at_start"]) == (c[5].id, False)
    assert [(g["last_present"]["id"], g["removed"]["id"], g["returned"]["id"]) for g in b["gaps"]] == \
        [(c[9].id, c[10].id, c[20].id)]
    # a step there at every revision: from the start (the range's first revision), no gaps
    s = edge_into(doc, SCALE_DST)
    assert s["from_start"] and s["first_at_start"] and s["since"]["id"] == c[0].id and s["gaps"] == []
    assert set(s["presence"]) == {"+"}
    # every node and edge of the trace at the end has its blame
    assert set(doc["nodes"]) == {n["id"] for n in doc["trace"]["nodes"]}
    assert set(doc["edges"]) == {e["id"] for e in doc["trace"]["edges"]}
    assert len(b["presence"]) == len(doc["evaluations"]) == res.stats["revisions_traced"]
    if search == "every":
        assert res.stats["revisions_traced"] == 32 and doc["search"]["exact"]
        assert b["presence"] == "-" * 5 + "+" * 5 + "-" * 10 + "+" * 12
    else:  # the transitions are pinned with far fewer traces
        assert res.stats["revisions_traced"] < 20 and not doc["search"]["exact"]


def test_bisect_agrees_with_every_and_shares_evaluations(tmp_path, base, cache):
    """Two steps changing at different revisions: each pinned exactly, fewer traces than
    bisecting each on its own would need."""
    h = make_history(tmp_path / "r", n=60, flips={0: "const", 17: "calls", 41: "cfg", 47: "calls"}, base=base)
    src, q = GitSource(h.path), Query(SYM)
    every = blame(src, q, "main~59", "main", cache, search="every", progress=False).to_json()
    bis = blame(src, q, "main~59", "main", cache, search="bisect", probes=3, progress=False)
    doc = bis.to_json()
    for eid, b in every["edges"].items():
        assert doc["edges"][eid]["since"] == b["since"] and doc["edges"][eid]["first"] == b["first"], eid
        assert [g["removed"] for g in doc["edges"][eid]["gaps"]] == [g["removed"] for g in b["gaps"]], eid
    assert edge_blame(doc, *CALLS)["since"]["id"] == h.commits[47].id
    assert edge_blame(doc, *CALLS)["gaps"][0]["removed"]["id"] == h.commits[41].id
    assert bis.stats["revisions_traced"] <= 20 < 60


def test_bisect_traces_a_revision_missing_a_file_of_the_flow(tmp_path, base, cache):
    """A short stretch without GIMKvm.cpp (an older branch's import) between probes: bisect
    still sees the gap, because a revision lacking a file of the flow is traced."""
    h = make_history(tmp_path / "g", n=60, flips={36: "gone", 39: "calls"}, base=base)
    res = blame(GitSource(h.path), Query(SYM), "main~59", "main", cache, search="bisect", progress=False)
    b = edge_blame(res.to_json(), *CALLS)
    assert b["since"]["id"] == h.commits[39].id and b["first_at_start"]
    assert [(g["removed"]["id"], g["returned"]["id"]) for g in b["gaps"]] == [(h.commits[36].id, h.commits[39].id)]
    assert res.stats["revisions_traced"] <= 16


def test_sync_xref_links_only_for_a_listed_repository(tmp_path, base, cache):
    """sync-xref lines name no URL: links come only when a remote is the listed mirror."""
    h = make_history(tmp_path / "x", n=10, flips={0: "const", 6: "calls"}, style="sync-xref", svn_start=90000,
                     svn_step=2, base=base)
    res = blame(GitSource(h.path), Query(SYM), "r90000", "r90018", cache, progress=False)
    doc = res.to_json()
    b = edge_blame(doc, *CALLS)
    assert b["since"]["svn"] == 90012 and b["first"]["svn"] == 90012 and b["gaps"] == []
    assert doc["source"]["svn_url"] is None and for_source(doc["source"]) is None
    histories.git(h.path, "remote", "add", "origin", "https://user:secret@github.com/VirtualBox/virtualbox.git")
    doc = blame(GitSource(h.path), Query(SYM), "r90000", "r90018", cache, progress=False).to_json()
    assert doc["source"]["remotes"] == ["https://github.com/VirtualBox/virtualbox.git"]  # no credentials
    links = for_source(doc["source"])
    assert links.changeset(90012) == "https://www.virtualbox.org/changeset/90012/vbox"
    assert links.browse("src/a b.cpp", 90012, 7) == "https://www.virtualbox.org/browser/vbox/trunk/src/a%20b.cpp?rev=90012#L7"


def test_links_are_keyed_by_repository_url():
    vbox = for_source({"svn_url": "https://www.virtualbox.org/svn/vbox/trunk"})
    assert vbox.changeset(55070) == "https://www.virtualbox.org/changeset/55070/vbox"
    assert vbox.browse("src/VBox/VMM/VMMR3/TM.cpp", 55070, None) == \
        "https://www.virtualbox.org/browser/vbox/trunk/src/VBox/VMM/VMMR3/TM.cpp?rev=55070"
    for other in ("file:///srv/svn/vbox/trunk", "https://svn.example.org/svn/vbox/trunk",
                  "https://www.virtualbox.org/svn/vboxevil/trunk", None, 7):
        assert for_source({"svn_url": other, "remotes": ["https://github.com/someone/virtualbox"]}) is None, other
    assert vbox.changeset("1") is None and vbox.changeset(True) is None and vbox.changeset(-3) is None


def test_own_svn_server_gets_no_virtualbox_links(tmp_path, base, cache, monkeypatch, capsys):
    monkeypatch.setattr(histories, "SVN_URL", "https://svn.example.org/repos/vbox/trunk")
    monkeypatch.setenv("SRCSCAN_CACHE", str(tmp_path / "cache"))
    h = make_history(tmp_path / "own", n=6, flips={0: "const", 3: "calls"}, base=base)
    for fmt in ("html", "markdown"):
        assert main(["blame", SYM, "--src", str(h.path), "--range", f"r{h.commits[0].svn}..r{h.commits[-1].svn}",
                     "-f", fmt]) == 0
        out = capsys.readouterr().out
        assert f"r{h.commits[3].svn}" in out and "virtualbox.org" not in out, fmt


svn_only = pytest.mark.skipif(not shutil.which("svnadmin"), reason="subversion not installed")


@svn_only
def test_svn_added_removed_readded(tmp_path, base, cache):
    sh = make_svn_history(tmp_path, n=10, flips={3: "const", 6: "calls"}, base=base)
    doc = blame(SvnSource(sh.url), Query(SYM), "r1", "r10", cache, search="every", progress=False).to_json()
    b = edge_blame(doc, *CALLS)
    assert b["since"]["svn"] == 7 and b["since"]["id"] is None and b["since"]["subject"] == "VMM: change 6"
    assert b["first_at_start"] and b["first"]["svn"] == 1 and not b["from_start"]
    assert [(g["removed"]["svn"], g["returned"]["svn"]) for g in b["gaps"]] == [(4, 7)]
    assert doc["source"]["svn_url"] == sh.url and for_source(doc["source"]) is None
    s = edge_into(doc, SCALE_DST)
    assert s["from_start"] and s["since"]["svn"] == 1


@svn_only
def test_svn_cli_errors(tmp_path, base, capsys, monkeypatch):
    monkeypatch.setenv("SRCSCAN_CACHE", str(tmp_path / "cache"))
    sh = make_svn_history(tmp_path, n=3, base=base)
    for rng, want in (("r3..r2", "not older"), ("r2..r2", "empty range"), ("r1..r99", "")):
        assert main(["blame", SYM, "--svn", sh.url, "--range", rng]) == 2, rng
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1].startswith("srcscan: error:") and want in err[-1] and "Traceback" not in "\n".join(err)


def test_cli_text_json_and_errors(hist, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SRCSCAN_CACHE", str(tmp_path / "cache"))
    c = hist.commits
    argv = ["blame", SYM, "--src", str(hist.path), "--range", f"r{c[0].svn}..r{c[-1].svn}"]
    assert main(argv) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.rstrip().endswith("-> GIMKVM.cTscTicksPerSecond  [field]"))
    assert line.startswith(f"r{c[20].svn} ")  # the since column
    assert f"(first r{c[5].svn}; gone r{c[10].svn}..r{c[20].svn})" in out
    assert f"<=r{c[0].svn}" in out and "revision(s) evaluated" in out and "candidate revision(s)" in out
    by_rev = out.split("BY REVISION")[1]
    assert f"r{c[20].svn}  {c[20].id[:12]}" in by_rev and "VMM: change 20" in by_rev
    assert main(argv + ["--format", "json", "--search", "every"]) == 0
    cap = capsys.readouterr()
    doc = json.loads(cap.out)
    assert doc["stats"]["revisions_traced"] == 32 and "32 evaluated" in cap.err
    assert main(["blame", "TMCpuTicksPerSecond()", *argv[2:], "--to", "u32TscScale", "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["query"]["to"] == "u32TscScale" and {p["direction"] for p in doc["trace"]["paths"]} == {"to"}
    assert edge_blame(doc, *CALLS)["since"]["svn"] == c[20].svn
    md = (main(argv + ["-f", "markdown"]), capsys.readouterr().out)[1]
    assert f"[r{c[20].svn}](https://www.virtualbox.org/changeset/{c[20].svn}/vbox)" in md
    # one-line errors, exit 2: unknown revision, empty range, reversed range, bad syntax
    for rng, want in ((f"r{c[0].svn}..r1", "r1: no commit"), (f"r{c[3].svn}..r{c[3].svn}", "empty range"),
                      (f"r{c[9].svn}..r{c[2].svn}", "not older"), ("nonsense", "A..B"), ("main~3..nope", "nope")):
        assert main(["blame", SYM, "--src", str(hist.path), "--range", rng]) == 2, rng
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1].startswith("srcscan: error:") and want in err[-1] and "Traceback" not in "\n".join(err), err
    assert main(argv[:-2] + ["--range", "main~3..main", "--probes", "-1"]) == 2
    assert main(["blame", "cTscTicksPerSecnd", "--src", str(hist.path), "--range", "main~3..main"]) == 1
    assert "did you mean" in capsys.readouterr().err


def test_library_errors(hist, cache):
    src = GitSource(hist.path)
    with pytest.raises(RevisionError, match="empty range"):
        blame(src, Query(SYM), "main", "main", cache)
    with pytest.raises(UsageError):
        blame(src, Query(SYM), "main~2", "main", cache, search="sometimes")
    with pytest.raises(NotFound):
        blame(src, Query("noSuchValue"), "main~2", "main", cache)


def test_a_second_run_is_warm(hist, tmp_path):
    c = FactCache(tmp_path / "c")
    first = blame(GitSource(hist.path), Query(SYM), "main~31", "main", c, search="bisect", progress=False)
    again = blame(GitSource(hist.path), Query(SYM), "main~31", "main", c, search="bisect", progress=False)
    assert again.stats["files_parsed"] == 0 and first.stats["files_parsed"] > 0
    assert again.to_json()["edges"] == first.to_json()["edges"]
    c.close()


def test_moved_code_keeps_its_since(tmp_path, base, cache):
    """Moving code (same flow, other lines) does not reset a step's since."""
    h = make_history(tmp_path / "m", n=8, flips={4: "calls+shift"}, base=base)
    doc = blame(GitSource(h.path), Query(SYM), "main~7", "main", cache, progress=False).to_json()
    b = edge_blame(doc, *CALLS)
    assert b["from_start"] and b["gaps"] == [] and b["since"]["id"] == h.commits[0].id
