"""The cached flow graph (compact adjacency + id parts in SQLite) answers exactly like the
in-memory graph it was saved from, and a damaged cache is detected, never trusted."""
import random
import sqlite3
import struct
import zlib

import pytest

from srcscan.graph import store as graphstore
from srcscan.extract.cache import FactCache
from srcscan.graph.store import CompactGraph, DamagedGraph, SqliteGraph
from srcscan.sources.snapshot import DirSnapshot, sample_root
from srcscan.query.analysis import analyse
from srcscan.query.trace import trace

SYM = "cTscTicksPerSecond"


def _snap():
    return DirSnapshot([sample_root()])


@pytest.fixture
def cold_warm(tmp_path):
    """The sample tree's graph built (and cached), then read back from the cache."""
    cache = FactCache(tmp_path)
    cold = analyse(_snap(), cache)
    assert isinstance(cold.graph, CompactGraph)
    warm = analyse(_snap(), cache)
    assert isinstance(warm.graph, SqliteGraph)
    yield cold, warm, cache
    cache.close()


def _gid(cache):
    return cache.db.execute("SELECT max(gid) FROM graphs").fetchone()[0]


def test_warm_graph_answers_like_the_in_memory_graph_for_every_node(cold_warm):
    cold, warm, _ = cold_warm
    c, w = cold.graph, warm.graph
    assert w.number_of_nodes() == c.number_of_nodes() > 100
    assert w.number_of_edges() == c.number_of_edges() > 100
    nodes = list(c.ids)
    random.Random(1).shuffle(nodes)  # access order must not matter
    for n in nodes:
        assert n in w
        assert w.kind(n) == c.kind(n)
        assert w.nodes[n] == c.nodes[n]
        assert sorted(w.out_edges_kind(n)) == sorted(c.out_edges_kind(n))
        assert sorted(w.in_edges_kind(n)) == sorted(c.in_edges_kind(n))
        assert sorted(w.successors(n)) == sorted(c.successors(n))
        assert sorted(w.predecessors(n)) == sorted(c.predecessors(n))
        assert w.out_degree(n) == c.out_degree(n) and w.in_degree(n) == c.in_degree(n)
        # neighbours come in a fixed order (by node id), whatever the build order was
        assert [v for v, _ in w.out_edges_kind(n)] == sorted(v for v, _ in w.out_edges_kind(n))
    assert "no:such-node" not in w and None not in w
    with pytest.raises(KeyError):
        w.kind("no:such-node")
    every = set(nodes)
    assert set(w.edges_among(every)) == set(c.edges_among(every))
    some = set(nodes[: len(nodes) // 3])
    assert set(w.edges_among(some)) == set(c.edges_among(some))
    pairs = sorted(c.edges_among(every))
    assert w.evidence_many(pairs) == c.evidence_many(pairs)
    assert w.all_names() == c.all_names()
    for kind in {c.kind(n) for n in nodes}:
        assert sorted(w.nodes_of_kind(kind)) == sorted(c.nodes_of_kind(kind))
    for n in nodes[:200]:
        a = c.nodes[n]
        for want in {a["name"], a["label"], n.split(":", 1)[-1], (a["name"] or "x").upper()}:
            if want:
                for ic in (False, True):
                    assert sorted(w.find(want, ic)) == sorted(c.find(want, ic)), (want, ic)


def test_node_rows_read_in_id_order_are_read_ahead(cold_warm):
    _, warm, _ = cold_warm
    w = warm.graph
    keep = set(trace(warm, SYM).nodes)
    calls = []
    real = w.db

    class Spy:
        def execute(self, *a):
            calls.append(a[0])
            return real.execute(*a)

    w.db = Spy()
    for n in sorted(keep):
        w.nodes[n]
    w.db = real
    assert len(calls) < max(graphstore.READ_AHEAD_AFTER + 20, len(keep) // 3)


def _clean(doc):
    doc = dict(doc)
    doc["stats"] = {k: v for k, v in doc["stats"].items() if k not in ("seconds", "parsed", "reused")}
    return doc


def test_trace_from_the_warm_graph_equals_the_cold_one(cold_warm):
    cold, warm, _ = cold_warm
    down = [p for p in trace(cold, SYM, direction="down").to_json()["paths"] if len(p["nodes"]) > 2]
    for kw in ({}, {"direction": "up"}, {"to": down[0]["to"]}):
        c = trace(cold, SYM, **kw).to_json()
        w = trace(warm, SYM, **kw).to_json()
        assert _clean(w) == _clean(c)
        assert c["paths"] and c["edges"]
    assert _clean(trace(warm, SYM).to_json(full=False)) == _clean(trace(cold, SYM).to_json(full=False))


def test_packed_graph_does_not_depend_on_build_order():
    import networkx as nx

    ev = [{"kind": "assign", "file": "a.c", "line": 1, "code": "x", "function": None, "guards": [],
           "preproc": [], "via": None}]
    edges = [("local:f:a", "local:f:b", "assign"), ("local:f:b", "field:S.x", "field-store"),
             ("param:g:0", "local:f:a", "arg"), ("field:S.x", "ret:g", "field-load"), ("local:f:a", "ret:g", "control")]
    packs = set()
    for seed in range(4):
        g = nx.DiGraph()
        es = edges[:]
        random.Random(seed).shuffle(es)
        for u, v, k in es:
            for n in (u, v):
                g.add_node(n, kind=n.split(":")[0], label=n, name=n.rsplit(":", 1)[-1])
            g.add_edge(u, v, kind=k, evidence=ev)
        _, _, adj, parts = graphstore._pack(CompactGraph.from_networkx(g))
        packs.add((adj, tuple(parts)))
    assert len(packs) == 1


# ----------------------------------------------------------------------------- damage

def _set_part(cache, part, data, crc=None):
    cache.db.execute("UPDATE gcompact SET data = ?, crc = ? WHERE gid = ? AND part = ?",
                     (data, zlib.crc32(data) if crc is None else crc, _gid(cache), part))


def _part(cache, part):
    return cache.db.execute("SELECT data FROM gcompact WHERE gid = ? AND part = ?", (_gid(cache), part)).fetchone()[0]


def _gkey(cache):
    return cache.db.execute("SELECT gkey FROM graphs WHERE gid = ?", (_gid(cache),)).fetchone()[0]


@pytest.mark.parametrize("how", ["flip", "truncate", "garbage", "null", "missing"])
def test_damaged_adjacency_is_detected_and_the_graph_rebuilt(cold_warm, how):
    cold, _, cache = cold_warm
    data = _part(cache, 0)
    if how == "flip":
        b = bytearray(data)
        b[len(b) // 2] ^= 0x40
        _set_part(cache, 0, bytes(b), crc=zlib.crc32(data))
    elif how == "truncate":
        _set_part(cache, 0, data[:-4])  # a consistent checksum, a wrong size
    elif how == "garbage":
        _set_part(cache, 0, b"\x00\x11\x22\x33" * 3)
    elif how == "null":
        cache.db.execute("UPDATE gcompact SET data = x'', crc = 0 WHERE part = 0")
    else:
        cache.db.execute("DELETE FROM gcompact WHERE part = 0")
    with pytest.raises(DamagedGraph):
        graphstore.load(cache.db, str(cache.path), _gkey(cache))
    again = analyse(_snap(), cache)  # rebuilt from the facts (and cached anew)
    assert isinstance(again.graph, CompactGraph)
    assert _clean(trace(again, SYM).to_json()) == _clean(trace(cold, SYM).to_json())
    assert isinstance(analyse(_snap(), cache).graph, SqliteGraph)


def _rewrite_adjacency(cache, edit):
    """Change the adjacency arrays as a foreign writer would (checksum and size kept valid)."""
    data = bytearray(_part(cache, 0))
    head = graphstore._HEAD
    _, n, e, _, _, klen = head.unpack_from(data)
    p = head.size + klen
    p += -p % 4
    edit(data, p, n, e)
    _set_part(cache, 0, bytes(data))
    return graphstore.load(cache.db, str(cache.path), _gkey(cache))[0]


def test_bad_neighbour_index_raises_damaged_graph(cold_warm):
    _, _, cache = cold_warm

    def edit(data, p, n, e):  # out_tg follows out_off: point every edge past the last node
        for j in range(e):
            struct.pack_into("=I", data, p + 4 * (n + 1) + 4 * j, n + 7)

    g = _rewrite_adjacency(cache, edit)
    start = g.find(SYM, False)[0]
    with pytest.raises(DamagedGraph):
        list(g.in_edges_kind(start)) + list(g.out_edges_kind(start))


def test_bad_offsets_raise_damaged_graph(cold_warm):
    _, _, cache = cold_warm

    def edit(data, p, n, e):  # out_off: decreasing in the middle
        for i in range(1, n):
            struct.pack_into("=I", data, p + 4 * i, e if i % 2 else 0)

    g = _rewrite_adjacency(cache, edit)
    with pytest.raises(DamagedGraph):
        for n in g.nodes_of_kind("field"):
            g.out_degree(n)
            list(g.out_edges_kind(n))


def test_bad_kind_codes_are_refused_at_load(cold_warm):
    _, _, cache = cold_warm

    def edit(data, p, n, e):
        data[p + 4 * (3 * (n + 1) + 2 * e)] = 200  # the first edge's kind

    with pytest.raises(DamagedGraph):
        _rewrite_adjacency(cache, edit)


@pytest.mark.parametrize("how", ["flip", "resized", "missing"])
def test_damaged_id_part_raises_damaged_graph(cold_warm, how):
    _, _, cache = cold_warm
    data = _part(cache, 1)
    if how == "flip":
        _set_part(cache, 1, b"\xff" + data[1:], crc=zlib.crc32(data))
    elif how == "resized":
        _set_part(cache, 1, data + b"x")
    else:
        cache.db.execute("DELETE FROM gcompact WHERE part = 1")
    g, _ = graphstore.load(cache.db, str(cache.path), _gkey(cache))
    with pytest.raises(DamagedGraph):
        for n in g.nodes_of_kind("field"):
            g.kind(n)
            list(g.out_edges_kind(n))
            list(g.in_edges_kind(n))


def test_node_table_disagreeing_with_ids_raises_damaged_graph(cold_warm):
    _, _, cache = cold_warm
    gid = _gid(cache)
    (idx,) = cache.db.execute("SELECT idx FROM gnodes WHERE gid = ? AND name = ? LIMIT 1", (gid, SYM)).fetchone()
    cache.db.execute("UPDATE gnodes SET idx = -idx - 1 WHERE gid = ? AND idx = ?", (gid, idx))
    cache.db.execute("UPDATE gnodes SET idx = ? WHERE gid = ? AND idx = ?", (idx, gid, (idx + 1) % 5))
    cache.db.execute("UPDATE gnodes SET idx = ? WHERE gid = ? AND idx = ?", ((idx + 1) % 5, gid, -idx - 1))
    g, _ = graphstore.load(cache.db, str(cache.path), _gkey(cache))
    with pytest.raises(DamagedGraph):
        g.find(SYM, False)


def test_damaged_evidence_raises_damaged_graph(cold_warm):
    _, _, cache = cold_warm
    cache.db.execute("UPDATE graph_evidence SET data = x'00112233445566778899'")
    g, _ = graphstore.load(cache.db, str(cache.path), _gkey(cache))
    with pytest.raises(DamagedGraph):
        g.evidence_many(sorted(g.edges_among(set(g.find(SYM, False)) | {v for s in g.find(SYM, False)
                                                                         for v in g.successors(s)})))


def test_old_graph_tables_are_ignored_and_dropped(tmp_path):
    cache = FactCache(tmp_path)
    db = cache.db
    db.executescript("CREATE TABLE gedges (gid INTEGER NOT NULL, u INTEGER NOT NULL, v INTEGER NOT NULL, "
                     "kind INTEGER NOT NULL);")
    analyse(_snap(), cache)
    gkey = _gkey(cache)
    db.execute("INSERT INTO gedges VALUES (?, 1, 2, 0)", (_gid(cache),))
    graphstore.drop(db, gkey)
    assert not graphstore.exists(db, gkey)
    assert db.execute("SELECT count(*) FROM gedges").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM gcompact").fetchone()[0] == 0
    cache.close()
