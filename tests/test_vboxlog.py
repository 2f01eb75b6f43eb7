"""The VBox.log reader: layouts of old and new releases, damaged input, bounded memory."""
import gzip
import os
import subprocess
import sys

import pytest

from srcscan.cli import main
from srcscan.errors import UsageError
from srcscan.logs.vboxlog import open_log, printable

TM = "TM: cTSCTicksPerSecond=3 478 274 491 (0xcf5241bb) enmTSCMode=1 (VirtTscEmulated)"


def read(tmp_path, data: bytes, **kw):
    p = tmp_path / "VBox.log"
    p.write_bytes(data)
    lf = open_log(str(p), show_progress=False, **kw)
    return lf, list(lf)


def test_microsecond_layout_strips_timestamp_and_keeps_time(tmp_path):
    lf, lines = read(tmp_path, f"00:00:01.277674 VirtualBox VM 6.1.16 r140961\n00:00:01.412080 {TM}\n".encode())
    assert lf.layout.digits == 6 and not lf.layout.thread_column
    assert [(ln.lineno, ln.time, ln.text) for ln in lines] == [
        (1, "00:00:01.277674", "VirtualBox VM 6.1.16 r140961"), (2, "00:00:01.412080", TM)]


def test_old_millisecond_layout_of_virtualbox_4(tmp_path):
    data = f"00:00:00.540 VirtualBox 4.0.4 r70112 win.amd64 (Feb 17 2011 19:18:11) release log\n00:00:01.412 {TM}\n"
    lf, lines = read(tmp_path, data.encode())
    assert lf.layout.digits == 3
    assert lines[1].time == "00:00:01.412" and lines[1].text == TM


def test_thread_column_layout_is_detected_and_removed(tmp_path):
    data = "".join(f"00:00:01.27767{i} {t:<8} {msg}\n" for i, (t, msg) in enumerate([
        ("main", "VirtualBox VM 6.1.16 r140961"), ("EMT", TM), ("EMT-1", "GIM: KVM: Resetting MSRs"),
        ("VMPowerUp", "Console: Machine state changed to 'Starting'")]))
    lf, lines = read(tmp_path, data.encode())
    assert lf.layout.thread_column
    assert [ln.thread for ln in lines] == ["main", "EMT", "EMT-1", "VMPowerUp"]
    assert lines[1].text == TM


def test_messages_that_start_with_a_subsystem_are_not_taken_for_threads(tmp_path):
    data = "".join(f"00:00:01.00000{i} {m}\n" for i, m in enumerate(
        ["TM:      cTSCTicksPerSecond=1", "GIM:     Using provider", "HM:      x", "PGM:     y"]))
    lf, lines = read(tmp_path, data.encode())
    assert not lf.layout.thread_column and lines[0].text.startswith("TM:")


def test_crlf_and_invalid_utf8_are_handled_and_counted(tmp_path):
    lf, lines = read(tmp_path, f"00:00:01.000001 {TM}\r\n00:00:01.000002 Name: caf\xe9 \xff\r\n".encode("latin-1"))
    assert lines[0].text == TM
    assert lines[1].bad_utf8 and "\ufffd" in lines[1].text
    assert lf.stats.bad_utf8 == 1


def test_interleaved_lines_are_split_and_marked(tmp_path):
    lf, lines = read(tmp_path, b"00:00:01.000001 TM: a=100:00:01.000002 GIM: KVM: b\n00:00:01.000003 ok\n")
    assert [(ln.time, ln.text, ln.interleaved) for ln in lines[:2]] == [
        ("00:00:01.000001", "TM: a=1", True), ("00:00:01.000002", "GIM: KVM: b", True)]
    assert lf.stats.interleaved == 1 and not lines[2].interleaved


def test_truncated_last_line_and_overlong_lines(tmp_path):
    data = b"00:00:01.000001 ok\n00:00:01.000002 " + b"x" * 5000 + b"\n00:00:01.000003 cut mid-li"
    lf, lines = read(tmp_path, data, max_line=1024)
    assert len(lines) == 3
    assert lines[1].truncated and len(lines[1].text) < 1024
    assert lines[2].truncated and lines[2].text == "cut mid-li"
    assert lf.stats.truncated == 2


def test_untimestamped_lines_are_kept_and_counted(tmp_path):
    lf, lines = read(tmp_path, b"00:00:01.000001 a\ncontinued without stamp\n00:00:01.000002 b\n")
    assert lines[1].time is None and lines[1].text == "continued without stamp"
    assert lf.stats.untimestamped == 1


def test_gzip_logs_are_read_transparently(tmp_path):
    p = tmp_path / "VBox.log.gz"
    p.write_bytes(gzip.compress(f"00:00:01.000001 {TM}\n".encode()))
    lf = open_log(str(p), show_progress=False)
    assert [ln.text for ln in lf] == [TM] and lf.layout.gzip


@pytest.mark.parametrize("content, why", [
    (b"", "empty"),
    (b"hello\nworld\nthis is prose\n", "not a VBox.log"),
    (b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50, "not a VBox.log"),
    (b"[    0.000000] tsc: Detected 3400.109 MHz processor\n" * 10, "not a VBox.log"),
])
def test_files_that_are_not_a_vbox_log_are_refused(tmp_path, content, why):
    p = tmp_path / "x.log"
    p.write_bytes(content)
    with pytest.raises(UsageError, match=why):
        open_log(str(p), show_progress=False)


def test_cli_gives_one_line_errors_for_bad_logs(tmp_path, capsys):
    p = tmp_path / "notes.txt"
    p.write_bytes(b"just some notes\nnothing else\n")
    for argv in (["log", str(p)], ["drift", str(p), "--actual-hz", "3400109000"],
                 ["log", str(tmp_path / "missing.log")], ["drift", str(tmp_path)]):
        assert main(argv) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("srcscan: error: ") and "Traceback" not in err[0]


def test_printable_neutralises_terminal_escapes():
    assert printable("evil \x1b]0;pwned\x07 \x1b[2J \u202e") == "evil \\x1b]0;pwned\\x07 \\x1b[2J \\u202e"
    assert printable("plain text\twith tab") == "plain text\twith tab"


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="needs Linux /proc")
def test_large_log_streams_in_bounded_memory(tmp_path):
    """48 MB of log read by a child process: its peak RSS stays well below the file size."""
    p = tmp_path / "big.log"
    line = f"00:00:01.412080 {TM}\n".encode()
    with open(p, "wb") as f:
        chunk = line * 10000
        while f.tell() < 48 * 1024 * 1024:
            f.write(chunk)
    # VmHWM: this process's own peak (ru_maxrss would include the pytest parent it forked from)
    code = ("import re,sys;from srcscan.logs.vboxlog import open_log;"
            "lf=open_log(sys.argv[1],show_progress=False);n=sum(1 for _ in lf);"
            "print(n, re.search(r'VmHWM:\\s*(\\d+)', open('/proc/self/status').read()).group(1))")
    out = subprocess.run([sys.executable, "-c", code, str(p)], capture_output=True, text=True, check=True).stdout.split()
    assert int(out[0]) == os.path.getsize(p) // len(line)
    assert int(out[1]) < 36 * 1024  # KiB: the interpreter (~15 MB) plus bounded buffers, never the 48 MB file
