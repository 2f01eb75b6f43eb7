"""The fact cache: SQLite, keyed by (content key, extractor version + query hash).

Written in WAL mode inside short transactions, so a killed run leaves a usable cache and
two runs can share one. A cache file that is not a readable database is moved aside
(`facts.sqlite.corrupt-<time>`) and rebuilt, with a warning — never a manual step."""
from __future__ import annotations

import os
import pickle
import sqlite3
import time
import zlib
from pathlib import Path

from ..datafiles import queries_hash
from .records import FACTS_VERSION, FileFacts, load_facts

OPEN_BUSY_RETRIES = 40  # about 30 s of waiting for another run that is creating the cache

SCHEMA = """
CREATE TABLE IF NOT EXISTS facts (
    key TEXT NOT NULL,
    version TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (key, version)
);
CREATE TABLE IF NOT EXISTS blobs (
    name TEXT PRIMARY KEY,
    data BLOB NOT NULL
);
"""


def default_cache_dir() -> Path:
    if os.environ.get("SRCSCAN_CACHE"):
        return Path(os.environ["SRCSCAN_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "srcscan"


def version_key() -> str:
    return f"{FACTS_VERSION}:{queries_hash()}"


def is_damage(e: BaseException) -> bool:
    """Does this error mean the cache file itself is bad (corrupt, not a database, another
    layout, a folder in its place), so moving it aside helps? Busy, locked, full, read-only
    or I/O trouble say nothing about the file: it is kept."""
    if not isinstance(e, sqlite3.DatabaseError):
        return True  # zlib/unpickling errors of an entry
    name = getattr(e, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return True
    if name.startswith("SQLITE_ERROR") or not name:  # (CANTOPEN: a folder we may not write, not a bad file)
        msg = str(e)
        return any(w in msg for w in ("no such column", "no such table", "malformed", "not a database",
                                      "has no column"))
    return False


CACHE_LAYOUT = 1  # PRAGMA user_version of the cache file; bump when its tables change
APPLICATION_ID = 0x53524353  # 'SRCS' in the file header: this SQLite file is a srcscan cache


def _unwritable(folder: Path, path: Path) -> str | None:
    """Why the cache cannot be written here (read-only file system, no permission), or None."""
    for p in (path, folder):
        if p.exists():
            if not os.access(p, os.W_OK):
                return "read-only file system" if _read_only_fs(p) else "no write permission"
            if p == folder:
                return None
    return None


def _read_only_fs(p: Path) -> bool:
    try:
        return bool(os.statvfs(p).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _foreign(db: sqlite3.Connection) -> str | None:
    """Why an existing database is not a cache this srcscan may use (another program's
    database, another cache layout), or None (ours, or empty: then it is stamped ours)."""
    app = db.execute("PRAGMA application_id").fetchone()[0]
    layout = db.execute("PRAGMA user_version").fetchone()[0]
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if app not in (0, APPLICATION_ID) or (app == 0 and tables and "facts" not in tables):
        shown = ", ".join(sorted(tables)[:4]) or "none"
        return f"not a srcscan cache (application id {app:#x}, tables: {shown})"
    if app == APPLICATION_ID and layout != CACHE_LAYOUT:
        return f"written by another srcscan version (cache layout {layout}, this one uses {CACHE_LAYOUT})"
    return None


def _memory_db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None)
    db.executescript(SCHEMA)
    return db


def move_aside(path: str | os.PathLike, tag: str = "corrupt") -> None:
    """Rename a damaged (or foreign) cache database and its WAL files to
    ``<name>.<tag>-<time>``, so the next open starts a fresh one. A damaged file that cannot
    be renamed is deleted; a foreign one is only ever renamed (it may be someone's data)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for suffix in ("", "-wal", "-shm"):
        p = Path(str(path) + suffix)
        if p.exists() or p.is_symlink():
            try:
                p.rename(Path(f"{p}.{tag}-{stamp}-{os.getpid()}"))
            except OSError:
                if tag != "corrupt":
                    continue
                try:
                    p.unlink()
                except OSError:
                    pass


class FactCache:
    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder) if folder else default_cache_dir()
        self.path = self.folder / "facts.sqlite"
        self.version = version_key()
        self.warnings: list[str] = []
        # decoded facts kept in this process (history: one revision's files, mostly the next
        # one's too); None: off
        self.memo: dict[str, FileFacts] | None = None
        self.usable = True  # False: running on an in-memory stand-in (the folder is not writable)
        self.before_close: list = []  # called by close() before the database is closed
        self.db = self._open()

    def _open(self) -> sqlite3.Connection:
        import errno

        if self.folder.exists() and not self.folder.is_dir():
            from ..errors import UsageError

            raise UsageError(f"cache folder {self.folder}: is a file, not a folder (give --cache a folder, "
                             "or --no-cache)")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                return self._without(f"cannot create {self.folder} ({e.strerror})")
            from ..errors import UsageError

            raise UsageError(f"cache folder {self.folder}: {e.strerror or e}") from e
        why = _unwritable(self.folder, self.path)
        if why:
            return self._without(f"cannot write {self.path} ({why})")
        if self.path.exists() and not self.path.is_file():  # a folder or a device in its place
            self._set_aside("not a file", "foreign")
        attempt = busy = 0
        while True:
            db = None
            try:
                db = sqlite3.connect(str(self.path), timeout=30, isolation_level=None)
                foreign = _foreign(db)
                if foreign:
                    db.close()
                    db = None
                    if attempt:
                        return self._without(f"{self.path}: {foreign}")
                    attempt += 1
                    self._set_aside(foreign, "other-version" if "version" in foreign else "foreign")
                    continue
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                db.executescript(SCHEMA)
                if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
                    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                    db.execute(f"PRAGMA user_version = {CACHE_LAYOUT}")
                # a database of another program (or an older layout) is moved aside too
                db.execute("SELECT key, version, data FROM facts LIMIT 1").fetchone()
                db.execute("SELECT name, data FROM blobs LIMIT 1").fetchone()
                return db
            except sqlite3.DatabaseError as e:
                if db is not None:
                    db.close()
                # Two runs creating one cache at once: switching a new database to WAL takes
                # a lock that SQLite's busy timeout does not wait for. Wait here instead.
                if "locked" in str(e) and busy < OPEN_BUSY_RETRIES:
                    busy += 1
                    time.sleep(min(0.02 * 2 ** busy, 1.0))
                    continue
                if not is_damage(e):  # busy, disk full, read-only: a healthy cache, never moved aside
                    return self._without(f"{self.path} is not usable ({e})")
                if attempt:
                    raise
                attempt += 1
                self._move_aside(str(e))

    def _without(self, why: str) -> sqlite3.Connection:
        """Cannot write here: run without the cache (nothing on disk is touched), one warning."""
        self.usable = False
        self.warnings.append(f"cache {why}; running without the cache")
        return _memory_db()

    def _move_aside(self, why: str) -> None:
        move_aside(self.path)
        self.warnings.append(f"cache {self.path} was unreadable ({why}); moved aside and rebuilt")

    def _set_aside(self, why: str, tag: str) -> None:
        move_aside(self.path, tag)
        self.warnings.append(f"cache {self.path}: {why}; set aside as {self.path.name}.{tag}-* and rebuilt")

    def get_many(self, keys: list[str]) -> dict[str, FileFacts]:
        out: dict[str, FileFacts] = {}
        if self.memo is not None:
            out = {k: self.memo[k] for k in keys if k in self.memo}
            keys = [k for k in keys if k not in out]
        damaged = 0
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            q = f"SELECT key, data FROM facts WHERE version = ? AND key IN ({','.join('?' * len(chunk))})"
            try:
                rows = self.db.execute(q, [self.version, *chunk]).fetchall()
            except sqlite3.DatabaseError as e:
                self.warnings.append(f"cache read failed ({e}); re-parsing")
                break
            for key, data in rows:
                try:
                    ff = decode(data)
                except Exception:  # damaged entry of any kind: re-parse that file
                    damaged += 1
                    continue
                if ff.key != key:  # a record stored under a key not its own: re-parse that file
                    damaged += 1
                    continue
                out[key] = ff
        if damaged:
            self.warnings.append(f"{damaged} cache entr{'y was' if damaged == 1 else 'ies were'} damaged; "
                                 "re-parsed and replaced")
        return out

    def forget(self, keys: list[str]) -> None:
        """Drop these keys' facts (found damaged when used): the next index parses them again."""
        if self.memo is not None:
            for k in keys:
                self.memo.pop(k, None)
        try:
            self.db.executemany("DELETE FROM facts WHERE key = ?", [(k,) for k in keys])
        except sqlite3.DatabaseError:
            pass

    def has_many(self, keys: list[str]) -> set[str]:
        out: set[str] = set()
        for i in range(0, len(keys), 500):
            chunk = keys[i:i + 500]
            q = f"SELECT key FROM facts WHERE version = ? AND key IN ({','.join('?' * len(chunk))})"
            try:
                out.update(k for (k,) in self.db.execute(q, [self.version, *chunk]))
            except sqlite3.DatabaseError:
                return out
        return out

    def put_many(self, items: list[tuple[str, bytes]]) -> None:
        """Store already-encoded facts (see ``encode``) in one transaction."""
        if not items:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO facts (key, version, data) VALUES (?, ?, ?)",
                                [(k, self.version, d) for k, d in items])
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                pass
            self.warnings.append(f"cache write failed ({e}); results are fine, the next run re-parses")

    def get_blob(self, name: str) -> bytes | None:
        try:
            row = self.db.execute("SELECT data FROM blobs WHERE name = ?", (name,)).fetchone()
        except sqlite3.DatabaseError:
            return None
        return row[0] if row else None

    def put_blob(self, name: str, data: bytes) -> None:
        try:
            self.db.execute("INSERT OR REPLACE INTO blobs (name, data) VALUES (?, ?)", (name, data))
        except sqlite3.DatabaseError as e:
            self.warnings.append(f"cache write failed ({e})")

    def get_json(self, name: str):
        """A JSON answer kept with put_json, None when none is kept; ValueError when it is
        damaged (the caller computes it again and replaces it)."""
        from ..util import loads_json

        blob = self.get_blob(name)
        if blob is None:
            return None
        try:  # (cache data: read like any JSON srcscan did not just write)
            return loads_json(zlib.decompress(blob))
        except (zlib.error, TypeError) as e:  # (TypeError: a row that holds text, not bytes)
            raise ValueError(f"a damaged cache entry: {e}") from e

    def put_json(self, name: str, doc) -> None:
        """Keep a JSON answer (compressed); a failed write is one of the cache's warnings."""
        import json

        self.put_blob(name, zlib.compress(json.dumps(doc).encode(), 1))

    def drop_blob(self, name: str) -> None:
        try:
            self.db.execute("DELETE FROM blobs WHERE name = ?", (name,))
        except sqlite3.DatabaseError:
            pass

    def load_stat_keys(self, snapshot) -> None:
        """Give a folder snapshot the content keys of files unchanged since an earlier run."""
        if not hasattr(snapshot, "stat_keys"):
            return
        try:
            self.db.execute("CREATE TABLE IF NOT EXISTS stat_keys (path TEXT PRIMARY KEY, size INTEGER, "
                            "mtime_ns INTEGER, ino INTEGER, key TEXT)")
            snapshot.stat_keys = {p: (sz, mt, ino, k) for p, sz, mt, ino, k in
                                  self.db.execute("SELECT path, size, mtime_ns, ino, key FROM stat_keys")}
        except sqlite3.DatabaseError:
            snapshot.stat_keys = {}

    def save_stat_keys(self, snapshot) -> None:
        new = getattr(snapshot, "new_stat_keys", None)
        if not new:
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
            self.db.executemany("INSERT OR REPLACE INTO stat_keys (path, size, mtime_ns, ino, key) VALUES (?,?,?,?,?)",
                                [(p, *v) for p, v in new.items()])
            self.db.execute("COMMIT")
            new.clear()
        except sqlite3.DatabaseError:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                pass

    def close(self) -> None:
        hooks, self.before_close = getattr(self, "before_close", []), []
        for hook in hooks:  # e.g. graph fragments built on demand, written in one transaction
            try:
                hook()
            except Exception:  # nothing lost but reuse: the next run builds them again
                pass
        try:
            self.db.close()
        except sqlite3.Error:
            pass


def encode(ff: FileFacts) -> bytes:
    # zlib level 0: stored, not deflated. The function bodies, most of the bytes, are already
    # deflated one by one (records.Function.__getstate__); deflating them again cost the
    # parser workers a quarter of their encoding time for a third less disk. The zlib frame
    # stays for its checksum: a damaged entry is found, not decoded into wrong facts.
    return zlib.compress(pickle.dumps(ff, protocol=pickle.HIGHEST_PROTOCOL), 0)


def decode(blob: bytes):
    obj = load_facts(zlib.decompress(blob))
    if not isinstance(obj, FileFacts):
        raise pickle.UnpicklingError("not a FileFacts")
    return obj
