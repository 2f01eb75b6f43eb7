"""Models as data: every row of queries/models loads, and a bad row is a clear error."""
import pytest

from srcscan.datafiles import load_toml, model_files
from srcscan.errors import UsageError
from srcscan.graph.apimodels import load_models, parse_models


def test_every_model_file_and_row_loads():
    m = load_models()
    assert {f.split("/")[-1] for f in m.files} >= {"cfgm.toml", "ssm.toml", "pgm.toml", "iprt.toml", "sup.toml",
                                                   "log.toml"}
    assert m.sources["CFGMR3QueryU64"].override.startswith("VBoxManage setextradata")
    assert m.sinks["PGMPhysSimpleWriteGCPhys"].args == [2] and m.sinks["LogRel"].id == "log"
    assert m.propagators["ASMDivU64ByU32RetU32"] == "all" and m.handles["CFGMR3GetChild"].name_arg == 1
    rows = sum(len(doc.get(k, [])) for f in model_files() for doc in [load_toml(f)]
               for k in ("source", "sink", "propagator", "handle"))
    assert rows >= 12


@pytest.mark.parametrize("row, msg", [
    ({"source": [{"id": "x", "functions": ["f"], "out_arg": 1, "keyy": 2}]}, "unknown key(s): keyy"),
    ({"sink": [{"id": "x", "functions": []}]}, "non-empty 'functions'"),
    ({"source": [{"id": "x", "functions": ["f"]}]}, "needs out_arg or returns"),
    ({"propagator": [{"functions": ["f"], "args": "some"}]}, "args must be"),
    ({"sink": [{"id": "x", "functions": ["f"], "format_arg": -1}]}, "argument position"),
])
def test_bad_rows_are_errors_naming_the_file(row, msg):
    with pytest.raises(UsageError) as e:
        parse_models([("models/bad.toml", row)])
    assert "queries/models/bad.toml" in str(e.value) and msg in str(e.value)


def test_a_user_model_row_changes_the_trace(tmp_path):
    """Adding a sink row (no engine change) makes a new sink appear."""
    from srcscan.graph.flow import build_graph
    from srcscan.extract.facts import extract
    from srcscan.graph.program import Program

    src = b"void f(uint64_t u) { uint64_t v = u * 2; MyExport(v); }\n"
    prog = Program({"a.c": extract("a.c", src)})
    base = load_models()
    extra = parse_models([("models/mine.toml", {"sink": [{"id": "export", "functions": ["MyExport"],
                                                          "args": [0]}]})])
    base_sinks = dict(base.sinks)
    base.sinks.update(extra.sinks)
    try:
        g = build_graph(prog, models=base).g
    finally:
        base.sinks.clear()
        base.sinks.update(base_sinks)
    assert g.has_edge("local:a.c:f:v", "sink:export:MyExport")
