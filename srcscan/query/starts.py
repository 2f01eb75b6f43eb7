"""Start nodes a symbol names, grouped by owner (the struct of a field, the function of a local
or parameter): a name that matches values of many owners (``fFlags``: hundreds of structs) is
not one question. Past ``[starts] max_owners`` of queries/config.toml the trace is refused
(exit 2) with the grouped list and how to narrow it, unless the user asks for every start."""
from __future__ import annotations

from collections import Counter

from ..datafiles import load_toml
from ..errors import UsageError

SHOWN_OWNERS = 12  # owners listed in the refusal (the rest counted)


class AmbiguousStart(UsageError):
    """The symbol names values of too many owners; ``details`` are the lines that follow the
    one-line error (the grouped list and how to narrow it)."""

    def __init__(self, message: str, details: list[str]):
        super().__init__(message)
        self.details = details


def max_owners() -> int:
    v = (load_toml("config.toml").get("starts") or {}).get("max_owners", 8)
    if not isinstance(v, int) or isinstance(v, bool) or v < 1:
        raise UsageError("queries/config.toml: [starts] max_owners must be a positive integer")
    return v


def owner_of(d: dict) -> str:
    """Who a start node belongs to, as a user narrows it: a field's struct, a local's or a
    parameter's function (file-static ones with their file), else its kind (global, source...)."""
    kind = d.get("kind")
    owner = d.get("owner")
    if kind == "field" and owner:
        return owner
    if kind in ("local", "param") and owner:
        file, _, fn = owner.rpartition(":")
        return f"{fn}()" + (f" in {file.rsplit('/', 1)[-1]}" if file else "")
    return {"global": "globals", "return": "function results"}.get(kind, f"{kind}s")


def grouped(g, start: list[str]) -> list[tuple[str, list[str]]]:
    """(owner, labels of its start nodes) for every owner, most starts first, then by name."""
    groups: dict[str, list[str]] = {}
    for s in start:
        d = g.nodes[s]
        groups.setdefault(owner_of(d), []).append(d.get("label") or s)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def summary_line(groups: list[tuple[str, list[str]]], limit: int = 6) -> str:
    """``12 values of 9 owners: PGMPAGE (3), VM (2), ...``: the start line of a summary."""
    n = sum(len(v) for _, v in groups)
    shown = ", ".join(f"{o} ({len(v)})" if len(v) > 1 else v[0] for o, v in groups[:limit])
    more = f", +{len(groups) - limit} more owners" if len(groups) > limit else ""
    return f"{n} values of {len(groups)} owners: {shown}{more}"


def check(g, symbol: str, start: list[str], limit: int | None) -> None:
    """Refuse a symbol whose starts belong to more than ``limit`` owners (None: no limit)."""
    if limit is None or len(start) < 2:
        return
    groups = grouped(g, start)
    if len(groups) <= limit:
        return
    lines = []
    for o, v in groups[:SHOWN_OWNERS]:
        names = list(Counter(v).items())  # a redefined local: one label, several values
        shown = ", ".join(f"{x} (\u00d7{k})" if k > 1 else x for x, k in names[:2])
        lines.append(f"  {o:<40} {len(v):>3}  {shown}{' ...' if len(names) > 2 else ''}")
    if len(groups) > SHOWN_OWNERS:
        lines.append(f"  +{len(groups) - SHOWN_OWNERS} more owners ({sum(len(v) for _, v in groups[SHOWN_OWNERS:])} values)")
    by_kind: dict[str, str] = {}
    for s in start:
        d = g.nodes[s]
        label = d.get("label") or ""
        if not label.startswith(("<", "?")) and d.get("kind") in ("field", "local"):
            by_kind.setdefault(d["kind"], label)
    ex_field, ex_local = by_kind.get("field"), by_kind.get("local")
    hints = []
    if ex_field:
        hints.append(f"STRUCT.{symbol} (e.g. {ex_field})")
    if ex_local:
        hints.append(f"function:{symbol} for a local or parameter (e.g. {ex_local})")
    hints.append("function#N for a function's parameter N")
    lines.append("narrow it: " + "; ".join(hints) + "; or trace every one with --all-starts")
    raise AmbiguousStart(f"{symbol} names {len(start)} values of {len(groups)} owners (more than {limit}); "
                         "the owners follow", lines)
