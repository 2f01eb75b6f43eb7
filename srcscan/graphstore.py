"""Read-only forms of the flow graph for tracing, and its cache format.

The flow graph is built as a networkx DiGraph (flow.py). For tracing it is frozen into a
``CompactGraph`` (integer adjacency lists, evidence kept apart) and saved in indexed SQLite
tables; a warm run reads it back as a ``SqliteGraph`` that loads only the nodes a trace visits
and the evidence of the edges it shows.

Both offer the same small API the tracer uses: ``successors``/``predecessors``,
``out_edges_kind``/``in_edges_kind``, ``kind``, ``g.nodes[n]``, ``in_degree``/``out_degree``,
``edges_among``, ``evidence_many``, ``find``, ``all_names``, ``nodes_of_kind``, ``subgraph_nx``.
"""
from __future__ import annotations

import io
import pickle
import sqlite3
import zlib
from typing import Iterator

from .errors import SrcscanError

GRAPH_VERSION = 2  # bump when graph building changes what a cached graph holds; part of its key
NODE_FIELDS = ("kind", "label", "name", "owner", "file", "line", "ambiguous", "model")
KINDS = ("assign", "arg", "return", "out", "field-store", "field-load", "model", "through", "control")
_KCODE = {k: i for i, k in enumerate(KINDS)}


class DamagedGraph(SrcscanError):
    """A cached graph whose evidence cannot be read back."""

    def __init__(self, gkey: str, why: str):
        super().__init__(f"the cached flow graph is damaged ({why})")
        self.gkey = gkey


class _Nodes:
    """``g.nodes[n]``: a node's attributes as a dict."""

    def __init__(self, g):
        self._g = g

    def __getitem__(self, n: str) -> dict:
        return self._g.attrs_of(n)

    def __contains__(self, n) -> bool:
        return n in self._g

    def __len__(self) -> int:
        return self._g.number_of_nodes()


class CompactGraph:
    def __init__(self, ids: list[str], attrs: list[tuple], succ: list[list[tuple[int, int]]],
                 evidence: dict[tuple[int, int], list] | None = None):
        self.ids = ids
        self.attrs = attrs
        self.succ = succ
        self.index = {n: i for i, n in enumerate(ids)}
        self.pred: list[list[tuple[int, int]]] = [[] for _ in ids]
        for u, lst in enumerate(succ):
            for v, k in lst:
                self.pred[v].append((u, k))
        self._evidence = evidence if evidence is not None else {}
        self.nodes = _Nodes(self)

    # ---------------------------------------------------------------- building
    @staticmethod
    def from_networkx(g) -> "CompactGraph":
        ids = list(g.nodes())
        index = {n: i for i, n in enumerate(ids)}
        attrs = [tuple(d.get(f) for f in NODE_FIELDS) for _, d in g.nodes(data=True)]
        succ: list[list[tuple[int, int]]] = [[] for _ in ids]
        ev: dict[tuple[int, int], list] = {}
        for u, v, d in g.edges(data=True):
            ui, vi = index[u], index[v]
            succ[ui].append((vi, _KCODE[d["kind"]]))
            ev[(ui, vi)] = d["evidence"]
        return CompactGraph(ids, attrs, succ, ev)

    # ---------------------------------------------------------------- queries
    def __contains__(self, n) -> bool:
        return n in self.index

    def attrs_of(self, n: str) -> dict:
        return dict(zip(NODE_FIELDS, self.attrs[self.index[n]]))

    def successors(self, n: str) -> Iterator[str]:
        ids = self.ids
        return (ids[v] for v, _ in self.succ[self.index[n]])

    def predecessors(self, n: str) -> Iterator[str]:
        ids = self.ids
        return (ids[u] for u, _ in self.pred[self.index[n]])

    def out_edges_kind(self, n: str) -> Iterator[tuple[str, str]]:
        ids = self.ids
        return ((ids[v], KINDS[k]) for v, k in self.succ[self.index[n]])

    def in_edges_kind(self, n: str) -> Iterator[tuple[str, str]]:
        ids = self.ids
        return ((ids[u], KINDS[k]) for u, k in self.pred[self.index[n]])

    def kind(self, n: str) -> str:
        return self.attrs[self.index[n]][0]

    def find(self, want: str, ignore_case: bool) -> list[str]:
        """Nodes whose name (not for sources/sinks), label or id without its prefix is ``want``."""
        norm = (lambda x: x.casefold()) if ignore_case else (lambda x: x)
        w = norm(want)
        out = []
        for n, a in zip(self.ids, self.attrs):
            if (norm(a[2] or "") == w and a[0] not in ("source", "sink")) or norm(a[1] or "") == w or \
                    norm(n.split(":", 1)[-1]) == w:
                out.append(n)
        return out

    def all_names(self) -> set[str]:
        return {a[2] for a in self.attrs if a[2]} | {a[1] for a in self.attrs if a[1]}

    def nodes_of_kind(self, kind: str) -> list[str]:
        return [n for n, a in zip(self.ids, self.attrs) if a[0] == kind]

    def out_degree(self, n: str) -> int:
        return len(self.succ[self.index[n]])

    def in_degree(self, n: str) -> int:
        return len(self.pred[self.index[n]])

    def number_of_nodes(self) -> int:
        return len(self.ids)

    def number_of_edges(self) -> int:
        return sum(len(s) for s in self.succ)

    def edges_among(self, keep: set[str]) -> Iterator[tuple[str, str]]:
        idx = self.index
        ks = {idx[n] for n in keep if n in idx}
        for u in ks:
            for v, _ in self.succ[u]:
                if v in ks:
                    yield self.ids[u], self.ids[v]

    def evidence_of(self, u: int, v: int) -> list:
        return self._evidence.get((u, v), [])

    def evidence_many(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], list]:
        """Evidence of many edges (each a list of places, the first the one shown)."""
        idx = self.index
        return {(u, v): self.evidence_of(idx[u], idx[v]) for u, v in pairs}

    def subgraph_nx(self, keep: set[str]):
        """A networkx DiGraph of the nodes in ``keep`` (for algorithms networkx has)."""
        import networkx as nx

        h = nx.DiGraph()
        h.add_nodes_from(sorted(keep))
        h.add_edges_from(sorted(self.edges_among(keep)))  # path enumeration independent of storage order
        return h


