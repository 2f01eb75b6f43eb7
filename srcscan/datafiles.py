"""Access to the data files under queries/ (shipped inside the package as srcscan.queries)."""
from __future__ import annotations

import hashlib
import os
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
    """A data file: ``name`` relative to queries/ (a built-in file) or an absolute path (a
    file of a user's model folder); a syntax error is one line naming the file."""
    try:
        return tomllib.loads(_user_text(name) if is_user_file(name) else read_text(name))
    except tomllib.TOMLDecodeError as e:
        raise UsageError(f"{file_label(name)}: {e}") from e
    except UnicodeDecodeError as e:
        raise UsageError(f"{file_label(name)}: not UTF-8 text ({e.reason})") from e


def _user_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except OSError as e:
        raise UsageError(f"{path}: {e.strerror or e}") from e


# --------------------------------------------------------------------------- model folders
# Built-in models are queries/models/*.toml; a user adds folders of the same files, read after
# them (a later row may take a function over, or replace a built-in row by id): ``--models DIR``
# (repeatable), $SRCSCAN_MODELS (folders separated by os.pathsep) and ``.srcscan/models/`` in the
# analysed tree. docs/models.md describes the rows; queries/models.schema.json is their schema.
MODELS_ENV = "SRCSCAN_MODELS"
TREE_MODELS = (".srcscan", "models")
_user_dirs: tuple[str, ...] = ()


def is_user_file(name: str) -> bool:
    return os.path.isabs(name)


def file_label(name: str) -> str:
    """How errors and listings name a data file: its path for a user's file, queries/NAME else."""
    return name if is_user_file(name) else f"queries/{name}"


def model_dirs_from(given: list[str] | None, env: dict | None = None, trees: list[str] = ()) -> list[str]:
    """The user's model folders in load order: --models, then $SRCSCAN_MODELS, then each
    analysed tree's .srcscan/models (when it exists). A named folder that does not exist is an error."""
    env = os.environ if env is None else env
    named = [(d, "--models") for d in given or []]
    named += [(d, f"${MODELS_ENV}") for d in (env.get(MODELS_ENV) or "").split(os.pathsep) if d]
    out: list[str] = []
    for d, what in named:
        if not os.path.isdir(d):
            raise UsageError(f"{what} {d}: no such folder")
        out.append(os.path.abspath(d))
    for t in trees:
        d = os.path.join(t, *TREE_MODELS)
        if os.path.isdir(d):
            out.append(os.path.abspath(d))
    return list(dict.fromkeys(out))


def set_model_dirs(dirs: list[str]) -> None:
    """Use these model folders (after the built-in ones) from now on in this process."""
    global _user_dirs
    _user_dirs = tuple(dirs)


def model_dirs() -> tuple[str, ...]:
    return _user_dirs


def model_files() -> list[str]:
    """Every models file in load order: the built-in ones (``models/NAME.toml``), then each
    user folder's ``*.toml`` (absolute paths), sorted by name within a folder."""
    d = query_dir() / "models"
    out = sorted(f"models/{p.name}" for p in d.iterdir() if p.name.endswith(".toml"))
    for u in _user_dirs:
        out += sorted(os.path.join(u, n) for n in os.listdir(u) if n.endswith(".toml"))
    return out


def models_digest() -> str:
    """Hash of every models file's name and bytes (built-in and user): part of every cache key
    that depends on models (the flow graph, stored answers)."""
    h = hashlib.sha1()
    for f in model_files() + ["config.toml"]:
        h.update(f.encode() + b"\0")
        h.update((_user_text(f) if is_user_file(f) else read_text(f)).encode())
    return h.hexdigest()


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
        raise UsageError(f"{file_label(name)}: kind = {kind!r} is not one of {', '.join(map(repr, MODEL_KINDS))}")
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
