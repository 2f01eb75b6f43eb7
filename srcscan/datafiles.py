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


# What a file under queries/models holds, declared by its top-level ``kind`` key: "api"
# (the default: [[source]], [[sink]], [[propagator]], [[handle]] rows), "log" ([[log]]
# rows: statements that print to a log; `srcscan log` reads them, traces treat them as
# sinks) or "drift" (the inputs of `srcscan drift`).
MODEL_KINDS = ("api", "log", "drift")


def model_kind(name: str, doc: dict) -> str:
    """The declared kind of the models file ``name`` (see MODEL_KINDS); a one-line error
    naming the file when it is not one of them."""
    kind = doc.get("kind", "api")
    if kind not in MODEL_KINDS:
        raise UsageError(f"queries/{name}: kind = {kind!r} is not one of {', '.join(map(repr, MODEL_KINDS))}")
    return kind


def model_docs(kind: str) -> list[tuple[str, dict]]:
    """(name, parsed TOML) of every models file of ``kind``."""
    docs = [(f, load_toml(f)) for f in model_files()]
    return [(f, d) for f, d in docs if model_kind(f, d) == kind]


@lru_cache(maxsize=1)
def queries_hash() -> str:
    """Hash of every data file that changes extraction; part of the fact cache key."""
    h = hashlib.sha1()
    for name in ("facts.scm", "macros.toml"):
        h.update(name.encode())
        h.update(read_text(name).encode())
    return h.hexdigest()[:12]
