"""The stored set-up of a graph built on demand (issue 34): what every question on the same
files recomputes from all facts before it builds its first function, kept in the fact cache
so the next question starts without reading any file's facts.

A DemandGraph needs, before it builds anything: which functions mention each name (the
index of ``demand.py``'s keys), which pointer slots may hold each function (from every
function's and initializer's stores of function pointers: ``FlowBuilder.prepare``), each
function key's name (to find its callers) and the nodes ``prepare`` made (the slots).
Those are plain data; they are stored under the graph key (every file's content, the
configuration, the models and the tool's versions: ``analysis._graph_key``), so any change
of a file, a version or a model makes another key. The program itself (the facts of every
file, merged) is read only when a question reaches a function no earlier question built
(DemandGraph.b).

Loading is plain data only (store.plain_loads: no class can be made); anything else raises
ValueError and the caller builds the set-up again from the facts.
"""
from __future__ import annotations

import pickle
import zlib
from array import array

from .fragments import Recorder, encode
from .store import plain_loads

FORMAT = 4  # bump when the stored tuple changes (part of the blob's name: an older one is not read)
PREFIX = f"demand-setup:{FORMAT}:"  # blob name prefix (+ the graph key)


class Setup:
    """Functions numbered 0..n-1 (``fids``: "key#i", the i-th definition of key), the index
    of keys to function numbers, the functions built up front, each function key's name,
    the slot names that may hold each function key, the nodes ``prepare`` made (a fragment),
    how many functions the program has, the warnings its facts gave (files skipped) and what
    the tree's headers decide of each file's #if conditions (ppcond.Config.headers)."""

    __slots__ = ("fids", "index", "eager", "names", "slots", "prepared", "state", "total", "warnings",
                 "sink_wrappers", "headers")

    def __init__(self, fids, index, eager, names, slots, prepared, total, warnings, sink_wrappers, headers):
        self.fids: list[str] = fids
        self.index: dict[str, "list[int] | array"] = index
        self.eager: list[int] = eager
        self.names: dict[str, str] = names
        self.slots: dict[str, set[str]] = slots
        self.prepared: bytes = prepared
        self.state = _prepared_state(prepared) if prepared else None  # (checked when loaded)
        self.total: int = total
        self.warnings: list[str] = warnings
        self.sink_wrappers: set[str] = sink_wrappers  # keys of functions wrapping a model sink that joins a source
        self.headers: dict[str, dict] = headers  # "ID:LINE" of an #if -> {name: what the headers say}

    def key_of(self, num: int) -> str:
        return self.fids[num].rpartition("#")[0]

    def dumps(self) -> bytes:
        # the index as compact arrays: its keys, and per key a run of function numbers
        keys = list(self.index)
        nums, ends = array("i"), array("i")
        for k in keys:
            nums.extend(self.index[k])
            ends.append(len(nums))
        data = (FORMAT, self.fids, (keys, nums.tobytes(), ends.tobytes()), self.eager, self.names,
                {k: sorted(v) for k, v in self.slots.items()}, self.prepared, self.total, self.warnings,
                sorted(self.sink_wrappers), self.headers)
        return zlib.compress(pickle.dumps(data, protocol=5), 1)

    @classmethod
    def loads(cls, blob) -> "Setup":
        """The set-up stored with dumps; ValueError when the bytes are damaged or foreign."""
        try:
            fmt, fids, index, eager, names, slots, prepared, total, warnings, wrappers, headers = plain_loads(blob)
        except Exception as e:  # (zlib, unpickling, unpacking: any damage)
            raise ValueError(f"unreadable ({type(e).__name__})") from e
        if fmt != FORMAT or not (type(fids) is list and type(index) is tuple and type(eager) is list
                                 and type(names) is dict and type(slots) is dict and type(prepared) is bytes
                                 and len(prepared) > 0
                                 and type(total) is int and type(warnings) is list and type(wrappers) is list
                                 and type(headers) is dict):
            raise ValueError("not a set-up this version wrote")
        n = len(fids)
        try:
            keys, nums, ends = index
            nums, ends = array("i", nums), array("i", ends)
        except (ValueError, TypeError) as e:
            raise ValueError("not a set-up index") from e
        if len(keys) != len(ends) or (len(nums) and (min(nums) < 0 or max(nums) >= n)) or \
                (len(ends) and (ends[-1] != len(nums) or min(ends) < 0)) or \
                not all(type(i) is int and 0 <= i < n for i in eager) or any(type(k) is not str for k in keys) or \
                any(type(f) is not str for f in fids) or any(type(v) is not str for v in names.values()) or \
                any(type(v) is not list or any(type(x) is not str for x in v) for v in slots.values()) or \
                any(type(w) is not str for w in warnings + wrappers) or \
                any(type(k) is not str or type(v) is not dict or
                    any(type(n) is not str or type(x) not in (int, str) for n, x in v.items()) for k, v in headers.items()):
            raise ValueError("function numbers out of range")
        return cls(fids, _Index(keys, nums, ends), eager, names, {k: set(v) for k, v in slots.items()}, prepared, total, warnings,
                   set(wrappers), headers)


