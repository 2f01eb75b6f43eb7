"""From a VBox.log line to the statement that printed it, with the printed values bound
to the argument expressions."""
import json
import os
from pathlib import Path

import pytest

from srcscan.cli import main
from srcscan.errors import UsageError
from srcscan.logs.logmap import (LogIndex, LogStatement, Summary, load_log_model, observed_values, scan,
                            statements_from_facts)
from srcscan.extract.records import Call, Expr, FileFacts, Function
from srcscan.logs.vboxlog import LogLine

SAMPLE = Path(__file__).resolve().parent.parent / "srcscan" / "sample"
TM_FMT = ("TM:     cTSCTicksPerSecond=%'RU64 (%#RX64) enmTSCMode=%d (%s)\n"
          "TM: cTSCTicksPerSecondHost=%'RU64 (%#RX64)\n"
          "TM: TSCTiedToExecution=%RTbool TSCNotTiedToHalt=%RTbool\n")
TM_ARGS = ("pVM->tm.s.cTSCTicksPerSecond", "pVM->tm.s.cTSCTicksPerSecond", "pVM->tm.s.enmTSCMode",
           "tmR3GetTSCModeName(pVM)", "pVM->tm.s.cTSCTicksPerSecondHost", "pVM->tm.s.cTSCTicksPerSecondHost",
           "pVM->tm.s.fTSCTiedToExecution", "pVM->tm.s.fTSCNotTiedToHalt")
TM = LogStatement("VMMR3/TM.cpp", 631, "TMR3Init", "LogRel", TM_FMT, TM_ARGS)
GIM = LogStatement("VMMR3/GIMKvm.cpp", 179, "gimR3KvmUpdateSystemTime", "LogRel",
                   "GIM: KVM: VCPU%3d: Enabled system-time struct. at %#RGp - u32TscScale=%#RX32 i8TscShift=%d\n",
                   ("pVCpu->idCpu", "pKvmCpu->GCPhysSystemTime", "SystemTime.u32TscScale", "SystemTime.i8TscShift"))
ANY = LogStatement("VMMR3/VM.cpp", 10, "vmR3Dump", "RTLogPrintf", "%s: %s\n", ("pszA", "pszB"))
LINES = ["TM: cTSCTicksPerSecond=3 478 274 491 (0xcf5241bb) enmTSCMode=1 (VirtTscEmulated)",
         "TM: cTSCTicksPerSecondHost=3 478 274 491 (0xcf5241bb)",
         "TM: TSCTiedToExecution=false TSCNotTiedToHalt=false",
         "GIM: KVM: VCPU  0: Enabled system-time struct. at 0x000000000360e000 - u32TscScale=0x93330d6c i8TscShift=-1",
         "Console: Machine state changed to 'Running'"]


def values(cands):
    return {b.expr: b.value for c in cands for b in c.bindings}


def test_tm_line_binds_argument_expressions_to_printed_values():
    idx = LogIndex([TM, GIM, ANY])
    cands = idx.match(LINES[0])
    assert [(c.stmt.file, c.stmt.line, c.format_line) for c in cands] == [("VMMR3/TM.cpp", 631, 0)]
    assert values(cands) == {"pVM->tm.s.cTSCTicksPerSecond": 3478274491, "pVM->tm.s.enmTSCMode": 1,
                             "tmR3GetTSCModeName(pVM)": "VirtTscEmulated"}
    assert [b.text for b in cands[0].bindings][:2] == ["3 478 274 491", "0xcf5241bb"]


def test_second_and_third_printed_line_of_one_statement():
    idx = LogIndex([TM, GIM])
    assert values(idx.match(LINES[1])) == {"pVM->tm.s.cTSCTicksPerSecondHost": 3478274491}
    c = idx.match(LINES[2])
    assert c[0].format_line == 2 and values(c) == {"pVM->tm.s.fTSCTiedToExecution": False,
                                                   "pVM->tm.s.fTSCNotTiedToHalt": False}


def test_gim_kvm_line_gives_scale_and_shift():
    v = values(LogIndex([TM, GIM]).match(LINES[3]))
    assert v["SystemTime.u32TscScale"] == 0x93330D6C and v["SystemTime.i8TscShift"] == -1


def test_the_most_specific_format_wins_over_a_catch_all():
    idx = LogIndex([ANY, TM])
    assert [c.stmt.file for c in idx.match(LINES[0])] == ["VMMR3/TM.cpp"]
    # "%s: %s" would claim every line: it is counted as too generic, never used
    assert idx.match("Foo: bar") == [] and idx.stats["generic"] == 1


def test_same_format_in_two_places_is_reported_as_ambiguous():
    twin = LogStatement("VMMR3/TM.cpp", 1413, "tmR3Load", "LogRel", TM_FMT, TM_ARGS)
    idx = LogIndex([TM, twin])
    (lm,) = scan([LogLine(1, "00:00:01.0", LINES[0])], idx)
    assert lm.ambiguous and {c.stmt.line for c in lm.candidates} == {631, 1413}


