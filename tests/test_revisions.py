"""Revision arguments, svn numbers and first-parent ranges on generated histories."""
from __future__ import annotations

import subprocess

import pytest

from histories import EPOCH, git, make_history
from srcscan.sources import revisions
from srcscan.errors import RevisionError


@pytest.fixture(scope="module")
def hist(tmp_path_factory):
    return make_history(tmp_path_factory.mktemp("h") / "repo", n=32, flips={10: "const", 20: "calls"}, merge_at=15)


@pytest.fixture(scope="module")
def repo(hist):
    return revisions.open_repo(hist.path)


def test_ids_are_stable(tmp_path):
    a = make_history(tmp_path / "a", n=3)
    b = make_history(tmp_path / "b", n=3)
    assert [c.id for c in a.commits] == [c.id for c in b.commits]
    assert a.commits[0].id == "4225aeebac27a3f95bcb92b92a632cf85a48070e"


def test_svn_number_from_messages():
    assert revisions.svn_number("x\n\ngit-svn-id: https://www.virtualbox.org/svn/vbox/trunk@55068 "
                                "cfe28804-0f27-0410-a406-dd0f0b0b656f\n") == 55068
    assert revisions.svn_number("VMM: fix\n\nsvn:sync-xref-src-repo-rev: r101234\n") == 101234
    assert revisions.svn_number("mentions git-svn-id: inline @5 only") is None
    assert revisions.svn_number("") is None


def test_resolve_svn_numbers(hist, repo):
    for c in hist.commits:
        assert revisions.resolve(repo, f"r{c.svn}") == c.id
    assert revisions.resolve(repo, "R55007") == hist.commits[1].id


def test_resolve_sync_xref(tmp_path):
    h = make_history(tmp_path / "x", n=5, style="sync-xref", svn_start=100000, svn_step=3)
    r = revisions.open_repo(h.path)
    assert revisions.resolve(r, "r100006") == h.commits[2].id
    assert revisions.revision(r, h.commits[2].id).svn == 100006


def test_resolve_git_refs(hist, repo):
    assert revisions.resolve(repo, "main") == hist.commits[-1].id
    assert revisions.resolve(repo, "HEAD~2") == hist.commits[-3].id
    assert revisions.resolve(repo, hist.commits[4].id[:10]) == hist.commits[4].id
    assert revisions.resolve(repo, "side") == hist.side[0]


@pytest.mark.parametrize("arg, words", [
    ("r0", "start at r1"), ("r-5", "start at r1"), ("r55001", "no commit"), ("r99999999", "no commit"),
    ("nosuchbranch", "unknown revision"), ("--output=/tmp/x", "not a revision"), ("", "not a revision"),
    ("HEAD~999", "unknown revision"),
])
def test_bad_revisions(repo, arg, words):
    with pytest.raises(RevisionError) as e:
        revisions.resolve(repo, arg)
    assert words in str(e.value) and "\n" not in str(e.value)


def test_side_branch_svn_not_on_first_parent(tmp_path):
    h = make_history(tmp_path / "r", n=4)
    git(h.path, "checkout", "-q", "-b", "other", h.commits[1].id)
    git(h.path, "commit", "-q", "--allow-empty", "-m", f"x\n\ngit-svn-id: {'u'}@77777 {'a-b'}")
    git(h.path, "checkout", "-q", "main")
    r = revisions.open_repo(h.path)
    with pytest.raises(RevisionError, match="first-parent line of HEAD"):
        revisions.resolve(r, "r77777")
    assert revisions.resolve(r, "r77777", tip="other")


def test_not_a_repository(tmp_path):
    with pytest.raises(RevisionError, match="not inside a git repository"):
        revisions.open_repo(tmp_path)
    with pytest.raises(RevisionError, match="no such folder"):
        revisions.open_repo(tmp_path / "missing")


def test_shallow_clone_lacks_commit(hist, tmp_path):
    dest = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "3", hist.path.as_uri(), str(dest)], check=True, capture_output=True)
    r = revisions.open_repo(dest)
    assert revisions.is_shallow(r)
    assert revisions.resolve(r, f"r{hist.commits[-1].svn}") == hist.commits[-1].id
    for arg in (f"r{hist.commits[3].svn}", hist.commits[3].id):
        with pytest.raises(RevisionError, match="shallow"):
            revisions.resolve(r, arg)


def test_revision_details(hist, repo):
    rv = revisions.revision(repo, hist.commits[10].id)
    assert rv.svn == 55070 and rv.subject == "VMM: change 10" and rv.author == "Test Dev"
    assert rv.date == "2015-01-01T10:00:00+00:00"
    assert rv.label() == f"r55070 {hist.commits[10].id[:12]}"
    assert EPOCH


def test_first_parent_range(hist, repo):
    ids = revisions.first_parent_range(repo, hist.commits[3].id, hist.commits[-1].id)
    assert ids == [c.id for c in hist.commits[4:]]
    assert hist.side[0] not in ids
    assert revisions.first_parent_range(repo, hist.commits[3].id, hist.commits[3].id) == []
    with pytest.raises(RevisionError, match="not older"):
        revisions.first_parent_range(repo, hist.commits[5].id, hist.commits[3].id)
    with pytest.raises(RevisionError, match="first-parent line"):
        revisions.first_parent_range(repo, hist.side[0], hist.commits[-1].id)


def test_commits_touching(hist, repo):
    ids = [c.id for c in hist.commits[1:]]
    assert revisions.commits_touching(repo, ids, ["src/VBox/VMM"]) == set(ids)
    # only the merge brings in the Devices change
    assert revisions.commits_touching(repo, ids, ["src/VBox/Devices"]) == {hist.commits[15].id}


def test_svn_map_cache(tmp_path, monkeypatch, hist):
    monkeypatch.setenv("SRCSCAN_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(revisions, "MAP_CACHE_THRESHOLD", -1.0)
    revisions._MEMO.clear()
    r = revisions.open_repo(hist.path)
    m = revisions.svn_map(r)
    assert m[55070] == hist.commits[10].id and len(m) == 32
    files = list((tmp_path / "cache" / "svnmap").glob("*.json"))
    assert len(files) == 1
    revisions._MEMO.clear()
    assert revisions.svn_map(r) == m



def test_a_git_snapshot_names_its_svn_repository_for_web_links(tmp_path, monkeypatch):
    """A git-svn mirror of somebody's own svn server: the trace says which repository its svn
    numbers belong to, and gets no virtualbox.org links; VirtualBox's own gets them."""
    from srcscan.render._links import for_source
    from srcscan.sources.git import GitSnapshot

    for url, linked in (("https://svn.example.org/repo/trunk", False), ("https://www.virtualbox.org/svn/vbox/trunk", True)):
        import histories

        monkeypatch.setattr(histories, "SVN_URL", url)
        h = make_history(tmp_path / url.split("//")[1].split("/")[0], n=2)
        snap = GitSnapshot(h.path, "HEAD")
        src = snap.repository()
        assert src["svn_url"] == url and snap.revision.svn is not None
        web = for_source(src)
        assert (web is not None) is linked
        if linked:
            assert web.browse("src/VBox/VMM/VMMR3/TM.cpp", snap.revision.svn, 5) == (
                f"https://www.virtualbox.org/browser/vbox/trunk/src/VBox/VMM/VMMR3/TM.cpp?rev={snap.revision.svn}#L5")
