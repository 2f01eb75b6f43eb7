"""srcscan report TRACE.json: re-render a saved trace; bad input is one line and exit 2."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from srcscan.cli import main

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "trace-sample.json"


@pytest.mark.parametrize("fmt", ["html", "sarif", "markdown", "dot", "graphml"])
def test_report_formats_to_file(fmt, tmp_path, capsys):
    out = tmp_path / f"r.{fmt}"
    assert main(["report", str(SAMPLE), "--format", fmt, "-o", str(out)]) == 0
    assert out.stat().st_size > 1000
    assert capsys.readouterr().out == ""


def test_report_to_stdout_and_from_stdin(monkeypatch, capsys):
    import io
    import sys

    assert main(["report", str(SAMPLE), "-f", "markdown"]) == 0
    first = capsys.readouterr().out
    assert first.startswith("# srcscan trace:")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SAMPLE.read_bytes())))
    assert main(["report", "-", "-f", "markdown"]) == 0
    assert capsys.readouterr().out == first


def bad(tmp_path, capsys, content: bytes | None, *extra) -> str:
    path = tmp_path / "t.json"
    if content is not None:
        path.write_bytes(content)
    assert main(["report", str(path), "-f", "html", *extra]) == 2
    err = capsys.readouterr()
    assert err.out == ""
    lines = err.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("srcscan: error: ") and "Traceback" not in err.err
    return lines[0]


def test_truncated_json(tmp_path, capsys):
    msg = bad(tmp_path, capsys, SAMPLE.read_bytes()[:2000])
    assert "invalid JSON" in msg and "truncated" in msg


def test_wrong_schema_and_shapes(tmp_path, capsys):
    assert "not a srcscan trace" in bad(tmp_path, capsys, b'{"schema": "other/1"}')
    assert "not a srcscan trace" in bad(tmp_path, capsys, b"[1, 2]")
    assert "'nodes' must be a list" in bad(tmp_path, capsys, b'{"schema": "srcscan-trace/1", "nodes": 3}')
    t = json.loads(SAMPLE.read_text())
    t["paths"][0]["edges"].append("e-missing")
    assert "paths[0]" in bad(tmp_path, capsys, json.dumps(t).encode())
    t = json.loads(SAMPLE.read_text())
    t["edges"][0]["dst"] = "nowhere"
    assert "names a node" in bad(tmp_path, capsys, json.dumps(t).encode())


def test_missing_empty_binary(tmp_path, capsys):
    assert "cannot read" in bad(tmp_path, capsys, None)
    assert "empty" in bad(tmp_path, capsys, b"  \n")
    assert "not UTF-8" in bad(tmp_path, capsys, b"\xff\xfe{")


def test_output_folder_missing(tmp_path, capsys):
    assert main(["report", str(SAMPLE), "-f", "dot", "-o", str(tmp_path / "no" / "x.dot")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_help_mentions_formats(capsys):
    with pytest.raises(SystemExit):
        main(["report", "--help"])
    out = capsys.readouterr().out
    for fmt in ("html", "sarif", "markdown", "dot", "graphml"):
        assert fmt in out