def test_unmatched_lines_are_counted_and_listed_not_dropped():
    idx = LogIndex([TM, GIM])
    s = Summary()
    for lm in scan([LogLine(i + 1, None, t) for i, t in enumerate(LINES)] + [LogLine(9, None, "  ")], idx):
        s.add(lm)
    doc = s.to_json()
    assert (doc["lines"], doc["matched"], doc["unmatched"]) == (5, 4, 1)
    assert doc["unmatched_lines"] == [{"log_line": 5, "time": None, "text": LINES[4]}]
    assert doc["unmatched_by_prefix"] == {"Console:": 1}
    first = doc["statements"][0]
    assert (first["file"], first["first_log_line"], first["count"]) == ("VMMR3/TM.cpp", 1, 1)
    assert first["arguments"][0]["values"][0]["value"] == 3478274491


def test_statement_that_prints_only_the_start_of_a_line():
    start = LogStatement("CFGM.cpp", 3410, "cfgmR3Dump", "pHlp->pfnPrintf", "  %-*s <integer> = %#018llx (%'lld",
                         ("(int)cchMax", "pLeaf->szName", "pLeaf->Value.Integer.u64", "pLeaf->Value.Integer.u64"))
    end = LogStatement("CFGM.cpp", 3417, "cfgmR3Dump", "pHlp->pfnPrintf", ", %'lld MB)\n", ("cb / _1M",))
    cands = LogIndex([start, end]).match("  RamSize           <integer> = 0x0000000100000000 (4 294 967 296, 4 096 MB)")
    assert [(c.stmt.line, c.partial) for c in cands] == [(3410, True), (3417, False)]
    assert values(cands) == {"pLeaf->szName": "RamSize", "pLeaf->Value.Integer.u64": 4294967296, "cb / _1M": 4096}


def test_observed_values_for_trace():
    idx = LogIndex([TM, GIM])
    obs = observed_values(scan([LogLine(i + 1, f"00:00:0{i}.000000", t) for i, t in enumerate(LINES)] +
                               [LogLine(7, "00:00:07.000000", LINES[0])], idx))
    (o,) = obs["pVM->tm.s.cTSCTicksPerSecond"]  # printed twice per line, on two lines: one value
    assert o == {"file": "VMMR3/TM.cpp", "line": 631, "function": "TMR3Init", "macro": "LogRel", "spec": "%'RU64",
                 "text": "3 478 274 491", "value": 3478274491, "count": 2, "log_line": 1,
                 "time": "00:00:00.000000", "ambiguous": False}
    assert obs["SystemTime.i8TscShift"][0]["value"] == -1


def _facts(calls):
    fn = Function("tmR3Foo", "VMMR3/TM.cpp", 1, 99, False, "int", [], calls=calls)
    return FileFacts("VMMR3/TM.cpp", "k", functions=[fn])


def call(callee, *args, line=5):
    exprs = [Expr(a[1:-1] and f'"{a[1:-1]}"', string=a[1:-1]) if a.startswith('"') else Expr(a) for a in args]
    return Call(callee, exprs, line, 0, line, f"{callee}(...)")


def test_statements_from_facts_follow_the_log_model():
    rules = load_log_model()
    stats = {}
    sts = list(statements_from_facts([_facts([
        call("LogRel", '"a=%u\n"', "pVM->a"),
        call("LogRelMax", "32", '"bee=%u\n"', "pVM->b", line=6),
        call("LogRelFunc", '"c=%u\n"', "c", line=7),
        call("LogFlowFuncEnter", line=8),
        call("LogRel", "pszFmtVariable", line=9),
        call("memcpy", "a", "b", "c", line=10),
    ])], rules, stats))
    assert [(s.line, s.format, s.args, s.prefix) for s in sts] == [
        (5, "a=%u\n", ("pVM->a",), ""), (6, "bee=%u\n", ("pVM->b",), ""), (7, "c=%u\n", ("c",), "tmR3Foo: "),
        (8, "ENTER\n", (), "tmR3Foo: ")]
    assert stats["computed_format"] == 1
    idx = LogIndex(sts)
    assert values(idx.match("bee=7")) == {"pVM->b": 7}
    assert values(idx.match("tmR3Foo: c=3")) == {"c": 3}
    assert [c.stmt.line for c in idx.match("tmR3Foo: ENTER")] == [8]


def test_log_model_is_data_and_is_checked():
    rules = load_log_model()
    assert rules["LogRel"].format_arg == 0 and rules["LogRelMax"].format_arg == 1
    assert rules["Log5"].release is False and rules["LogRelFunc"].prefix == "{function}: "
    with pytest.raises(UsageError, match="unknown key"):
        load_log_model({"log": [{"names": ["X"], "format_arg": 0, "fmt_pos": 1}]})
    with pytest.raises(UsageError, match="exactly one"):
        load_log_model({"log": [{"names": ["X"]}]})


