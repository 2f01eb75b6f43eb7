"""SvnSnapshot on a real local svn repository (svnadmin create + commits by the test)."""
from __future__ import annotations

import argparse
import shutil

import pytest

from histories import make_svn_history
from srcscan.errors import RevisionError
from srcscan.sources.resolve import open_snapshot
from srcscan.sources.svn import SvnRepo, SvnSnapshot, parse_rev

pytestmark = pytest.mark.skipif(not shutil.which("svnadmin"), reason="subversion not installed")
GIM = "src/VBox/VMM/VMMR3/GIMKvm.cpp"


@pytest.fixture(scope="module")
def sh(tmp_path_factory):
    return make_svn_history(tmp_path_factory.mktemp("svn"), n=6, flips={3: "const"})


def test_files_keys_and_read(sh):
    snap = SvnSnapshot(sh.url, "r2")
    assert snap.kind == "svn" and snap.root == sh.url and snap.number == 2
    files = dict(snap.files())
    assert files[GIM] == f"svn:/trunk/{GIM}@1"  # unchanged since the import
    assert files["src/VBox/VMM/VMMR3/Churn.cpp"] == "svn:/trunk/src/VBox/VMM/VMMR3/Churn.cpp@2"
    assert "src/VBox/Devices/Dev.cpp" not in files and "README" not in files
    assert b"TMCpuTicksPerSecond(pVM)" in snap.read(GIM)
    assert snap.revision.svn == 2 and snap.revision.subject == "VMM: change 1" and snap.revision.date


def test_flow_change_and_keys(sh):
    snap = SvnSnapshot(sh.url, 4)
    assert dict(snap.files())[GIM] == f"svn:/trunk/{GIM}@4"
    assert b"UINT64_C(1000000000)" in snap.read(GIM)
    assert dict(SvnSnapshot(sh.url, 6).files())[GIM] == f"svn:/trunk/{GIM}@4"


def test_working_copy_and_youngest(sh):
    snap = SvnSnapshot(str(sh.wc))
    assert snap.number == 6 and snap.root == sh.url
    assert SvnSnapshot(sh.url).number == 6
    assert SvnSnapshot(sh.url, "HEAD").number == 6


def test_whole_and_paths(sh):
    assert "src/VBox/Devices/Dev.cpp" in dict(SvnSnapshot(sh.url, 6, whole=True).files())
    assert list(dict(SvnSnapshot(sh.url, 6, paths=["include"]).files())) == ["include/VBox/vmm/tm.h"]


def test_log(sh):
    repo = SvnRepo(sh.url)
    revs = repo.log(2, 6)
    assert [r.svn for r in revs] == [2, 3, 4, 5, 6] and revs[2].subject == "VMM: change 3"


@pytest.mark.parametrize("rev, words", [("r0", "start at r1"), ("r-5", "start at r1"), ("abc", "not an svn revision"),
                                        ("r99", "No such revision 99")])
def test_bad_revisions(sh, rev, words):
    with pytest.raises(RevisionError) as e:
        SvnSnapshot(sh.url, rev).files()
    assert words in str(e.value) and "\n" not in str(e.value)


def test_bad_targets(sh, tmp_path):
    with pytest.raises(RevisionError, match="not an svn URL"):
        SvnRepo("--config-dir=/tmp")
    with pytest.raises(RevisionError, match="no such svn working copy"):
        SvnRepo(str(tmp_path / "nope"))
    with pytest.raises(RevisionError) as e:
        SvnRepo(str(tmp_path))
    assert "\n" not in str(e.value)
    with pytest.raises(RevisionError):
        SvnRepo(sh.url + "/nothing-here")


def test_user_text_is_never_an_option(sh):
    # a path that looks like an option is read as a path (after --, with a peg revision)
    with pytest.raises(RevisionError, match="not in"):
        SvnSnapshot(sh.url, 6).read("--help")


def test_parse_rev():
    assert parse_rev(None) is None and parse_rev("head") is None
    assert parse_rev("r55068") == 55068 and parse_rev(55068) == 55068


def test_open_snapshot_svn(sh):
    args = argparse.Namespace(src=None, rev="r4", svn=sh.url, whole_tree=False)
    snap, why = open_snapshot(args, env={})
    assert snap.kind == "svn" and snap.number == 4 and "--svn" in why


def test_a_users_own_svn_repository_gets_no_virtualbox_links(sh, tmp_path, capsys):
    """`trace --svn` of a local repository: the report names the revision and its repository,
    but links no file or changeset to virtualbox.org (that is VirtualBox's repository, not this one)."""
    import json

    from srcscan.cli import main

    assert SvnSnapshot(sh.url, 2).repository() == {"svn_url": sh.url.rstrip("/"), "remotes": []}
    assert main(["trace", "cTscTicksPerSecond", "--svn", sh.url, "--rev", "r4", "--format", "json",
                 "-o", str(tmp_path / "t.json")]) == 0
    doc = json.loads((tmp_path / "t.json").read_text())
    assert doc["source"]["revision"]["svn"] == 4 and doc["source"]["svn_url"] == sh.url.rstrip("/")
    for fmt in ("html", "markdown"):
        assert main(["report", str(tmp_path / "t.json"), "-f", fmt, "-o", str(tmp_path / f"t.{fmt}")]) == 0
        out = (tmp_path / f"t.{fmt}").read_text()
        assert "r4" in out and "virtualbox.org" not in out


def test_svn_revisions_share_facts_with_a_folder_of_the_same_content(tmp_path):
    """Facts are keyed by content: after a folder with the same files was indexed, an svn
    revision of them parses nothing new (the svn keys map to the content keys)."""
    import shutil
    import subprocess

    if shutil.which("svn") is None or shutil.which("svnadmin") is None:
        pytest.skip("needs subversion")
    from srcscan.extract.cache import FactCache
    from srcscan.extract.index import index
    from srcscan.sources.snapshot import DirSnapshot
    from srcscan.sources.svn import SvnSnapshot

    work = tmp_path / "src"
    work.mkdir()
    (work / "a.c").write_text("int g;\nvoid f(int x)\n{\n    g = x;\n}\n")
    (work / "b.h").write_text("typedef struct S { int i; } S;\n")
    repo = tmp_path / "repo"
    subprocess.run(["svnadmin", "create", str(repo)], check=True)
    subprocess.run(["svn", "import", "-q", "-m", "r1", str(work), f"file://{repo}/trunk"], check=True)
    cache = FactCache(tmp_path / "cache")
    _, st = index(DirSnapshot([work]), cache)
    assert st.parsed == 2
    snap = SvnSnapshot(f"file://{repo}/trunk", 1)
    assert all(k.startswith("svn:") for _, k in snap.files())
    facts, st2 = index(snap, cache)
    assert st2.parsed == 0 and st2.reused == 2
    assert sorted(facts) == ["a.c", "b.h"] and facts["a.c"].functions[0].name == "f"
    _, st3 = index(snap, cache)  # the svn keys now map straight to the content keys
    assert st3.parsed == 0
