"""Snapshots: the files of one revision as (path, content key) plus a way to read bytes.

Backends: a directory (key = hash of the bytes); git and svn backends live in
``git.py`` / ``svn.py`` and implement the same interface.
"""
from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import UsageError

SOURCE_SUFFIXES = (".c", ".cpp", ".cc", ".cxx", ".h", ".hpp", ".hh", ".mac")
# Given a VirtualBox checkout root, the default scope.
def _checkout() -> dict:
    from ..datafiles import load_toml

    return load_toml("config.toml").get("checkout", {})


_CHECKOUT = _checkout()
CHECKOUT_MARKER: str = _CHECKOUT.get("marker", "src")  # a folder holding this is a checkout root
DEFAULT_SCOPE: tuple[str, ...] = tuple(_CHECKOUT.get("scope", ()))  # what a checkout root is narrowed to
DEFAULT_CLONE_URL: str | None = _CHECKOUT.get("clone_url")
MAX_FILE_BYTES = 8 * 1024 * 1024  # larger "sources" are generated data; skipped with a warning


@dataclass
class Revision:
    """What we know about the revision a snapshot shows (all optional)."""

    id: str | None = None  # git commit id
    svn: int | None = None  # svn revision number
    date: str | None = None
    author: str | None = None
    subject: str | None = None

    def to_json(self) -> dict:
        return {"id": self.id, "svn": self.svn, "date": self.date, "author": self.author, "subject": self.subject}

    def label(self) -> str:
        parts = []
        if self.svn is not None:
            parts.append(f"r{self.svn}")
        if self.id:
            parts.append(self.id[:12])
        return " ".join(parts)


@dataclass
class Snapshot:
    """Base class. ``files()`` yields (relative posix path, content key)."""

    kind: str = "dir"
    root: str = ""
    label: str = ""
    revision: Revision = field(default_factory=Revision)
    warnings: list[str] = field(default_factory=list)

    def files(self) -> list[tuple[str, str]]:  # pragma: no cover - interface
        raise NotImplementedError

    def read(self, path: str) -> bytes:  # pragma: no cover - interface
        raise NotImplementedError

    def read_keyed(self, path: str) -> tuple[bytes, str | None]:
        """``read(path)`` and the content key of the very bytes read, or None when the listed
        key cannot go stale (a git blob id, an svn path@revision). Facts are stored under the
        key of the bytes they were parsed from, never under a key listed from an earlier read."""
        return self.read(path), None

    def has(self, path: str) -> bool:
        """Whether ``path`` (relative, as ``files()`` spells it) is one of this snapshot's files:
        the only paths ``read()`` may be given on behalf of a user (srcscan serve)."""
        return isinstance(path, str) and any(p == path for p, _ in self.files())

    def read_served(self, path: str) -> bytes:
        """``read(path)`` on behalf of a remote user (srcscan serve): only one of this
        snapshot's files, and (on disk) only a regular file inside the tree once every symlink
        is resolved; anything else is ``FileNotFoundError``."""
        if not self.has(path):
            raise FileNotFoundError(path)
        return self.read(path)

    def repository(self) -> dict:
        """The svn repository this snapshot's svn number belongs to (``svn_url``, ``remotes``;
        see render/_links.py), or {} when there is none."""
        return {}

    def describe(self) -> str:
        rev = self.revision.label()
        return f"{self.label or self.root}" + (f" @ {rev}" if rev else "")


def shown_path(p: str) -> str:
    """A file name as srcscan keeps and shows it: bytes that are not UTF-8 (which the OS hands
    over as lone surrogates) spelled ``\\xNN``, so the name can be hashed, stored in the
    cache and printed in every format. Reading still goes through the real name."""
    try:
        p.encode("utf-8")
        return p
    except UnicodeEncodeError:
        return p.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _kind_of(p: Path) -> str:
    import stat

    mode = p.stat().st_mode
    return ("named pipe (FIFO)" if stat.S_ISFIFO(mode) else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "socket" if stat.S_ISSOCK(mode) else "special file")


def is_source(name: str) -> bool:
    return name.endswith(SOURCE_SUFFIXES)


_BOMS = ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def source_problem(data: bytes) -> str | None:
    """Why bytes named like a source file cannot be one (a reason for a skip warning), or
    None. UTF-16 with a byte-order mark is fine (see ``source_text``); other NUL bytes near
    the start mean binary data (an object file, an image, UTF-16 without a BOM)."""
    if data.startswith(tuple(b for b, _ in _BOMS)):
        return None
    if b"\0" in data[:8192]:
        return "binary data (NUL bytes), not C/C++ source; skipped"
    return None


