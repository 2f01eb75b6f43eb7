"""Index a snapshot: facts for every file, from the cache when its content was seen before,
else parsed (in a process pool for larger trees) and streamed into the cache."""
from __future__ import annotations

import os
import pickle
import time
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from dataclasses import dataclass, field

from .cache import FactCache, decode, encode
from .nesting import extract_bounded, skip_warnings
from ..errors import UnreadableSource
from .records import FileFacts, load_facts
from ..sources.snapshot import Snapshot, content_key
from ..util import progress

PARALLEL_MIN_FILES = 24
BATCH = 64
CHUNK = 8  # files per worker task
WINDOW = 3  # tasks in flight per worker


@dataclass
class IndexStats:
    files: int = 0
    parsed: int = 0
    reused: int = 0
    bytes_parsed: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    # path -> the key of the bytes parsed, for files edited after they were listed
    rekeyed: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"files": self.files, "parsed": self.parsed, "reused": self.reused,
                "bytes_parsed": self.bytes_parsed, "seconds": round(self.seconds, 3)}


def _work_many(items: list[tuple[str, bytes, str]]) -> list[tuple[str, bytes]]:
    """Parse files in a worker; facts cross the process boundary once, as the same
    compressed pickle the cache stores."""
    return [(key, encode(extract_bounded(path, data, key))) for path, data, key in items]


_SNAPSHOT = None  # set in the parent before forking workers of a streaming index
_CACHE_DIR = None
_WORKER_CACHE = None


def _index_chunk(chunk: list[tuple[str, str]]) -> tuple[int, int, list[str]]:
    """In a worker: read, parse and store a chunk of files; return (files, bytes, warnings)."""
    global _WORKER_CACHE

    if _WORKER_CACHE is None:
        _WORKER_CACHE = FactCache(_CACHE_DIR)
    out, nbytes, warns = [], 0, []
    for path, key in chunk:
        try:
            data, ck = _SNAPSHOT.read_keyed(path)  # one read: the bytes hashed are the bytes parsed
        except OSError as e:
            warns.append(f"{path}: unreadable ({e.strerror or e}); skipped")
            continue
        except UnreadableSource as e:
            warns.append(f"{e}; skipped")
            continue
        nbytes += len(data)
        key = ck or key
        ff = extract_bounded(path, data, key)
        warns.extend(skip_warnings(ff))
        out.append((key, encode(ff)))
    _WORKER_CACHE.put_many(out)
    warns.extend(_WORKER_CACHE.warnings)
    _WORKER_CACHE.warnings.clear()
    return len(chunk), nbytes, warns


def _worker_init() -> None:
    """Workers die with their parent (a killed srcscan leaves no orphans parsing on)."""
    import gc

    gc.disable()  # short-lived facts; the cyclic collector only costs time here
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _jobs(jobs: int) -> int:
    """Worker processes: ``jobs`` (the API may pass anything: kept to 1..4 per core), else one
    per core this process may run on."""
    if jobs and jobs > 0:
        return min(int(jobs), 4 * max(1, os.cpu_count() or 1))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover
        return os.cpu_count() or 1


POOL_FAILURES = (OSError, BrokenProcessPool)  # no process could be started (a process limit), a worker died


def _stop(pool: ProcessPoolExecutor) -> None:
    """End a pool that failed, its started workers included: nothing left waiting at exit."""
    for p in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            p.kill()
            p.join(5)
        except (OSError, ValueError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)


def _why(e: BaseException) -> str:
    return getattr(e, "strerror", None) or str(e) or type(e).__name__


def _parse_in_pool(items, n: int, warn=None):
    """(key, encoded facts) of each (path, bytes, key) of ``items``, parsed by ``n`` worker
    processes, in order. Bounded: only a few chunks of file bytes are in flight at once. When
    workers cannot be started (a process limit) or one dies, the rest is parsed in this
    process, with one warning (``warn``)."""
    import multiprocessing

    ctx = multiprocessing.get_context("fork") if hasattr(os, "fork") else None
    it, in_flight = iter(items), deque()
    pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_worker_init)
    failed = None
    try:
        def submit() -> bool:
            chunk = list(islice(it, CHUNK))
            if chunk:
                in_flight.append((chunk, None))  # (kept until its result is out)
                in_flight[-1] = (chunk, pool.submit(_work_many, chunk))
            return bool(chunk)

        try:
            for _ in range(n * WINDOW):
                if not submit():
                    break
            while in_flight:
                got = in_flight[0][1].result()
                in_flight.popleft()
                yield from got
                submit()
        except POOL_FAILURES as e:
            failed = e
    finally:
        if failed is None:
            pool.shutdown(wait=True)
        else:
            _stop(pool)
    if failed is not None:
        if warn is not None:
            warn(f"could not run {n} parser processes ({_why(failed)}); parsing in this process")
        for chunk, _ in in_flight:
            yield from _work_many(chunk)
        yield from _work_many(list(it))


