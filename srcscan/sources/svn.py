"""An svn revision as a Snapshot, read through the ``svn`` command-line client.

Content key = ``svn:<repository path>@<last-changed revision>``: a file unchanged between
two revisions has the same key in both, so it is parsed once. User text never reaches svn
as an option: every target follows ``--`` and carries an explicit ``@PEG`` revision.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote, unquote

from ..errors import RevisionError
from .snapshot import CHECKOUT_MARKER, DEFAULT_SCOPE, MAX_FILE_BYTES, Revision, Snapshot, is_source

SVN_TIMEOUT = 300.0  # seconds one svn command may take (a server that accepts and never answers)
HTTP_IDLE = 60  # seconds an http(s) svn server may stay silent (svn's own http-timeout)


def _svn_env() -> dict:
    """English messages (parsed for the error line) in a UTF-8 locale: under plain C the
    client cannot spell a non-ASCII repository URL or working-copy path."""
    loc = "C.UTF-8"
    try:
        import locale

        have = subprocess.run(["locale", "-a"], capture_output=True, text=True, timeout=10).stdout.split()
        loc = next((x for x in have if x.lower().replace("-", "") == "c.utf8"), None) or \
            next((x for x in have if x.lower().replace("-", "") == "en_us.utf8"), None) or locale.setlocale(locale.LC_CTYPE)
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    return {"LC_ALL": loc, "LANG": loc}


_SVN_ENV: dict | None = None


def svn(*args: str, what: str = "") -> bytes:
    """Run ``svn --non-interactive ARGS``; a failure becomes a one-line RevisionError."""
    global _SVN_ENV

    exe = shutil.which("svn")
    if not exe:
        raise RevisionError("the svn client is not installed (Debian/Ubuntu: apt-get install subversion)")
    if _SVN_ENV is None:
        _SVN_ENV = _svn_env()
    try:
        p = subprocess.run([exe, "--non-interactive", f"--config-option=servers:global:http-timeout={HTTP_IDLE}",
                            *args], capture_output=True, env={**os.environ, **_SVN_ENV}, timeout=SVN_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise RevisionError(f"{what or 'svn'}: no answer from svn within {SVN_TIMEOUT:.0f} s; gave up") from None
    if p.returncode != 0:
        lines = [ln for ln in p.stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
        errs = [ln for ln in lines if re.match(r"svn: E\d+:", ln)]
        msg = (errs[-1] if errs else (lines[-1] if lines else f"exit {p.returncode}"))
        msg = re.sub(r"^svn: E\d+: ", "", msg)
        raise RevisionError(f"{what + ': ' if what else ''}{msg}")
    return p.stdout


def parse_rev(rev) -> int | None:
    """``None``/``HEAD`` -> None (the youngest); ``r123``/``123`` -> 123."""
    if rev is None:
        return None
    s = str(rev).strip()
    if s.upper() == "HEAD":
        return None
    m = re.fullmatch(r"[rR]?(-?\d+)", s)
    if not m:
        raise RevisionError(f"{s}: not an svn revision (use a number like r55068 or 55068)")
    n = int(m.group(1))
    if n <= 0:
        raise RevisionError(f"{s}: svn revisions start at r1")
    return n


SVN_SCHEMES = ("file", "http", "https", "svn", "svn+ssh")  # what the svn client reads without tunnels of its own


def _is_url(s: str) -> bool:
    return bool(re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", s))


def _peg(target: str, rev: int | str) -> str:
    return f"{target}@{rev}"


class SvnRepo:
    """Where an svn tree lives: its URL (resolved from a working copy if need be), the
    repository root URL, and the path of the URL inside the repository."""

    def __init__(self, url_or_wc: str):
        s = str(url_or_wc)
        if not s or s.startswith("-"):
            raise RevisionError(f"{s!r}: not an svn URL or working copy")
        self.wc_rev: int | None = None  # the BASE revision of a working copy
        if _is_url(s):
            scheme = s.split(":", 1)[0].lower()
            if scheme not in SVN_SCHEMES:
                raise RevisionError(f"{s}: svn URLs start with {', '.join(f'{x}://' for x in SVN_SCHEMES)} "
                                    f"(not {scheme}://)")
            target = _peg(s.rstrip("/"), "HEAD")
        else:
            p = Path(s)
            if not p.exists():
                raise RevisionError(f"{s}: no such svn working copy")
            target = _peg(str(p.resolve()), "BASE")
        info = ET.fromstring(svn("info", "--xml", "--", target, what=s))
        entry = info.find("entry")
        self.url = entry.findtext("url").rstrip("/")
        self.root = entry.findtext("repository/root").rstrip("/")
        self.uuid = entry.findtext("repository/uuid")
        self.relpath = unquote(self.url[len(self.root):]).strip("/")
        if not _is_url(s):
            self.wc_rev = int(entry.get("revision"))

    def youngest(self) -> int:
        info = ET.fromstring(svn("info", "--xml", "--", _peg(self.root, "HEAD"), what=self.root))
        return int(info.find("entry").get("revision"))

    def log(self, rev_from: int, rev_to: int, url: str | None = None) -> list[Revision]:
        """Revisions in [rev_from, rev_to] that changed something under ``url`` (default: this
        tree), oldest first."""
        target = url or self.url
        xml = svn("log", "--xml", "-r", f"{int(rev_from)}:{int(rev_to)}", "--", _peg(target, int(rev_to)), what=target)
        out = []
        for e in ET.fromstring(xml).iter("logentry"):
            msg = e.findtext("msg") or ""
            out.append(Revision(id=None, svn=int(e.get("revision")), date=e.findtext("date"),
                                author=e.findtext("author"), subject=msg.strip().splitlines()[0] if msg.strip() else ""))
        return sorted(out, key=lambda r: r.svn)

    def revision(self, n: int) -> Revision:
        xml = svn("log", "--xml", "-r", str(int(n)), "--", _peg(self.root, int(n)), what=f"r{n}")
        e = ET.fromstring(xml).find("logentry")
        if e is None:
            return Revision(svn=n)
        msg = e.findtext("msg") or ""
        return Revision(svn=n, date=e.findtext("date"), author=e.findtext("author"),
                        subject=msg.strip().splitlines()[0] if msg.strip() else "")

    def exists(self, relpath: str, n: int) -> bool:
        try:
            svn("info", "--xml", "--", _peg(self.join(relpath), n))
            return True
        except RevisionError:
            return False

    def join(self, relpath: str) -> str:
        return self.url + ("/" + quote(relpath) if relpath else "")


class SvnSnapshot(Snapshot):
    """The C/C++ sources of svn revision ``rev`` of a URL or working copy (None = the working
    copy's BASE revision, or the youngest revision of a URL). Files are read from the
    repository, never from the working copy's files.
    Scope: ``paths`` (relative to the URL) if given, else DEFAULT_SCOPE when the tree holds
    CHECKOUT_MARKER (unless ``whole``; both in queries/config.toml), else the whole tree."""

    def __init__(self, url_or_wc, rev=None, paths=None, whole: bool = False, repo: SvnRepo | None = None,
                 revision: Revision | None = None):
        super().__init__(kind="svn")
        self.repo = repo or SvnRepo(url_or_wc)
        n = parse_rev(rev)
        if n is None:
            n = self.repo.wc_rev or self.repo.youngest()
        self.number = n
        self.revision = revision if revision is not None and revision.svn == n else self.repo.revision(n)
        self.root = self.repo.url
        self.label = self.repo.url
        if paths:
            self.scope = [str(p).strip("/") for p in paths]
        elif not whole and self.repo.exists(CHECKOUT_MARKER, n):
            self.scope = [s for s in DEFAULT_SCOPE if self.repo.exists(s, n)]
        else:
            self.scope = [""]
        self._entries: dict[str, int] | None = None

    def _list(self) -> dict[str, int]:
        if self._entries is not None:
            return self._entries
        entries: dict[str, int] = {}
        for sub in self.scope:
            url = self.repo.join(sub)
            xml = svn("list", "-R", "--xml", "--", _peg(url, self.number), what=f"{url}@{self.number}")
            for e in ET.fromstring(xml).iter("entry"):
                if e.get("kind") != "file":
                    continue
                name = e.findtext("name")
                rel = f"{sub}/{name}" if sub else name
                if not is_source(rel):
                    continue
                size = e.findtext("size")
                if size and size.isdigit() and int(size) > MAX_FILE_BYTES:
                    self.warnings.append(f"{rel}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; skipped")
                    continue
                commit = e.find("commit")
                entries[rel] = int(commit.get("revision")) if commit is not None else self.number
        self._entries = entries
        return entries

    def files(self) -> list[tuple[str, str]]:
        base = self.repo.relpath
        return [(rel, f"svn:/{base + '/' if base else ''}{rel}@{changed}") for rel, changed in sorted(self._list().items())]

    def has(self, path: str) -> bool:
        return isinstance(path, str) and path in self._list()

    def repository(self) -> dict:
        return {"svn_url": self.repo.url, "remotes": []}

    def read(self, path: str) -> bytes:
        if path not in self._list():
            raise RevisionError(f"{path}: not in r{self.number}")
        return svn("cat", "--", _peg(self.repo.join(path), self.number), what=f"{path}@{self.number}")
