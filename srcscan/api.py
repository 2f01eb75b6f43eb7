"""The Python API. The CLI is a thin layer over these functions."""
from __future__ import annotations

import os

from .extract.cache import FactCache
from .extract.ppcond import Config
from .sources.snapshot import Snapshot, resolve_sources
from .query.analysis import Analysis, analyse
from .query.trace import Trace, trace as _trace


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
          jobs: int = 0) -> Trace:
    """Where does ``symbol`` come from and where does it go? Returns a Trace; ``.to_json()``
    gives the documented JSON (docs/trace-schema.md)."""
    if analysis is None:
        analysis = analyse_sources(src, snapshot, defines=defines, undefs=undefs, keep_if0=keep_if0,
                                   control=control, cache=cache, jobs=jobs)
    return _trace(analysis, symbol, to=to, direction=direction, ignore_case=ignore_case,
                  config=Config.from_args(defines, undefs, keep_if0))
