"""GitSnapshot reads a commit from the object database; sources.open_snapshot picks it."""
from __future__ import annotations

import argparse
import os

import pytest

from histories import git, make_history
from srcscan.errors import RevisionError, UsageError
from srcscan.sources.git import GitSnapshot
from srcscan.sources.resolve import open_snapshot

GIM = "src/VBox/VMM/VMMR3/GIMKvm.cpp"


@pytest.fixture(scope="module")
def hist(tmp_path_factory):
    return make_history(tmp_path_factory.mktemp("g") / "repo", n=6, flips={3: "const"})


def test_files_and_keys(hist):
    snap = GitSnapshot(hist.path, f"r{hist.commits[2].svn}")
    assert snap.kind == "git" and snap.root == str(hist.path)
    files = dict(snap.files())
    assert GIM in files and "include/VBox/vmm/tm.h" in files
    assert "src/VBox/Devices/Dev.cpp" not in files  # outside the default scope
    assert "README" not in files  # not a C/C++ source
    blob = git(hist.path, "rev-parse", f"{hist.commits[2].id}:{GIM}").strip()
    assert files[GIM] == "blob:" + blob
    assert b"TMCpuTicksPerSecond(pVM)" in snap.read(GIM)
    assert snap.revision.id == hist.commits[2].id and snap.revision.svn == hist.commits[2].svn
    assert snap.describe().endswith(f"r{hist.commits[2].svn} {hist.commits[2].id[:12]}")


def test_unchanged_files_keep_keys(hist):
    a = dict(GitSnapshot(hist.path, hist.commits[2].id).files())
    b = dict(GitSnapshot(hist.path, hist.commits[3].id).files())
    assert a[GIM] != b[GIM]
    assert a["src/VBox/VMM/VMMR3/TM.cpp"] == b["src/VBox/VMM/VMMR3/TM.cpp"]
    assert b"UINT64_C(1000000000)" in GitSnapshot(hist.path, hist.commits[3].id).read(GIM)


def test_no_checkout_no_worktree_change(hist):
    before = (hist.path / GIM).read_bytes()
    status = git(hist.path, "status", "--porcelain")
    GitSnapshot(hist.path, hist.commits[0].id).read(GIM)
    assert (hist.path / GIM).read_bytes() == before
    assert git(hist.path, "status", "--porcelain") == status
    assert git(hist.path, "rev-parse", "HEAD").strip() == hist.commits[-1].id


def test_scopes(hist):
    whole = dict(GitSnapshot(hist.path, "HEAD", whole=True).files())
    assert "src/VBox/Devices/Dev.cpp" in whole
    only = dict(GitSnapshot(hist.path, "HEAD", paths=["src/VBox/VMM/VMMAll"]).files())
    assert list(only) == ["src/VBox/VMM/VMMAll/TMAll.cpp"]
    sub = dict(GitSnapshot(hist.path / "src/VBox/VMM/include", "HEAD").files())
    assert sorted(sub) == ["src/VBox/VMM/include/GIMKvmInternal.h", "src/VBox/VMM/include/TMInternal.h"]
    with pytest.raises(RevisionError):
        GitSnapshot(hist.path, "HEAD", paths=["../etc"])


def test_non_vbox_tree_is_whole(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "a.c").write_text("int a;\n")
    (tmp_path / "b.txt").write_text("x\n")
    git(tmp_path, "add", "a.c", "b.txt")
    git(tmp_path, "commit", "-q", "-m", "one")
    snap = GitSnapshot(tmp_path, "HEAD")
    assert [p for p, _ in snap.files()] == ["a.c"] and snap.revision.svn is None


def test_bad_inputs(hist, tmp_path):
    with pytest.raises(RevisionError, match="not inside a git repository"):
        GitSnapshot(tmp_path, "HEAD")
    with pytest.raises(RevisionError, match="unknown revision"):
        GitSnapshot(hist.path, "v9.9")
    snap = GitSnapshot(hist.path, "HEAD")
    with pytest.raises(RevisionError, match="not in"):
        snap.read("src/nothing.c")


def ns(**kw):
    base = dict(src=None, rev=None, svn=None, whole_tree=False)
    base.update(kw)
    return argparse.Namespace(**base)


