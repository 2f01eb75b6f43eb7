"""Access to the data files under queries/ (shipped inside the package as srcscan.queries)."""
from __future__ import annotations

import hashlib
import sys
from functools import lru_cache
from importlib.resources import files

from .errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


@lru_cache(maxsize=1)
def query_dir():
    """The queries folder: inside an installed package it is ``srcscan.queries``; run from a
    source checkout without installing (``python -m srcscan`` in the repository, where the
    package folder shadows the installed one) it is the checkout's top-level ``queries/``."""
    try:
        return files("srcscan.queries")
    except ModuleNotFoundError:
        from pathlib import Path

        here = Path(__file__).resolve().parent.parent / "queries"
        if (here / "facts.scm").is_file():
            return here
        raise


def read_text(name: str) -> str:
    return (query_dir() / name).read_text(encoding="utf-8")


def load_toml(name: str) -> dict:
    try:
        return tomllib.loads(read_text(name))
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"queries/{name}: {e}") from e


def model_files() -> list[str]:
    d = query_dir() / "models"
    return sorted(f"models/{p.name}" for p in d.iterdir() if p.name.endswith(".toml"))


@lru_cache(maxsize=1)
def queries_hash() -> str:
    """Hash of every data file that changes extraction; part of the fact cache key."""
    h = hashlib.sha1()
    for name in ("facts.scm", "macros.toml"):
        h.update(name.encode())
        h.update(read_text(name).encode())
    return h.hexdigest()[:12]
