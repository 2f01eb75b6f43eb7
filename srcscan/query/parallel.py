"""History over independent revisions in parallel: the revisions a walk will read are traced
by worker processes (``-j N``), or by the workers of a Dask cluster (``--cluster``), each
with the same fact cache; every trace's answer lands in that cache, keyed by the revision's
file contents, the configuration and the query (``Evaluator._trace``), and the walk then reads
them back in order as if it had traced them itself.

Why Dask (distributed) and not Ray: the work is a plain map of a picklable function over
chunks of revisions, with no shared state but the cache folder; Dask's ``Client.map`` over a
``LocalCluster`` or a remote scheduler does exactly that, installs as one pure-Python wheel
(``distributed``) and starts a local cluster in a second, where Ray brings a large binary
runtime, its own object store and a longer start for no gain here.

The fact cache is the shared content-keyed store: a folder every worker can reach (the same
machine, or a shared file system for several machines), SQLite in WAL mode for concurrent
writers. Facts parsed once by any worker are reused by all.
"""
from __future__ import annotations

from concurrent.futures import ProcessPoolExecutor

CHUNK = 8  # consecutive revisions a worker traces in a row (their facts stay decoded between them)


def source_spec(source) -> tuple:
    """What a worker needs to open the same revision source."""
    if source.kind == "git":
        return ("git", str(source.repo.git_dir), list(source.paths), source.whole)
    return ("svn", source.repo.url, list(source.paths or source._scope or []), source.whole)


def open_spec(spec: tuple):
    from ..sources.ranges import GitSource, SvnSource

    kind, root, paths, whole = spec
    return GitSource(root, paths=paths or None, whole=whole) if kind == "git" else \
        SvnSource(root, paths=paths or None, whole=whole)


def trace_revisions(spec: tuple, refs: list, query, cache_folder: str, graph: str, unreadable: str) -> dict:
    """A worker's job: trace ``refs`` in order, keeping each answer in the shared cache.
    Returns its counts (files parsed, reused, traces); a revision that fails is left to the
    walk, which reports it as it would have."""
    from ..extract.cache import FactCache
    from .history import Evaluator

    cache = FactCache(cache_folder)
    done = 0
    try:
        with Evaluator(open_spec(spec), query, cache, 1, graph, unreadable) as ev:
            for ref in refs:
                try:
                    ev.at(ref)
                    done += 1
                except Exception:  # (the walk traces it again and says why)
                    continue
            st = ev.stats()
    finally:
        cache.close()
    return {"parsed": st["files_parsed"], "reused": st["files_reused"], "traced": done,
            "carried": st["answers_carried"]}


def chunks(refs: list, n: int) -> list[list]:
    return [refs[i:i + n] for i in range(0, len(refs), n)]


class Workers:
    """The workers of one walk, started once and kept for all its rounds (bisect's probes,
    blame's splits): ``jobs`` local processes, or the Dask cluster ``cluster`` (a scheduler
    address, or ``local:N`` for a local cluster of N worker processes)."""

    def __init__(self, jobs: int, cluster: str | None = None):
        self.jobs, self.cluster = max(jobs, 2), cluster
        self._pool = self._client = self._local = None

    @property
    def width(self) -> int:
        """How many revisions the workers trace at once."""
        if not self.cluster:
            return self.jobs
        self._connect()
        return max(1, sum(self._client.nthreads().values()))

    def map(self, spec: tuple, parts: list, args: tuple) -> list[dict]:
        cols = [[spec] * len(parts), parts, *[[a] * len(parts) for a in args]]
        if not self.cluster:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.jobs)
            return list(self._pool.map(trace_revisions, *cols))
        self._connect()
        return self._client.gather(self._client.map(trace_revisions, *cols, pure=False))

    def _connect(self) -> None:
        if self._client is not None:
            return
        from ..errors import UsageError

        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise UsageError("--cluster needs Dask distributed: pip install 'srcscan[cluster]'") from None
        cluster = self.cluster
        if cluster.startswith("local"):
            n = cluster.partition(":")[2] or "2"
            if not n.isdigit() or int(n) < 1:
                raise UsageError(f"--cluster {cluster}: local:N with N worker processes (e.g. local:2)")
            self._local = LocalCluster(n_workers=int(n), threads_per_worker=1, processes=True,
                                       dashboard_address=None)
            self._client = Client(self._local)
        else:
            try:
                self._client = Client(cluster, timeout="20s")
            except (OSError, TimeoutError) as e:
                raise UsageError(f"--cluster {cluster}: no Dask scheduler answers there ({e})") from None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
        if self._client is not None:
            self._client.close()
        if self._local is not None:
            self._local.close()
        self._pool = self._client = self._local = None

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def run_parallel(source, refs: list, query, cache_folder: str, graph: str, unreadable: str, jobs: int,
                 cluster: str | None = None, workers: Workers | None = None, chunk: int | None = None) -> dict:
    """Trace ``refs`` on ``workers`` (or on new ones: ``jobs`` local processes, or the Dask
    cluster ``cluster``), in runs of ``chunk`` consecutive revisions (default: as evenly as
    CHUNK allows). Returns the workers' counts summed."""
    own = workers is None
    workers = workers or Workers(jobs, cluster)
    try:
        width = workers.width
        parts = chunks(refs, chunk or max(1, min(CHUNK, -(-len(refs) // width))))
        results = workers.map(source_spec(source), parts, (query, cache_folder, graph, unreadable))
    finally:
        if own:
            workers.close()
    out = {"parsed": 0, "reused": 0, "traced": 0, "carried": 0, "workers": width}
    for r in results:
        for k in ("parsed", "reused", "traced", "carried"):
            out[k] += r[k]
    return out
