"""Web links for svn revisions, from data (queries/links.toml), keyed by repository URL.

A report's ``source`` names the repository its svn numbers belong to (``svn_url``: the --svn
URL or the URL of a mirror's ``git-svn-id:`` lines; ``remotes``: the git clone's remote URLs,
for mirrors whose ``svn:sync-xref-src-repo-rev`` lines name no URL). Only a repository listed
in links.toml gets changeset and source-browser links; any other (a user's own svn server, a
``file://`` URL) gets none. Templates must be https URLs; what goes into them is an int svn
number, an int line and a %-quoted path, so a hostile report cannot shape a link.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

from ..errors import UsageError


@dataclass(frozen=True)
class Links:
    name: str
    changeset_t: str
    browse_t: str | None
    path: str  # the tree's path inside the repository ("trunk"), may be ""

    def changeset(self, svn) -> str | None:
        n = _int(svn)
        return self.changeset_t.replace("{rev}", str(n)) if n else None

    def browse(self, file, svn, line=None) -> str | None:
        n = _int(svn)
        if not n or not self.browse_t or not isinstance(file, str) or not file:
            return None
        path = "/".join(x for x in (self.path, file.lstrip("/")) if x)
        url = self.browse_t.replace("{path}", quote(path, safe="/")).replace("{rev}", str(n))
        ln = _int(line)
        return url.replace("{line}", str(ln)) if ln else url.split("#", 1)[0]


def _int(v) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v > 0 else None


def _norm(url: str) -> str:
    u = url.strip().rstrip("/")
    if u.endswith(".git"):
        u = u[:-4]
    return u.lower()


@lru_cache(maxsize=1)
def _table() -> tuple:
    from ..datafiles import load_toml

    rows = load_toml("links.toml").get("repository") or []
    out = []
    for i, r in enumerate(rows):
        cs, br = r.get("changeset"), r.get("browse")
        for what, t in (("changeset", cs), ("browse", br)):
            if t is not None and (not isinstance(t, str) or not t.startswith("https://") or "{rev}" not in t):
                raise UsageError(f"queries/links.toml: repository {i + 1}: {what} must be an https URL with {{rev}}")
        if cs is None:
            raise UsageError(f"queries/links.toml: repository {i + 1} has no changeset template")
        out.append((str(r.get("name") or ""), tuple(r.get("svn") or ()), tuple(r.get("git") or ()),
                    str(r.get("git_path") or ""), cs, br))
    return tuple(out)


def for_source(source) -> Links | None:
    """The links of the repository a report's ``source`` names, or None."""
    if not isinstance(source, dict):
        return None
    svn_url = source.get("svn_url")
    remotes = [r for r in source.get("remotes") or [] if isinstance(r, str)]
    for name, svns, gits, git_path, cs, br in _table():
        if isinstance(svn_url, str) and svn_url:
            for prefix in svns:
                p, u = prefix.rstrip("/"), svn_url.rstrip("/")
                if u == p or u.startswith(p + "/"):
                    rest = unquote(u[len(p):]).strip("/")
                    return Links(name, cs, br, rest if _plain(rest) else "")
        elif any(_norm(r) == _norm(g) for r in remotes for g in gits):
            return Links(name, cs, br, git_path)
    return None


def _plain(path: str) -> bool:
    """A repository path fit to put into a link (no query, fragment or scheme tricks)."""
    return not urlsplit(path).scheme and not any(c in path for c in "?#@\\") and ".." not in path.split("/")
