"""The Python API. The CLI is a thin layer over these functions."""
from __future__ import annotations

import os

from .extract.cache import FactCache
from .extract.ppcond import Config
from .sources.snapshot import Snapshot, resolve_sources
from .query.analysis import Analysis, analyse
from .query.lazy import analyse_scope
from .query.trace import Trace, trace as _trace


def use_models(*folders: str | os.PathLike, trees: list[str] = ()) -> None:
    """Read these model folders (docs/models.md) after the built-in models in every later
    analysis of this process, like ``--models``; ``trees``: analysed trees whose
    ``.srcscan/models/`` is read too. ``use_models()`` goes back to the built-in models only."""
    from .datafiles import model_dirs_from, set_model_dirs

    set_model_dirs(model_dirs_from([str(f) for f in folders], env={}, trees=[str(t) for t in trees]))


def open_cache(cache: str | os.PathLike | bool | None = None) -> FactCache | None:
    """``None``/``True``: the default cache folder; ``False``: no cache; a path: that folder."""
    if cache is False:
        return None
    return FactCache(None if cache in (None, True) else cache)


def analyse_sources(src: list[str] | str | None = None, snapshot: Snapshot | None = None, *,
                    defines: list[str] | None = None, undefs: list[str] | None = None, keep_if0: bool = False,
                    control: bool = True, cache: str | os.PathLike | bool | None = None, jobs: int = 0,
                    whole: bool = False, need_program: bool = False) -> Analysis:
    """Index sources (a folder, files, or a Snapshot) and build their flow graph."""
    why = "snapshot"
    if snapshot is None:
        if isinstance(src, (str, os.PathLike)):
            src = [str(src)]
        snapshot, why = resolve_sources(src, whole=whole)
    fc = open_cache(cache)
    try:
        return analyse(snapshot, fc, jobs, Config.from_args(defines, undefs, keep_if0), control, why, need_program)
    finally:
        if fc is not None:
            fc.close()


def trace(symbol: str, src: list[str] | str | None = None, *, snapshot: Snapshot | None = None,
          analysis: Analysis | None = None, to: str | None = None, direction: str = "both",
          ignore_case: bool = False, defines: list[str] | None = None, undefs: list[str] | None = None,
          keep_if0: bool = False, control: bool = True, cache: str | os.PathLike | bool | None = None,
          jobs: int = 0, scope: str = "auto", whole: bool = False, control_tail: int | None = None) -> Trace:
    """Where does ``symbol`` come from and where does it go? Returns a Trace; ``.to_json()``
    gives the documented JSON (docs/trace-schema.md), the same as ``srcscan trace`` with the
    same options. ``scope``: ``full`` analyses every file, ``lazy`` only the files the trace
    needs, ``auto`` lazy on trees of more than 3,000 files (``Trace.analysis.scope`` says
    which was used). A given ``analysis`` is traced as it is. ``control_tail``: data steps a
    path takes after a control edge (default 0: it stops at the data written under the branch)."""
    config = Config.from_args(defines, undefs, keep_if0)
    if analysis is None:
        why = "snapshot"
        if snapshot is None:
            snapshot, why = resolve_sources([str(src)] if isinstance(src, (str, os.PathLike)) else src, whole=whole)
        fc = open_cache(cache)
        try:
            analysis = analyse_scope(snapshot, symbol, to, fc, jobs, config, control, why, ignore_case, scope=scope)
        finally:
            if fc is not None:
                fc.close()
    extra = {} if control_tail is None else {"control_tail": control_tail}
    return _trace(analysis, symbol, to=to, direction=direction, ignore_case=ignore_case, config=config, **extra)


def taint_doc(src: list[str] | str | None = None, *, snapshot: Snapshot | None = None, why: str = "snapshot",
              cache=None, jobs: int = 0, config: Config | None = None) -> dict:
    """Every flow from a guest-controlled value to a host danger sink (copy or allocation
    size...), ranked, each with its checks: the JSON of ``srcscan taint`` (docs/taint-schema.md).
    ``cache``: an open FactCache, None for none (the CLI passes its own); an unchanged tree's
    answer is read back from it (query/taintcache.py)."""
    from .query.taintcache import taint_doc as _taint_doc

    if snapshot is None:
        snapshot, why = resolve_sources([str(src)] if isinstance(src, (str, os.PathLike)) else src)
    return _taint_doc(snapshot, cache, jobs, config or Config(), why)
