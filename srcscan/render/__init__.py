"""Renderers over one trace (a dict following docs/trace-schema.md). Renderers never re-run
analysis. Each module here exports ``FORMAT`` (its --format name), optionally ``BINARY``,
and ``render(trace: dict, **options) -> str``; they are found by module discovery."""
from __future__ import annotations

import importlib
import pkgutil

from ..errors import UsageError


def formats() -> dict:
    mods = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        mod = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(mod, "FORMAT") and hasattr(mod, "render"):
            mods[mod.FORMAT] = mod
    return mods


FORMAT_NAMES = ["text", "json", "html", "sarif", "markdown", "dot", "graphml"]


def render(trace: dict, fmt: str, **options) -> str:
    mods = formats()
    if fmt not in mods:
        raise UsageError(f"unknown format {fmt!r}; choose one of: {', '.join(sorted(mods))}")
    return mods[fmt].render(trace, **options)
