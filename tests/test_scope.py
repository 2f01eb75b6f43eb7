"""The scope choice (--scope auto|full|lazy) lives in the API: the CLI and srcscan.trace()
make the same choice and give the same answer; a damaged cached graph is rebuilt by either."""
import json
import re
import shutil
import sqlite3

import pytest

import srcscan
import srcscan.query.lazy as lazy
from srcscan.cli import main
from srcscan.errors import UsageError
from srcscan.extract.cache import FactCache
from srcscan.sources.snapshot import DirSnapshot

from conftest import SAMPLE

SYM, TO = "cTscTicksPerSecond", "u32TscScale"


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "tree"
    shutil.copytree(SAMPLE, root)
    other = root / "src" / "VBox" / "Devices" / "Unrelated"
    other.mkdir(parents=True)
    for i in range(12):  # code the TSC trace never needs: a lazy scope leaves it out
        (other / f"Dev{i}.cpp").write_text(f"static int devInit{i}(int iArg)\n{{\n    return iArg + {i};\n}}\n")
    return root


def _cli(capsys, *argv):
    code = main(["trace", *argv, "--format", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else None, err


def _answer(doc):
    """What a user reads off a trace: nodes, edges (with evidence) and paths; not timings."""
    return {k: doc[k] for k in ("start", "nodes", "edges", "paths")}


@pytest.mark.parametrize("scope", ["full", "lazy", "auto"])
@pytest.mark.parametrize("to", [None, TO])
def test_api_and_cli_give_the_same_answer(tree, tmp_path, capsys, scope, to):
    argv = [SYM, "--src", str(tree), "--scope", scope, "--cache", str(tmp_path / "c1")] + (["--to", to] if to else [])
    code, doc, _ = _cli(capsys, *argv)
    assert code == 0
    api = srcscan.trace(SYM, str(tree), to=to, scope=scope, cache=tmp_path / "c2").to_json()
    assert _answer(api) == _answer(doc) and api["stats"]["scope"] == doc["stats"]["scope"]
    assert api["paths"] and (not to or all(p["direction"] == "to" for p in api["paths"]))


def test_scope_choice_from_the_cli(tree, tmp_path, capsys, monkeypatch):
    cache = str(tmp_path / "c")
    _, full, err = _cli(capsys, SYM, "--src", str(tree), "--scope", "full", "--no-cache")
    assert full["stats"]["scope"] == "full" and "scope:" not in err
    _, lz, err = _cli(capsys, SYM, "--src", str(tree), "--scope", "lazy", "--cache", cache)
    m = re.search(r"srcscan: scope: lazy: (\d+) of (\d+) files", err)
    assert m and int(m.group(1)) <= int(m.group(2)) - 12 and lz["stats"]["scope"].startswith("lazy: ")
    assert _answer(lz)["paths"] == _answer(full)["paths"]
    _, auto, err = _cli(capsys, SYM, "--src", str(tree), "--no-cache")  # a small tree: full
    assert auto["stats"]["scope"] == "full" and "scope:" not in err
    monkeypatch.setattr(lazy, "LAZY_AUTO_FILES", 20)  # now the tree counts as big: lazy
    _, auto, err = _cli(capsys, SYM, "--src", str(tree), "--no-cache")
    assert auto["stats"]["scope"].startswith("lazy: ") and "srcscan: scope: lazy" in err
    with pytest.raises(SystemExit) as e:
        main(["trace", SYM, "--scope", "some"])
    assert e.value.code == 2 and "--scope: invalid choice: 'some'" in capsys.readouterr().err


def test_scope_choice_from_the_api(tree, tmp_path, monkeypatch):
    assert srcscan.trace(SYM, str(tree), cache=False).analysis.scope == "full"
    assert srcscan.trace(SYM, str(tree), scope="lazy", cache=False).analysis.scope.startswith("lazy: ")
    monkeypatch.setattr(lazy, "LAZY_AUTO_FILES", 20)
    assert srcscan.trace(SYM, str(tree), cache=False).analysis.scope.startswith("lazy: ")
    # (every file, the graph only as far as the query reaches: see the test below)
    assert srcscan.trace(SYM, str(tree), scope="full", cache=False).analysis.scope == lazy.HUGE_FULL
    with pytest.raises(UsageError, match="--scope some: choose auto, full, lazy"):
        srcscan.trace(SYM, str(tree), scope="some", cache=False)


def test_lazy_scope_with_a_cached_full_graph_says_so(tree, tmp_path, capsys):
    cache = str(tmp_path / "c")
    assert main(["index", "--graph", "--src", str(tree), "--cache", cache]) == 0
    capsys.readouterr()
    _, doc, err = _cli(capsys, SYM, "--src", str(tree), "--scope", "lazy", "--cache", cache)
    assert doc["stats"]["scope"].startswith("full") and doc["stats"]["parsed"] == 0
    assert "srcscan: scope: full (a cached flow graph of every file)" in err


def _damage_evidence(cache_dir):
    db = sqlite3.connect(cache_dir / "facts.sqlite")
    assert db.execute("UPDATE graph_evidence SET data = x'00112233445566778899'").rowcount > 0
    db.commit()
    db.close()


@pytest.mark.parametrize("scope", ["full", "lazy"])
def test_the_api_rebuilds_a_damaged_cached_graph_like_the_cli(tree, tmp_path, capsys, scope):
    c = tmp_path / "c"
    good = srcscan.trace(SYM, str(tree), scope=scope, cache=c).to_json()
    # a full trace answers on demand (issue 34: no question builds the whole graph); index
    # --graph stores it. A lazy trace stores the graph of its scope.
    if scope == "full":
        assert main(["index", "--graph", "--src", str(tree), "--cache", str(c)]) == 0
        capsys.readouterr()
    assert _answer(srcscan.trace(SYM, str(tree), scope=scope, cache=c).to_json()) == _answer(good)
    _damage_evidence(c)
    t = srcscan.trace(SYM, str(tree), scope=scope, cache=c)
    doc = t.to_json()  # the cache was closed long ago: the rebuild opens it again
    assert _answer(doc) == _answer(good) and t.rebuilt.endswith("rebuilt the flow graph")
    assert any(w.startswith("the cached flow graph is damaged") for w in doc["warnings"])
    again = srcscan.trace(SYM, str(tree), scope=scope, cache=c).to_json()  # cached anew
    assert _answer(again) == _answer(good) and not again["warnings"]
    _damage_evidence(c)
    code, cli_doc, err = _cli(capsys, SYM, "--src", str(tree), "--scope", scope, "--cache", str(c))
    assert code == 0 and _answer(cli_doc) == _answer(good)
    assert re.search(r"srcscan: warning: the cached flow graph is damaged .*; rebuilt the flow graph", err)


def test_lazy_growth_stopping_in_the_first_round_is_a_warning_not_a_crash(tree, tmp_path, monkeypatch):
    """On a huge tree a query naming more names than a round may follow stops before any
    round ran: that used to read the analysis of a round that never happened."""
    monkeypatch.setattr(lazy, "LAZY_FULL_FALLBACK_FILES", 1)
    monkeypatch.setattr(lazy, "LAZY_MAX_NEW_NAMES", 0)
    a = lazy.analyse_lazy(DirSnapshot([tree], whole=True), SYM, cache=FactCache(tmp_path / "c"))
    assert a.scope.startswith("lazy: 0 of ") and any("lazy scope stopped after 0 round(s)" in w for w in a.warnings)


def test_the_size_rule_is_written_once_and_documented_as_it_is():
    from srcscan.commands import index as index_cmd

    assert not lazy.lazy_by_default(lazy.LAZY_AUTO_FILES) and lazy.lazy_by_default(lazy.LAZY_AUTO_FILES + 1)
    said = f"{lazy.LAZY_AUTO_FILES:,}"
    assert said in index_cmd.DESCRIPTION
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf), pytest.raises(SystemExit):
        main(["trace", "--help"])
    assert f"more than {said} files" in " ".join(buf.getvalue().split())


def test_full_scope_on_a_tree_too_big_for_a_whole_graph_never_builds_one(tree, tmp_path, capsys, monkeypatch):
    """Above the size rule, --scope full still reads every file but each query builds the
    graph only as far as it reaches: no query (not even the second) builds and stores the
    whole graph, which would not fit in memory for a whole checkout. The same question asked
    again is answered from the kept answer; a changed file, or another question, traces anew."""
    cache = tmp_path / "c"
    _, small, _ = _cli(capsys, SYM, "--src", str(tree), "--scope", "full", "--no-cache")
    monkeypatch.setattr(lazy, "LAZY_AUTO_FILES", 20)
    code, doc, err = _cli(capsys, SYM, "--src", str(tree), "--scope", "full", "--cache", str(cache))
    assert code == 0 and doc["stats"]["scope"] == lazy.HUGE_FULL and "srcscan: scope: full (graph built" in err
    assert "--server URL" in err  # (the way to a fast new question: a running serve)
    assert _answer(doc) == _answer(small) and "answer_reused" not in doc["stats"]
    code, again, err = _cli(capsys, SYM, "--src", str(tree), "--scope", "full", "--cache", str(cache))
    assert code == 0 and again["stats"]["answer_reused"] and "answer is reused" in err
    assert _answer(again) == _answer(small)
    import zlib

    for junk in (b"junk", zlib.compress(json.dumps({"doc": {"stats": {}}, "warnings": []}).encode())):
        db = sqlite3.connect(cache / "facts.sqlite")  # a damaged or foreign kept answer: traced again
        db.execute("UPDATE blobs SET data = ? WHERE name LIKE 'trace-doc:%'", (junk,))
        db.commit()
        db.close()
        code, anew, _ = _cli(capsys, SYM, "--src", str(tree), "--scope", "full", "--cache", str(cache))
        assert code == 0 and "answer_reused" not in anew["stats"] and _answer(anew) == _answer(small)
    code, other, _ = _cli(capsys, SYM, "--src", str(tree), "--scope", "full", "--cache", str(cache), "--to", TO)
    assert code == 0 and "answer_reused" not in other["stats"] and other["paths"] != small["paths"]
    gim = next(tree.rglob("GIMKvm.cpp"))
    gim.write_text(gim.read_text().replace("u32TscScale", "u32TscScaleRenamed"))
    code, changed, _ = _cli(capsys, SYM, "--src", str(tree), "--scope", "full", "--cache", str(cache))
    assert code == 0 and "answer_reused" not in changed["stats"] and _answer(changed) != _answer(small)
    db = sqlite3.connect(cache / "facts.sqlite")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "graphs" not in tables or db.execute("SELECT COUNT(*) FROM graphs").fetchone()[0] == 0  # none stored
    db.close()


def test_why_not_on_a_tree_too_big_for_a_whole_graph_never_builds_one(tree, tmp_path, capsys, monkeypatch):
    """why-not follows the same size rule: on a whole checkout each run builds only what the
    question reaches (a second run used to build and store the whole graph); same answer."""
    def why_not(*extra):
        code = main(["why-not", SYM, TO, "--src", str(tree), "--format", "json", *extra])
        return code, json.loads(capsys.readouterr().out)

    code, small = why_not("--no-cache")
    monkeypatch.setattr(lazy, "LAZY_AUTO_FILES", 20)
    cache = tmp_path / "c"
    for _ in range(2):
        got = why_not("--cache", str(cache))
        assert got == (code, small)
    db = sqlite3.connect(cache / "facts.sqlite")
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "graphs" not in tables or db.execute("SELECT COUNT(*) FROM graphs").fetchone()[0] == 0
    db.close()
