"""Annotated flow tests: each C/C++ file under tests/flows/ says what must be found in it.

    // flow here: A -> B                 a path from A to B must exist
    // no flow here: A -> B              no path may exist
    // known miss: A -> B (why)          a path should exist but srcscan does not find it yet;
                                         the test fails when it starts working (update the note)
    // known extra: A -> B (why)          a path exists that should not (a false flow srcscan still
                                         reports); the test fails when it goes (update the note)
    // why-not: A -> B : KIND            no path, and why-not names KIND among its reasons
                                         ("KIND ~ TEXT": one of that kind whose text holds TEXT;
                                         "!KIND ~ TEXT": none, e.g. a reason far from the break)
    // flow here: B <- A                 upstream: A is in B's upstream slice (trace B --direction up)
    // no flow here: B <- A              upstream: A is not (also "known miss: B <- A (why)")
    // edge kind: A -> B : KIND          the edge from A to B exists and has kind KIND (its best evidence)
    // evidence: A -> B : TAG            the edge's first evidence is the line ending in "// @TAG"
    // best path: A -> B : X             trace A (downstream): the path listed through B passes X;
                                         "!X": it does not; "B <- A : X" for trace B upstream

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
from srcscan.query.slicing import match_nodes
from srcscan.query.whynot import why_not

FLOWS = Path(__file__).parent / "flows"
LINE = re.compile(r"//\s*(flow here|no flow here|known miss|known extra|why-not)\s*(?:\[([^\]]*)\])?:\s*(.+?)\s*->\s*(.+)$")
UP = re.compile(r"//\s*(flow here|no flow here|known miss)\s*(?:\[([^\]]*)\])?:\s*(.+?)\s+<-\s+(.+)$")
EXTRA = re.compile(r"//\s*(edge kind|evidence|best path)\s*(?:\[([^\]]*)\])?:\s*(.+?)\s+(->|<-)\s+(.+?)\s+:\s+(\S+)\s*$")
SUFFIXES = (".c", ".cpp")
PART_SUFFIXES = (".c", ".cpp", ".h", ".hpp")


def _files():
    """The flow tests: single files, and folders whose files are analysed together."""
    return sorted(f for f in FLOWS.iterdir() if f.suffix in SUFFIXES or f.is_dir())


def _parts(path):
    """The source files of one flow test (a folder's files, or the file itself)."""
    return sorted(f for f in path.iterdir() if f.suffix in PART_SUFFIXES) if path.is_dir() else [path]


def _cases(pattern=None):
    """pytest params (file, line, the pattern's groups) of every annotation ``pattern`` matches."""
    for f in _files():
        for part in _parts(f):
            for i, line in enumerate(part.read_text().splitlines(), 1):
                m = (pattern or LINE).search(line)
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
        kind, _, text = kind.partition(" ~ ")  # KIND ~ TEXT: a reason of that kind whose text holds TEXT
        kinds = [r["kind"] for r in doc["reasons"] if text.strip() in r["text"]]
        neg = kind.strip().startswith("!")  # !KIND: no such reason
        assert (kind.strip().lstrip("!") in kinds) != neg, \
            f"{path.name}:{line}: reasons {[(r['kind'], r['text']) for r in doc['reasons']]}"
        assert not _api_paths(path, opts, a.strip(), b.strip()), f"{path.name}:{line}: trace --to finds a path"
        return
    b = re.sub(r"\s+\([^()]*\)\s*$", "", rest) if marker.startswith("known") else rest
    found = _api_paths(path, opts, a.strip(), b.strip())
    if marker == "flow here":
        assert found, f"{path.name}:{line}: srcscan.trace finds no path {a} -> {b}"
    elif marker == "no flow here":
        assert not found, f"{path.name}:{line}: unexpected path {found[0]}"
    elif marker == "known extra":
        assert found, f"{path.name}:{line}: known extra flow is gone; turn it into 'no flow here'"
    else:
        assert not found, f"{path.name}:{line}: known miss now works ({found[0]}); turn it into 'flow here'"
    # the command line gives the same answer as the API
    assert bool(_cli_paths(path, opts, a.strip(), b.strip(), capsys)) == bool(found), f"{path.name}:{line}: CLI differs"


def _nodes(g, symbol):
    try:
        return set(match_nodes(g, symbol))
    except NotFound:
        return set()


@pytest.mark.parametrize("path,line,marker,opts,b,a", list(_cases(UP)))
def test_upstream_annotation(path, line, marker, opts, b, a, capsys, monkeypatch):
    """Upstream: the slice of B (direction up) holds A, through the API and the command line."""
    monkeypatch.setenv("NO_COLOR", "1")
    d, u, keep, control = _options(opts)
    an = _analysis(path, d, u, keep, control)
    a = re.sub(r"\s+\([^()]*\)\s*$", "", a) if marker == "known miss" else a
    want = _nodes(an.graph, a.strip())
    try:
        tr = srcscan.trace(b.strip(), analysis=an, direction="up", defines=d, undefs=u, keep_if0=keep,
                           control=control)
        found = sorted(want & set(tr.nodes))
    except NotFound:
        found = []
    if marker == "flow here":
        assert found, f"{path.name}:{line}: {a} is not upstream of {b}"
    else:
        assert not found, f"{path.name}:{line}: {found[0]} is upstream of {b}" + (
            " (known miss now works: turn it into 'flow here')" if marker == "known miss" else "")
    argv = ["trace", b.strip(), "--direction", "up", "--src", str(path), "--no-cache", "--format", "json"]
    argv += [x for n in d for x in ("-D", n)] + [x for n in u for x in ("-U", n)]
    argv += ["--keep-if0"] * keep + ["--no-control"] * (not control)
    capsys.readouterr()
    code = cli.main(argv)
    out = capsys.readouterr().out
    cli_found = want & {n["id"] for n in json.loads(out)["nodes"]} if code == 0 else set()
    assert bool(cli_found) == bool(found), f"{path.name}:{line}: CLI differs"


@pytest.mark.parametrize("path,line,marker,opts,a,arrow,b,want", list(_cases(EXTRA)))
def test_edge_and_path_annotation(path, line, marker, opts, a, arrow, b, want):
    """Edge kinds, evidence lines and which way the cheapest path goes."""
    d, u, keep, control = _options(opts)
    an = _analysis(path, d, u, keep, control)
    g = an.graph
    us, vs = _nodes(g, a), _nodes(g, b)
    assert us and vs, f"{path.name}:{line}: no node named {a if not us else b}"
    if marker in ("edge kind", "evidence"):
        assert arrow == "->", f"{path.name}:{line}: an edge is written A -> B"
        edges = [(x, y, k) for x in sorted(us) for y, k in g.out_edges_kind(x) if y in vs]
        assert len(edges) == 1, f"{path.name}:{line}: {len(edges)} edges {a} -> {b}: {edges}"
        x, y, k = edges[0]
        if marker == "edge kind":
            assert k == want, f"{path.name}:{line}: edge {x} -> {y} has kind {k}, not {want}"
        else:
            tagged = [i for i, ln in enumerate(path.read_text().splitlines(), 1) if ln.rstrip().endswith("// @" + want)]
            assert len(tagged) == 1, f"{path.name}:{line}: tag @{want} must end exactly one line"
            ev = g.evidence_many([(x, y)])[(x, y)]
            assert ev[0]["line"] == tagged[0], f"{path.name}:{line}: evidence at line {ev[0]['line']}, not {tagged[0]}"
        return
    # best path: trace A down (A -> B) or B up (B <- A); the path reaching the far end passes X
    forward = arrow == "->"
    start, far = a, vs  # the symbol written first is traced, the far end is the other
    tr = srcscan.trace(start, analysis=an, direction="down" if forward else "up", defines=d, undefs=u,
                       keep_if0=keep, control=control)
    direction = "downstream" if forward else "upstream"
    hit = None
    for p in tr.paths:
        if p["direction"] != direction:
            continue
        ns = p["nodes"] if forward else list(reversed(p["nodes"]))  # from the start outwards
        for i, n in enumerate(ns):
            if n in far:
                hit = ns[:i + 1]
                break
        if hit:
            break
    assert hit, f"{path.name}:{line}: no {direction} path of {start} reaches {b}"
    neg = want.startswith("!")
    via = _nodes(g, want.lstrip("!"))
    assert via, f"{path.name}:{line}: no node named {want.lstrip('!')}"
    assert bool(via & set(hit)) != neg, f"{path.name}:{line}: the path {hit} {'passes' if neg else 'misses'} {want}"


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
