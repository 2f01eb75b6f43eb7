"""Clock drift from the TSC frequency a guest is told: the numbers of the kvm-clock story."""
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from srcscan.cli import main
from srcscan.logs.drift import Drift, kvm_hz, kvm_scale_shift, load_config, read_dmesg, shell_quote

TOLD, ACTUAL = 3478274491, 3400109000
SAMPLE = Path(__file__).resolve().parent.parent / "srcscan" / "sample"


def write_log(tmp_path, *messages, name="Ubuntu 22.04") -> str:
    lines = ["VirtualBox VM 6.1.32 r149290 linux.amd64 (Jan 13 2022 21:35:55) release log",
             "************************* CFGM dump *************************", "[/] (level 0)",
             f'  Name              <string>  = "{name}" (cb={len(name) + 1})', *messages]
    p = tmp_path / "VBox.log"
    p.write_text("".join(f"00:00:00.{100000 + i:06d} {m}\n" for i, m in enumerate(lines)), encoding="utf-8")
    return str(p)


TM_LINE = "TM: cTSCTicksPerSecond=3 478 274 491 (0xcf5241bb) enmTSCMode=1 (VirtTscEmulated)"


def kvm_line(scale, shift, cpu=0):
    return (f"GIM: KVM: VCPU{cpu:3d}: Enabled system-time struct. at 0x000000000360e000 - u32TscScale={scale:#x} "
            f"i8TscShift={shift} uVersion=2 fFlags=0x1 uTsc=0x27f7723ca uVirtNanoTS=0xb7d877e7")


def test_the_issue_numbers(tmp_path, capsys):
    """58.65 s of guest time per real minute, slow by ~2.25 % (22 472.5 ppm, the issue's
    '22 473'), and the setextradata line with 3400109000."""
    assert main(["drift", write_log(tmp_path, TM_LINE), "--actual-hz", "3400109000"]) == 0
    out = capsys.readouterr().out
    assert "58.65 s of guest time per real minute" in out
    assert "SLOW by 2.247 %" in out and "22 472.5 ppm" in out
    assert 'VBoxManage setextradata "Ubuntu 22.04" "VBoxInternal/TM/TSCTicksPerSecond" 3400109000' in out
    assert "invariant TSC" in out  # the caveat
    assert "VirtualBox 6.1.32 r149290" in out
    d = Drift(TOLD, ACTUAL)
    assert round(d.guest_seconds(60), 2) == 58.65
    assert d.direction == "slow" and abs(d.ppm + 22472.49) < 0.01 and round(-d.ppm, 0) in (22472, 22473)
    assert round(d.ppm / 1e4, 2) == -2.25
    assert round(-d.error_seconds(86400)) == 1942  # half an hour a day


