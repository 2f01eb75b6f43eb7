"""The flow graph in the fact cache: its storage format, ``save``/``load``, and the
``SqliteGraph`` a warm run reads back (the in-memory form is compact.py).

The flow graph is built as a networkx DiGraph (flow.py). For tracing it is frozen into a
``CompactGraph`` (integer adjacency lists, evidence kept apart) and saved in SQLite: the
adjacency as one compact part, node ids in parts, node rows and evidence in indexed tables. A
warm run reads it back as a ``SqliteGraph``: adjacency in memory (arrays read once), ids,
node attributes and evidence read when a trace first needs them.

Both offer the same small API the tracer uses: ``successors``/``predecessors``,
``out_edges_kind``/``in_edges_kind``, ``kind``, ``g.nodes[n]``, ``in_degree``/``out_degree``,
``edges_among``, ``evidence_many``, ``find``, ``all_names``, ``nodes_of_kind``, ``subgraph_nx``.
"""
from __future__ import annotations

import bisect
import io
import pickle
import sqlite3
import struct
import sys
import zlib
from array import array

from ..errors import SrcscanError
from .compact import _KCODE, KINDS, NODE_FIELDS, CompactGraph, GraphView, _Nodes, names_node  # noqa: F401

GRAPH_VERSION = 4  # bump when graph building changes what a cached graph holds; part of its key


class DamagedGraph(SrcscanError):
    """A cached graph whose evidence cannot be read back."""

    def __init__(self, gkey: str, why: str):
        super().__init__(f"the cached flow graph is damaged ({why})")
        self.gkey = gkey




# -------------------------------------------------------------------- cache format
#
# A cached graph is kept in four tables of the fact cache's database:
#   graphs          one row: its key, node and edge counts, ``extra`` (JSON)
#   gnodes          one row per node: attributes, indexed by key, name, label and short id
#                   (``find``, ``all_names``, ``nodes_of_kind``, ``g.nodes[n]``)
#   gcompact        part 0: the whole adjacency (both directions), node kinds and the byte
#                   offsets of the node ids, as flat arrays; parts 1..: the node ids,
#                   ID_CHUNK consecutive nodes a part, read when a trace first needs one
#   graph_evidence  the evidence of the edges of BUCKET consecutive source nodes a row
# Nodes are numbered in id order and adjacency lists sorted, so what is stored does not depend
# on the order the graph was built in. Parts carry a CRC-32 (damage, truncation) and sizes,
# offsets, indexes and kind codes are checked before use: a damaged part raises DamagedGraph
# (``load`` for the adjacency, the first use for the rest), not a crash.

