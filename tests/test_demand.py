"""The flow graph built on demand (history's per-revision traces) gives exactly the traces of
the fully built graph, and neither depends on the order functions are built in."""
from __future__ import annotations

import random

import pytest

from srcscan.extract.cache import FactCache
from srcscan.graph.demand import DemandGraph
from srcscan.extract.facts import extract
from srcscan.graph.flow import FlowBuilder, build_graph
from srcscan.extract.ppcond import Config
from srcscan.graph.program import Program
from srcscan.sources.snapshot import DirSnapshot, sample_root
from srcscan.query.analysis import analyse, analyse_demand
from srcscan.query.trace import trace


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    cache = FactCache(tmp_path_factory.mktemp("cache"))
    snap = DirSnapshot([sample_root()])
    return analyse(snap, cache), snap, cache


def _comparable(tj: dict) -> dict:
    tj = dict(tj)
    tj.pop("stats")  # graph sizes and timings differ by design
    tj.pop("source")
    return tj


QUERIES = [
    dict(symbol="cTscTicksPerSecond"),
    dict(symbol="u32TscScale"),
    dict(symbol="cfgm:/TM/TSCTicksPerSecond"),
    dict(symbol="source:cfgm:/TM/TSCTicksPerSecond"),
    dict(symbol="TMCpuTicksPerSecond()"),
    dict(symbol="GIMKVM.cTscTicksPerSecond", direction="up"),
    dict(symbol="gimR3KvmUpdateSystemTime:u64TscFreq", direction="down"),
    dict(symbol="cTscTicksPerSecond", to="u32TscScale"),
    dict(symbol="CTSCTICKSPERSECOND", ignore_case=True),
    dict(symbol="sink:guest-memory:PGMPhysSimpleWriteGCPhys"),
]


@pytest.mark.parametrize("q", QUERIES, ids=[q["symbol"] + ("->" + q["to"] if "to" in q else "") for q in QUERIES])
def test_demand_trace_equals_full_trace(both, q):
    full, snap, cache = both
    demand = analyse_demand(snap, cache)
    q = dict(q)
    symbol = q.pop("symbol")
    want = trace(full, symbol, **q).to_json()
    got = trace(demand, symbol, **q).to_json()
    assert got["nodes"] and _comparable(got) == _comparable(want)


def test_demand_builds_only_what_the_trace_reaches(both):
    _, snap, cache = both
    a = analyse_demand(snap, cache)
    trace(a, "u32TscScale", direction="up")
    g = a.graph
    built = {g.setup.names[g.setup.key_of(num)] for num in g._built}
    # where the KVM system time comes from (and the writer of Hyper-V's field of the same
    # name: fields are looked up by name) -- not the Hyper-V TSC page, MSR code or saving
    assert {"TMCpuTicksPerSecond", "tmR3CalibrateTSC", "gimR3KvmUpdateSystemTime"} <= built
    assert not built & {"gimR3HvEnableTscPage", "gimR3HvReadMsr", "gimR3KvmWriteMsr", "tmR3Save"}
    assert g.functions_built == len(built) < g.total_functions


def test_unknown_symbol_suggests_without_building_everything(both):
    from srcscan.errors import NotFound

    _, snap, cache = both
    a = analyse_demand(snap, cache)
    with pytest.raises(NotFound, match="did you mean: cTscTicksPerSecond"):
        trace(a, "cTscTicksPerSecnd")
    assert a.graph.functions_built < a.graph.total_functions


def _edges(g):
    return {(u, v): (d["kind"], [(e["file"], e["line"], e["kind"]) for e in d["evidence"]])
            for u, v, d in g.edges(data=True)}


def test_graph_does_not_depend_on_build_order():
    files = {p: extract(p, (sample_root() / p).read_bytes()) for p, _ in DirSnapshot([sample_root()]).files()}
    want = build_graph(Program(files))
    for seed in range(3):
        b = FlowBuilder(Program(files))
        order = list(b.p.functions.items())
        random.Random(seed).shuffle(order)
        b.p.functions.clear()
        b.p.functions.update(order)
        b.build()
        assert _edges(b.g) == _edges(want.g)
        assert dict(b.g.nodes(data=True)) == dict(want.g.nodes(data=True))


def test_a_call_nested_in_an_earlier_call_still_flows():
    """LogRel(("%RU64", scale(uHz))): the outer call comes first in the statement; the inner
    call's result must still reach the sink, however the calls are listed."""
    src = b"""
static unsigned long long scale(unsigned long long u) { return u * 2; }
void report(unsigned long long uHz)
{
    LogRel(("TM: %RU64\\n", scale(uHz)));
}
"""
    ff = extract("r.c", src)
    assert [c.callee for c in ff.functions[1].calls] == ["LogRel", "scale"]  # outer first
    g = build_graph(Program({"r.c": ff})).g
    assert g.has_edge("ret:r.c:scale", "sink:log:LogRel")


def test_demand_graph_answers_only_after_expanding(both):
    _, snap, cache = both
    a = analyse_demand(snap, cache, config=Config())
    g: DemandGraph = a.graph
    n = "field:GIMKVM.cTscTicksPerSecond"
    assert n in g
    ins = dict(g.in_edges_kind(n))
    assert ins.get("ret:TMCpuTicksPerSecond") == "return"
    assert g.in_degree(n) == len(ins)