def test_json_output_carries_the_same_numbers(tmp_path, capsys):
    assert main(["drift", write_log(tmp_path, TM_LINE), "--actual-hz", "3400.109MHz", "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["told"]["hz"] == TOLD and doc["told"]["expr"] == "pVM->tm.s.cTSCTicksPerSecond"
    assert doc["actual"]["hz"] == ACTUAL
    assert round(doc["drift"]["guest_seconds_per_minute"], 2) == 58.65
    assert doc["fix"]["hz"] == ACTUAL and doc["vm_name"] == "Ubuntu 22.04" and doc["version"] == "6.1.32"


def test_guest_running_fast_is_reported_as_gaining(tmp_path, capsys):
    assert main(["drift", write_log(tmp_path, TM_LINE), "--actual-hz", "3500000000"]) == 0
    out = capsys.readouterr().out
    assert "FAST" in out and "gains" in out


def test_kvm_system_time_recomputed_and_checked_against_the_tm_line(tmp_path, capsys):
    scale, shift = kvm_scale_shift(TOLD)
    assert (scale, shift) == (0x93330D6C, -1)
    log = write_log(tmp_path, TM_LINE, kvm_line(scale, shift, 0), kvm_line(scale, shift, 1))
    assert main(["drift", log, "--actual-hz", str(ACTUAL)]) == 0
    out = capsys.readouterr().out
    assert "u32TscScale=0x93330d6c i8TscShift=-1" in out and "agrees" in out and "disagree" not in out


def test_disagreeing_scale_is_called_out_and_drives_the_drift(tmp_path, capsys):
    scale, shift = kvm_scale_shift(3_300_000_000)
    assert main(["drift", write_log(tmp_path, TM_LINE, kvm_line(scale, shift)), "--actual-hz", str(ACTUAL),
                 "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert any("values disagree" in n for n in doc["notes"])
    assert abs(doc["guest_hz"] - 3_300_000_000) < 10  # the guest's clock follows the struct


def test_kvm_line_alone_is_enough(tmp_path, capsys):
    scale, shift = kvm_scale_shift(TOLD)
    assert main(["drift", write_log(tmp_path, kvm_line(scale, shift)), "--actual-hz", str(ACTUAL)]) == 0
    assert "58.65 s of guest time per real minute" in capsys.readouterr().out


def test_guest_dmesg_gives_the_actual_frequency(capsys):
    assert main(["drift", str(SAMPLE / "VBox.log"), "--guest-dmesg", str(SAMPLE / "dmesg-guest.txt")]) == 0
    out = capsys.readouterr().out
    assert "3 400 109 000 Hz" in out and "58.65 s" in out and "3400109000" in out


@pytest.mark.parametrize("line, hz", [
    ("[    0.000005] tsc: Detected 3400.109 MHz processor", 3400109000),
    ("[    0.000000] vmware: TSC freq read from hypervisor : 3400.109 MHz", 3400109000),
    ("[    1.704418] tsc: Refined TSC clocksource calibration: 3399.998 MHz", 3399998000),
])
def test_dmesg_patterns(tmp_path, line, hz):
    p = tmp_path / "dmesg.txt"
    p.write_text(f"[    0.000000] Linux version 5.15.0\n{line}\n")
    assert read_dmesg(str(p), load_config()).hz == hz


def test_dmesg_of_a_kvm_clock_guest_is_flagged(tmp_path, capsys):
    p = tmp_path / "dmesg.txt"
    p.write_text("[    0.000000] kvm-clock: Using msrs 4b564d01 and 4b564d00\n"
                 "[    0.000003] tsc: Detected 3478.274 MHz processor\n")
    assert main(["drift", write_log(tmp_path, TM_LINE), "--guest-dmesg", str(p)]) == 0
    assert "kvm-clock guest" in capsys.readouterr().out


def test_without_actual_frequency_the_told_one_is_still_shown(tmp_path, capsys):
    assert main(["drift", write_log(tmp_path, TM_LINE)]) == 0
    out = capsys.readouterr().out
    assert "3 478 274 491 Hz" in out and "--actual-hz" in out and "setextradata" not in out


def test_log_without_tsc_line_is_nothing_found(tmp_path, capsys):
    assert main(["drift", write_log(tmp_path, "HM: nothing here"), "--actual-hz", "1e9"]) == 1
    assert "no TSC frequency line" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["--actual-hz", "fast"], ["--actual-hz", "12"], ["--guest-dmesg", "/nonexistent"]])
def test_bad_options_are_one_line_errors(tmp_path, capsys, argv):
    assert main(["drift", write_log(tmp_path, TM_LINE), *argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("srcscan: error:")


def test_hostile_vm_name_cannot_inject_into_the_fix_command(tmp_path, capsys):
    log = write_log(tmp_path, TM_LINE, name='x"; rm -rf ~; echo "$(id)`id`')
    assert main(["drift", log, "--actual-hz", str(ACTUAL)]) == 0
    out = capsys.readouterr().out
    cmd = next(line for line in out.splitlines() if "setextradata" in line and "TSCTicksPerSecond\" 34" in line)
    assert "'x\"; rm -rf ~; echo \"$(id)`id`'" in cmd  # single-quoted: nothing expands
    assert shell_quote("it's") == "\"it's\"" and shell_quote("a$b'c") == "'a$b'\"'\"'c'"


def test_escape_sequences_in_the_log_never_reach_the_terminal(tmp_path, capsys):
    log = write_log(tmp_path, TM_LINE, name="vm\x1b]0;owned\x07")
    assert main(["drift", log, "--actual-hz", str(ACTUAL)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "<VM name>" in out


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=1_000_000, max_value=15_000_000_000))
def test_scale_shift_round_trip_within_one_ppm(hz):
    """frequency -> (u32TscScale, i8TscShift) -> frequency, 1 MHz .. 15 GHz."""
    scale, shift = kvm_scale_shift(hz)
    assert 0 < scale < 2 ** 32 and -128 <= shift <= 127
    assert abs(kvm_hz(scale, shift) / hz - 1) < 1e-6


def test_guest_formula_matches_the_inversion():
    """A guest computing ns = ((tsc << shift) * scale) >> 32 over one told second of
    ticks gets one second."""
    for hz in (1_000_000, 999_999_937, 2_000_000_001, TOLD, 14_999_999_999):
        scale, shift = kvm_scale_shift(hz)
        ticks = hz
        t = ticks << shift if shift >= 0 else ticks >> -shift
        ns = (t * scale) >> 32
        assert abs(ns - 1_000_000_000) <= 1_000_000_000 * 1e-6


def _lines(*texts):
    from srcscan.logs.vboxlog import LogLine

    return [LogLine(i + 1, None, t) for i, t in enumerate(texts)]


def test_drift_toml_patterns_decide_which_lines_count_not_the_engine():
    """A told-frequency pattern for a line without "TSC" in it (another log layout) is found:
    which lines are worth searching is drift.toml's prefilter, not a word in the engine."""
    from srcscan.datafiles import load_toml
    from srcscan.logs.drift import scan_log

    doc = load_toml("models/drift.toml")
    doc["told"] = {"patterns": [r"^Clock: host frequency (?P<hz>\d+) Hz"]}
    found = scan_log(_lines("Clock: host frequency 3400109000 Hz"), load_config(doc))
    assert [s.value for s in found.told] == [3400109000]
    doc["told"]["prefilter"] = ["frequency"]
    assert [s.value for s in scan_log(_lines("Clock: host frequency 3400109000 Hz"), load_config(doc)).told] == \
        [3400109000]
    doc["told"]["prefilter"] = ["TSC"]  # a prefilter the line lacks: not searched
    assert scan_log(_lines("Clock: host frequency 3400109000 Hz"), load_config(doc)).told == []
    doc["told"]["prefilter"] = "TSC"
    with pytest.raises(Exception, match=r"\[told\] prefilter must be a list"):
        load_config(doc)


def test_shipped_prefilters_keep_the_shipped_lines():
    from srcscan.logs.drift import scan_log

    cfg = load_config()
    assert cfg["told"]["prefilter"] and cfg["kvm"]["prefilter"]
    found = scan_log(_lines(TM_LINE, kvm_line(0xd3a1b45b, -1)), cfg)
    assert [s.value for s in found.told] == [TOLD] and [k.scale for k in found.kvm] == [0xd3a1b45b]
