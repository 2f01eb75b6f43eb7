"""Revisions of a git repository: resolve a revision argument, name commits by svn number,
list first-parent ranges (DESIGN §6).

A revision argument is ``r55068`` (an svn revision, found through the ``git-svn-id:
<url>@55068 <uuid>`` or ``svn:sync-xref-src-repo-rev: r55068`` line of a commit message on
the first-parent line of HEAD), or anything ``git rev-parse`` understands (ref, id, ``HEAD~3``).
GitPython objects never leave this module and ``gitsnap``/``history``: callers get ids (str)
and :class:`srcscan.sources.snapshot.Revision` values.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

from ..errors import RevisionError
from .snapshot import Revision

SVN_ID_RE = re.compile(r"^git-svn-id:\s*(\S+)@(\d+)(?:\s+[0-9a-fA-F-]+)?\s*$", re.M)
SYNC_XREF_RE = re.compile(r"^svn:sync-xref-src-repo-rev:\s*r?(\d+)\s*$", re.M)
SVN_ARG_RE = re.compile(r"^[rR](-?\d+)$")
# An svn map is written to the cache when building it took longer than this (seconds).
MAP_CACHE_THRESHOLD = 0.5
_GIT_ENV = {"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}


def svn_number(message: str) -> int | None:
    """The svn revision a commit message names, or None. The last matching line wins
    (git-svn appends its line at the end; a cherry-picked message may quote an older one)."""
    found = None
    for rx in (SVN_ID_RE, SYNC_XREF_RE):
        for m in rx.finditer(message or ""):
            found = int(m.group(m.lastindex))
    return found


def svn_url(message: str) -> str | None:
    """The svn URL a ``git-svn-id:`` line of a commit message names (the last one), or None.
    (``svn:sync-xref-src-repo-rev`` lines name no repository.)"""
    found = None
    for m in SVN_ID_RE.finditer(message or ""):
        found = m.group(1)
    return found


def svn_repository(repo, ref: str) -> dict:
    """Which svn repository the svn numbers of ``ref`` belong to: ``{"svn_url": the newest
    git-svn-id URL on the first-parent line near ref, or None; "remotes": the clone's remote
    URLs}`` (render/_links.py looks a repository's web links up by these)."""
    url = None
    for sha in [ref] + [c.hexsha for c in repo.commit(ref).iter_parents(max_count=50, first_parent=True)]:
        url = svn_url(commit_message(repo, sha))
        if url:
            break
    return {"svn_url": url, "remotes": remote_urls(repo)}


def commit_message(repo, commit_id: str) -> str:
    c = repo.commit(commit_id)
    return c.message if isinstance(c.message, str) else c.message.decode("utf-8", "replace")


def remote_urls(repo) -> list[str]:
    """The URLs of the repository's remotes, without any user name or password in them."""
    from urllib.parse import urlsplit, urlunsplit

    out = []
    try:
        remotes = list(repo.remotes)
    except Exception:  # noqa: BLE001 - a damaged config: no remotes to speak of
        return out
    for r in remotes:
        try:
            urls = list(r.urls)
        except Exception:  # noqa: BLE001
            continue
        for u in urls:
            parts = urlsplit(u)
            if parts.scheme and "@" in parts.netloc:
                u = urlunsplit(parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]))
            elif not parts.scheme and "@" in u.split(":", 1)[0]:  # scp-like user@host:path
                u = u.split("@", 1)[1]
            out.append(u)
    return list(dict.fromkeys(out))


