"""Graph fragments in the fact cache: what building one function on demand added to the flow
graph (its nodes and its edges' evidence), stored as it is built, so the next question on
the same files loads it instead of building it again.

A fragment is keyed by the graph key (every file's content, the configuration, the models
and the tool's versions: ``analysis._graph_key``) and the function's place among the
definitions of its key. A function's edges depend on the whole program (field owners,
pointer targets), so a fragment is only reused for the same files and configuration; within
them, every question extends the set of functions built.

Fragments are plain data (tuples, strings, numbers: quick to unpickle): node attributes, and
per edge and statement the evidence tuple ``FlowBuilder._edge`` keeps, with the statement
replaced by what reports read of it (its code, guards' text and #if conditions:
``evidence.evidence_dict`` reads either). Merging fragments gives the graph building those functions gives
(the builder makes edges independent of build order, ``flow.canonical``).
"""
from __future__ import annotations

import pickle
import sqlite3
import zlib

from .compact import NODE_FIELDS
from .store import plain_loads

_FIELDS = tuple(f for f in NODE_FIELDS if f != "model")  # every node's; a model node also has "model"

FILE_SCOPE = "<file scope>"  # the fragment of initializers outside functions
FORMAT = 1  # bump when a fragment's bytes change; part of the key its rows are stored under

SCHEMA = """
CREATE TABLE IF NOT EXISTS gfrags (
    gkey TEXT NOT NULL,
    fid TEXT NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (gkey, fid)
) WITHOUT ROWID;
"""
FLUSH_EVERY = 500  # fragments written in one transaction


class Recorder:
    """Collects what one build step touches (FlowBuilder calls ``node`` and ``edge``)."""

    __slots__ = ("nodes", "edges", "unresolved")

    def __init__(self):
        self.nodes: set[str] = set()
        self.edges: set[tuple[str, str, tuple]] = set()
        self.unresolved: list = []

    def node(self, nid: str) -> None:
        self.nodes.add(nid)

    def edge(self, src: str, dst: str, at: tuple) -> None:
        self.edges.add((src, dst, at))


def _statement(stmt) -> tuple:
    if type(stmt) is tuple:
        return stmt
    return (stmt.code, tuple(g.text for g in stmt.guards), tuple(stmt.preproc))


def encode(g, rec: Recorder, unresolved: list[int]) -> bytes:
    """A fragment's bytes: the recorded nodes (and every edge end) with their attributes, the
    recorded edges' evidence, and the function's unresolved indirect calls (their indexes)."""
    nodes = set(rec.nodes)
    edges = []
    for u, v, at in sorted(rec.edges, key=repr):
        ev = g.succ[u][v]["ev"][at]
        edges.append((u, v, at, ev[:4] + (_statement(ev[4]),) + ev[5:]))
        nodes.add(u)
        nodes.add(v)
    node_rows = [(n, tuple(g.nodes[n].get(f) for f in _FIELDS), g.nodes[n].get("model"))
                 for n in sorted(nodes) if n in g]
    return zlib.compress(pickle.dumps((node_rows, edges, unresolved), protocol=5), 1)


def merge(g, data: bytes) -> list[int]:
    """Add a fragment to ``g`` (a networkx DiGraph, filled through its dicts: thousands of
    fragments a question); returns the indexes of its function's unresolved indirect calls.
    Raises ValueError when the bytes are not a fragment this version wrote."""
    try:  # plain data only (a tampered cache must not run code): no class may be loaded
        node_rows, edges, unresolved = plain_loads(data)
        if not all(type(x) is tuple and len(x) == 3 for x in node_rows) or \
                not all(type(x) is tuple and len(x) == 4 and type(x[3]) is tuple and len(x[3]) == 8 for x in edges):
            raise ValueError("not a fragment")
    except Exception as e:  # damaged or foreign: the caller builds the function instead
        raise ValueError(f"unreadable graph fragment ({e})") from e
    nodes, succ, pred = g._node, g._succ, g._pred
    for n, values, model in node_rows:
        have = nodes.get(n)
        if have is None:
            a = nodes[n] = dict(zip(_FIELDS, values))
            if model is not None:
                a["model"] = model
            succ[n] = {}
            pred[n] = {}
        elif model is not None and model["function"] < have["model"]["function"]:
            have["model"] = model  # (a model node is described by its first function by name)
    for u, v, at, ev in edges:
        d = succ[u].get(v)
        if d is None:
            succ[u][v] = pred[v][u] = {"ev": {at: ev}}
        elif at not in d["ev"]:
            d["ev"][at] = ev
    return list(unresolved)


class FragmentStore:
    """The fragments of one graph key in a fact cache database; writes are batched."""

    def __init__(self, db: sqlite3.Connection, gkey: str):
        self.db, self.gkey = db, f"{gkey}:{FORMAT}"
        self.pending: list[tuple[str, str, bytes]] = []
        self.loaded = 0
        self.saved = 0
        self._forgotten: set[str] = set()
        try:
            db.executescript(SCHEMA)
        except sqlite3.DatabaseError:
            self.db = None

    def count(self) -> int:
        """How many fragments are stored for this key (a scan of them: only for messages)."""
        try:
            return self.db.execute("SELECT COUNT(*) FROM gfrags WHERE gkey = ?", (self.gkey,)).fetchone()[0] \
                if self.db is not None else 0
        except sqlite3.DatabaseError:
            return 0

    def get(self, fid: str) -> bytes | None:
        if fid in self._forgotten or self.db is None:
            return None
        try:
            row = self.db.execute("SELECT data FROM gfrags WHERE gkey = ? AND fid = ?", (self.gkey, fid)).fetchone()
        except sqlite3.DatabaseError:
            return None
        return row[0] if row else None

    def put(self, fid: str, data: bytes) -> None:
        self.pending.append((self.gkey, fid, data))
        self._forgotten.discard(fid)
        if len(self.pending) >= FLUSH_EVERY:
            self.flush()

    def forget(self, fid: str) -> None:
        self._forgotten.add(fid)

    def flush(self) -> None:
        """Write the pending fragments (nothing is lost if this fails: they are built again)."""
        if not self.pending or self.db is None:
            self.pending = []
            return
        rows, self.pending = self.pending, []
        try:
            self.db.execute("BEGIN")
            self.db.executemany("INSERT OR REPLACE INTO gfrags (gkey, fid, data) VALUES (?, ?, ?)", rows)
            self.db.execute("COMMIT")
            self.saved += len(rows)
        except sqlite3.DatabaseError:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.DatabaseError:
                pass


def drop(db: sqlite3.Connection, gkey: str) -> None:
    try:
        db.execute("DELETE FROM gfrags WHERE gkey LIKE ?", (gkey + ":%",))
    except sqlite3.DatabaseError:
        pass
