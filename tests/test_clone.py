"""srcscan clone from a local repository (file:// URL), partial and sparse; refused URLs."""
from __future__ import annotations

import pytest

from histories import git, make_history
from srcscan.sources import clone as clone_mod
from srcscan.cli import main
from srcscan.sources.clone import check_url, clone, default_dest
from srcscan.errors import SrcscanError, UsageError


@pytest.fixture()
def upstream(tmp_path):
    h = make_history(tmp_path / "upstream", n=5, flips={3: "const"})
    git(h.path, "config", "uploadpack.allowFilter", "true")
    git(h.path, "config", "uploadpack.allowAnySHA1InWant", "true")
    return h


def test_partial_sparse_clone(upstream, tmp_path):
    dest = tmp_path / "vbox"
    res = clone(upstream.path.as_uri(), dest)
    assert res.created and res.revision.id == upstream.commits[-1].id and res.revision.svn == upstream.commits[-1].svn
    assert (dest / "src/VBox/VMM/VMMR3/GIMKvm.cpp").is_file()
    assert (dest / "include/VBox/vmm/tm.h").is_file()
    assert not (dest / "src/VBox/Devices").exists()  # outside the sparse set
    assert (dest / "README").is_file()  # cone mode keeps top-level files
    assert git(dest, "config", "remote.origin.partialclonefilter").strip() == "blob:none"
    assert res.paths == ["include", "src/VBox/VMM"]


def test_rerun_updates(upstream, tmp_path):
    dest = tmp_path / "vbox"
    clone(upstream.path.as_uri(), dest)
    git(upstream.path, "commit", "-q", "--allow-empty", "-m", "VMM: later\n\nsvn:sync-xref-src-repo-rev: r60000")
    res = clone(upstream.path.as_uri(), dest)
    assert not res.created and res.revision.svn == 60000
    res = clone(None, dest)  # no URL: update whatever origin is
    assert not res.created and res.revision.svn == 60000


def test_rev_and_paths(upstream, tmp_path):
    dest = tmp_path / "vbox"
    old = upstream.commits[1]
    res = clone(upstream.path.as_uri(), dest, paths=["src/VBox/Devices"], rev=f"r{old.svn}")
    assert res.revision.id == old.id
    assert (dest / "src/VBox/Devices/Dev.cpp").is_file() and not (dest / "src/VBox/VMM").exists()
    assert git(dest, "rev-parse", "HEAD").strip() == old.id
    res = clone(upstream.path.as_uri(), dest)  # detached: stays, says so
    assert res.revision.id == old.id and any("detached" in n for n in res.notes)
    res = clone(upstream.path.as_uri(), dest, rev="origin/main")
    assert res.revision.id == upstream.commits[-1].id


@pytest.mark.parametrize("url", ["-uhelp", "--upload-pack=touch /tmp/pwned", "ext::sh -c touch% /tmp/pwned",
                                 "EXT::sh", "fd::17", "ext://x", "foo::bar", ""])
def test_refused_urls(url, tmp_path):
    with pytest.raises(UsageError):
        clone(url, tmp_path / "x")
    assert not (tmp_path / "x").exists()


def test_refused_url_via_cli(tmp_path, capsys):
    assert main(["clone", "--", "ext::sh -c id", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err
    assert "refused" in err and err.count("\n") == 1


def test_protocols_forced_off():
    env = clone_mod.GIT_ENV
    keys = {env[f"GIT_CONFIG_KEY_{i}"]: env[f"GIT_CONFIG_VALUE_{i}"] for i in range(int(env["GIT_CONFIG_COUNT"]))}
    assert keys == {"protocol.ext.allow": "never", "protocol.fd.allow": "never"}


def test_errors_are_one_line(tmp_path, upstream):
    with pytest.raises(SrcscanError) as e:
        clone((tmp_path / "missing").as_uri(), tmp_path / "a")
    assert "\n" not in str(e.value) and str(e.value).startswith("clone file://")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "f").write_text("x")
    with pytest.raises(UsageError, match="not a git clone"):
        clone(upstream.path.as_uri(), busy)
    dest = tmp_path / "vbox"
    clone(upstream.path.as_uri(), dest)
    with pytest.raises(UsageError, match="is a clone of"):
        clone((tmp_path / "elsewhere").as_uri(), dest)
    with pytest.raises(UsageError, match="relative"):
        clone(upstream.path.as_uri(), tmp_path / "b", paths=["/etc"])
    with pytest.raises(SrcscanError, match="no commit"):
        clone(upstream.path.as_uri(), tmp_path / "c", rev="r1")


def test_cli_clone(upstream, tmp_path, capsys):
    dest = tmp_path / "cli"
    assert main(["clone", upstream.path.as_uri(), str(dest)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cloned ") and f"r{upstream.commits[-1].svn}" in out
    assert main(["clone", upstream.path.as_uri(), str(dest)]) == 0
    assert capsys.readouterr().out.startswith("updated ")


def test_url_helpers():
    assert default_dest("https://github.com/VirtualBox/virtualbox.git") == "virtualbox"
    assert default_dest("git@host:vbox/trunk") == "trunk"
    assert default_dest("https://x/-evil") == "virtualbox"
    assert check_url("https://github.com/VirtualBox/virtualbox.git")
