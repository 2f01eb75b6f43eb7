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
    # library functions are models by their effect on memory; their sizes are sinks of their own
    assert (m.library["memcpy"].to_arg, m.library["memcpy"].from_args) == (0, [1])
    assert m.library["RTMemAlloc"].returns == [] and m.sinks["RTMemAlloc"].id == "alloc-size"
    assert m.library["RTStrCopy"].from_args == [2] and m.sinks["RTStrCopy"].args == [1]
    rows = sum(len(doc.get(k, [])) for f in model_files() for doc in [load_toml(f)]
               for k in ("source", "sink", "propagator", "handle"))
    assert rows >= 12


@pytest.mark.parametrize("row, msg", [
    ({"source": [{"id": "x", "functions": ["f"], "out_arg": 1, "keyy": 2}]}, "unknown key(s): keyy"),
    ({"sink": [{"id": "x", "functions": []}]}, "non-empty 'functions'"),
    ({"source": [{"id": "x", "functions": ["f"]}]}, "needs out_arg, callback_arg, returns = true or pointee"),
    ({"propagator": [{"functions": ["f"], "args": "some"}]}, "args must be"),
    ({"source": [{"id": "x", "functions": ["f"], "key_arg": -1, "returns": True}]}, "argument position"),
    # a sink has no format string (log statements are [[log]] rows of a kind = "log" file)
    ({"sink": [{"id": "x", "functions": ["f"], "format_arg": 0}]}, "unknown key(s): format_arg"),
    ({"source": [{"functions": ["f"], "returns": True}]}, "needs 'id'"),
    ({"sink": [{"id": "ok", "functions": ["g"]}, {"functions": ["f"]}]}, "[[sink]] #2: [[sink]] needs 'id'"),
    ({"handle": [{"model": "cfgm", "root": True}]}, "needs a function (or a slot)"),
    ({"handle": [{"function": "CFGMR3GetRoot"}]}, "needs 'model'"),
    ({"handle": [{"root": True}]}, "[[handle]] needs 'model'"),
    ({"sink": [{"id": 7, "functions": ["f"]}]}, "id must be a string"),
    ({"sink": [{"id": "x", "functions": "f"}]}, "non-empty 'functions' list"),
    ({"sink": [{"id": "x", "functions": [1]}]}, "non-empty 'functions' list"),
    ({"sink": ["not a table"]}, "must be a table"),
    ({"sink": {"id": "x", "functions": ["f"]}}, "must be written [[sink]]"),
    ({"kind": "logs", "log": []}, "kind = 'logs' is not one of"),
    ({"kind": "log", "log": [{"format_arg": 0}]}, "[[log]] #1: needs a non-empty 'names' list"),
    ({"library": [{"functions": ["f"], "from_args": 1}]}, "from_args must be a list of argument positions"),
    ({"library": [{"functions": ["f"], "returns": [-1]}]}, "returns must be a list of argument positions"),
    ({"library": [{"functions": ["f"], "to_arg": "dst"}]}, "to_arg must be an argument position"),
    ({"library": [{"to_arg": 0}]}, "[[library]] needs 'functions'"),
    ({"library": [{"functions": ["f"]}, {"functions": ["g", "f"]}]}, "#2: f is already a [[library]] function"),
    ({"sink": [{"id": "ins", "functions": ["f"], "args": [2], "node_arg": 0, "key_arg": 1, "joins": "nope"}]},
     "[[sink]] ins joins 'nope', which no [[source]] row has as id"),
    ({"source": [{"id": "cfg", "functions": ["q"], "out_arg": 2}],
      "sink": [{"id": "ins", "functions": ["f"], "args": [2], "joins": "cfg"}]}, "it needs node_arg and key_arg"),
    # a source of the functions stored in slots: slots and params, and nothing of a call's source
    ({"source": [{"id": "g"}]}, "needs 'functions' (or 'slots' and 'params')"),
    ({"source": [{"id": "g", "slots": ["pfnCall"]}]}, "params must be a non-empty list of parameter positions"),
    ({"source": [{"id": "g", "slots": [], "params": [1]}]}, "slots must be a non-empty list of field names"),
    ({"source": [{"id": "g", "slots": ["pfnCall"], "params": [-1]}]}, "params must be a non-empty list"),
    ({"source": [{"id": "g", "slots": ["pfnCall"], "params": [1], "out_arg": 0}]}, "a row with slots has no out_arg"),
    ({"source": [{"id": "g", "functions": ["f"], "pointee": 1}]}, "pointee must be true or false"),
])
def test_bad_rows_are_errors_naming_the_file(row, msg):
    with pytest.raises(UsageError) as e:
        parse_models([("models/bad.toml", row)])
    assert "queries/models/bad.toml" in str(e.value) and msg in str(e.value)
    assert "\n" not in str(e.value)


def test_model_kinds_are_declared_in_the_files_not_their_names():
    """[[log]] rows are log statements (and trace sinks) in a file declaring kind = "log",
    whatever it is called; in an API models file they mean nothing."""
    log_rows = {"log": [{"names": ["MyPrintf"], "format_arg": 0, "release": True}]}
    assert "MyPrintf" in parse_models([("models/printing.toml", {"kind": "log", **log_rows})]).sinks
    assert "MyPrintf" not in parse_models([("models/mylog.toml", log_rows)]).sinks
    # drift's own [log] table (header patterns) is not read as rows
    assert parse_models([("models/drift.toml", load_toml("models/drift.toml"))]).rows() == 0
    kinds = {f.split("/")[-1]: load_toml(f).get("kind") for f in model_files()}
    assert kinds["log.toml"] == "log" and kinds["drift.toml"] == "drift" and kinds["cfgm.toml"] == "api"


def test_a_log_kind_file_feeds_srcscan_log(tmp_path, monkeypatch):
    """`srcscan log` reads the [[log]] rows of every kind = "log" file, not just log.toml."""
    import shutil

    import srcscan.datafiles as datafiles
    from srcscan.logs.logmap import load_log_model

    q = tmp_path / "queries"
    shutil.copytree(datafiles.query_dir(), q, ignore=shutil.ignore_patterns("__pycache__"))
    (q / "models" / "mine.toml").write_text('kind = "log"\n[[log]]\nnames = ["MyPrintf"]\nformat_arg = 1\n')
    monkeypatch.setattr(datafiles, "query_dir", lambda: q)
    rules = load_log_model()
    assert rules["MyPrintf"].format_arg == 1 and rules["LogRel"].format_arg == 0


def test_a_malformed_model_file_is_one_line_naming_file_and_row(tmp_path, monkeypatch, capsys):
    """A user's model row without an id: exit 2 and one line naming the file and the row,
    never an internal error."""
    import shutil

    import srcscan.datafiles as datafiles
    from srcscan.cli import main

    q = tmp_path / "queries"
    shutil.copytree(datafiles.query_dir(), q, ignore=shutil.ignore_patterns("__pycache__"))
    (q / "models" / "mine.toml").write_text('[[sink]]\nid = "export"\nfunctions = ["A"]\n\n'
                                           '[[sink]]\nfunctions = ["MyExport"]\n')
    monkeypatch.setattr(datafiles, "query_dir", lambda: q)
    load_models.cache_clear()
    try:
        assert main(["trace", "cTscTicksPerSecond", "--no-cache"]) == 2
    finally:
        load_models.cache_clear()
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == "srcscan: error: queries/models/mine.toml [[sink]] #2: [[sink]] needs 'id'"
    assert not any("internal error" in line or "Traceback" in line for line in err)


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
