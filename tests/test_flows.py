"""Annotated flow tests: each C file under tests/flows/ says what must be found in it.

    // flow here: A -> B                 a path from A to B must exist
    // no flow here: A -> B              no path may exist
    // known miss: A -> B (why)          a path should exist but srcscan does not find it yet;
                                         the test fails when it starts working (update the note)
    // why-not: A -> B : KIND            no path, and why-not names KIND among its reasons

An optional [options] after the marker sets the configuration: -D NAME, -U NAME, --keep-if0,
--no-control. A and B are spelled as for `srcscan trace`.
"""
import re
import shlex
from pathlib import Path

import pytest

from srcscan.errors import NotFound
from srcscan.extract.facts import extract
from srcscan.graph.flow import BuildOptions, build_graph
from srcscan.extract.ppcond import Config
from srcscan.graph.program import Program
from srcscan.query.whynot import WhyNot, _match, _path

FLOWS = Path(__file__).parent / "flows"
LINE = re.compile(r"//\s*(flow here|no flow here|known miss|why-not)\s*(?:\[([^\]]*)\])?:\s*(.+?)\s*->\s*(.+)$")


def _cases():
    for f in sorted(FLOWS.glob("*.c")):
        for i, line in enumerate(f.read_text().splitlines(), 1):
            m = LINE.search(line)
            if m:
                yield pytest.param(f, i, *m.groups(), id=f"{f.stem}:{i}")


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
    return Config.from_args(d, u, keep), control


_BUILT = {}


def _build(path, config, control):
    key = (path, repr(config), control)
    if key not in _BUILT:
        ff = extract(path.name, path.read_bytes())
        assert ff.error_nodes == 0, f"{path.name} does not parse cleanly"
        program = Program({path.name: ff})
        _BUILT[key] = (program, build_graph(program, options=BuildOptions(config=config, control=control)))
    return _BUILT[key]


@pytest.mark.parametrize("path,line,marker,opts,a,rest", list(_cases()))
def test_flow_annotation(path, line, marker, opts, a, rest):
    config, control = _options(opts)
    program, builder = _build(path, config, control)
    g = builder.g
    if marker == "why-not":
        b, _, kind = rest.rpartition(" : ")
        doc = WhyNot(program, builder, config, control).explain(a.strip(), b.strip())
        assert not doc["path_exists"], f"{path.name}:{line}: a path exists: {doc['path']}"
        kinds = [r["kind"] for r in doc["reasons"]]
        assert kind.strip() in kinds, f"{path.name}:{line}: reasons {kinds}"
        return
    b = re.sub(r"\s*\(.*\)\s*$", "", rest) if marker == "known miss" else rest
    try:
        found = _path(g, _match(g, a.strip(), False), set(_match(g, b.strip(), False)), control)
    except NotFound:  # a name that exists only in excluded branches
        if marker == "flow here":
            raise
        found = None
    if marker == "flow here":
        assert found, f"{path.name}:{line}: no path {a} -> {b}"
    elif marker == "no flow here":
        assert not found, f"{path.name}:{line}: unexpected path {found}"
    else:
        assert not found, f"{path.name}:{line}: known miss now works ({found}); turn it into 'flow here'"


def test_every_flow_file_has_annotations():
    files = sorted(FLOWS.glob("*.c"))
    assert len(files) >= 5
    for f in files:
        assert LINE.search(f.read_text(), re.M) or any(LINE.search(ln) for ln in f.read_text().splitlines()), f


def test_macro_definitions_keep_names_and_return_types():
    ff = extract("macros.c", (FLOWS / "macros.c").read_bytes())
    got = {f.name: (f.ret_type, [p.name for p in f.params], f.name_rule) for f in ff.functions}
    assert got["tmGetRate"] == ("VBOXSTRICTRC", ["pTm"], None)
    assert got["iemOp_rate"] == ("VBOXSTRICTRC", ["pVCpu", "bRm"], "iem-opcode")
    assert got["PGM_BTH_SyncPage"][0] == "int" and got["PGM_BTH_SyncPage"][2] == "pgm-mode-name"
    assert got["iemCImpl_setrate"][1] == ["pVCpu", "cbInstr", "uNewRate"]
