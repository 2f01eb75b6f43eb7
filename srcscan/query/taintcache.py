"""A taint answer kept in the fact cache: the same files, models, configuration and taint code
give the same findings, so a second ``srcscan taint`` of an unchanged tree reads them back
instead of building the program, re-parsing the files that hold guest values and judging every
path again (the graph's own key plus TAINT_VERSION, bumped when the query changes what it finds).

A changed file, model row (queries/models/taint.toml included), -D/-U option or srcscan version
is another key: the answer is computed and kept again."""
from __future__ import annotations

import time

TAINT_VERSION = 8  # bump when srcscan/query/taint*.py change what a taint answer holds


def result_key(snapshot, cache, config) -> str:
    from ..extract.index import snapshot_files
    from .analysis import answer_key

    return answer_key("taint-result:", snapshot_files(snapshot, cache), config, True, TAINT_VERSION)


def load(cache, key: str) -> dict | None:
    try:
        doc = cache.get_json(key)
    except ValueError:
        return None  # a damaged entry: computed again and replaced
    ok = isinstance(doc, dict) and isinstance(doc.get("findings"), list) and isinstance(doc.get("summary"), dict)
    return doc if ok else None


def store(cache, key: str, doc: dict) -> None:
    try:
        cache.put_json(key, doc)
    except Exception:  # noqa: BLE001 - a full or read-only cache: the answer stands, the next run computes it
        pass


def taint_doc(snapshot, cache, jobs: int, config, why: str) -> dict:
    """The taint JSON of a snapshot (docs/taint-schema.md), from the cache when it holds it."""
    from ..graph.program import Program
    from ..extract.index import index
    from .analysis import analyse
    from .taint import taint_json

    t0 = time.perf_counter()
    key = result_key(snapshot, cache, config) if cache is not None else None
    doc = load(cache, key) if key is not None else None
    if doc is not None:
        doc["source"] = {"label": snapshot.describe(), "why": why}
        doc["summary"]["cached"] = True
        doc["summary"]["seconds"] = round(time.perf_counter() - t0, 3)
        return doc
    analysis = analyse(snapshot, cache, jobs, config, True, why)
    program = analysis.get_program()
    if program is None:  # the graph came from the cache: the facts are cached too
        program = Program(index(snapshot, cache, jobs)[0])
    doc = taint_json(analysis, program, why, cache)
    doc["summary"]["cached"] = False
    if key is not None:
        store(cache, key, doc)
    return doc


CHECKS_VERSION = 4  # bump when taintcheck.Checker._judge changes what it finds (3: length_types; 4: file macros over continuation lines)


class CheckStore:
    """The checker's judgments kept in the fact cache, one blob per file keyed by its content
    and the check configuration: for each function's steps of a path (the tainted names and
    fields, the steps' places, whether the sink is among them), the checks found. A judgment
    depends on that file alone, but for the #define values a mask's constant was looked up in
    (kept with it and compared when it is read back). So a re-judge of a tree whose files did
    not change parses none of them for its checks."""

    def __init__(self, cache, snapshot, checks: dict, allocators: dict):
        import hashlib
        import json

        self.cache, self.snapshot = cache, snapshot
        self.keys = dict(snapshot.files())
        conf = json.dumps([CHECKS_VERSION, {k: sorted(v) if isinstance(v, (list, tuple, set)) else v
                                            for k, v in sorted(checks.items())}, sorted(allocators.items())],
                          sort_keys=True, default=str)
        self.salt = hashlib.sha1(conf.encode()).hexdigest()[:16]
        self.files: dict[str, dict] = {}
        self.dirty: set[str] = set()

    def _name(self, path: str) -> str | None:
        key = self.keys.get(path)
        return f"taint-checks:{self.salt}:{key}" if key else None

    def _entries(self, path: str) -> dict:
        if path not in self.files:
            name, got = self._name(path), None
            if name is not None:
                try:
                    got = self.cache.get_json(name)
                except ValueError:
                    got = None  # a damaged entry: judged again and replaced
            self.files[path] = got if isinstance(got, dict) else {}
        return self.files[path]

    def get(self, path: str, job, defines) -> list | None:
        import json

        hit = self._entries(path).get(json.dumps(job))
        if not isinstance(hit, list) or len(hit) != 2:
            return None
        got, looked_up = hit
        if any((None if defines(n) is None else str(defines(n))) != v for n, v in looked_up.items()):
            return None  # a #define it read has another value now
        return got

    def put(self, path: str, job, got: list, looked_up: dict) -> None:
        import json

        if self._name(path) is not None:
            self._entries(path)[json.dumps(job)] = [got, dict(looked_up)]
            self.dirty.add(path)

    def flush(self) -> None:
        for path in sorted(self.dirty):
            try:
                _, now = self.snapshot.read_keyed(path)
            except Exception:  # noqa: BLE001 - gone since: nothing kept
                continue
            if now is not None and now != self.keys.get(path):
                continue  # changed since it was listed: not kept under its old key
            store(self.cache, self._name(path), self.files[path])
        self.dirty.clear()
