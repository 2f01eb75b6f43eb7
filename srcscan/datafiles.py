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


def query_dir():
    return files("srcscan.queries")


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
