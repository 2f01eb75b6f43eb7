"""Pick the snapshot an analysis command reads, from the shared source options
(``--src --whole-tree --rev --svn``; see ``cli.add_source_options``).

    snap, why = open_snapshot(args)

- ``--svn URL_OR_WC [--rev N]``: an svn revision through the svn client (default: the
  working copy's BASE revision, or the youngest revision of a URL).
- ``--rev REV`` alone: that git revision of the repository holding ``--src`` (one or more
  folders of one repository: they narrow the scope), else ``$SRCSCAN_SRC``, else the
  VirtualBox checkout (or git work tree) containing the current folder.
- neither: the files on disk, chosen by ``snapshot.resolve_sources``.
"""
from __future__ import annotations

import os
from pathlib import Path

from ..errors import RevisionError, UsageError
from .snapshot import CHECKOUT_MARKER, Snapshot, resolve_sources


def open_snapshot(args, env: dict | None = None, cwd: str | None = None) -> tuple[Snapshot, str]:
    env = os.environ if env is None else env
    src = list(getattr(args, "src", None) or [])
    rev = getattr(args, "rev", None)
    svn = getattr(args, "svn", None)
    whole = bool(getattr(args, "whole_tree", False))
    if svn:
        if src:
            raise UsageError("--svn and --src cannot be combined (--svn names the tree to read)")
        from .svn import SvnSnapshot

        snap = SvnSnapshot(svn, rev, whole=whole)
        return snap, f"--svn {svn} r{snap.number}"
    if rev:
        return _git_snapshot(src, rev, whole, env, cwd)
    return resolve_sources(src or None, whole=whole, env=env, cwd=cwd)


def _git_snapshot(src: list[str], rev: str, whole: bool, env, cwd) -> tuple[Snapshot, str]:
    from .git import GitSnapshot

    repo, paths, why = git_target(src, env, cwd)
    snap = GitSnapshot(repo, rev, paths=paths or None, whole=whole)
    return snap, f"{why} at --rev {rev}"


def git_target(src: list[str] | None, env=None, cwd: str | None = None, what: str = "--rev"):
    """The git repository a revision is read from and the scope the ``--src`` folders give
    (repository-relative; [] = the default scope): (git.Repo, paths, why)."""
    from . import revisions

    env = os.environ if env is None else env
    src = list(src or [])
    why = "--src"
    if not src and env.get("SRCSCAN_SRC"):
        src, why = env["SRCSCAN_SRC"].split(os.pathsep), "SRCSCAN_SRC"
    if not src:
        here = Path(cwd or os.getcwd()).resolve()
        top = next((d for d in [here, *here.parents] if (d / CHECKOUT_MARKER).is_dir()), None)
        if top is None:
            top = next((d for d in [here, *here.parents] if (d / ".git").exists()), None)
        if top is None:
            raise RevisionError(f"{what} needs a git repository: give --src DIR or run inside a checkout")
        src, why = [str(top)], "checkout containing the current directory"
    repo = revisions.open_repo(src[0])
    work = Path(revisions.work_tree(repo)).resolve() if revisions.work_tree(repo) else None
    paths, has_root = [], False
    for s in src:
        p = Path(s).resolve()
        if work is None:
            if len(src) > 1:
                raise UsageError(f"{what} on a bare repository takes a single --src")
            continue
        try:
            rel = p.relative_to(work).as_posix()
        except ValueError:
            raise UsageError(f"--src {s}: not in the repository {work} (with {what} all --src must be in one repository)") from None
        if rel == ".":
            has_root = True
        else:
            paths.append(rel)
    return repo, ([] if has_root else paths), why
