"""Annotated flow tests: each C/C++ file under tests/flows/ says what must be found in it.

    // flow here: A -> B                 a path from A to B must exist
    // no flow here: A -> B              no path may exist
    // known miss: A -> B (why)          a path should exist but srcscan does not find it yet;
                                         the test fails when it starts working (update the note)
    // why-not: A -> B : KIND            no path, and why-not names KIND among its reasons

An optional [options] after the marker sets the configuration: -D NAME, -U NAME, --keep-if0,
--no-control. A and B are spelled as for `srcscan trace`.

A test that needs several files (a header and the files including it) is a folder under
tests/flows/: its files are analysed together, and the annotations may sit in any of them.

Each annotation is checked the way users ask: ``srcscan.trace(A, to=B)`` through the public
API, and ``srcscan trace A --to B --format json`` through the command line (same answer).
"""
import json
import re
import shlex
from pathlib import Path

import pytest

import srcscan
from srcscan import cli
from srcscan.errors import NotFound
from srcscan.extract.facts import extract
from srcscan.extract.ppcond import Config
from srcscan.query.whynot import why_not

FLOWS = Path(__file__).parent / "flows"
LINE = re.compile(r"//\s*(flow here|no flow here|known miss|why-not)\s*(?:\[([^\]]*)\])?:\s*(.+?)\s*->\s*(.+)$")
SUFFIXES = (".c", ".cpp")
PART_SUFFIXES = (".c", ".cpp", ".h", ".hpp")


def _files():
    """The flow tests: single files, and folders whose files are analysed together."""
    return sorted(f for f in FLOWS.iterdir() if f.suffix in SUFFIXES or f.is_dir())


def _parts(path):
    """The source files of one flow test (a folder's files, or the file itself)."""
    return sorted(f for f in path.iterdir() if f.suffix in PART_SUFFIXES) if path.is_dir() else [path]


def _cases():
    for f in _files():
        for part in _parts(f):
            for i, line in enumerate(part.read_text().splitlines(), 1):
                m = LINE.search(line)
                if m:
                    where = f"{f.name}/{part.name}" if f.is_dir() else f.name
                    yield pytest.param(f, i, *m.groups(), id=f"{where}:{i}")


def _options(text):
    d, u, keep, control = [], [], False, True
    toks = shlex.split(text or "")
    it = iter(toks)
    for t in it:
        if t in ("-D", "--define"):
            d.append(next(it))
        elif t in ("-U", "--undef"):
            u.append(next(it))
        elif t == "--keep-if0":
            keep = True
        elif t == "--no-control":
            control = False
        else:
            raise ValueError(f"unknown option {t!r}")
    return d, u, keep, control


_ANALYSED = {}


def _analysis(path, d, u, keep, control):
    key = (path, tuple(d), tuple(u), keep, control)
    if key not in _ANALYSED:
        for part in _parts(path):
            ff = extract(part.name, part.read_bytes())
            # a flow file is clean C/C++ unless it says it tests the parser's error recovery
            assert ff.error_nodes == 0 or "parser loses" in part.read_text(), f"{part.name} does not parse cleanly"
        _ANALYSED[key] = srcscan.analyse_sources([str(path)], defines=d, undefs=u, keep_if0=keep, control=control,
                                                 cache=False)
    return _ANALYSED[key]


def _api_paths(path, opts, a, b):
    d, u, keep, control = _options(opts)
    try:
        tr = srcscan.trace(a, analysis=_analysis(path, d, u, keep, control), to=b, defines=d, undefs=u,
                           keep_if0=keep, control=control)
    except NotFound:  # a name that exists only in excluded branches, or no path to --to
        return []
    return [p["nodes"] for p in tr.paths if p["direction"] == "to"]


def _cli_paths(path, opts, a, b, capsys):
    d, u, keep, control = _options(opts)
    argv = ["trace", a, "--to", b, "--src", str(path), "--no-cache", "--format", "json"]
    argv += [x for n in d for x in ("-D", n)] + [x for n in u for x in ("-U", n)]
    argv += ["--keep-if0"] * keep + ["--no-control"] * (not control)
    capsys.readouterr()
    code = cli.main(argv)
    out = capsys.readouterr().out
    if code != 0:
        assert code == 1, f"srcscan {' '.join(argv)}: exit {code}"
        return []
    return [p["nodes"] for p in json.loads(out)["paths"] if p["direction"] == "to"]


@pytest.mark.parametrize("path,line,marker,opts,a,rest", list(_cases()))
def test_flow_annotation(path, line, marker, opts, a, rest, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    if marker == "why-not":
        b, _, kind = rest.rpartition(" : ")
        d, u, keep, control = _options(opts)
        files = {part.name: extract(part.name, part.read_bytes()) for part in _parts(path)}
        doc = why_not(files, a.strip(), b.strip(), Config.from_args(d, u, keep), control, False)
        assert not doc["path_exists"], f"{path.name}:{line}: a path exists: {doc['path']}"
        kinds = [r["kind"] for r in doc["reasons"]]
        assert kind.strip() in kinds, f"{path.name}:{line}: reasons {kinds}"
        assert not _api_paths(path, opts, a.strip(), b.strip()), f"{path.name}:{line}: trace --to finds a path"
        return
    b = re.sub(r"\s*\(.*\)\s*$", "", rest) if marker == "known miss" else rest
    found = _api_paths(path, opts, a.strip(), b.strip())
    if marker == "flow here":
        assert found, f"{path.name}:{line}: srcscan.trace finds no path {a} -> {b}"
    elif marker == "no flow here":
        assert not found, f"{path.name}:{line}: unexpected path {found[0]}"
    else:
        assert not found, f"{path.name}:{line}: known miss now works ({found[0]}); turn it into 'flow here'"
    # the command line gives the same answer as the API
    assert bool(_cli_paths(path, opts, a.strip(), b.strip(), capsys)) == bool(found), f"{path.name}:{line}: CLI differs"


def test_every_flow_file_has_annotations():
    files = _files()
    assert len(files) >= 5
    for f in files:
        assert any(LINE.search(ln) for part in _parts(f) for ln in part.read_text().splitlines()), f


def test_macro_definitions_keep_names_and_return_types():
    ff = extract("macros.c", (FLOWS / "macros.c").read_bytes())
    got = {f.name: (f.ret_type, [p.name for p in f.params], f.name_rule) for f in ff.functions}
    assert got["tmGetRate"] == ("VBOXSTRICTRC", ["pTm"], None)
    assert got["iemOp_rate"] == ("VBOXSTRICTRC", ["pVCpu", "bRm"], "iem-opcode")
    assert got["PGM_BTH_SyncPage"][0] == "int" and got["PGM_BTH_SyncPage"][2] == "pgm-mode-name"
    assert got["iemCImpl_setrate"][1] == ["pVCpu", "cbInstr", "uNewRate"]