def snapshot_files(snapshot: Snapshot, cache: FactCache | None) -> list[tuple[str, str]]:
    """The snapshot's (path, key) list; a folder's files unchanged since an earlier run (same
    size, mtime and inode in the cache) are not read and hashed again."""
    if cache is not None and getattr(snapshot, "stat_keys", 0) is None:
        cache.load_stat_keys(snapshot)
    files = snapshot.files()
    if cache is not None:
        cache.save_stat_keys(snapshot)
    return files


ALIAS = "content-of:"  # cache blob name prefix: a source-specific key -> the content key


def _rehome(ff: FileFacts, path: str) -> None:
    """Facts of the same content seen under another path, moved to ``path``."""
    if ff.path != path:
        ff.path = path
        for fn in ff.functions:
            fn.file = path


def _aliases(cache: FactCache | None, keys) -> dict[str, str]:
    if cache is None:
        return {}
    out = {}
    for k in keys:
        if not k.startswith("blob:"):
            got = cache.get_blob(ALIAS + k)
            if got:
                out[k] = got.decode("ascii", "replace")
    return out


def index(snapshot: Snapshot, cache: FactCache | None = None, jobs: int = 0, only: set[str] | None = None,
          keep: bool = True) -> tuple[dict[str, FileFacts], IndexStats]:
    """Facts of every file of ``snapshot`` (or of the paths in ``only``). With ``keep=False``
    facts only go into the cache (bounded memory: nothing is kept in this process)."""
    t0 = time.perf_counter()
    stats = IndexStats()
    files = snapshot_files(snapshot, cache)
    if only is not None:
        files = [(p, k) for p, k in files if p in only]
    stats.files = len(files)
    facts: dict[str, FileFacts] = {}
    keys = {}
    for path, key in files:
        keys.setdefault(key, []).append(path)
    # a key that names where the bytes came from (svn path@revision) maps to the key of the
    # content itself, learnt when that file was first read: the same bytes read from a folder
    # or a git commit are not parsed again
    alias = _aliases(cache, keys)
    content = {k: alias.get(k, k) for k in keys}
    if keep or cache is None:
        by_content = cache.get_many(sorted(set(content.values()))) if cache is not None else {}
        cached = {k: by_content[c] for k, c in content.items() if c in by_content}
    else:  # only learn which keys are there
        there = set(cache.has_many(sorted(set(content.values()))))
        cached = {k: None for k, c in content.items() if c in there}
    todo = []
    used: set[int] = set()
    for path, key in files:
        if not keep and key in cached:
            stats.reused += 1
            continue
        ff = cached.get(key)
        if ff is not None:
            if id(ff) in used:  # the same content twice in this snapshot: facts of its own (a
                # pickle round trip: bodies stay encoded, ten times cheaper than a deep copy)
                ff = load_facts(pickle.dumps(ff, protocol=pickle.HIGHEST_PROTOCOL))
            used.add(id(ff))
            _rehome(ff, path)
            facts[path] = ff
            stats.reused += 1
        else:
            todo.append((path, key))
    stats.parsed = len(todo)

    def items():
        for path, key in todo:
            try:
                data, ck = snapshot.read_keyed(path)  # one read: the bytes hashed are the bytes parsed
            except OSError as e:
                stats.warnings.append(f"{path}: unreadable ({e.strerror or e}); skipped")
                continue
            except UnreadableSource as e:
                stats.warnings.append(f"{e}; skipped")
                continue
            listed = key
            if ck is not None and ck != key:  # edited since it was listed: these bytes, their key
                stats.rekeyed[path] = key = ck
            elif not key.startswith("blob:"):  # store by content; remember where it came from
                key = new_alias[key] = content_key(data)
            if key != listed:
                got = cache.get_many([key]).get(key) if cache is not None else None
                if got is not None:  # the same bytes were indexed from a folder or a commit
                    _rehome(got, path)
                    if keep:
                        facts[path] = got
                    stats.parsed -= 1
                    stats.reused += 1
                    continue
            stats.bytes_parsed += len(data)
            yield path, data, key

    pending: list[tuple[str, bytes]] = []
    new_alias: dict[str, str] = {}

    def take(key: str, blob: bytes, ff: FileFacts | None = None) -> None:
        """Keep a file's facts (when ``keep``) and queue its blob for the cache."""
        if keep:
            ff = ff if ff is not None else decode(blob)
            facts[ff.path] = ff
        if cache is not None:
            pending.append((key, blob))
            if len(pending) >= BATCH:
                cache.put_many(pending)
                pending.clear()

    n = _jobs(jobs)
    parallel = n > 1 and len(todo) >= PARALLEL_MIN_FILES
    sizes = getattr(snapshot, "size_of", None)
    if parallel and sizes:  # biggest files first, so no worker is left with a long tail
        todo.sort(key=lambda pk: -sizes(pk[0]))
    bar = progress(total=len(todo), desc="parsing", unit="file")
    try:
        if (parallel and not keep and cache is not None and getattr(snapshot, "fork_safe_read", False)
                and hasattr(os, "fork")):
            # streaming index: workers read, parse and write to the cache themselves; the
            # parent only hands out paths (no file bytes or facts cross a pipe)
            import multiprocessing

            global _SNAPSHOT, _CACHE_DIR
            _SNAPSHOT, _CACHE_DIR = snapshot, str(cache.folder)
            ctx = multiprocessing.get_context("fork")
            chunks = [todo[i:i + CHUNK] for i in range(0, len(todo), CHUNK)]
            pool = ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_worker_init)
            try:
                for done, nbytes, warns in pool.map(_index_chunk, chunks, chunksize=1):
                    stats.bytes_parsed += nbytes
                    stats.warnings.extend(warns)
                    bar.update(done)
                pool.shutdown(wait=True)
            except POOL_FAILURES as e:  # what the workers stored stays; the rest is parsed here
                _stop(pool)
                stats.warnings.append(f"could not run {n} parser processes ({_why(e)}); parsing in this process")
                there = cache.has_many(sorted({k for _, k in todo}))
                todo[:] = [(p, k) for p, k in todo if k not in there]
                for path, data, key in items():
                    take(key, encode(extract_bounded(path, data, key)))
                    bar.update(1)
        elif parallel:
            for key, blob in _parse_in_pool(items(), n, stats.warnings.append):
                take(key, blob)
                bar.update(1)
        else:
            for path, data, key in items():
                ff = extract_bounded(path, data, key)
                take(key, encode(ff) if cache is not None else b"", ff)
                bar.update(1)
    finally:
        bar.close()
        if cache is not None and pending:
            cache.put_many(pending)
        if cache is not None:
            for k, ck in new_alias.items():
                cache.put_blob(ALIAS + k, ck.encode())
    if cache is not None and cache.memo is not None and keep:
        cache.memo = {stats.rekeyed.get(path, key): facts[path] for path, key in files if path in facts}
    unread = getattr(snapshot, "unreadable", None)
    if unread and len(unread) >= len(files):  # nothing could be read: not an empty tree
        from ..errors import RevisionError

        raise RevisionError(f"none of the {len(files)} source files could be read ({unread[0]}...); "
                            "the repository is damaged: see 'git fsck'")
    for path, _ in files:  # parts of files left out (too deeply nested), parsed now or cached
        if path in facts:
            stats.warnings.extend(skip_warnings(facts[path]))
    if cache is not None:
        stats.warnings.extend(cache.warnings)
    stats.warnings.extend(snapshot.warnings)
    stats.seconds = time.perf_counter() - t0
    # in listing order, whatever came from the cache and whichever worker finished first: what
    # is built from the facts (warnings kept with a graph, a program's order) is the same warm or cold
    return {path: facts[path] for path, _ in files if path in facts}, stats


