"""A taint answer kept in the fact cache: the same files, models, configuration and taint code
give the same findings, so a second ``srcscan taint`` of an unchanged tree reads them back
instead of building the program, re-parsing the files that hold guest values and judging every
path again (the graph's own key plus TAINT_VERSION, bumped when the query changes what it finds).

A changed file, model row (queries/models/taint.toml included), -D/-U option or srcscan version
is another key: the answer is computed and kept again."""
from __future__ import annotations

import time

TAINT_VERSION = 3  # bump when srcscan/query/taint*.py change what a taint answer holds


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
    doc = taint_json(analysis, program, why)
    doc["summary"]["cached"] = False
    if key is not None:
        store(cache, key, doc)
    return doc
