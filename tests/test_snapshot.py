"""Folder snapshots: which files a tree holds, under which names and content keys, what is
skipped and said, where the sources come from (--src, $SRCSCAN_SRC, a checkout, the sample)."""
import hashlib
import os
import time

import pytest

from srcscan.errors import UsageError
from srcscan.sources import snapshot as snapmod
from srcscan.sources.snapshot import (DirSnapshot, Revision, Snapshot, is_source, resolve_sources, sample_root,
                                      source_problem, source_text)


def _w(p, data=b"int x;\n"):
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


def test_revision_label_and_json():
    r = Revision(id="0123456789abcdef0123", svn=55068, date="d", author="a", subject="s")
    assert r.label() == "r55068 0123456789ab"
    assert Revision(svn=7).label() == "r7" and Revision(id="ab" * 20).label() == "ab" * 6 and Revision().label() == ""
    assert Revision(svn=0).label() == "r0"
    assert r.to_json() == {"id": "0123456789abcdef0123", "svn": 55068, "date": "d", "author": "a", "subject": "s"}
    s = Snapshot(root="/x", label="tree", revision=Revision(svn=3))
    assert s.describe() == "tree @ r3" and Snapshot(root="/x").describe() == "/x"
    assert s.repository() == {}  # a folder names no svn repository: no web links


@pytest.mark.parametrize("name, ok", [("a.c", True), ("a.cpp", True), ("a.cc", True), ("a.cxx", True), ("a.h", True),
                                      ("a.hpp", True), ("a.hh", True), ("a.mac", True), ("a.py", False),
                                      ("a.c.orig", False), ("Makefile", False), ("c", False)])
def test_is_source(name, ok):
    assert is_source(name) is ok


def test_source_problem_and_text():
    assert source_problem(b"int x;\n") is None
    assert "binary data" in source_problem(b"\x7fELF\x00\x01")
    assert source_problem(b"x" * 9000 + b"\x00") is None  # only the start is looked at
    assert source_problem(b"x" * 8191 + b"\x00") is not None
    utf16 = "int µ = 1;\n".encode("utf-16-le")
    assert source_problem(b"\xff\xfe" + utf16) is None and source_problem(b"\xfe\xff" + "x".encode("utf-16-be")) is None
    assert source_text(b"\xff\xfe" + utf16) == "int µ = 1;\n".encode()
    assert source_text(b"\xfe\xff" + "int y;\n".encode("utf-16-be")) == b"int y;\n"
    assert source_text(b"\xff\xfe" + b"a\x00\x00\xd8") == "a\ufffd".encode()  # a lone surrogate: replaced
    assert source_text(b"int \xff x;") == b"int \xff x;"  # invalid UTF-8 left to the parser


def test_folder_files_keys_and_reads(tmp_path):
    a = _w(tmp_path / "t" / "b" / "a.c", b"int a;\n")
    _w(tmp_path / "t" / "b" / "notes.txt", b"x")
    _w(tmp_path / "t" / ".hidden" / "h.c")
    _w(tmp_path / "t" / ".h.c")
    _w(tmp_path / "t" / "z.h", "int µ;\n".encode("utf-16-le").join([b"\xff\xfe", b""]))
    snap = DirSnapshot([tmp_path / "t"])
    files = snap.files()
    # the content key is git's blob id of the bytes: a folder and a git commit share facts
    assert files == [("b/a.c", "blob:" + hashlib.sha1(b"blob 7\0int a;\n").hexdigest()), ("z.h", files[1][1])]
    assert snap.root == str((tmp_path / "t").resolve()) and snap.label == snap.root and snap.kind == "dir"
    assert snap.read("b/a.c") == b"int a;\n" and snap.read("z.h") == "int µ;\n".encode()
    assert snap.size_of("b/a.c") == 7
    assert snap.files() == files  # stable
    a.unlink()
    assert snap.size_of("b/a.c") == 0


def test_checkout_root_is_narrowed_unless_whole(tmp_path):
    root = tmp_path / "vbox"
    _w(root / "src" / "VBox" / "VMM" / "a.cpp")
    _w(root / "include" / "i.h")
    _w(root / "src" / "VBox" / "Devices" / "d.cpp")
    narrow = [p for p, _ in DirSnapshot([root]).files()]
    assert narrow == ["include/i.h", "src/VBox/VMM/a.cpp"]
    whole = [p for p, _ in DirSnapshot([root], whole=True).files()]
    assert whole == ["include/i.h", "src/VBox/Devices/d.cpp", "src/VBox/VMM/a.cpp"]
    # a folder below the root is not a checkout root: taken as it is
    assert [p for p, _ in DirSnapshot([root / "src"]).files()] == ["VBox/Devices/d.cpp", "VBox/VMM/a.cpp"]


