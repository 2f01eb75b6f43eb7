"""Get VirtualBox sources: a partial (``--filter=blob:none``), sparse (cone) clone of the
folders a trace needs, with GitPython. Re-running updates the clone (fetch + fast-forward).

Safety: URLs that look like options (leading ``-``) and remote-helper transports that run
commands (``ext::``, ``fd::``, ``ext://``) are refused, ``protocol.ext.allow`` and
``protocol.fd.allow`` are forced to ``never`` for every git process, and user text reaches
git only after ``--`` or as a resolved commit id.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import revisions
from ..errors import SrcscanError, UsageError
from .snapshot import DEFAULT_CLONE_URL, DEFAULT_SCOPE, Revision

DEFAULT_URL = DEFAULT_CLONE_URL
DEFAULT_PATHS = DEFAULT_SCOPE
REFUSED_TRANSPORTS = ("ext", "fd")
GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",  # fail instead of waiting for a password
    "GIT_CONFIG_COUNT": "2",
    "GIT_CONFIG_KEY_0": "protocol.ext.allow", "GIT_CONFIG_VALUE_0": "never",
    "GIT_CONFIG_KEY_1": "protocol.fd.allow", "GIT_CONFIG_VALUE_1": "never",
    "LC_ALL": "C",
}


class CloneError(SrcscanError):
    """Network, authentication or repository trouble while cloning or updating (exit 2)."""


@dataclass
class CloneResult:
    path: str
    url: str
    revision: Revision
    created: bool  # False: an existing clone was updated
    paths: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def check_url(url: str) -> str:
    """Refuse URLs that git would read as an option or that select a command-running
    transport. Returns the URL unchanged."""
    if not url or not url.strip():
        raise UsageError("empty URL")
    if url.startswith("-"):
        raise UsageError(f"{url!r}: a URL may not start with '-'")
    m = re.match(r"^([A-Za-z0-9+.-]+)::", url) or re.match(r"^([A-Za-z0-9+.-]+)://", url)
    if m and m.group(1).lower() in REFUSED_TRANSPORTS:
        raise UsageError(f"{url}: the {m.group(1)}:: transport runs commands; refused")
    if "::" in url.split("/", 1)[0]:
        raise UsageError(f"{url}: remote-helper transports (<transport>::<address>) are not allowed")
    return url


def default_dest(url: str) -> str:
    tail = re.split(r"[/:\\]", url.rstrip("/"))[-1]
    name = tail[:-4] if tail.endswith(".git") else tail
    return name if name and name not in (".", "..") and not name.startswith("-") else "virtualbox"


def _clean_paths(paths) -> list[str]:
    out = []
    for p in paths:
        q = PurePosixPath(str(p).replace("\\", "/"))
        if q.is_absolute() or ".." in q.parts or not str(p).strip():
            raise UsageError(f"--paths {p}: give folders relative to the repository root")
        out.append(q.as_posix().strip("/"))
    return out


def _error(what: str, e, prog=None) -> CloneError:
    """One line from a git failure: the last fatal/error line git printed (GitPython hands
    the lines to the progress handler when there is one)."""
    text = (getattr(e, "stderr", "") or "") + "\n" + "\n".join(getattr(prog, "error_lines", []) or [])
    if not text.strip():
        text = str(e)
    lines = [ln.strip() for ln in str(text).splitlines() if ln.strip()]
    lines = [ln.removeprefix("stderr:").strip().strip("'").strip() for ln in lines]
    fatal = [ln for ln in lines if ln.startswith(("fatal:", "error:"))]
    msg = (fatal[-1] if fatal else (lines[-1] if lines else str(e))).split(":", 1)[-1].strip()
    low = " ".join(lines).lower()
    if "could not read username" in low or "authentication failed" in low or "terminal prompts disabled" in low:
        msg = "authentication required or repository not found (check the URL; private repositories need credentials)"
    return CloneError(f"{what}: {msg}")


def _progress():
    from git import RemoteProgress

    from ..util import progress

    class Progress(RemoteProgress):
        """GitPython progress hooks -> one tqdm bar per stage (stderr, terminals only)."""

        NAMES = {RemoteProgress.COUNTING: "counting", RemoteProgress.COMPRESSING: "compressing",
                 RemoteProgress.RECEIVING: "receiving", RemoteProgress.RESOLVING: "resolving",
                 RemoteProgress.WRITING: "writing", RemoteProgress.FINDING_SOURCES: "finding",
                 RemoteProgress.CHECKING_OUT: "checking out"}

        def __init__(self):
            super().__init__()
            self.stage, self.bar = None, None

        def update(self, op_code, cur_count, max_count=None, message=""):
            stage = op_code & self.OP_MASK
            if stage != self.stage or self.bar is None:
                self.close()
                self.stage = stage
                self.bar = progress(total=int(max_count) if max_count else None,
                                    desc=self.NAMES.get(stage, "git"), unit="obj")
            self.bar.n = int(cur_count or 0)
            self.bar.refresh()

        def close(self):
            if self.bar is not None:
                self.bar.close()
                self.bar = None

    return Progress()


def clone(url: str | None = None, dest: str | os.PathLike | None = None, paths=None, rev: str | None = None) -> CloneResult:
    """Clone ``url`` (default: VirtualBox's GitHub mirror) into ``dest`` partially and
    sparsely, or update an existing clone there. ``rev`` (git ref/id or ``r55068``) is
    checked out detached; else the default branch is followed."""
    import git

    explicit_url = url is not None
    url = check_url(DEFAULT_URL if url is None else url)
    sparse = _clean_paths(paths) if paths else None
    dest = Path(dest or default_dest(url))
    prog = _progress()
    try:
        if (dest / ".git").exists():
            return _update(dest, url if explicit_url else None, sparse, rev, prog)
        if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
            raise UsageError(f"{dest}: exists and is not a git clone; pick an empty or new folder")
        existed = dest.exists()
        try:
            try:
                repo = git.Repo.clone_from(url, str(dest), progress=prog, env=GIT_ENV,
                                           multi_options=["--filter=blob:none", "--sparse"])
            except git.GitCommandError as e:
                raise _error(f"clone {url}", e, prog) from None
            except git.UnsafeProtocolError:
                raise UsageError(f"{url}: refused transport") from None
            repo.git.update_environment(**GIT_ENV)
            if not repo.head.is_valid():  # an empty repository: nothing to check out or trace
                repo.close()
                raise UsageError(f"{url}: the repository is empty (no commits); nothing cloned")
            res = CloneResult(path=str(dest.resolve()), url=url, revision=Revision(), created=True)
            _sparse_and_checkout(repo, sparse or list(DEFAULT_PATHS), rev, res)
            return res
        except BaseException:  # a clone that did not complete is not left behind half made
            import shutil

            shutil.rmtree(dest, ignore_errors=True)
            if existed:
                dest.mkdir(exist_ok=True)
            raise
    finally:
        prog.close()


def _sparse_and_checkout(repo, sparse, rev, res: CloneResult) -> None:
    import git

    try:
        if sparse is not None:
            repo.git.sparse_checkout("set", "--cone", "--", *sparse)
        if rev:
            cid = revisions.resolve(repo, rev)
            repo.git.checkout("--quiet", "--detach", cid)
    except git.GitCommandError as e:
        raise _error(f"checkout in {res.path}", e) from None
    try:
        res.paths = repo.git.sparse_checkout("list").splitlines()
    except git.GitCommandError:
        res.paths = []
    res.revision = revisions.revision(repo, repo.head.commit.hexsha)


def _update(dest: Path, url: str | None, sparse, rev, prog) -> CloneResult:
    import git

    try:
        repo = git.Repo(str(dest))
    except git.InvalidGitRepositoryError:
        raise UsageError(f"{dest}: not a git clone") from None
    repo.git.update_environment(**GIT_ENV)
    try:
        origin = repo.remote("origin")
    except ValueError:
        raise UsageError(f"{dest}: has no 'origin' remote; cannot update") from None
    have = origin.url
    if url is not None and _norm(have) != _norm(url):
        raise UsageError(f"{dest}: is a clone of {have}, not {url}")
    check_url(have)
    res = CloneResult(path=str(dest.resolve()), url=have, revision=Revision(), created=False)
    try:
        origin.fetch(progress=prog)
    except git.GitCommandError as e:
        raise _error(f"fetch {have}", e, prog) from None
    if not rev:
        if repo.head.is_detached:
            res.notes.append(f"HEAD is detached at {repo.head.commit.hexsha[:12]}; pass --rev to move it")
        else:
            tracking = repo.active_branch.tracking_branch()
            if tracking is not None:
                try:
                    repo.git.merge("--ff-only", "--quiet", tracking.commit.hexsha)
                except git.GitCommandError as e:
                    raise _error(f"update {dest}", e) from None
    _sparse_and_checkout(repo, sparse, rev, res)
    return res


def _norm(url: str) -> str:
    u = url.rstrip("/")
    u = u[:-4] if u.endswith(".git") else u
    if "://" not in u and os.path.exists(u):
        return Path(u).resolve().as_uri()
    return u
