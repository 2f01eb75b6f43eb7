"""Where a history walk reads revisions from: a git repository (first-parent order) or an
svn repository (revision numbers). Both narrow a range to the revisions that touch the scope
(the others cannot change a trace) and hand out snapshots."""
from __future__ import annotations

from . import revisions
from ..errors import RevisionError, UsageError
from .snapshot import DEFAULT_SCOPE


class RevisionSource:  # pragma: no cover - interface
    kind = ""

    def resolve(self, arg: str):
        raise NotImplementedError

    def range(self, good, bad) -> list:
        """Candidates after ``good`` up to and including ``bad``, oldest first."""
        raise NotImplementedError

    def snapshot(self, ref):
        raise NotImplementedError

    def repository(self, ref) -> dict:
        """Which svn repository the svn numbers of this source (seen at ``ref``) belong to:
        ``{"svn_url": URL or None, "remotes": [git remote URLs]}``; renderers look the web
        links of a repository up by these (queries/links.toml)."""
        raise NotImplementedError

    def to_json(self) -> dict:
        raise NotImplementedError


class GitSource(RevisionSource):
    kind = "git"

    def __init__(self, repo, paths: list[str] | None = None, whole: bool = False):
        self.repo = revisions.open_repo(repo) if not hasattr(repo, "git_dir") else repo
        self.paths = list(paths or [])
        self.whole = whole
        self.root = str(revisions.work_tree(self.repo) or self.repo.git_dir)

    def resolve(self, arg: str) -> str:
        return revisions.resolve(self.repo, arg)

    def scope(self, ref: str) -> list[str]:
        return self.snapshot(ref).scope

    def range(self, good: str, bad: str) -> list[str]:
        ids = revisions.first_parent_range(self.repo, good, bad)
        scope = self.scope(bad)
        if not scope:
            return ids
        touching = revisions.commits_touching(self.repo, ids, scope)
        return [i for i in ids if i in touching]

    def snapshot(self, ref: str):
        from .git import GitSnapshot

        snap = GitSnapshot(self.repo, ref, paths=self.paths or None, whole=self.whole)
        snap.root = snap.label = self.root
        return snap

    def repository(self, ref: str) -> dict:
        return revisions.svn_repository(self.repo, ref)

    def to_json(self) -> dict:
        return {"kind": "git", "root": self.root, "scope": self.paths or None, "whole_tree": self.whole}


class SvnSource(RevisionSource):
    kind = "svn"

    def __init__(self, url_or_wc: str, paths: list[str] | None = None, whole: bool = False):
        from .svn import SvnRepo

        self.repo = SvnRepo(url_or_wc)
        self.paths = list(paths or [])
        self.whole = whole
        self.root = self.repo.url
        self._scope: list[str] | None = None  # decided once, at the newest revision asked for
        self._revs: dict = {}  # svn number -> Revision, from the range's log

    def resolve(self, arg: str) -> int:
        from .svn import parse_rev

        n = parse_rev(arg)
        return self.repo.youngest() if n is None else n

    def range(self, good: int, bad: int) -> list[int]:
        if bad <= good:
            raise RevisionError(f"r{good} is not older than r{bad} (nothing between them)")
        scope = self.snapshot(bad).scope
        found: set[int] = set()
        for sub in scope or [""]:
            for rv in self.repo.log(good + 1, bad, self.repo.join(sub)):
                found.add(rv.svn)
                self._revs[rv.svn] = rv
        return sorted(n for n in found if good < n <= bad)

    def snapshot(self, ref: int):
        from .svn import SvnSnapshot

        snap = SvnSnapshot(None, ref, paths=self.paths or self._scope, whole=self.whole, repo=self.repo,
                           revision=self._revs.get(ref))
        if self._scope is None:
            self._scope = [s for s in snap.scope if s] or None
        return snap

    def repository(self, ref: int) -> dict:
        return {"svn_url": self.repo.url, "remotes": []}

    def to_json(self) -> dict:
        return {"kind": "svn", "root": self.root, "scope": self.paths or None, "whole_tree": self.whole}


def open_source(args, env=None, cwd=None) -> RevisionSource:
    """The revision source for a history command: ``--svn URL_OR_WC`` or the git repository
    of ``--src`` / ``$SRCSCAN_SRC`` / the checkout containing the current folder."""
    svn = getattr(args, "svn", None)
    src = getattr(args, "src", None)
    whole = bool(getattr(args, "whole_tree", False))
    if svn:
        if src:
            raise UsageError("--svn and --src cannot be combined (--svn names the tree to read)")
        return SvnSource(svn, whole=whole)
    from .resolve import git_target

    repo, paths, _ = git_target(src, env, cwd, what="history")
    return GitSource(repo, paths=paths, whole=whole)


__all__ = ["RevisionSource", "GitSource", "SvnSource", "open_source", "DEFAULT_SCOPE"]
