"""A git commit as a Snapshot, read straight from the object database (no checkout, no
change to the work tree). Content key = ``blob:<blob id>`` (= snapshot.content_key of the bytes), so a blob seen in any revision
is parsed once (DESIGN §2, §7)."""
from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from . import revisions
from ..errors import RevisionError, UnreadableSource
from .snapshot import CHECKOUT_MARKER, DEFAULT_SCOPE, MAX_FILE_BYTES, Snapshot, is_source, shown_path


class GitSnapshot(Snapshot):
    """The C/C++ sources of commit ``rev`` of the repository at (or containing) ``repo_path``.

    Scope: ``paths`` (repository-relative) if given; else, when ``repo_path`` is a folder
    below the repository root, that folder; else the whole tree with ``whole``; else
    DEFAULT_SCOPE when the tree holds CHECKOUT_MARKER (queries/config.toml), else the whole tree.
    ``repo_path`` may also be an open ``git.Repo`` (shared by history walks).
    """

    def __init__(self, repo_path, rev: str = "HEAD", paths=None, whole: bool = False, tip: str = "HEAD"):
        super().__init__(kind="git")
        if isinstance(repo_path, (str, os.PathLike)):
            self.repo = revisions.open_repo(repo_path)
            sub = _subfolder(self.repo, Path(repo_path))
        else:
            self.repo, sub = repo_path, ""
        self.commit_id = revisions.resolve(self.repo, rev, tip=tip)
        self.revision = revisions.revision(self.repo, self.commit_id)
        self.root = shown_path(str(revisions.work_tree(self.repo) or self.repo.git_dir))
        self.label = self.root
        tree = self.repo.commit(self.commit_id).tree
        if paths:
            scope = [_clean(p) for p in paths]
        elif sub:
            scope = [sub]
        elif not whole and _has_dir(tree, CHECKOUT_MARKER):
            scope = [s for s in DEFAULT_SCOPE if _has_dir(tree, s)]
        else:
            scope = []
        self.scope = scope
        self._blobs: dict[str, str] | None = None
        self.unreadable: list[str] = []  # files whose blob could not be read (a damaged repository)

    def _list(self) -> dict[str, str]:
        import git

        if self._blobs is not None:
            return self._blobs
        try:
            out = self.repo.git.ls_tree("-r", "-z", "-l", "--full-tree", self.commit_id, "--", *self.scope)
        except git.GitCommandError as e:
            raise RevisionError(f"{self.commit_id[:12]}: cannot list files: {revisions._last_line(e)}") from None
        blobs: dict[str, str] = {}
        for rec in out.split("\0"):
            if not rec:
                continue
            meta, _, path = rec.partition("\t")
            path = shown_path(path)
            mode, kind, sha, size = meta.split()
            if kind != "blob" or mode == "120000" or not is_source(path):
                continue
            if size.isdigit() and int(size) > MAX_FILE_BYTES:
                self.warnings.append(f"{path}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; skipped")
                continue
            blobs[path] = sha
        self._blobs = blobs
        return blobs

    def files(self) -> list[tuple[str, str]]:
        return [(p, "blob:" + sha) for p, sha in sorted(self._list().items())]  # = content_key of the bytes

    def repository(self) -> dict:
        try:
            return revisions.svn_repository(self.repo, self.commit_id)
        except Exception:  # noqa: BLE001 - a damaged history: the report just has no web links
            return {}

    def has(self, path: str) -> bool:
        return isinstance(path, str) and path in self._list()

    def read(self, path: str) -> bytes:
        sha = self._list().get(path)
        if sha is None:
            raise RevisionError(f"{path}: not in {self.commit_id[:12]}")
        try:
            return self._checked(sha)
        except Exception:  # noqa: BLE001 - a damaged object can also break the shared `git cat-file`
            pass  # process for every read after it: start a fresh one and try this blob once more
        try:
            self.repo.git.clear_cache()
            return self._checked(sha)
        except Exception as e:  # missing blob in a partial clone without network, corrupt pack
            self.repo.git.clear_cache()  # (the next file gets a working reader)
            why = " ".join(str(e).split())
            why = why if len(why) <= 120 else why[:119] + "\u2026"
            self.unreadable.append(path)
            raise UnreadableSource(f"{path}: cannot read blob {sha[:12]} ({type(e).__name__}: {why})") from None


    def _checked(self, sha: str) -> bytes:
        """The blob's bytes, checked against its id (a damaged pack can hand back short or
        altered bytes without an error): facts are never stored under the id of other bytes."""
        import hashlib

        data = self.repo.odb.stream(bytes.fromhex(sha)).read()
        if hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest() != sha:
            raise ValueError(f"the bytes read do not hash to the blob id ({len(data)} bytes)")
        return data


def _clean(p: str) -> str:
    q = PurePosixPath(str(p).replace(os.sep, "/"))
    if q.is_absolute() or ".." in q.parts:
        raise RevisionError(f"{p}: paths are relative to the repository root")
    return q.as_posix().strip("/") or "."


def _has_dir(tree, path: str) -> bool:
    try:
        return tree[path].type == "tree"
    except KeyError:
        return False


def _subfolder(repo, p: Path) -> str:
    """``p`` relative to the work tree root ('' for the root itself or a bare repo)."""
    wt = revisions.work_tree(repo)
    if not wt:
        return ""
    try:
        rel = p.resolve().relative_to(Path(wt).resolve())
    except ValueError:
        return ""
    return "" if str(rel) == "." else rel.as_posix()