def open_repo(path: str | os.PathLike):
    """A ``git.Repo`` for the repository containing ``path`` (a folder inside a work tree,
    a work tree, or a bare repository). One-line RevisionError otherwise."""
    import git

    p = Path(path)
    if not p.exists():
        raise RevisionError(f"{p}: no such folder")
    try:
        repo = git.Repo(p if p.is_dir() else p.parent, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise RevisionError(f"{p}: not inside a git repository (--rev reads git history; use --svn for svn)") from None
    # GIT_DIR: a bare repository without core.bare set looks non-bare to GitPython, which
    # would then run git in the folder above it
    repo.git.update_environment(GIT_DIR=os.path.abspath(repo.git_dir), **_GIT_ENV)
    return repo


def work_tree(repo) -> str | None:
    """The work tree's root, or None for a bare repository (also one GitPython misjudges)."""
    wt = repo.working_tree_dir
    if wt and Path(wt, ".git").exists():
        return str(wt)
    return None


def is_shallow(repo) -> bool:
    return Path(repo.git_dir, "shallow").exists()


def _shallow_hint(repo) -> str:
    return " (the clone is shallow: run 'git fetch --unshallow' for older history)" if is_shallow(repo) else ""


def rev_parse(repo, arg: str) -> str:
    """The commit id a git revision argument names. Never passes ``arg`` as an option."""
    import git

    if not arg or arg.startswith("-"):
        raise RevisionError(f"{arg!r}: not a revision")
    try:
        return repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{arg}^{{commit}}").strip()
    except git.GitCommandError:
        raise RevisionError(f"{arg}: unknown revision in {_where(repo)}{_shallow_hint(repo)}") from None


def _where(repo) -> str:
    return work_tree(repo) or repo.git_dir


def resolve(repo, arg: str, tip: str = "HEAD") -> str:
    """Resolve ``r55068`` / a ref / an id to a commit id."""
    arg = (arg or "").strip()
    m = SVN_ARG_RE.match(arg)
    if m:
        n = int(m.group(1))
        if n <= 0:
            raise RevisionError(f"{arg}: svn revisions start at r1")
        found = svn_map(repo, tip).get(n)
        if found:
            return found
        try:  # a branch or tag that happens to be spelled rNNN
            return rev_parse(repo, arg)
        except RevisionError:
            pass
        raise RevisionError(
            f"{arg}: no commit on the first-parent line of {tip} carries svn revision {n} "
            f"(git-svn-id or svn:sync-xref-src-repo-rev line){_shallow_hint(repo)}")
    return rev_parse(repo, arg)


def _log(repo, *args: str) -> list[tuple[str, str]]:
    """(id, message) pairs from ``git log`` with fixed arguments (callers pass ids only)."""
    import git

    try:
        out = repo.git.log("--format=%H%x00%B%x1e", *args)
    except git.GitCommandError as e:
        raise RevisionError(f"git log failed in {_where(repo)}: {_last_line(e)}{_shallow_hint(repo)}") from None
    pairs = []
    for rec in out.split("\x1e"):
        rec = rec.lstrip("\n")
        if not rec:
            continue
        sha, _, msg = rec.partition("\x00")
        pairs.append((sha, msg))
    return pairs


def _last_line(e) -> str:
    text = (getattr(e, "stderr", "") or str(e)).strip().splitlines()
    line = text[-1] if text else str(e)
    return line.strip().removeprefix("stderr: ").strip("'").strip()


def _map_cache_file(repo, tip_id: str) -> Path:
    base = os.environ.get("SRCSCAN_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "srcscan")
    where = hashlib.sha1(os.path.abspath(repo.git_dir).encode()).hexdigest()[:12]
    return Path(base, "svnmap", f"{where}-{tip_id}.json")


_MEMO: dict[tuple[str, str], dict[int, str]] = {}


def svn_map(repo, tip: str = "HEAD") -> dict[int, str]:
    """svn number -> commit id over the first-parent line of ``tip``. Memoized per process;
    written to the cache folder (keyed by the tip's id) when it was slow to build, so a big
    mirror pays the scan once. Measured on a 100 000-commit history: 0.95 s to scan, 0.05 s
    from the cache."""
    tip_id = rev_parse(repo, tip)
    key = (repo.git_dir, tip_id)
    if key in _MEMO:
        return _MEMO[key]
    cache = _map_cache_file(repo, tip_id)
    try:
        data = json.loads(cache.read_text())
        m = {int(k): v for k, v in data.items()}
        _MEMO[key] = m
        return m
    except (OSError, ValueError):
        pass
    t0 = time.monotonic()
    m: dict[int, str] = {}
    for sha, msg in _log(repo, "--first-parent", tip_id):
        n = svn_number(msg)
        if n is not None and n not in m:  # newest first: keep the newest commit for a number
            m[n] = sha
    _MEMO[key] = m
    if time.monotonic() - t0 > MAP_CACHE_THRESHOLD:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps({str(k): v for k, v in m.items()}))
            os.replace(tmp, cache)
            for old in cache.parent.glob(cache.name.split("-")[0] + "-*.json"):
                if old != cache:  # an older tip of the same repository
                    old.unlink(missing_ok=True)
        except OSError:
            pass
    return m


def revision(repo, commit_id: str) -> Revision:
    """What a commit is: id, svn number, date (ISO-8601), author, subject."""
    c = repo.commit(commit_id)
    msg = c.message if isinstance(c.message, str) else c.message.decode("utf-8", "replace")
    return Revision(id=c.hexsha, svn=svn_number(msg), date=c.committed_datetime.isoformat(),
                    author=c.author.name, subject=msg.strip().splitlines()[0] if msg.strip() else "")


def recent(repo, n: int = 50, tip: str = "HEAD", paths: list[str] | tuple = ()) -> list[Revision]:
    """The newest ``n`` first-parent commits of ``tip`` that touch ``paths`` (all when empty),
    newest first, as Revisions (for a revision picker)."""
    import git

    try:
        out = repo.git.log("--first-parent", f"-n{int(n)}", "--format=%H%x00%cI%x00%an%x00%B%x1e",
                           rev_parse(repo, tip), "--", *paths)
    except git.GitCommandError as e:
        raise RevisionError(f"git log failed in {_where(repo)}: {_last_line(e)}") from None
    revs = []
    for rec in out.split("\x1e"):
        rec = rec.lstrip("\n")
        if not rec:
            continue
        sha, date, author, msg = (rec.split("\x00", 3) + ["", "", ""])[:4]
        revs.append(Revision(id=sha, svn=svn_number(msg), date=date, author=author,
                             subject=msg.strip().splitlines()[0] if msg.strip() else ""))
    return revs


def first_parent_range(repo, good: str, bad: str) -> list[str]:
    """Commit ids after ``good`` up to and including ``bad`` on the first-parent line of
    ``bad``, oldest first. ``good`` must be on that line."""
    if good == bad:
        return []
    ids = [sha for sha, _ in _log(repo, "--first-parent", "--reverse", f"{good}..{bad}")]
    if not ids:
        raise RevisionError(f"{good[:12]} is not older than {bad[:12]} (nothing between them)")
    first = repo.commit(ids[0])
    if not first.parents or first.parents[0].hexsha != good:
        raise RevisionError(f"{good[:12]} is not on the first-parent line of {bad[:12]}")
    return ids


def commits_touching(repo, ids: list[str], paths: list[str]) -> set[str]:
    """Which of ``ids`` change something under ``paths`` relative to their first parent."""
    if not ids:
        return set()
    first = repo.commit(ids[0])
    base = first.parents[0].hexsha if first.parents else None
    rng = f"{base}..{ids[-1]}" if base else ids[-1]
    out = {sha for sha, _ in _log(repo, "--first-parent", rng, "--", *paths)} if paths else set(ids)
    return out & set(ids)