def test_cli_on_the_bundled_sample(capsys, tmp_path):
    out = tmp_path / "map.json"
    rc = main(["log", str(SAMPLE / "VBox.log"), "--src", str(SAMPLE / "tree"), "--no-cache", "-f", "json",
               "-o", str(out)])
    assert rc == 0
    doc = json.loads(out.read_text())
    s = doc["summary"]
    assert s["matched"] + s["unmatched"] == s["lines"] and s["unmatched"] == len(s["unmatched_lines"])
    by_fn = {(st["function"], st["format_line"]): st for st in s["statements"]}
    tm = next(st for st in s["statements"] if "cTSCTicksPerSecond=" in st["format"].split("\n")[st["format_line"]])
    assert tm["file"].endswith("VMMR3/TM.cpp") and tm["function"] == "TMR3Init"
    arg = next(a for a in tm["arguments"] if a["expr"] == "pVM->tm.s.cTSCTicksPerSecond")
    assert arg["values"][0]["value"] == 3478274491
    kvm = next(st for (fn, _), st in by_fn.items() if fn == "gimR3KvmUpdateSystemTime")
    assert kvm["count"] == 4
    scale = next(a for a in kvm["arguments"] if a["expr"].endswith("u32TscScale"))
    assert scale["values"][0]["value"] == 0x93330D6C


def test_cli_text_and_each_modes_escape_hostile_log_text(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "x.cpp").write_text('void f(int a) { LogRel(("X: v=%s\\n", a)); }\n')
    log = tmp_path / "VBox.log"
    log.write_bytes(b"00:00:01.000001 X: v=\x1b[31mred\x1b]0;title\x07\n00:00:01.000002 unknown \x1b[2J\n")
    assert main(["log", str(log), "--src", str(src), "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "\\x1b[31mred" in out
    assert "unmatched lines: 1" in out
    assert main(["log", str(log), "--src", str(src), "--no-cache", "--each"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "x.cpp:1 f LogRel" in out and "(no statement)" in out


def test_cli_exit_1_when_no_line_matches(tmp_path, capsys):
    src = tmp_path / "src"
    src.mkdir()
    (src / "x.cpp").write_text('void f(int a) { LogRel(("Never: %d\\n", a)); }\n')
    log = tmp_path / "VBox.log"
    log.write_text("00:00:01.000001 Something else\n")
    assert main(["log", str(log), "--src", str(src), "--no-cache"]) == 1


@pytest.mark.real
@pytest.mark.skipif(not os.environ.get("SRCSCAN_VBOX_SRC"), reason="SRCSCAN_VBOX_SRC not set")
def test_real_tree_maps_tm_and_gim_kvm_lines(tmp_path, capsys):
    """On a real VirtualBox tree the TM and GIM KVM lines of a 6.1 log map to TM.cpp and GIMKvm.cpp."""
    scale = "0x93330d6c"
    log = tmp_path / "VBox.log"
    log.write_text(
        "00:00:01.412005 TM: GIP - u64CpuHz=3 478 274 491 (0xcf5241bb)  SUPGetCpuHzFromGip => 3 478 274 491\n"
        "00:00:01.412080 TM:     cTSCTicksPerSecond=3 478 274 491 (0xcf5241bb) enmTSCMode=1 (VirtTscEmulated)\n"
        "00:00:01.412081 TM: cTSCTicksPerSecondHost=3 478 274 491 (0xcf5241bb)\n"
        "00:00:01.412082 TM: TSCTiedToExecution=false TSCNotTiedToHalt=false\n"
        f"00:00:05.882210 GIM: KVM: VCPU  0: Enabled system-time struct. at 0x000000007ffd7001 - u32TscScale={scale} "
        "i8TscShift=-1 uVersion=2 fFlags=0x1 uTsc=0x1c5a3b2d4e uVirtNanoTS=0x1b2f3c4d5e TscKHz=3478274\n"
        "00:00:05.882300 GIM: KVM: Enabled wall-clock struct. at 0x0000000001c2b080 - u32Sec=1605867338 "
        "u32Nano=421000000 uVersion=2\n")
    assert main(["log", str(log), "--src", os.environ["SRCSCAN_VBOX_SRC"], "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["unmatched"] == 0
    files = {st["file"].rsplit("/", 1)[-1] for st in doc["summary"]["statements"]}
    assert {"TM.cpp", "GIMKvm.cpp"} <= files
    obs = [a for st in doc["summary"]["statements"] for a in st["arguments"]
           if a["expr"] == "pVM->tm.s.cTSCTicksPerSecond"]
    assert obs and obs[0]["values"][0]["value"] == 3478274491