BUCKET = 4  # evidence of this many consecutive source nodes is stored in one row (few: a report reads little)
READ_AHEAD_AFTER = 64  # node rows read one by one before reading ahead
ID_CHUNK = 4096  # node ids of this many consecutive nodes are stored in one part
_HEAD = struct.Struct("=8sIIIII")  # magic, nodes, edges, ID_CHUNK, BUCKET, length of the node kind names (JSON)
_MAGIC = b"srcsg1" + (b"<<" if sys.byteorder == "little" else b">>")  # arrays are in native byte order
_EDGE_CODES = bytes(range(len(KINDS)))
if array("I").itemsize != 4:  # pragma: no cover - every platform CPython supports today
    raise ImportError("graphstore needs 4-byte unsigned ints")

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
CREATE TABLE IF NOT EXISTS gcompact (
    gid INTEGER NOT NULL,
    part INTEGER NOT NULL,
    crc INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (gid, part)
);
"""


def drop(db: sqlite3.Connection, gkey: str) -> None:
    def run(sql, args):
        try:
            db.execute(sql, args)
        except sqlite3.DatabaseError:  # a table missing (older cache) or unreadable
            pass

    run("DELETE FROM graph_evidence WHERE gkey = ?", (gkey,))
    try:
        row = db.execute("SELECT gid FROM graphs WHERE gkey = ?", (gkey,)).fetchone()
    except sqlite3.DatabaseError:
        return
    if row is not None:
        for t in ("gnodes", "gcompact", "gedges", "graphs"):  # gedges: graphs of GRAPH_VERSION 2
            run(f"DELETE FROM {t} WHERE gid = ?", (row[0],))


def _pack(g: CompactGraph) -> tuple[list[int], array, bytes, list[bytes]]:
    """``g`` renumbered in id order: (old index of each new index, new index of each old
    one, the adjacency part, the id parts)."""
    import json

    n = len(g.ids)
    order = sorted(range(n), key=g.ids.__getitem__)
    new = array("I", bytes(4 * n))
    for ni, oi in enumerate(order):
        new[oi] = ni

    def csr(adj):
        off, tg, kd = array("I", [0]), array("I"), bytearray()
        for oi in order:
            lst = sorted((new[v], k) for v, k in adj[oi])
            tg.extend([v for v, _ in lst])
            kd.extend([k for _, k in lst])
            off.append(len(tg))
        return off, tg, bytes(kd)

    out_off, out_tg, out_kd = csr(g.succ)
    in_off, in_tg, in_kd = csr(g.pred)
    e = len(out_tg)
    names = sorted({a[0] for a in g.attrs}, key=lambda k: (k is None, k or ""))
    if len(names) > 255:
        raise ValueError(f"{len(names)} node kinds")
    code = {k: i for i, k in enumerate(names)}
    nkinds = bytes(code[g.attrs[oi][0]] for oi in order)
    keys = [g.ids[oi].encode() for oi in order]
    if sum(map(len, keys)) >= 1 << 32:
        raise ValueError("node ids too long for the cache format")
    id_off = array("I", [0])
    total = 0
    for k in keys:
        total += len(k)
        id_off.append(total)
    kjson = json.dumps(names).encode()
    pad = b"\0" * (-(_HEAD.size + len(kjson)) % 4)
    adj = b"".join([_HEAD.pack(_MAGIC, n, e, ID_CHUNK, BUCKET, len(kjson)), kjson, pad, out_off.tobytes(),
                    out_tg.tobytes(), in_off.tobytes(), in_tg.tobytes(), id_off.tobytes(), out_kd, in_kd, nkinds])
    parts = [b"".join(keys[i:i + ID_CHUNK]) for i in range(0, n, ID_CHUNK)]
    return order, new, adj, parts


_TABLES = ("graph_evidence", "graphs", "gnodes", "gcompact")


def _columns(db: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in db.execute(f"PRAGMA table_info({table})")]


def repair_tables(db: sqlite3.Connection) -> str | None:
    """Graph tables of another shape (another program's, an older srcscan's) are dropped so
    that they are made anew: a cached graph is derived data, rebuilt from the facts. Returns
    what was found (for one warning), or None when the tables are ours or absent."""
    mem = sqlite3.connect(":memory:")
    mem.executescript(EVIDENCE_SCHEMA + GRAPH_SCHEMA)
    wrong = [t for t in _TABLES if (cols := _columns(db, t)) and cols != _columns(mem, t)]
    mem.close()
    if not wrong:
        return None
    for t in _TABLES:
        db.execute(f"DROP TABLE IF EXISTS {t}")
    return f"the cache's graph tables were not srcscan's ({', '.join(wrong)}: other columns); dropped and rebuilt"


def save(db: sqlite3.Connection, gkey: str, g: CompactGraph, extra: tuple) -> None:
    """Store the graph: its adjacency as one compact part, ids in parts of ID_CHUNK nodes,
    node rows in an indexed table, the evidence in buckets of source nodes."""
    import json

    why = repair_tables(db)
    if why:
        from ..util import note

        note(f"warning: {why}")
    db.executescript(EVIDENCE_SCHEMA + GRAPH_SCHEMA)
    order, new, adj, parts = _pack(g)
    rows = []
    for b in range(0, len(order), BUCKET):
        items = [(u, new[v], g.evidence_of(order[u], v)) for u in range(b, min(b + BUCKET, len(order)))
                 for v, _ in g.succ[order[u]]]
        if items:
            rows.append((gkey, b // BUCKET, zlib.compress(pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL), 1)))
    db.execute("BEGIN IMMEDIATE")
    try:
        drop(db, gkey)
        cur = db.execute("INSERT INTO graphs (gkey, nodes, edges, extra) VALUES (?, ?, ?, ?)",
                         (gkey, len(g.ids), g.number_of_edges(), json.dumps(list(extra))))
        gid = cur.lastrowid
        for t in ("gnodes", "gcompact"):  # rows a reused gid may have left behind
            db.execute(f"DELETE FROM {t} WHERE gid = ?", (gid,))
        db.executemany("INSERT INTO gnodes (gid, idx, key, kind, label, name, short, attrs) VALUES (?,?,?,?,?,?,?,?)",
                       ((gid, i, n, a[0], a[1], a[2], n.split(":", 1)[-1], json.dumps(a[3:]))
                        for i, (n, a) in enumerate((g.ids[oi], g.attrs[oi]) for oi in order)))
        db.executemany("INSERT INTO gcompact (gid, part, crc, data) VALUES (?, ?, ?, ?)",
                       ((gid, p, zlib.crc32(data), data) for p, data in enumerate([adj, *parts])))
        db.executemany("INSERT INTO graph_evidence (gkey, u, data) VALUES (?, ?, ?)", rows)
        db.execute("COMMIT")
    except sqlite3.DatabaseError:
        db.execute("ROLLBACK")
        raise


class _DbEvidence:
    """Evidence rows of one cached graph, read on demand through a connection of its own
    (the caller may close its cache meanwhile)."""

    def __init__(self, path: str, gkey: str, db: sqlite3.Connection | None = None):
        self.path, self.gkey = path, gkey
        self._db = db

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
                    items = plain_loads(data)
                    for u, v, ev in items:
                        if (u, v) in want:
                            out[(u, v)] = ev
                except (zlib.error, pickle.UnpicklingError, EOFError, ValueError, TypeError) as e:
                    raise DamagedGraph(self.gkey, f"{type(e).__name__}: {e}") from e
        return out


class _PlainUnpickler(pickle.Unpickler):
    def find_class(self, module, name):  # plain data only: lists, tuples, dicts, str, int, None
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cached graph")


def plain_loads(data: bytes):
    """A zlib-compressed pickle of plain data (a cached graph's part or a fragment): loading it
    can make no object of any class, so a tampered cache runs nothing."""
    return _PlainUnpickler(io.BytesIO(zlib.decompress(data))).load()


def exists(db: sqlite3.Connection, gkey: str) -> bool:
    try:
        return db.execute("SELECT 1 FROM graphs WHERE gkey = ?", (gkey,)).fetchone() is not None
    except sqlite3.DatabaseError:  # no graph tables yet, or an unreadable cache
        return False


def load(db: sqlite3.Connection, path: str, gkey: str) -> tuple["SqliteGraph", tuple] | None:
    """The cached graph of ``gkey`` and its ``extra``, None if there is none; raises
    DamagedGraph if its adjacency part is damaged."""
    import json

    try:
        row = db.execute("SELECT gid, nodes, edges, extra FROM graphs WHERE gkey = ?", (gkey,)).fetchone()
        if row is None:
            return None
        part = db.execute("SELECT crc, data FROM gcompact WHERE gid = ? AND part = 0", (row[0],)).fetchone()
    except sqlite3.OperationalError:  # no graph tables yet
        return None
    gid, n, e, extra = row
    if part is None:
        raise DamagedGraph(gkey, "no adjacency")
    return SqliteGraph(path, gkey, gid, _Adjacency(gkey, n, e, *part)), tuple(json.loads(extra))


class _Adjacency:
    """The adjacency part, checked and viewed as arrays (no copy): CSR offsets and neighbours
    in both directions, edge and node kind codes, byte offsets of the node ids."""

    def __init__(self, gkey: str, n: int, e: int, crc, data):
        import json

        def bad(why):
            return DamagedGraph(gkey, f"adjacency: {why}")

        if not isinstance(data, bytes) or not isinstance(crc, int) or not isinstance(n, int) or \
                not isinstance(e, int):
            raise bad("wrong types")
        if zlib.crc32(data) != crc:
            raise bad("checksum mismatch")
        if len(data) < _HEAD.size:
            raise bad("truncated")
        magic, hn, he, chunk, bucket, klen = _HEAD.unpack_from(data)
        if magic != _MAGIC or (hn, he, chunk, bucket) != (n, e, ID_CHUNK, BUCKET):
            raise bad("foreign header")
        p = _HEAD.size + klen
        try:
            names = json.loads(data[_HEAD.size:p])
        except ValueError as ex:
            raise bad(f"node kinds: {ex}") from ex
        if not isinstance(names, list) or not all(k is None or isinstance(k, str) for k in names) or \
                len(names) > 255:
            raise bad("node kinds")
        p += -p % 4
        if len(data) != p + 4 * (3 * (n + 1) + 2 * e) + 2 * e + n:
            raise bad("wrong size")
        mv = memoryview(data)

        def ints(count):
            nonlocal p
            p += 4 * count
            return mv[p - 4 * count:p].cast("I")

        def codes(count):
            nonlocal p
            p += count
            return data[p - count:p]

        self.n, self.e, self.names = n, e, names
        self.out_off, self.out_tg = ints(n + 1), ints(e)
        self.in_off, self.in_tg = ints(n + 1), ints(e)
        self.id_off = ints(n + 1)
        self.out_kd, self.in_kd, self.nkind = codes(e), codes(e), codes(n)
        # the codes are checked here (cheap, in C); offsets and neighbours when they are used
        if self.out_kd.translate(None, _EDGE_CODES) or self.in_kd.translate(None, _EDGE_CODES) or \
                self.nkind.translate(None, bytes(range(len(names)))):
            raise bad("unknown kind codes")
        if (self.out_off[0], self.out_off[n], self.in_off[0], self.in_off[n], self.id_off[0]) != (0, e, 0, e, 0):
            raise bad("offsets")


class SqliteGraph(GraphView):
    """The cached flow graph: adjacency and node kinds in memory (one compact part, read once),
    node ids decoded when a trace reaches them, node attributes and evidence read from SQLite
    on demand (same API as CompactGraph)."""

    def __init__(self, path: str, gkey: str, gid: int, adj: _Adjacency):
        self.path, self.gkey, self.gid = path, gkey, gid
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
        self._a = adj
        self._n, self._e = adj.n, adj.e
        self._idx: dict[str, int] = {}  # node id -> index, for the ids decoded so far
        self._key: dict[int, str] = {}
        self._parts: dict[int, bytes] = {}
        self._outk: dict[str, list[tuple[str, str]]] = {}  # decoded adjacency, by node id
        self._ink: dict[str, list[tuple[str, str]]] = {}
        self._rows: dict[int, tuple] = {}  # index -> (kind, label, name, attrs json)
        self._expanded: list[int] = []  # nodes whose neighbours were asked for (a trace's slice)
        self._pending: list[int] = []
        self._pending_n = -1
        self._misses, self._ahead, self._used = 0, set(), 0
        self._evidence = _DbEvidence(path, gkey, self.db)

    def _damaged(self, why: str) -> DamagedGraph:
        return DamagedGraph(self.gkey, why)

    # ---------------------------------------------------------------- ids
    def _decode(self, i: int) -> str:
        """The id of node ``i`` (reading its id part if needed)."""
        a = self._a
        if not 0 <= i < a.n:
            raise self._damaged(f"node {i} out of range")
        c = i // ID_CHUNK
        buf = self._parts.get(c)
        if buf is None:
            buf = self._read_part(c)
        base = a.id_off[c * ID_CHUNK]
        lo, hi = a.id_off[i] - base, a.id_off[i + 1] - base
        if not 0 <= lo <= hi <= len(buf):
            raise self._damaged(f"id offsets of node {i}")
        try:
            s = buf[lo:hi].decode()
        except UnicodeDecodeError as e:
            raise self._damaged(f"id of node {i}: {e}") from e
        if self._idx.setdefault(s, i) != i:
            raise self._damaged(f"duplicate node id {s!r}")
        self._key[i] = s
        return s

    def _read_part(self, c: int) -> bytes:
        a = self._a
        row = self.db.execute("SELECT crc, data FROM gcompact WHERE gid = ? AND part = ?", (self.gid, c + 1)).fetchone()
        if row is None or not isinstance(row[1], bytes) or zlib.crc32(row[1]) != row[0]:
            raise self._damaged(f"id part {c + 1} missing or damaged")
        end = min((c + 1) * ID_CHUNK, a.n)
        if len(row[1]) != a.id_off[end] - a.id_off[c * ID_CHUNK]:
            raise self._damaged(f"id part {c + 1} has the wrong size")
        self._parts[c] = row[1]
        return row[1]

    def _index(self, n: str) -> int:
        i = self._idx.get(n)
        if i is None:
            i = self._lookup(n)
        return i

    # The node table's queries name their index: without statistics SQLite prefers scanning
    # the graph's rows in primary key order (measured: 8 ms a query on 54k nodes, not 30 us).
    def _lookup(self, n) -> int:
        """Index of a node id not met yet (a user's query): from the node table."""
        if not isinstance(n, str):
            raise KeyError(n)
        row = self.db.execute("SELECT idx, kind, label, name, attrs FROM gnodes INDEXED BY gnodes_key "
                              "WHERE gid = ? AND key = ?",
                              (self.gid, n)).fetchone()
        if row is None:
            raise KeyError(n)
        self._remember(n, row)
        return row[0]

    def _remember(self, key: str, row: tuple) -> None:
        """A node row read by id: check it names the same node as the id parts."""
        i = row[0]
        if not isinstance(i, int) or (self._key.get(i) or self._decode(i)) != key:
            raise self._damaged(f"node table and ids disagree on {key!r}")
        self._rows.setdefault(i, tuple(row[1:]))

    # ---------------------------------------------------------------- adjacency
    def _adj(self, n: str, out: bool) -> list[tuple[str, str]]:
        memo = self._outk if out else self._ink
        got = memo.get(n)
        if got is not None:
            return got
        i = self._index(n)
        a = self._a
        off, tg, kd = (a.out_off, a.out_tg, a.out_kd) if out else (a.in_off, a.in_tg, a.in_kd)
        lo, hi = off[i], off[i + 1]
        if not lo <= hi <= a.e:
            raise self._damaged(f"adjacency offsets of node {i}")
        key, dec, kinds = self._key, self._decode, KINDS
        got = []
        for v, k in zip(tg[lo:hi], kd[lo:hi]):
            s = key.get(v)
            got.append((s if s is not None else dec(v), kinds[k]))
        memo[n] = got
        self._expanded.append(i)
        return got

    def _degree(self, n: str, out: bool) -> int:
        i = self._index(n)
        off = self._a.out_off if out else self._a.in_off
        d = off[i + 1] - off[i]
        if d < 0:
            raise self._damaged(f"adjacency offsets of node {i}")
        return d

    # ---------------------------------------------------------------- node rows
    def _row(self, i: int) -> tuple:
        r = self._rows.get(i)
        if r is not None:
            if self._ahead and i in self._ahead:
                self._ahead.discard(i)
                self._used += 1
            return r
        # After READ_AHEAD_AFTER misses, read ahead the next rows (in id order) of the nodes
        # the trace expanded: a report asks for them in that order. The read-ahead doubles
        # while it is used and shrinks to a row or two when the report wants only a few.
        self._misses += 1
        want = [i]
        if self._misses > READ_AHEAD_AFTER:
            batch = min(2 * self._used + 2, 512)
            if self._pending_n != len(self._expanded):
                self._pending, self._pending_n = sorted(set(self._expanded)), len(self._expanded)
            p, j = self._pending, bisect.bisect_right(self._pending, i)
            while j < len(p) and len(want) < batch:
                if p[j] not in self._rows:
                    want.append(p[j])
                j += 1
        self._ahead, self._used = set(want[1:]), 0
        if len(want) == 1:
            rows = self.db.execute("SELECT idx, kind, label, name, attrs FROM gnodes WHERE gid = ? AND idx = ?",
                                   (self.gid, i))
        else:
            rows = self.db.execute(f"SELECT idx, kind, label, name, attrs FROM gnodes WHERE gid = ? AND idx IN "
                                   f"({','.join('?' * len(want))})", [self.gid, *want])
        for row in rows:
            self._rows[row[0]] = tuple(row[1:])
        r = self._rows.get(i)
        if r is None:
            raise self._damaged(f"no row for node {i}")
        return r

    # ---------------------------------------------------------------- API
    def __contains__(self, n) -> bool:
        if n in self._idx:
            return True
        try:
            self._lookup(n)
            return True
        except KeyError:
            return False

    def attrs_of(self, n: str) -> dict:
        import json

        kind, label, name, attrs = self._row(self._index(n))
        try:
            rest = json.loads(attrs)
        except (TypeError, ValueError) as e:
            raise self._damaged(f"attributes of {n!r}: {e}") from e
        if not isinstance(rest, list):
            raise self._damaged(f"attributes of {n!r}")
        return dict(zip(NODE_FIELDS, (kind, label, name, *rest)))

    def kind(self, n: str) -> str:
        i = self._idx.get(n)
        if i is None:
            i = self._lookup(n)
        return self._a.names[self._a.nkind[i]]

    def out_edges_kind(self, n: str):
        got = self._outk.get(n)
        return iter(got if got is not None else self._adj(n, True))

    def in_edges_kind(self, n: str):
        got = self._ink.get(n)
        return iter(got if got is not None else self._adj(n, False))

    def successors(self, n: str):
        return (v for v, _ in self._adj(n, True))

    def predecessors(self, n: str):
        return (u for u, _ in self._adj(n, False))

    def out_degree(self, n: str) -> int:
        return self._degree(n, True)

    def in_degree(self, n: str) -> int:
        return self._degree(n, False)

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
        ip = [(self._index(u), self._index(v)) for u, v in pairs]
        got = self._evidence.many(ip)
        return {(self._key[a], self._key[b]): got.get((a, b), []) for a, b in ip}

    def find(self, want: str, ignore_case: bool) -> list[str]:
        out = set()
        for col in ("name", "label", "short"):
            for idx, key, kind, label, name, attrs, val in self.db.execute(
                    f"SELECT idx, key, kind, label, name, attrs, {col} FROM gnodes INDEXED BY gnodes_{col} "
                    f"WHERE gid = ? AND {col} = ? COLLATE NOCASE", (self.gid, want)):
                if col == "name" and kind in ("source", "sink"):
                    continue
                if ignore_case or val == want:
                    self._remember(key, (idx, kind, label, name, attrs))
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