def test_several_paths_share_a_root(tmp_path):
    _w(tmp_path / "x" / "a.c")
    _w(tmp_path / "y" / "b.h")
    f = _w(tmp_path / "y" / "c.c")
    snap = DirSnapshot([tmp_path / "x", f])
    assert snap.root == str(tmp_path.resolve()) and [p for p, _ in snap.files()] == ["x/a.c", "y/c.c"]
    one = DirSnapshot([f])
    assert one.root == str((tmp_path / "y").resolve()) and [p for p, _ in one.files()] == ["c.c"]
    assert DirSnapshot([f], label="mine").label == "mine"


def test_bad_source_folders_are_one_line_usage_errors(tmp_path):
    with pytest.raises(UsageError, match="no such file or folder"):
        DirSnapshot([tmp_path / "missing"])
    with pytest.raises(UsageError, match="no source folder given"):
        DirSnapshot([])
    _w(tmp_path / "e" / "readme.txt")
    with pytest.raises(UsageError, match=r"--src .*e: no C/C\+\+ sources found$"):
        DirSnapshot([tmp_path / "e"])
    for i in range(4):
        _w(tmp_path / "b" / f"bin{i}.c", b"\x00\x01")
    snap = DirSnapshot([tmp_path / "b"])
    with pytest.raises(UsageError) as e:
        snap.files()
    msg = str(e.value)
    assert "no C/C++ sources found (4 skipped: " in msg and msg.count("binary data") == 3 and msg.endswith("; ...)")


def test_binary_unreadable_and_huge_files_are_skipped_with_a_warning(tmp_path, monkeypatch):
    _w(tmp_path / "t" / "ok.c")
    _w(tmp_path / "t" / "bin.c", b"\x00\x00\x00")
    limit = 2 * 1024 * 1024
    big = _w(tmp_path / "t" / "big.c", b"x" * (limit + 1))
    monkeypatch.setattr(snapmod, "MAX_FILE_BYTES", limit)
    snap = DirSnapshot([tmp_path / "t"])
    assert [p for p, _ in snap.files()] == ["ok.c"]
    assert f"{big}: larger than 2 MB; skipped" in snap.warnings
    assert any(w.startswith("bin.c: binary data") for w in snap.warnings)
    assert [p for p, _ in DirSnapshot([tmp_path / "t" / "ok.c"]).files()] == ["ok.c"]
    with pytest.raises(UsageError, match="1 skipped: .*big.c: larger than 2 MB; skipped"):
        DirSnapshot([big])  # a single huge file given by name: skipped, said
    if os.geteuid() != 0:  # root reads everything
        locked = _w(tmp_path / "u" / "locked.c")
        _w(tmp_path / "u" / "fine.c")
        locked.chmod(0)
        snap = DirSnapshot([tmp_path / "u"])
        assert [p for p, _ in snap.files()] == ["fine.c"]
        assert any(w.startswith("locked.c: unreadable") for w in snap.warnings)


def test_symlink_loops_are_reported_not_followed(tmp_path):
    _w(tmp_path / "t" / "a.c")
    (tmp_path / "t" / "loop").symlink_to(tmp_path / "t")
    snap = DirSnapshot([tmp_path / "t"])
    assert [p for p, _ in snap.files()] == ["a.c"]
    assert any("symlink loop" in w for w in snap.warnings)


def test_stat_keys_skip_rehashing_only_unchanged_and_settled_files(tmp_path):
    old = _w(tmp_path / "t" / "old.c", b"int o;\n")
    fresh = _w(tmp_path / "t" / "fresh.c", b"int f;\n")
    past = time.time_ns() - 60 * 10 ** 9
    os.utime(old, ns=(past, past))
    snap = DirSnapshot([tmp_path / "t"])
    snap.stat_keys = {}
    keys = dict(snap.files())
    # only the settled file is remembered: one changed in the last 2 s may change again unseen
    assert set(snap.new_stat_keys) == {str(old)}
    st = os.stat(old)
    assert snap.new_stat_keys[str(old)] == (st.st_size, st.st_mtime_ns, st.st_ino, keys["old.c"])
    # a remembered stat is trusted: the file is not read (its recorded key is used as is)
    again = DirSnapshot([tmp_path / "t"])
    again.stat_keys = {str(old): (st.st_size, st.st_mtime_ns, st.st_ino, "blob:remembered")}
    assert dict(again.files()) == {"old.c": "blob:remembered", "fresh.c": keys["fresh.c"]}
    assert fresh.exists()
    # without stat keys (no cache) every file is hashed
    plain = DirSnapshot([tmp_path / "t"])
    assert dict(plain.files()) == keys and plain.new_stat_keys == {}