def test_graphs_are_freed_without_the_cyclic_gc(tmp_path):
    """History and the lazy scope run with the cyclic GC off (and freeze what is left): each
    revision's or round's graph must go away by reference counting alone."""
    import gc
    import weakref

    from srcscan.extract.index import index

    was = gc.isenabled()
    gc.disable()
    try:
        snap = DirSnapshot([sample_root()])
        facts, _ = index(snap, None)
        b = build_graph(Program(facts))
        refs = [weakref.ref(b.g)]
        del b
        a = analyse(snap, FactCache(tmp_path / "c"))
        refs.append(weakref.ref(a.graph))
        del a
        d = analyse_demand(snap, None)
        trace(d, "cTscTicksPerSecond").to_json()
        refs += [weakref.ref(d.graph), weakref.ref(d.graph.g), weakref.ref(d.program)]
        del d
        assert [r() for r in refs] == [None] * len(refs)
    finally:
        if was:
            gc.enable()


def test_a_parameter_only_callers_make_is_found_by_its_id(tmp_path):
    """myGet never reads its parameters: the node param:t.c:myGet#1 exists only because a
    caller passes an argument through a function-pointer table."""
    (tmp_path / "t.c").write_text(
        "typedef struct OPS { int (*pfnGet)(void *pv, int x); } OPS;\n"
        "static int myGet(void *pv, int x) { return 1; }\n"
        "static const OPS g_Ops = { myGet };\n"
        "int caller(OPS *pOps, int v) { return pOps->pfnGet(0, v); }\n")
    snap = DirSnapshot([tmp_path / "t.c"])
    want = trace(analyse(snap, None), "param:t.c:myGet#1").to_json()
    got = trace(analyse_demand(snap, None), "param:t.c:myGet#1").to_json()
    assert want["start"] == ["param:t.c:myGet#1"]
    assert _comparable(got) == _comparable(want)


@pytest.mark.parametrize("symbol", ["cfgm:/TM/TSCTicksPerSecond", "MMSTATE.cbRamBase", "configConstructor#2"])
def test_demand_finds_what_a_wrapper_inserts_into_a_config_key(tmp_path, symbol):
    """Going upstream from a configuration key, the graph built on demand builds the callers of
    the wrappers that insert it (tests/flows/cfgm_wrappers.c), as the full graph has them."""
    import shutil
    from pathlib import Path

    root = tmp_path / "tree"
    root.mkdir()
    shutil.copy(Path(__file__).parent / "flows" / "cfgm_wrappers.c", root)
    snap, cache = DirSnapshot([root]), FactCache(tmp_path / "c")
    want = trace(analyse(snap, cache), symbol).to_json()
    got = trace(analyse_demand(snap, cache), symbol).to_json()
    assert any(n["label"].startswith("configConstructor#") for n in got["nodes"])
    assert _comparable(got) == _comparable(want)


@pytest.mark.parametrize("flow,symbol,direction,source", [
    ("slot_sources.c", "guest-request:pfnCall", "down", "source:guest-request:pfnCall"),
    ("slot_sources.c", "SVCSTATE.cbLastRead", "up", "source:guest-request:pfnCall"),
    ("slot_sources.c", "svcCall:u32Function", "up", "source:guest-request:pfnCall"),
    ("guest_pointers.c", "DEVSTATE.cbLastCmd", "up", "source:guest-memory:HGSMIOffsetToPointerHost"),
    ("guest_pointers.c", "DEVSTATE.iView", "up", "source:guest-memory:HGSMIHostChannelRegister"),
    ("guest_pointers.c", "guest-memory:HGSMIOffsetToPointerHost", "down", "source:guest-memory:HGSMIOffsetToPointerHost"),
    ("settings_attrs.cpp", "Hardware.ulCpuExecutionCap", "up", "source:settings-file:executionCap"),
])
def test_demand_finds_a_guest_pointer_source(tmp_path, flow, symbol, direction, source):
    """Sources of fields read through guest pointers (tests/flows/slot_sources.c,
    guest_pointers.c): the graph built on demand builds the stores into the slot and the
    calls that make the pointer, from the source (downstream) and from a field read through
    the pointer (upstream)."""
    import shutil
    from pathlib import Path

    root = tmp_path / "tree"
    root.mkdir()
    shutil.copy(Path(__file__).parent / "flows" / flow, root)
    snap, cache = DirSnapshot([root]), FactCache(tmp_path / "c")
    want = trace(analyse(snap, cache), symbol, direction=direction).to_json()
    got = trace(analyse_demand(snap, cache), symbol, direction=direction).to_json()
    assert any(n["id"] == source for n in got["nodes"])
    assert _comparable(got) == _comparable(want)


CALLER_OBJECT = """typedef unsigned int uint32_t;
typedef struct TIMER { uint32_t uExpire; uint32_t uState; } TIMER;
typedef struct QUEUE { TIMER *paTimers; } QUEUE;
uint32_t g_uSeen;
static void timerInit(TIMER *paTimers, uint32_t c)
{
    paTimers[0].uExpire = c;
}
void queueGrow(QUEUE *pQueue, uint32_t c)
{
    TIMER *paNew = pQueue->paTimers;
    timerInit(paNew, c);
}
void timerRead(TIMER *pTimer)
{
    g_uSeen = pTimer->uExpire;
}
"""


def test_demand_builds_the_callers_that_feed_a_parameter_object(tmp_path):
    """A field written through a callee's pointer parameter: the edges between the type's field
    and the callee's parameter object are made at the caller's call site (the caller's pointer
    is read from a field, so the type's field stands in). The graph built on demand must build
    that caller when it expands the field, and answer as the whole graph does."""
    root = tmp_path / "tree"
    root.mkdir()
    (root / "t.c").write_text(CALLER_OBJECT)
    snap, cache = DirSnapshot([root]), FactCache(tmp_path / "c")
    want = trace(analyse(snap, cache), "TIMER.uExpire").to_json()
    got = trace(analyse_demand(snap, cache), "TIMER.uExpire").to_json()
    assert _comparable(got) == _comparable(want)
