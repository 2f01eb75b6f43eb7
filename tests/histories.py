"""Purpose-made repositories for history tests (git and svn), built in a temp folder with
fixed identities and dates so commit ids are stable. A plain module: tests import it.

    hist = make_history(tmp_path / "repo", n=32, flips={10: "const"})
    hist.commits[10].id, hist.commits[10].svn, hist.commits[10].variant

Flow variants of GIMKvm.cpp (the line that sets the TSC frequency the guest is told):
``calls`` (from TMCpuTicksPerSecond, the original), ``const`` (a constant), ``cfg``
(from a CFGM key), ``gone`` (no GIMKvm.cpp at all, like an older branch's import); a ``+shift``
suffix moves the code down three lines (same flow).
``base=sample_tree_files()`` builds on the bundled sample tree instead of the mini tree.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

EPOCH = 1420070400  # 2015-01-01T00:00:00Z
SVN_URL = "https://www.virtualbox.org/svn/vbox/trunk"
SVN_UUID = "cfe28804-0f27-0410-a406-dd0f0b0b656f"
IDENT = ("Test Dev", "dev@example.org")

FLOW_LINES = {
    "calls": "    pKvm->cTscTicksPerSecond = TMCpuTicksPerSecond(pVM);",
    "const": "    pKvm->cTscTicksPerSecond = UINT64_C(1000000000);",
    "cfg": "    CFGMR3QueryU64(pCfg, \"TscHz\", &pKvm->cTscTicksPerSecond);",
}

GIMKVM_CPP = """\
#include "GIMKvmInternal.h"
#include <VBox/vmm/tm.h>

int gimR3KvmInitCompleted(PVM pVM, PCFGMNODE pCfg)
{
    PGIMKVM pKvm = &pVM->gim.s.u.Kvm;
@FLOW@
    return VINF_SUCCESS;
}