def test_where_the_sources_come_from(tmp_path, monkeypatch):
    _w(tmp_path / "given" / "a.c")
    _w(tmp_path / "env1" / "b.c")
    _w(tmp_path / "env2" / "c.c")
    co = tmp_path / "co"
    _w(co / "src" / "VBox" / "VMM" / "v.cpp")
    (co / "src" / "VBox" / "VMM" / "sub").mkdir()
    snap, why = resolve_sources([str(tmp_path / "given")], env={"SRCSCAN_SRC": str(tmp_path / "env1")})
    assert why == "--src" and [p for p, _ in snap.files()] == ["a.c"]
    env = {"SRCSCAN_SRC": os.pathsep.join([str(tmp_path / "env1"), str(tmp_path / "env2")])}
    snap, why = resolve_sources(None, env=env, cwd=str(co))
    assert why == "SRCSCAN_SRC" and [p for p, _ in snap.files()] == ["env1/b.c", "env2/c.c"]
    snap, why = resolve_sources(None, env={}, cwd=str(co / "src" / "VBox" / "VMM" / "sub"))
    assert why == "checkout containing the current directory" and snap.root == str(co.resolve())
    assert [p for p, _ in snap.files()] == ["src/VBox/VMM/v.cpp"]
    snap, why = resolve_sources(None, env={}, cwd=str(tmp_path / "given"))
    assert snap.kind == "sample" and snap.label == "bundled sample tree" and why.startswith("no --src")
    assert snap.root == str(sample_root().resolve()) and len(snap.files()) > 20
    assert sample_root().name == "tree" and "src/VBox/VMM/VMMR3/TM.cpp" in dict(snap.files())
    monkeypatch.setenv("SRCSCAN_SRC", str(tmp_path / "env2"))
    monkeypatch.chdir(co)
    snap, why = resolve_sources(None)
    assert why == "SRCSCAN_SRC" and [p for p, _ in snap.files()] == ["c.c"]
    monkeypatch.delenv("SRCSCAN_SRC")
    snap, why = resolve_sources(None)
    assert why == "checkout containing the current directory"


def test_a_folder_holding_src_alone_is_not_a_checkout(tmp_path):
    """The checkout marker is queries/config.toml's (src/VBox/VMM), not any `src` folder."""
    from srcscan.datafiles import load_toml

    _w(tmp_path / "p" / "src" / "a.c")
    _w(tmp_path / "p" / "lib" / "b.c")
    assert [p for p, _ in DirSnapshot([tmp_path / "p"]).files()] == ["lib/b.c", "src/a.c"]
    conf = load_toml("config.toml")["checkout"]
    assert snapmod.CHECKOUT_MARKER == conf["marker"] and snapmod.DEFAULT_CLONE_URL == conf["clone_url"]


def test_the_size_limit_is_8_mb(tmp_path):
    limit = 8 * 1024 * 1024
    _w(tmp_path / "t" / "at.c", b"/" * limit)
    _w(tmp_path / "t" / "over.c", b"/" * (limit + 1))
    snap = DirSnapshot([tmp_path / "t"])
    assert [p for p, _ in snap.files()] == ["at.c"] and any("over.c: larger than 8 MB" in w for w in snap.warnings)


def test_has_names_only_the_snapshots_files(tmp_path):
    _w(tmp_path / "t" / "a.c")
    snap = DirSnapshot([tmp_path / "t"])
    assert snap.has("a.c") and not snap.has("b.c") and not snap.has(None) and not snap.has(["a.c"])

    class Listed(Snapshot):
        def files(self):
            return [("x/a.c", "k1"), ("b.h", "k2")]

    s = Listed()
    assert s.has("x/a.c") and s.has("b.h") and not s.has("a.c") and not s.has(None) and not s.has(("x/a.c",))


def test_a_file_that_cannot_be_read_after_the_walk_is_skipped_with_a_warning(tmp_path):
    _w(tmp_path / "t" / "a.c", b"int a;\n")
    gone = _w(tmp_path / "t" / "b.c", b"int b;\n")
    _w(tmp_path / "t" / "c.c", b"int c;\n")
    snap = DirSnapshot([tmp_path / "t"])
    gone.unlink()
    gone.mkdir()  # now a folder: reading it fails, even as root
    keys = dict(snap.files())
    assert set(keys) == {"a.c", "c.c"} and keys["c.c"] == "blob:" + hashlib.sha1(b"blob 7\0int c;\n").hexdigest()
    assert any(w.startswith("b.c: unreadable (Is a directory)") for w in snap.warnings)


def test_an_unreadable_folder_is_skipped_with_a_warning(tmp_path, monkeypatch):
    _w(tmp_path / "t" / "a.c")
    _w(tmp_path / "t" / "locked" / "b.c")
    real = os.scandir

    def scandir(d):
        if str(d).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(d)

    monkeypatch.setattr(snapmod.os, "scandir", scandir)
    snap = DirSnapshot([tmp_path / "t"])
    assert [p for p, _ in snap.files()] == ["a.c"]
    assert any(w.endswith("locked: Permission denied; skipped") for w in snap.warnings)


def test_stat_keys_survive_a_second_listing(tmp_path):
    old = _w(tmp_path / "t" / "old.c")
    past = time.time_ns() - 60 * 10 ** 9
    os.utime(old, ns=(past, past))
    snap = DirSnapshot([tmp_path / "t"])
    snap.stat_keys = {}
    snap.files()
    snap.files()  # index --graph lists the files twice: what was learnt the first time is kept
    assert set(snap.new_stat_keys) == {str(old)}
