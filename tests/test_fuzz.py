"""Fuzzing (issue 7) with hypothesis: random and mutated C/C++ into fact extraction and the
whole trace path, random and mutated VBox.log bytes into the log reader, the log-statement
matcher and the drift parser. The only exception allowed out is a SrcscanError (the documented
error type); every input has a time bound (hypothesis ``deadline``).

Budget: ``SRCSCAN_FUZZ_EXAMPLES`` examples per property (default 50, for CI). A longer local
run (see docs/testing.md):

    SRCSCAN_FUZZ_EXAMPLES=5000 pytest tests/test_fuzz.py -q
"""
from __future__ import annotations

import os
import random
import tempfile
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srcscan.errors import SrcscanError

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "srcscan" / "sample" / "tree"
SAMPLE_LOG = ROOT / "srcscan" / "sample" / "VBox.log"
SAMPLE_DMESG = ROOT / "srcscan" / "sample" / "dmesg-guest.txt"
EXAMPLES = int(os.environ.get("SRCSCAN_FUZZ_EXAMPLES", "50"))

SOURCES = sorted(p for p in SAMPLE.rglob("*") if p.is_file() and p.suffix in (".c", ".cpp", ".h"))
SOURCE_BYTES = {p.relative_to(SAMPLE).as_posix(): p.read_bytes() for p in SOURCES}
LOG_BYTES = SAMPLE_LOG.read_bytes()
LOG_LINES = LOG_BYTES.splitlines(keepends=True)

# Tokens that stress a C/C++ reader: brackets, preprocessor, comments and strings left open,
# declaration macros, odd bytes.
C_TOKENS = [b"{", b"}", b"(", b")", b"[", b"]", b";", b",", b"->", b".", b"&", b"*", b"=", b"+=", b"<<", b"?", b":",
            b"::", b"#if 0\n", b"#if defined(IN_RING3)\n", b"#else\n", b"#endif\n", b"#define X(a) a##a\n", b"#include",
            b"/*", b"*/", b"//", b"\"", b"'", b"\\\n", b"\\", b"DECLCALLBACK(int)", b"VMMR3_INT_DECL(int)",
            b"RT_MIN(", b"LogRel((\"%RU64\\n\", ", b"CFGMR3QueryU64(pCfg, \"Key\", &", b"template<typename T>",
            b"operator()", b"struct", b"union", b"typedef", b"return", b"if (", b"else", b"switch (x) {", b"case 1:",
            b"goto", b"sizeof(", b"\0", b"\xff\xfe", b"\xef\xbb\xbf", b"\xc3\x28", b"\r", b"\t", b"\n" * 3,
            b"x" * 300, b"0x" + b"f" * 40, b"1e999", b"L\"wide\"", b"R\"(raw)\"", b"??=", b"%:", b"<:"]
LOG_TOKENS = [b"00:00:00.000000 ", b"99:99:99.999999 ", b"TM: ", b"GIM: KVM: ", b"cTSCTicksPerSecond=",
              b"3 478 274 491 ", b"(0xcf5241bb) ", b"enmTSCMode=1 (VirtTscEmulated)", b"u32TscScale=0x",
              b"i8TscShift=-1", b"VirtualBox VM ", b"Log opened ", b"\n", b"\r\n", b"\0", b"\xff", b"\x1b[2J",
              b"%s", b"%RU64", b"{", b"}", b"0x" + b"f" * 30, b"-" * 1000, b"9" * 400, b"\xe2\x80\xae"]