def content_key(data: bytes) -> str:
    """The key facts are cached under: the content itself, hashed as git hashes a blob, so a
    folder, a git commit and (through an alias) an svn revision holding the same bytes share
    one cache entry."""
    return "blob:" + hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def source_text(data: bytes) -> bytes:
    """The bytes the parser should see: UTF-16 (with a byte-order mark) re-encoded as UTF-8,
    line for line; anything else unchanged (invalid UTF-8 is tolerated by the parser)."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(enc).encode("utf-8")
            except UnicodeDecodeError:
                return data[len(bom):].decode(enc, "replace").encode("utf-8")
    return data


class DirSnapshot(Snapshot):
    """One or more files/folders on disk. A folder that is a VirtualBox checkout root
    (holds CHECKOUT_MARKER, queries/config.toml) is narrowed to the default scope unless ``whole`` is set."""

    def __init__(self, paths: Iterable[str | os.PathLike], whole: bool = False, kind: str = "dir", label: str = ""):
        super().__init__(kind=kind)
        self._abs: dict[str, str] = {}  # relative path -> absolute path
        self._st: dict[str, os.stat_result] = {}  # the walk's stat of each file (used once, by files())
        self._keys: dict[str, str] = {}
        paths = [Path(p) for p in paths]
        if not paths:
            raise UsageError("no source folder given")
        roots = []
        for p in paths:
            if not p.exists():
                raise UsageError(f"--src {p}: no such file or folder")
            if not (p.is_dir() or p.is_file()):  # a FIFO, a device, a socket
                raise UsageError(f"--src {p}: is a {_kind_of(p)}, not a source file or folder")
            roots.append(p.resolve())
        # the real folders the tree is made of (a single file given: its folder), for read_served
        self._roots = [str(r if r.is_dir() else r.parent) for r in roots]
        base = roots[0] if len(roots) == 1 and roots[0].is_dir() else \
            Path(os.path.commonpath([r if r.is_dir() else r.parent for r in roots]))
        self.root = shown_path(str(base))
        self.label = label or self.root
        for r in roots:
            scan = [r]
            if r.is_dir() and not whole and (r / CHECKOUT_MARKER).is_dir():
                scan = [r / s for s in DEFAULT_SCOPE if (r / s).is_dir()]
            prefix = str(base).rstrip(os.sep) + os.sep
            for s in scan:
                for f, st in _walk(s, self.warnings):  # plain strings: pathlib costs ~20 us a file
                    rel = f[len(prefix):] if f.startswith(prefix) else f
                    if os.sep != "/":
                        rel = rel.replace(os.sep, "/")
                    rel = shown_path(rel)
                    self._abs[rel] = f
                    self._st[rel] = st
        self._given = ", ".join(str(p) for p in paths)
        if not self._abs:
            raise self._nothing()

    def _nothing(self) -> UsageError:
        why = f" ({len(self.warnings)} skipped: {'; '.join(self.warnings[:3])}" \
              f"{'; ...' if len(self.warnings) > 3 else ''})" if self.warnings else ""
        return UsageError(f"--src {self._given}: no C/C++ sources found{why}")

    fork_safe_read = True  # read() is plain file I/O: forked parser workers may call it

    # (abs path) -> (size, mtime_ns, inode, key) of files hashed by an earlier run; set by
    # the caller from the cache, so unchanged files are not read and hashed again
    stat_keys: dict | None = None
    new_stat_keys: dict

    def files(self) -> list[tuple[str, str]]:
        out = []
        known = self.stat_keys or {}
        if not hasattr(self, "new_stat_keys"):
            self.new_stat_keys = {}
        racy = time.time_ns() - 2_000_000_000  # files changed in the last 2 s are always re-hashed
        for rel in sorted(list(self._abs)):
            key = self._keys.get(rel)
            st = None
            if key is None and self.stat_keys is not None:
                try:
                    st = self._st.pop(rel, None) or os.stat(self._abs[rel])
                    hit = known.get(shown_path(self._abs[rel]))
                    if hit is not None and hit[:3] == (st.st_size, st.st_mtime_ns, st.st_ino) \
                            and str(hit[3]).startswith("blob:"):  # (keys of another layout: hash again)
                        key = self._keys[rel] = hit[3]
                except OSError:
                    st = None
            if key is None:
                try:
                    with open(self._abs[rel], "rb") as fh:
                        data = fh.read()
                except OSError as e:
                    self.warnings.append(f"{rel}: unreadable ({e.strerror}); skipped")
                    continue
                why = source_problem(data)
                if why:
                    self.warnings.append(f"{rel}: {why}")
                    self._abs.pop(rel)
                    continue
                key = content_key(data)
                self._keys[rel] = key
                if st is not None and st.st_mtime_ns < racy:
                    self.new_stat_keys[shown_path(self._abs[rel])] = (st.st_size, st.st_mtime_ns, st.st_ino, key)
            out.append((rel, key))
        if not out:  # every file was skipped (binary, unreadable)
            raise self._nothing()
        return out

    def has(self, path: str) -> bool:
        return isinstance(path, str) and path in self._abs

    def read(self, path: str) -> bytes:
        with open(self._abs[path], "rb") as fh:
            return source_text(fh.read())

    def read_keyed(self, path: str) -> tuple[bytes, str]:
        """One read, hashed and handed to the parser: a file edited since ``files()`` hashed
        it is parsed and keyed as it is now (``files()`` then lists the new key)."""
        with open(self._abs[path], "rb") as fh:
            raw = fh.read()
        key = content_key(raw)
        if self._keys.get(path) != key:
            why = source_problem(raw)
            if why:
                from ..errors import UnreadableSource

                raise UnreadableSource(f"{path}: changed while srcscan read it, now {why.removesuffix('; skipped')}")
            self._keys[path] = key
        return source_text(raw), key

    def read_served(self, path: str) -> bytes:
        import stat

        if not self.has(path):
            raise FileNotFoundError(path)
        real = os.path.realpath(self._abs[path])  # every symlink, of the file and its folders
        if not any(real.startswith(r.rstrip(os.sep) + os.sep) for r in self._roots):
            raise FileNotFoundError(path)  # a link out of the tree (/etc/passwd as leak.c)
        fd = os.open(real, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO or device slipped in meanwhile
                raise FileNotFoundError(path)
            return source_text(fh.read(MAX_FILE_BYTES + 1)[:MAX_FILE_BYTES])

    def size_of(self, path: str) -> int:
        try:
            return os.stat(self._abs[path]).st_size
        except OSError:
            return 0


def _walk(start: Path, warnings: list[str]) -> Iterator[tuple[str, os.stat_result]]:
    """(path, stat) of the source files under ``start`` (or ``start`` itself), symlink loops
    and unreadable folders reported instead of followed forever."""
    if start.is_file():
        st = start.stat()
        if st.st_size > MAX_FILE_BYTES:
            warnings.append(f"{shown_path(str(start))}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; skipped")
        else:
            yield str(start), st
        return
    seen: set[tuple[int, int]] = set()
    stack = [start]
    while stack:
        d = stack.pop()
        try:
            st = d.stat()
        except OSError as e:
            warnings.append(f"{shown_path(str(d))}: {e.strerror}; skipped")
            continue
        if (st.st_dev, st.st_ino) in seen:
            warnings.append(f"{shown_path(str(d))}: symlink loop; skipped")
            continue
        seen.add((st.st_dev, st.st_ino))
        try:
            entries = sorted(os.scandir(d), key=lambda e: e.name)
        except OSError as e:
            warnings.append(f"{shown_path(str(d))}: {e.strerror}; skipped")
            continue
        for e in entries:
            if e.name.startswith(".") and e.name not in (".",):
                continue
            try:
                if e.is_dir():
                    stack.append(Path(e.path))
                elif is_source(e.name) and e.is_file():
                    st = e.stat()
                    if st.st_size > MAX_FILE_BYTES:
                        warnings.append(f"{shown_path(e.path)}: larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; skipped")
                        continue
                    yield e.path, st
            except OSError as err:
                warnings.append(f"{shown_path(e.path)}: {err.strerror}; skipped")


def sample_root() -> Path:
    """The bundled VirtualBox-like sample tree."""
    from importlib.resources import files

    return Path(str(files("srcscan.sample") / "tree"))


def resolve_sources(src: list[str] | None, whole: bool = False, env: dict | None = None, cwd: str | None = None) -> tuple[Snapshot, str]:
    """Pick where the sources come from (DESIGN §8) and say why: --src, $SRCSCAN_SRC, the
    VirtualBox checkout containing the current directory, else the bundled sample tree."""
    env = os.environ if env is None else env
    if src:
        return DirSnapshot(src, whole=whole), "--src"
    if env.get("SRCSCAN_SRC"):
        return DirSnapshot(env["SRCSCAN_SRC"].split(os.pathsep), whole=whole), "SRCSCAN_SRC"
    here = Path(cwd or os.getcwd()).resolve()
    for d in [here, *here.parents]:
        if (d / CHECKOUT_MARKER).is_dir():
            return DirSnapshot([d], whole=whole), "checkout containing the current directory"
    snap = DirSnapshot([sample_root()], whole=True, kind="sample", label="bundled sample tree")
    return snap, "no --src, no $SRCSCAN_SRC, no checkout around the current folder"
