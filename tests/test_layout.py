"""The package shows its pipeline: stage folders, imports pointing one way (DESIGN.md §2),
no grab-bag modules. Fails when a lower stage imports a higher one."""
import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "srcscan"

# sources <- extract <- graph <- query/logs <- render <- commands, cli, api
LAYERS = {"": 0, "errors": 0, "util": 0, "datafiles": 0, "sources": 1, "extract": 2, "graph": 3, "query": 4,
          "logs": 4, "render": 5, "commands": 6, "cli": 6, "api": 6, "__main__": 6,
          "serve": 6}  # serve: the web explorer, a door like cli and api


def _modules():
    for p in sorted(PKG.rglob("*.py")):
        rel = p.relative_to(PKG)
        if rel.parts[0] == "sample":
            continue
        yield p, rel


def _stage(parts: list[str]) -> str:
    return parts[0] if parts else ""


def _imports(p: Path, rel: Path):
    """(line, imported module as parts under srcscan) for every import of srcscan code."""
    pkg = list(rel.parts[:-1])
    for node in ast.walk(ast.parse(p.read_text(), str(p))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[: len(pkg) - (node.level - 1)]
            elif (node.module or "").split(".")[0] == "srcscan":
                yield node.lineno, node.module.split(".")[1:]
                continue
            else:
                continue
            mod = base + (node.module.split(".") if node.module else [])
            if node.module is None:  # from . import a, b
                for a in node.names:
                    yield node.lineno, mod + [a.name]
            else:
                yield node.lineno, mod
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] == "srcscan":
                    yield node.lineno, a.name.split(".")[1:]


def test_imports_point_down_the_pipeline():
    bad = []
    for p, rel in _modules():
        parts = list(rel.with_suffix("").parts)
        # the package's __init__ is a door too (srcscan.trace is api.trace, imported lazily)
        me = "api" if parts == ["__init__"] else _stage(parts)
        assert me in LAYERS, f"{rel}: a new top-level module or stage; give it a layer in this test"
        for line, mod in _imports(p, rel):
            other = _stage(mod)
            if other not in LAYERS:  # a top-level name of the package itself (__version__)
                other = ""
            if LAYERS[other] > LAYERS[me]:
                bad.append(f"{rel}:{line} imports {'.'.join(mod)} (a later stage)")
    assert not bad, "\n".join(bad)


def test_layer_check_catches_an_upward_import(tmp_path):
    # the check itself must bite: an extract module importing the query stage is reported
    p = tmp_path / "x.py"
    p.write_text("from ..query.trace import trace\n")
    mods = list(_imports(p, Path("extract/x.py")))
    assert mods == [(1, ["query", "trace"])] and LAYERS["query"] > LAYERS["extract"]


def test_package_is_grouped_by_stage():
    top = sorted(p.name for p in PKG.glob("*.py") if p.name not in ("__init__.py", "__main__.py", "cli.py", "api.py"))
    assert len(top) <= 8, top
    long = [f"{rel} ({n} lines)" for p, rel in _modules() if (n := len(p.read_text().splitlines())) > 600]
    assert not long, long
    names = {rel.with_suffix("").as_posix() for _, rel in _modules()}
    assert not [n for n in names if n + "s" in names], "two modules differ only by a trailing s"
    undocumented = [str(rel) for p, rel in _modules()
                    if p.read_text().strip() and not ast.get_docstring(ast.parse(p.read_text()))]
    assert not undocumented, undocumented
