"""User model folders (issue 30): --models DIR, $SRCSCAN_MODELS and .srcscan/models/ in the
analysed tree are read after the built-in models; `srcscan models` lists every row with its
origin; rows are validated (one line naming file and row); the schema shipped in the package
agrees with the loader."""
import json
import os

import pytest

from srcscan.cli import main
from srcscan.datafiles import load_toml, model_files, query_dir, set_model_dirs

SRC = "typedef struct S { unsigned cbLen; } S;\nvoid f(S *p) { unsigned v = p->cbLen * 2; MyExport(0, v); }\n"
SINK = '[[sink]]\nid = "export"\ndescription = "sent out"\nfunctions = ["MyExport"]\nargs = [1]\n'


@pytest.fixture(autouse=True)
def _no_user_models(monkeypatch):
    monkeypatch.delenv("SRCSCAN_MODELS", raising=False)
    monkeypatch.delenv("SRCSCAN_SRC", raising=False)
    yield
    set_model_dirs([])


def _tree(tmp_path):
    t = tmp_path / "tree"
    t.mkdir()
    (t / "a.c").write_text(SRC)
    return t


def _folder(tmp_path, text=SINK, name="mine.toml"):
    d = tmp_path / "models"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text)
    return d


def _trace(capsys, *argv):
    rc = main(["trace", "cbLen", *argv])
    return rc, capsys.readouterr()


@pytest.mark.parametrize("how", ["option", "env", "tree"])
def test_a_model_folder_adds_a_sink_to_the_answer(tmp_path, capsys, monkeypatch, how):
    tree = _tree(tmp_path)
    cache = str(tmp_path / "cache")
    rc, out = _trace(capsys, "--src", str(tree), "--cache", cache)  # (its functions kept as fragments)
    assert rc == 0 and "export:MyExport" not in out.out
    assert main(["index", "--graph", "--src", str(tree), "--cache", cache]) == 0  # the whole flow graph stored
    capsys.readouterr()
    if how == "tree":
        folder = tree / ".srcscan" / "models"
        folder.mkdir(parents=True)
        (folder / "mine.toml").write_text(SINK)
        extra = []
    else:
        folder = _folder(tmp_path)
        extra = ["--models", str(folder)] if how == "option" else []
        if how == "env":
            monkeypatch.setenv("SRCSCAN_MODELS", os.pathsep.join([str(folder)]))
    # same cache: the model folder is part of the graph's key, so the sink appears
    rc, out = _trace(capsys, "--src", str(tree), "--cache", cache, *extra)
    assert rc == 0
    assert "other sink    export:MyExport  a.c:2" in out.out
    assert "chain:      S.cbLen -> f:v -> export:MyExport" in out.out


def test_models_lists_every_row_with_its_origin_and_what_replaced_it(tmp_path, capsys):
    folder = _folder(tmp_path, SINK + '\n[[source]]\nid = "hw"\nreplace = true\nfunctions = ["MyTsc"]\nreturns = true\n')
    assert main(["models", "--models", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    mine = str(folder / "mine.toml")
    assert out.index(mine) > out.index("queries/models/cfgm.toml")  # user files come after the built-in ones
    row = next(line for line in out if "ASMReadTSC" in line)
    assert row.split()[:3] == ["#1", "source", "hw"] and f"(replaced by {mine} [[source]] #1)" in row
    after = out[out.index(mine) + 1:]
    assert any(line.split()[:4] == ["#1", "sink", "export", "MyExport"] for line in after)
    assert main(["models", "--models", str(folder), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {"origin": mine, "kind": "sink", "row": 1, "id": "export", "names": ["MyExport"],
            "replaced_by": ""} in doc["rows"]


def test_a_replaced_source_no_longer_produces_values(tmp_path, capsys):
    """replace = true drops the built-in row of that id: its functions stop being sources."""
    tree = _tree(tmp_path)
    (tree / "b.c").write_text("typedef struct T { unsigned long long uTsc; } T;\n"
                              "void g(T *p) { p->uTsc = ASMReadTSC(); }\n")
    rc, out = main(["trace", "uTsc", "--src", str(tree), "--no-cache"]), capsys.readouterr()
    assert rc == 0 and "hw:ASMReadTSC" in out.out
    folder = _folder(tmp_path, '[[source]]\nid = "hw"\nreplace = true\nfunctions = ["MyTsc"]\nreturns = true\n')
    rc, out = main(["trace", "uTsc", "--src", str(tree), "--no-cache", "--models", str(folder)]), capsys.readouterr()
    assert rc == 0 and "hw:ASMReadTSC" not in out.out


@pytest.mark.parametrize("text, msg", [
    ('[[sink]]\nid = "a"\nfunctions = ["A"]\n\n[[sink]]\nfunctions = ["B"]\n', "[[sink]] #2: [[sink]] needs 'id'"),
    ('[[source]]\nid = "nope"\nreplace = true\nfunctions = ["A"]\nreturns = true\n',
     "[[source]] #1: replace = true but no earlier [[source]] row has id 'nope'"),
    ("[[sink]\n", "Expected"),
])
def test_a_bad_user_row_is_one_line_naming_file_and_row(tmp_path, capsys, text, msg):
    folder = _folder(tmp_path, text)
    rc = main(["trace", "cbLen", "--src", str(_tree(tmp_path)), "--no-cache", "--models", str(folder)])
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert err[-1].startswith(f"srcscan: error: {folder / 'mine.toml'}") and msg in err[-1]


def test_a_missing_model_folder_is_an_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SRCSCAN_MODELS", str(tmp_path / "nowhere"))
    assert main(["models"]) == 2
    assert capsys.readouterr().err.strip() == f"srcscan: error: $SRCSCAN_MODELS {tmp_path / 'nowhere'}: no such folder"


def _schema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((query_dir() / "models.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_the_shipped_schema_accepts_every_built_in_file_and_names_the_loaders_keys():
    from srcscan.graph.apimodels import _KEYS

    v = _schema()
    for f in model_files():
        assert not list(v.iter_errors(load_toml(f))), f
    defs = v.schema["$defs"]
    assert {k: set(defs[k]["properties"]) for k in _KEYS} == _KEYS


def test_the_schema_rejects_what_the_loader_rejects():
    from test_models import test_bad_rows_are_errors_naming_the_file as table

    v = _schema()
    for mark in table.pytestmark:
        if mark.name == "parametrize":
            for row, msg in mark.args[1]:
                if "is already a" in msg or "no [[source]] row has" in msg:  # across rows: no schema can say
                    continue
                assert list(v.iter_errors(row)), row


def test_the_python_api_takes_model_folders(tmp_path):
    import srcscan

    tree, folder = _tree(tmp_path), _folder(tmp_path)
    srcscan.use_models(folder)
    try:
        doc = srcscan.trace("cbLen", str(tree), cache=False).to_json()
    finally:
        srcscan.use_models()
    assert "sink:export:MyExport" in {n["id"] for n in doc["nodes"]}
    assert "sink:export:MyExport" not in {n["id"] for n in srcscan.trace("cbLen", str(tree), cache=False).to_json()["nodes"]}