FAST = settings(max_examples=EXAMPLES, deadline=timedelta(seconds=5), database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
SLOW = settings(max_examples=max(5, EXAMPLES // 5), deadline=timedelta(seconds=30), database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def mutated(draw, corpus: list[bytes], tokens: list[bytes], max_ops: int = 8) -> bytes:
    """A corpus entry after a few byte- and token-level mutations."""
    data = bytearray(draw(st.sampled_from(corpus)))
    rnd = random.Random(draw(st.integers(0, 2 ** 32 - 1)))
    for _ in range(draw(st.integers(1, max_ops))):
        op = draw(st.sampled_from(["flip", "insert", "delete", "dup", "token", "truncate", "shuffle"]))
        n = len(data)
        if op == "flip" and n:
            for _ in range(rnd.randint(1, 16)):
                data[rnd.randrange(n)] = rnd.randrange(256)
        elif op == "insert":
            pos = rnd.randint(0, n)
            data[pos:pos] = draw(st.binary(max_size=64))
        elif op == "delete" and n:
            a = rnd.randrange(n)
            del data[a:a + rnd.randint(1, 400)]
        elif op == "dup" and n:
            a = rnd.randrange(n)
            chunk = data[a:a + rnd.randint(1, 2000)]
            pos = rnd.randint(0, n)
            data[pos:pos] = chunk * rnd.randint(1, 4)
        elif op == "token":
            pos = rnd.randint(0, n)
            data[pos:pos] = b" ".join(draw(st.lists(st.sampled_from(tokens), min_size=1, max_size=12)))
        elif op == "truncate" and n:
            del data[rnd.randrange(n):]
        elif op == "shuffle" and n:
            words = bytes(data).split(b" ")
            a = rnd.randrange(len(words))
            part = words[a:a + 30]
            rnd.shuffle(part)
            words[a:a + 30] = part
            data = bytearray(b" ".join(words))
    return bytes(data)


C_INPUTS = st.one_of(
    mutated(list(SOURCE_BYTES.values()), C_TOKENS),
    st.binary(max_size=4096),
    st.lists(st.sampled_from(C_TOKENS), max_size=200).map(b" ".join),
    st.text(max_size=2000).map(lambda s: s.encode("utf-8", "surrogatepass")),
)
LOG_INPUTS = st.one_of(
    mutated([LOG_BYTES, b"".join(LOG_LINES[:20])], LOG_TOKENS),
    st.binary(max_size=4096),
    st.lists(st.sampled_from(LOG_LINES + LOG_TOKENS), max_size=200).map(b"".join),
    st.text(max_size=2000).map(lambda s: s.encode("utf-8", "surrogatepass")),
)


# ----------------------------------------------------------------------------- C/C++


@FAST
@given(data=C_INPUTS, name=st.sampled_from(["a.c", "b.cpp", "c.h", "GIMKvm.cpp"]))
def test_extract_never_raises(data, name):
    from srcscan.extract.facts import extract
    from srcscan.extract.records import FileFacts

    try:
        ff = extract(name, data, "k")
    except SrcscanError:
        return
    assert isinstance(ff, FileFacts) and ff.path == name
    for fn in ff.functions:  # spans and lines stay inside the file
        assert 1 <= fn.line <= data.count(b"\n") + 1


@pytest.fixture(scope="module")
def fuzz_dir():
    with tempfile.TemporaryDirectory(prefix="srcscan-fuzz-") as d:
        yield Path(d)


@contextmanager
def mutant_tree(fuzz_dir: Path, name: str, victim: str, data: bytes):
    """A copy of the sample tree (made once per name) with ``victim`` replaced by ``data``
    for the duration; the original is put back after."""
    import shutil

    tree = fuzz_dir / name
    if not tree.exists():
        shutil.copytree(SAMPLE, tree)
    target = tree / victim
    try:
        target.write_bytes(data)
        yield tree
    finally:
        target.write_bytes(SOURCE_BYTES[victim])


@SLOW
@given(data=mutated(list(SOURCE_BYTES.values()), C_TOKENS, max_ops=4),
       victim=st.sampled_from(["src/VBox/VMM/VMMR3/GIMKvm.cpp", "src/VBox/VMM/VMMR3/TM.cpp",
                               "src/VBox/VMM/include/GIMKvmInternal.h"]),
       symbol=st.sampled_from(["cTscTicksPerSecond", "u32TscScale", "GIMKVM.cTscTicksPerSecond",
                               "TMCpuTicksPerSecond()", "cfgm:/TM/TSCTicksPerSecond", "x"]))
def test_trace_path_never_raises(fuzz_dir, data, victim, symbol):
    """The whole path (snapshot, facts, program, flow graph, trace, JSON, every renderer) on
    the sample tree with one file replaced by a mutant."""
    import srcscan
    from srcscan.render import formats, render

    with mutant_tree(fuzz_dir, "tree", victim, data) as tree:
        try:
            doc = srcscan.trace(symbol, src=str(tree), cache=False, jobs=1).to_json()
        except SrcscanError:
            return
        for fmt in formats():
            if fmt != "html":  # html lays out an SVG with graphviz: covered by the report tests
                assert isinstance(render(doc, fmt), str)


@SLOW
@given(data=mutated(list(SOURCE_BYTES.values()), C_TOKENS, max_ops=4),
       victim=st.sampled_from(["src/VBox/VMM/VMMR3/GIMKvm.cpp", "src/VBox/VMM/VMMAll/TMAllCpu.cpp",
                               "src/VBox/VMM/include/GIMKvmInternal.h"]),
       symbol=st.sampled_from(["cTscTicksPerSecond", "u32TscScale", "TMCpuTicksPerSecond()",
                               "cfgm:/TM/TSCTicksPerSecond"]))
def test_graph_on_demand_equals_full_graph_on_mutants(fuzz_dir, data, victim, symbol):
    """History's graph built on demand answers exactly like the full graph, whatever the code."""
    from srcscan.errors import NotFound
    from srcscan.sources.snapshot import DirSnapshot
    from srcscan.query.analysis import analyse, analyse_demand
    from srcscan.query.trace import trace

    with mutant_tree(fuzz_dir, "tree-demand", victim, data) as tree:
        snap = DirSnapshot([tree])
        got = []
        for a in (analyse(snap, None, 1), analyse_demand(snap, None, 1)):
            try:
                doc = trace(a, symbol).to_json()
                got.append({k: v for k, v in doc.items() if k not in ("stats", "source")})
            except NotFound:
                got.append(None)
        assert got[0] == got[1]


# ----------------------------------------------------------------------------- VBox.log


def _write(d: Path, data: bytes, name: str = "VBox.log") -> str:
    p = d / name
    p.write_bytes(data)
    return str(p)


@FAST
@given(data=LOG_INPUTS)
def test_log_reader_never_raises(fuzz_dir, data):
    from srcscan.logs.vboxlog import open_log, printable

    try:
        log = open_log(_write(fuzz_dir, data), show_progress=False)
        for ln in log:
            assert "\n" not in ln.text
            printable(ln.text)
        log.layout.describe()
        log.stats.to_json()
    except SrcscanError:
        pass


@pytest.fixture(scope="module")
def log_index():
    from srcscan.logs.logmap import LogIndex, collect_statements
    from srcscan.sources.snapshot import DirSnapshot

    return LogIndex(collect_statements(DirSnapshot([SAMPLE], whole=True)))


@FAST
@given(data=LOG_INPUTS)
def test_log_matcher_never_raises(fuzz_dir, log_index, data):
    from srcscan.logs.logmap import Summary, observed_values, scan
    from srcscan.logs.vboxlog import open_log

    try:
        log = open_log(_write(fuzz_dir, data), show_progress=False)
        summary, matches = Summary(), []
        for lm in scan(log, log_index):
            summary.add(lm)
            matches.append(lm)
        summary.to_json()
        observed_values(matches)
    except SrcscanError:
        pass


@FAST
@given(data=LOG_INPUTS, dmesg=st.one_of(st.binary(max_size=2048),
                                         mutated([SAMPLE_DMESG.read_bytes()], [b"tsc: Detected ", b" MHz processor\n",
                                                                               b"3400.109", b"kvm-clock", b"\0"])),
       hz=st.text(max_size=30))
def test_drift_never_raises(fuzz_dir, data, dmesg, hz):
    from srcscan.commands.drift import parse_hz
    from srcscan.logs.drift import Drift, load_config, read_dmesg, scan_log
    from srcscan.logs.vboxlog import open_log

    cfg = load_config()
    try:
        found = scan_log(open_log(_write(fuzz_dir, data), show_progress=False), cfg)
        found.told_values()
    except SrcscanError:
        pass
    try:
        d = read_dmesg(_write(fuzz_dir, dmesg, "dmesg.txt"), cfg)
        if d is not None and d.hz:
            Drift(d.hz, 3400109000).to_json()
    except SrcscanError:
        pass
    try:
        parse_hz(hz)
    except SrcscanError:
        pass


@FAST
@given(data=LOG_INPUTS, actual=st.sampled_from(["3400109000", "3.4GHz", "1e3"]))
def test_drift_and_log_commands_never_crash(fuzz_dir, data, actual):
    """Through the command line: exit 0, 1 or 2 and never an internal error."""
    import contextlib
    import io

    from srcscan.cli import main

    path = _write(fuzz_dir, data)
    for argv in (["drift", path, "--actual-hz", actual], ["drift", path, "--format", "json"]):
        buf_out, buf_err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(buf_out), contextlib.redirect_stderr(buf_err):
            code = main(argv)
        err = buf_err.getvalue()
        assert code in (0, 1, 2), err
        assert "internal error" not in err and "Traceback" not in err, err