class _Index:
    """The stored index read in place: key -> its run of function numbers in one array (no
    dict of lists made for the hundred thousand keys of a wide tree)."""

    __slots__ = ("_pos", "_keys", "_nums", "_ends")

    def __init__(self, keys: list[str], nums: array, ends: array):
        self._pos = dict(zip(keys, range(len(keys))))
        self._keys, self._nums, self._ends = keys, nums, ends

    def get(self, key: str, default=()):
        i = self._pos.get(key)
        if i is None:
            return default
        return self._nums[self._ends[i - 1] if i else 0:self._ends[i]]

    def __getitem__(self, key: str):
        got = self.get(key, None)
        if got is None:
            raise KeyError(key)
        return got

    def __contains__(self, key: str) -> bool:
        return key in self._pos

    def __iter__(self):
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def items(self):
        return ((k, self.get(k)) for k in self._keys)


def prepared(b) -> bytes:
    """What FlowBuilder.prepare made: every node and edge of the graph right after it (a
    fragment), which functions each pointer slot (and each field by name) may hold, the nodes
    that stand for any of many objects, and how many functions the configuration excludes."""
    g = b.g
    rec = Recorder()
    for n in g:
        rec.node(n)
    for u, v, d in g.edges(data=True):
        for at in d.get("ev", {}):
            rec.edge(u, v, at)
    state = (encode(g, rec, []), {k: sorted(v) for k, v in b.fp_targets.items()},
             {k: sorted(v) for k, v in b.fp_by_field.items()}, sorted(b.alias_nodes), b.excluded)
    return zlib.compress(pickle.dumps(state, protocol=5), 1)


def _prepared_state(blob: bytes) -> tuple:
    """(fragment, pointer targets, by field, alias nodes, excluded) of ``prepared``'s bytes;
    ValueError when they are not that."""
    try:
        frag, targets, by_field, alias, excluded = plain_loads(blob)
    except Exception as e:
        raise ValueError(f"unreadable prepared state ({type(e).__name__})") from e
    ok = type(frag) is bytes and type(targets) is dict and type(by_field) is dict and type(alias) is list \
        and type(excluded) is int and all(type(x) is str for x in alias)
    for d in (targets, by_field):
        ok = ok and all(type(k) is str and type(v) is list and all(type(x) is str for x in v) for k, v in d.items())
    if not ok:
        raise ValueError("not a prepared state")
    return frag, targets, by_field, alias, excluded


def restore(b, state: tuple) -> None:
    """Give a new builder (over the graph the fragment was merged into) prepare's state
    instead of running prepare: no function body read, no struct walked."""
    _, targets, by_field, alias, excluded = state
    b.fp_targets = {k: set(v) for k, v in targets.items()}
    b.fp_by_field = {k: set(v) for k, v in by_field.items()}
    b.alias_nodes |= set(alias)
    b.excluded = excluded