# -------------------------------------------------------------------- cache format

class _DbEvidence:
    """Evidence rows of one cached graph, read on demand through a connection of its own
    (the caller may close its cache meanwhile)."""

    def __init__(self, path: str, gkey: str):
        self.path, self.gkey = path, gkey
        self._db: sqlite3.Connection | None = None

    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = sqlite3.connect(self.path, timeout=30)
        return self._db

    def many(self, pairs: list[tuple[int, int]]) -> dict[tuple[int, int], list]:
        out = {}
        buckets = sorted({u // BUCKET for u, _ in pairs})
        want = set(pairs)
        for i in range(0, len(buckets), 500):
            chunk = buckets[i:i + 500]
            rows = self.db.execute(
                f"SELECT u, data FROM graph_evidence WHERE gkey = ? AND u IN ({','.join('?' * len(chunk))})",
                [self.gkey, *chunk]).fetchall()
            for _, data in rows:
                try:
                    items = _GraphUnpickler(io.BytesIO(zlib.decompress(data))).load()
                    for u, v, ev in items:
                        if (u, v) in want:
                            out[(u, v)] = ev
                except (zlib.error, pickle.UnpicklingError, EOFError, ValueError, TypeError) as e:
                    raise DamagedGraph(self.gkey, f"{type(e).__name__}: {e}") from e
        return out


BUCKET = 64  # evidence of this many consecutive source nodes is stored in one row

EVIDENCE_SCHEMA = """
CREATE TABLE IF NOT EXISTS graph_evidence (
    gkey TEXT NOT NULL,
    u INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (gkey, u)
);
"""


GRAPH_SCHEMA = """
CREATE TABLE IF NOT EXISTS graphs (
    gid INTEGER PRIMARY KEY,
    gkey TEXT UNIQUE NOT NULL,
    nodes INTEGER NOT NULL,
    edges INTEGER NOT NULL,
    extra BLOB
);
CREATE TABLE IF NOT EXISTS gnodes (
    gid INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    key TEXT NOT NULL,
    kind TEXT,
    label TEXT,
    name TEXT,
    short TEXT,
    attrs TEXT,
    PRIMARY KEY (gid, idx)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS gnodes_key ON gnodes (gid, key);
CREATE INDEX IF NOT EXISTS gnodes_name ON gnodes (gid, name COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS gnodes_label ON gnodes (gid, label COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS gnodes_short ON gnodes (gid, short COLLATE NOCASE);
CREATE TABLE IF NOT EXISTS gedges (
    gid INTEGER NOT NULL,
    u INTEGER NOT NULL,
    v INTEGER NOT NULL,
    kind INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS gedges_u ON gedges (gid, u);
CREATE INDEX IF NOT EXISTS gedges_v ON gedges (gid, v);
"""


def drop(db: sqlite3.Connection, gkey: str) -> None:
    try:
        row = db.execute("SELECT gid FROM graphs WHERE gkey = ?", (gkey,)).fetchone()
        db.execute("DELETE FROM graph_evidence WHERE gkey = ?", (gkey,))
        if row is not None:
            for t in ("gnodes", "gedges", "graphs"):
                db.execute(f"DELETE FROM {t} WHERE gid = ?", (row[0],))
    except sqlite3.DatabaseError:
        pass


def save(db: sqlite3.Connection, gkey: str, g: CompactGraph, extra: tuple) -> None:
    """Store the graph in indexed tables (a warm trace reads only the nodes it visits) and
    the evidence in buckets of source nodes."""
    import json

    db.executescript(EVIDENCE_SCHEMA + GRAPH_SCHEMA)
    rows = []
    for b in range(0, len(g.succ), BUCKET):
        items = [(u, v, g.evidence_of(u, v)) for u in range(b, min(b + BUCKET, len(g.succ))) for v, _ in g.succ[u]]
        if items:
            rows.append((gkey, b // BUCKET, zlib.compress(pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL), 1)))
    db.execute("BEGIN IMMEDIATE")
    try:
        drop(db, gkey)
        cur = db.execute("INSERT INTO graphs (gkey, nodes, edges, extra) VALUES (?, ?, ?, ?)",
                         (gkey, len(g.ids), g.number_of_edges(), json.dumps(list(extra))))
        gid = cur.lastrowid
        db.executemany("INSERT INTO gnodes (gid, idx, key, kind, label, name, short, attrs) VALUES (?,?,?,?,?,?,?,?)",
                       ((gid, i, n, a[0], a[1], a[2], n.split(":", 1)[-1], json.dumps(a[3:]))
                        for i, (n, a) in enumerate(zip(g.ids, g.attrs))))
        db.executemany("INSERT INTO gedges (gid, u, v, kind) VALUES (?,?,?,?)",
                       ((gid, u, v, k) for u, lst in enumerate(g.succ) for v, k in lst))
        db.executemany("INSERT INTO graph_evidence (gkey, u, data) VALUES (?, ?, ?)", rows)
        db.execute("COMMIT")
    except sqlite3.DatabaseError:
        db.execute("ROLLBACK")
        raise


class _GraphUnpickler(pickle.Unpickler):
    def find_class(self, module, name):  # plain data only: lists, tuples, dicts, str, int
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cached graph")


def exists(db: sqlite3.Connection, gkey: str) -> bool:
    try:
        return db.execute("SELECT 1 FROM graphs WHERE gkey = ?", (gkey,)).fetchone() is not None
    except sqlite3.DatabaseError:  # no graph tables yet, or an unreadable cache
        return False


def load(db: sqlite3.Connection, path: str, gkey: str) -> tuple["SqliteGraph", tuple] | None:
    import json

    try:
        row = db.execute("SELECT gid, nodes, edges, extra FROM graphs WHERE gkey = ?", (gkey,)).fetchone()
    except sqlite3.OperationalError:  # no graph tables yet
        return None
    if row is None:
        return None
    gid, n, e, extra = row
    return SqliteGraph(path, gkey, gid, n, e), tuple(json.loads(extra))


class SqliteGraph:
    """The cached flow graph, read node by node from SQLite: a warm trace touches only the
    nodes of its slices, so its cost does not grow with the tree (same API as CompactGraph)."""

    def __init__(self, path: str, gkey: str, gid: int, n_nodes: int, n_edges: int):
        self.path, self.gkey, self.gid = path, gkey, gid
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        self._n, self._e = n_nodes, n_edges
        self._row: dict[str, tuple] = {}  # key -> (idx, kind, label, name, attrs json)
        self._key: dict[int, str] = {}
        self._out: dict[int, list] = {}
        self._in: dict[int, list] = {}
        self._evidence = _DbEvidence(path, gkey)
        self.nodes = _Nodes(self)

    # ---------------------------------------------------------------- rows
    def _load(self, col: str, values) -> None:
        """Load node rows by ``key`` or ``idx`` (only those not loaded yet)."""
        have = self._row if col == "key" else self._key
        want = [x for x in values if x not in have]
        for i in range(0, len(want), 500):
            chunk = want[i:i + 500]
            for idx, key, kind, label, name, attrs in self.db.execute(
                    f"SELECT idx, key, kind, label, name, attrs FROM gnodes WHERE gid = ? AND {col} IN "
                    f"({','.join('?' * len(chunk))})", [self.gid, *chunk]):
                self._remember(idx, key, kind, label, name, attrs)

    def _remember(self, idx, key, kind, label, name, attrs) -> None:
        if key not in self._row:
            self._row[key] = (idx, kind, label, name, attrs)
            self._key[idx] = key

    def _r(self, n: str) -> tuple:
        r = self._row.get(n)
        if r is None:
            self._load("key", [n])
            r = self._row.get(n)
            if r is None:
                raise KeyError(n)
        return r

    def _adj(self, n: str, out: bool) -> list[tuple[str, str]]:
        idx = self._r(n)[0]
        memo = self._out if out else self._in
        got = memo.get(idx)
        if got is None:
            col, other = ("u", "v") if out else ("v", "u")
            got = []
            for oidx, key, kind, label, name, attrs, ek in self.db.execute(
                    f"SELECT n.idx, n.key, n.kind, n.label, n.name, n.attrs, e.kind FROM gedges e "
                    f"JOIN gnodes n ON n.gid = e.gid AND n.idx = e.{other} WHERE e.gid = ? AND e.{col} = ?",
                    (self.gid, idx)):
                self._remember(oidx, key, kind, label, name, attrs)
                got.append((key, KINDS[ek]))
            memo[idx] = got
        return got

    def prefetch(self, n: str, frontier: list, out: bool) -> None:
        """Load the neighbours of ``n`` and of the next nodes of the search frontier (heap
        entries ``(cost, node, parent)``) with one query instead of one per node."""
        memo = self._out if out else self._in
        r = self._row.get(n)
        if r is None or r[0] in memo:
            return
        idxs = {r[0]}
        for e in frontier[:256]:
            rm = self._row.get(e[1])
            if rm is not None and rm[0] not in memo:
                idxs.add(rm[0])
        col, other = ("u", "v") if out else ("v", "u")
        got: dict[int, list] = {i: [] for i in idxs}
        ids = sorted(idxs)
        for j in range(0, len(ids), 500):
            chunk = ids[j:j + 500]
            for me, oidx, key, kind, label, name, attrs, ek in self.db.execute(
                    f"SELECT e.{col}, n.idx, n.key, n.kind, n.label, n.name, n.attrs, e.kind FROM gedges e "
                    f"JOIN gnodes n ON n.gid = e.gid AND n.idx = e.{other} WHERE e.gid = ? AND e.{col} IN "
                    f"({','.join('?' * len(chunk))})", [self.gid, *chunk]):
                self._remember(oidx, key, kind, label, name, attrs)
                got[me].append((key, KINDS[ek]))
        memo.update(got)

    # ---------------------------------------------------------------- API
    def __contains__(self, n) -> bool:
        try:
            self._r(n)
            return True
        except KeyError:
            return False

    def attrs_of(self, n: str) -> dict:
        import json

        idx, kind, label, name, attrs = self._r(n)
        rest = json.loads(attrs)
        return dict(zip(NODE_FIELDS, (kind, label, name, *rest)))

    def kind(self, n: str) -> str:
        return self._r(n)[1]

    def out_edges_kind(self, n: str):
        return iter(self._adj(n, True))

    def in_edges_kind(self, n: str):
        return iter(self._adj(n, False))

    def successors(self, n: str):
        return (v for v, _ in self._adj(n, True))

    def predecessors(self, n: str):
        return (u for u, _ in self._adj(n, False))

    def out_degree(self, n: str) -> int:
        return len(self._adj(n, True))

    def in_degree(self, n: str) -> int:
        return len(self._adj(n, False))

    def number_of_nodes(self) -> int:
        return self._n

    def number_of_edges(self) -> int:
        return self._e

    def edges_among(self, keep: set[str]):
        for u in keep:
            if u in self:
                for v, _ in self._adj(u, True):
                    if v in keep:
                        yield u, v

    def evidence_many(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], list]:
        ip = [(self._r(u)[0], self._r(v)[0]) for u, v in pairs]
        got = self._evidence.many(ip)
        return {(self._key[a], self._key[b]): got.get((a, b), []) for a, b in ip}

    def find(self, want: str, ignore_case: bool) -> list[str]:
        out = set()
        for col in ("name", "label", "short"):
            for key, kind, val in self.db.execute(
                    f"SELECT key, kind, {col} FROM gnodes WHERE gid = ? AND {col} = ? COLLATE NOCASE", (self.gid, want)):
                if col == "name" and kind in ("source", "sink"):
                    continue
                if ignore_case or val == want:
                    out.add(key)
        return sorted(out)

    def all_names(self) -> set[str]:
        names = set()
        for col in ("name", "label"):
            names.update(v for (v,) in self.db.execute(f"SELECT DISTINCT {col} FROM gnodes WHERE gid = ?", (self.gid,))
                         if v)
        return names

    def nodes_of_kind(self, kind: str) -> list[str]:
        return [k for (k,) in self.db.execute("SELECT key FROM gnodes WHERE gid = ? AND kind = ?", (self.gid, kind))]

    def subgraph_nx(self, keep: set[str]):
        import networkx as nx

        h = nx.DiGraph()
        h.add_nodes_from(sorted(keep))
        h.add_edges_from(sorted(self.edges_among(keep)))  # path enumeration independent of storage order
        return h