def test_open_snapshot_git(hist, tmp_path):
    snap, why = open_snapshot(ns(src=[str(hist.path)], rev=f"r{hist.commits[1].svn}"), env={})
    assert snap.kind == "git" and snap.revision.id == hist.commits[1].id and "--rev" in why
    snap, why = open_snapshot(ns(rev="HEAD~1"), env={}, cwd=str(hist.path / "src/VBox/VMM/VMMR3"))
    assert snap.revision.id == hist.commits[-2].id and "checkout containing" in why
    assert "include/VBox/vmm/tm.h" in dict(snap.files())  # the checkout root, default scope
    snap, _ = open_snapshot(ns(rev="HEAD"), env={"SRCSCAN_SRC": str(hist.path / "include")}, cwd=str(tmp_path))
    assert [p for p, _ in snap.files()] == ["include/VBox/vmm/tm.h"]
    snap, _ = open_snapshot(ns(src=[str(hist.path / "include"), str(hist.path / "src/VBox/VMM/VMMAll")], rev="HEAD"), env={})
    assert len(snap.files()) == 2


def test_open_snapshot_errors(hist, tmp_path):
    with pytest.raises(RevisionError, match="--rev needs a git repository"):
        open_snapshot(ns(rev="HEAD"), env={}, cwd=str(tmp_path))
    with pytest.raises(UsageError, match="cannot be combined"):
        open_snapshot(ns(src=["x"], svn="file:///nowhere"), env={})
    other = make_history(tmp_path / "other", n=1)
    with pytest.raises(UsageError, match="one repository"):
        open_snapshot(ns(src=[str(hist.path), str(other.path)], rev="HEAD"), env={})


def test_open_snapshot_falls_back_to_files(hist):
    snap, why = open_snapshot(ns(src=[str(hist.path)]), env={})
    assert snap.kind == "dir" and why == "--src"
    assert os.path.isabs(snap.root)


def test_a_blob_missing_from_the_clone_is_skipped_with_a_warning(tmp_path, capsys):
    """An incomplete clone (objects missing, no remote to fetch them from): the file is
    skipped and said, like an unreadable file on disk; the rest is traced."""
    from srcscan.cli import main
    from srcscan.errors import UnreadableSource

    h = make_history(tmp_path / "repo", n=2)
    victim = "src/VBox/VMM/VMMR3/TM.cpp"
    sha = git(h.path, "rev-parse", f"HEAD:{victim}").strip()
    import subprocess

    git(h.path, "repack", "-a", "-d", "-q")  # every object into one pack ...
    for p in (h.path / ".git" / "objects" / "pack").glob("*.pack"):
        data = p.read_bytes()
        for f in p.parent.glob(p.stem + ".*"):
            f.unlink()
        # ... and back out as loose objects, so that one of them can be deleted
        subprocess.run(["git", "-C", str(h.path), "unpack-objects", "-q"], input=data, check=True)
    (h.path / ".git" / "objects" / sha[:2] / sha[2:]).unlink()
    snap = GitSnapshot(h.path, "HEAD")
    with pytest.raises(UnreadableSource):
        snap.read(victim)
    code = main(["trace", "cTscTicksPerSecond", "--src", str(h.path), "--rev", "HEAD", "--no-cache", "-j", "1"])
    err = capsys.readouterr().err
    assert code == 0
    assert f"{victim}: cannot read blob {sha[:12]}" in err and "skipped" in err
    from srcscan.query.history import GitSource, Query, diff

    # comparing revisions: a revision missing a file would show its flows as removed, so it
    # is an error naming the file (issue 16), never a diff against an emptier tree
    from srcscan.errors import RevisionError

    with pytest.raises(RevisionError, match=f"1 file\\(s\\) cannot be read.*{victim}.*git fsck"):
        diff(GitSource(h.path), Query("cTscTicksPerSecond"), "HEAD~1", "HEAD", None, 1)
    # a partial mirror: with unreadable="skip" history goes on without the file and says so
    # once per revision (both revisions share the missing blob)
    from srcscan.query.history import history

    res = history(GitSource(h.path), Query("cTscTicksPerSecond"), "HEAD~1", "HEAD", None, 1, progress=False,
                  unreadable="skip")
    said = [w for w in res.warnings if "cannot be read from the repository" in w]
    assert len(said) == 2 and all(victim in w and "traced without them" in w for w in said)
    with pytest.raises(RevisionError):
        history(GitSource(h.path), Query("cTscTicksPerSecond"), "HEAD~1", "HEAD", None, 1, progress=False)