int gimR3KvmUpdateSystemTime(PVM pVM, PGIMKVMSYSTEMTIME pSystemTime)
{
    PGIMKVM pKvm = &pVM->gim.s.u.Kvm;
    uint64_t u64TscFreq = pKvm->cTscTicksPerSecond;
    pSystemTime->u32TscScale = (uint32_t)(UINT64_C(4294967296000000000) / u64TscFreq);
    return VINF_SUCCESS;
}
"""

MINI_TREE = {
    "include/VBox/vmm/tm.h": "uint64_t TMCpuTicksPerSecond(PVM pVM);\n",
    "src/VBox/VMM/include/GIMKvmInternal.h": (
        "typedef struct GIMKVMSYSTEMTIME { uint32_t u32TscScale; } GIMKVMSYSTEMTIME;\n"
        "typedef GIMKVMSYSTEMTIME *PGIMKVMSYSTEMTIME;\n"
        "typedef struct GIMKVM { uint64_t cTscTicksPerSecond; } GIMKVM;\n"
        "typedef GIMKVM *PGIMKVM;\n"),
    "src/VBox/VMM/include/TMInternal.h": "typedef struct TM { uint64_t cTSCTicksPerSecond; } TM;\n",
    "src/VBox/VMM/VMMAll/TMAll.cpp": (
        "#include \"TMInternal.h\"\n\nuint64_t TMCpuTicksPerSecond(PVM pVM)\n{\n"
        "    return pVM->tm.s.cTSCTicksPerSecond;\n}\n"),
    "src/VBox/VMM/VMMR3/TM.cpp": (
        "#include \"TMInternal.h\"\n\nint TMR3Init(PVM pVM, PCFGMNODE pCfg)\n{\n"
        "    uint64_t u64Hz;\n    int rc = CFGMR3QueryU64(pCfg, \"TSCTicksPerSecond\", &u64Hz);\n"
        "    if (rc == VERR_CFGM_VALUE_NOT_FOUND)\n        u64Hz = tmR3CalibrateTSC();\n"
        "    pVM->tm.s.cTSCTicksPerSecond = u64Hz;\n    return rc;\n}\n"),
    "src/VBox/Devices/Dev.cpp": "int devOutsideScope(void) { return 1; }\n",
    "README": "mini VirtualBox tree for srcscan history tests\n",
}


def gimkvm(variant: str) -> str:
    return GIMKVM_CPP.replace("@FLOW@", FLOW_LINES[variant])


def tree_for(variant: str, i: int, base: dict[str, str] | None = None) -> dict[str, str]:
    """The tree of commit ``i``: the base tree, the flow variant, and a file that changes in
    every commit (so every commit touches the default scope)."""
    files = dict(base or MINI_TREE)
    variant, _, extra = variant.partition("+")
    gim = files.get("src/VBox/VMM/VMMR3/GIMKvm.cpp", "")
    if variant == "gone":
        pass
    elif FLOW_LINES["calls"] in gim:  # a real-looking tree: change just the line
        files["src/VBox/VMM/VMMR3/GIMKvm.cpp"] = gim.replace(FLOW_LINES["calls"], FLOW_LINES[variant])
    else:
        files["src/VBox/VMM/VMMR3/GIMKvm.cpp"] = gimkvm(variant)
    if variant == "gone":
        del files["src/VBox/VMM/VMMR3/GIMKvm.cpp"]
    if extra == "shift":  # the same flow, moved down three lines
        files["src/VBox/VMM/VMMR3/GIMKvm.cpp"] = "/*\n * moved\n */\n" + files["src/VBox/VMM/VMMR3/GIMKvm.cpp"]
    files["src/VBox/VMM/VMMR3/Churn.cpp"] = f"int vmmR3Churn(void) {{ return {i}; }}\n"
    return files


def sample_tree_files() -> dict[str, str] | None:
    """The bundled sample tree as {relpath: text}, or None while it does not exist."""
    from srcscan.sources.snapshot import sample_root

    root = sample_root()
    if not (root / "src/VBox/VMM").is_dir():
        return None
    out = {}
    for p in sorted(root.rglob("*")):
        if p.is_file() and not p.name.startswith("."):
            out[p.relative_to(root).as_posix()] = p.read_text(encoding="utf-8", errors="replace")
    return out


@dataclass
class Commit:
    id: str
    svn: int | None
    variant: str
    index: int
    mark: int


@dataclass
class History:
    path: Path
    commits: list[Commit] = field(default_factory=list)
    side: list[str] = field(default_factory=list)  # ids of commits off the first-parent line

    def by_svn(self, n: int) -> Commit:
        return next(c for c in self.commits if c.svn == n)


def git(cwd, *args: str, input: bytes | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C",
           "GIT_AUTHOR_NAME": IDENT[0], "GIT_AUTHOR_EMAIL": IDENT[1],
           "GIT_COMMITTER_NAME": IDENT[0], "GIT_COMMITTER_EMAIL": IDENT[1],
           "GIT_AUTHOR_DATE": f"{EPOCH} +0000", "GIT_COMMITTER_DATE": f"{EPOCH} +0000"}
    p = subprocess.run(["git", *args], cwd=str(cwd), input=input, capture_output=True, env=env)
    if p.returncode:
        raise RuntimeError(f"git {' '.join(args)}: {p.stderr.decode()}")
    return p.stdout.decode()


def message(i: int, svn: int | None, style: str) -> str:
    subject = f"VMM: change {i}"
    if svn is None or style == "none":
        return subject + "\n"
    if style == "git-svn":
        return f"{subject}\n\ngit-svn-id: {SVN_URL}@{svn} {SVN_UUID}\n"
    if style == "sync-xref":
        return f"{subject}\n\nsvn:sync-xref-src-repo-rev: r{svn}\n"
    raise ValueError(style)


def _data(text: str | bytes) -> bytes:
    raw = text.encode() if isinstance(text, str) else text
    return b"data %d\n" % len(raw) + raw + b"\n"


def make_history(path, n: int = 32, flips: dict[int, str] | None = None, style: str = "git-svn",
                 svn_start: int = 55000, svn_step: int = 7, base: dict[str, str] | None = None,
                 merge_at: int | None = None, work_tree: bool = True) -> History:
    """A repository whose branch ``main`` has ``n`` first-parent commits. Commit 0 uses the
    ``calls`` variant; ``flips={k: variant}`` switches the flow at commit k (and stays until
    the next flip). ``merge_at=k`` makes commit k a merge of a side-branch commit (which
    changes only a file outside the scope and carries no svn line). Dates advance one hour a
    commit from 2015-01-01; svn numbers are ``svn_start + i*svn_step``."""
    path = Path(path)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    flips = dict(flips or {})
    variant = "calls"
    stream = bytearray()
    commits: list[Commit] = []
    mark = 0
    side_mark = None
    for i in range(n):
        variant = flips.get(i, variant)
        svn = svn_start + i * svn_step
        t = EPOCH + 3600 * i
        if merge_at is not None and i == merge_at:
            mark += 1
            side_mark = mark
            files = tree_for(variant, i - 1, base)
            files["src/VBox/Devices/Dev.cpp"] = "int devOutsideScope(void) { return 2; }\n"
            stream += _commit("refs/heads/side", side_mark, t - 1800, "Devices: side change\n", files,
                              commits[-1].mark if commits else None)
        mark += 1
        files = tree_for(variant, i, base)
        if side_mark is not None:
            files["src/VBox/Devices/Dev.cpp"] = "int devOutsideScope(void) { return 2; }\n"
        stream += _commit("refs/heads/main", mark, t, message(i, svn, style), files,
                          commits[-1].mark if commits else None,
                          merge=side_mark if merge_at is not None and i == merge_at else None)
        commits.append(Commit(id="", svn=svn if style != "none" else None, variant=variant, index=i, mark=mark))
    stream += b"done\n"
    marks_file = path / ".git" / "marks"
    git(path, "fast-import", "--quiet", "--done", f"--export-marks={marks_file}", input=bytes(stream))
    marks = dict(line.split() for line in marks_file.read_text().splitlines())
    marks_file.unlink()
    for c in commits:
        c.id = marks[f":{c.mark}"]
    hist = History(path=path, commits=commits)
    if side_mark is not None:
        hist.side = [marks[f":{side_mark}"]]
    if work_tree:
        git(path, "reset", "-q", "--hard", "main")
    return hist


def _commit(ref: str, mark: int, t: int, msg: str, files: dict[str, str], parent: int | None,
            merge: int | None = None) -> bytes:
    out = bytearray(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
    who = f"{IDENT[0]} <{IDENT[1]}> {t} +0000".encode()
    out += b"author " + who + b"\ncommitter " + who + b"\n" + _data(msg)
    if parent is not None:
        out += b"from :%d\n" % parent
    if merge is not None:
        out += b"merge :%d\n" % merge
    out += b"deleteall\n"
    for rel in sorted(files):
        out += b"M 100644 inline " + rel.encode() + b"\n" + _data(files[rel])
    return bytes(out + b"\n")


# --- svn --------------------------------------------------------------------------------

def svn_env() -> dict:
    return {**os.environ, "LC_ALL": "C", "HOME": os.environ.get("HOME", "/tmp")}


def run_svn(*args: str, cwd=None) -> str:
    p = subprocess.run(["svn", "--non-interactive", *args], cwd=cwd, capture_output=True, env=svn_env())
    if p.returncode:
        raise RuntimeError(f"svn {' '.join(args)}: {p.stderr.decode()}")
    return p.stdout.decode()


@dataclass
class SvnHistory:
    url: str  # file:// URL of trunk
    wc: Path  # a working copy of trunk
    revisions: list[tuple[int, str]]  # (svn revision, variant) per commit, oldest first


def make_svn_history(tmp, n: int = 12, flips: dict[int, str] | None = None, base=None) -> SvnHistory:
    """A real local svn repository (``svnadmin create``) with trunk holding the mini tree;
    commit i (i >= 0) is svn revision i+1 and may switch the flow variant."""
    tmp = Path(tmp)
    repo = tmp / "svnrepo"
    subprocess.run(["svnadmin", "create", str(repo)], check=True, capture_output=True)
    url = repo.resolve().as_uri() + "/trunk"
    wc = tmp / "wc"
    flips = dict(flips or {})
    variant = flips.get(0, "calls")
    seed = tmp / "seed"
    _write_tree(seed, tree_for(variant, 0, base))
    run_svn("import", "-q", "-m", "VMM: change 0", str(seed), url)
    run_svn("checkout", "-q", url, str(wc))
    revs = [(1, variant)]
    for i in range(1, n):
        variant = flips.get(i, variant)
        _write_tree(wc, tree_for(variant, i, base))
        out = run_svn("commit", "-m", f"VMM: change {i}", str(wc))
        revs.append((int(out.strip().rsplit(" ", 1)[-1].rstrip(".")), variant))
    run_svn("update", "-q", str(wc))
    return SvnHistory(url=url, wc=wc, revisions=revs)


def _write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


# --- histories of hand-written trees ------------------------------------------------------

def make_repo(path, trees: list[dict[str, str]]) -> list[str]:
    """A git repository whose branch ``main`` has one commit per tree (whole contents), oldest
    first, with fixed identities and dates; returns the commit ids."""
    path = Path(path)
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    stream = bytearray()
    for i, files in enumerate(trees):
        stream += _commit("refs/heads/main", i + 1, EPOCH + 3600 * i, f"change {i}\n", files, i if i else None)
    stream += b"done\n"
    marks_file = path / ".git" / "marks"
    git(path, "fast-import", "--quiet", "--done", f"--export-marks={marks_file}", input=bytes(stream))
    marks = dict(line.split() for line in marks_file.read_text().splitlines())
    marks_file.unlink()
    git(path, "reset", "-q", "--hard", "main")
    return [marks[f":{i + 1}"] for i in range(len(trees))]


def make_svn_repo(tmp, trees: list[dict[str, str]]) -> str:
    """A local svn repository whose trunk gets one commit per tree (revision i+1); its URL."""
    tmp = Path(tmp)
    repo = tmp / "svnrepo"
    subprocess.run(["svnadmin", "create", str(repo)], check=True, capture_output=True)
    url = repo.resolve().as_uri() + "/trunk"
    seed, wc = tmp / "seed", tmp / "wc"
    _write_tree(seed, trees[0])
    run_svn("import", "-q", "-m", "change 0", str(seed), url)
    run_svn("checkout", "-q", url, str(wc))
    for i, files in enumerate(trees[1:], 1):
        _write_tree(wc, files)
        run_svn("commit", "-q", "-m", f"change {i}", str(wc))
    return url


def fact_cache_fixture():
    """A module-scoped ``cache`` fixture: one fact cache shared by a test module's histories.

    In a test module: ``cache = fact_cache_fixture()``."""
    import pytest

    from srcscan.extract.cache import FactCache

    @pytest.fixture(scope="module")
    def cache(tmp_path_factory):
        c = FactCache(tmp_path_factory.mktemp("cache"))
        yield c
        c.close()
    return cache


def repo_fixture(prefix: str, versions: list[tuple[str, dict[str, str]]]):
    """A module-scoped ``repo`` fixture: a git repository with one commit per (name, tree) of
    ``versions``, as (path, {name: commit id})."""
    import pytest

    @pytest.fixture(scope="module")
    def repo(tmp_path_factory):
        path = tmp_path_factory.mktemp(prefix) / "repo"
        ids = make_repo(path, [t for _, t in versions])
        return path, dict(zip([n for n, _ in versions], ids))
    return repo