def index_versions(snapshots: list[Snapshot], cache: FactCache, jobs: int = 0) -> IndexStats:
    """Parse, in one parallel run, every file version of ``snapshots`` (revisions a history
    walk is about to read) that the cache lacks, into the cache only. Each revision's own
    index then finds its files cached: no small batch parsed alone in this process, no pool
    started per revision, and the workers' batches balanced over the whole walk. Only content keys (git
    blobs) are gathered; other snapshots are left to their own index. Files that cannot be
    read are left for the revision's index to report."""
    t0 = time.perf_counter()
    stats = IndexStats()
    seen: set[str] = set()
    todo: list[tuple[str, str, Snapshot]] = []
    for snap in snapshots:
        for path, key in snapshot_files(snap, cache):
            if key.startswith("blob:") and key not in seen:
                seen.add(key)
                todo.append((path, key, snap))
    there = cache.has_many(sorted(seen))
    todo = [t for t in todo if t[1] not in there]
    stats.files = len(seen)
    n = _jobs(jobs)
    if n < 2 or len(todo) < PARALLEL_MIN_FILES:
        return stats  # (each revision's index parses these few itself)

    def items():
        for path, key, snap in todo:
            try:
                data = snap.read(path)
            except (OSError, UnreadableSource):
                continue
            stats.parsed += 1
            stats.bytes_parsed += len(data)
            yield path, data, key

    pending: list[tuple[str, bytes]] = []
    bar = progress(total=len(todo), desc="parsing the revisions' files", unit="file")
    try:
        for key, blob in _parse_in_pool(items(), n, stats.warnings.append):
            pending.append((key, blob))
            bar.update(1)
            if len(pending) >= BATCH:
                cache.put_many(pending)
                pending.clear()
    finally:
        bar.close()
        cache.put_many(pending)
    stats.warnings.extend(cache.warnings)
    stats.seconds = time.perf_counter() - t0
    return stats
