"""srcscan report: re-render a saved JSON trace in another format (no analysis is re-run)."""
from __future__ import annotations

import json
import sys

from .. import cli
from ..errors import UsageError
from ..util import MAX_JSON_BYTES, MAX_JSON_DEPTH, MAX_JSON_VALUES, json_depth, json_values
from ..render import FORMAT_NAMES, formats, render

NAME = "report"
HELP = "render a saved JSON trace as HTML, SARIF, Markdown, DOT, GraphML, text or JSON"
DESCRIPTION = """\
Re-render a trace saved with `srcscan trace ... --format json` in another format, without
re-running the analysis. TRACE is a file, or - for standard input.

formats:
  html      one self-contained page: summary, flow graph (SVG), every path step by step
  sarif     SARIF 2.1.0 with code flows, for VS Code's SARIF viewer and GitHub code scanning
  markdown  summary, Mermaid flowchart and paths, for bug reports and GitHub
  dot       Graphviz DOT;  graphml: GraphML (networkx, yEd, Gephi)
  text, json

examples:
  srcscan trace cTscTicksPerSecond --format json -o reports/tsc.json
  srcscan report reports/tsc.json --format html -o reports/tsc.html
  srcscan report reports/tsc.json --format sarif -o tsc.sarif
  srcscan report reports/tsc.json --format dot | dot -Tpng -o tsc.png

exit codes: 0 written, 2 unreadable, truncated or invalid trace, or a usage error."""


def register(p) -> None:
    p.add_argument("trace", metavar="TRACE", help="a JSON trace file written by `srcscan trace --format json` (- for stdin)")
    cli.add_output_options(p, FORMAT_NAMES)
    from .trace import add_view_options

    add_view_options(p)


def load_trace(path: str) -> dict:
    """Read and check a saved trace; every problem is one UsageError line."""
    from ..render._common import check_trace

    name = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            raw = sys.stdin.buffer.read(MAX_JSON_BYTES + 1)
        else:
            with open(path, "rb") as f:
                raw = f.read(MAX_JSON_BYTES + 1)
    except OSError as e:
        raise UsageError(f"{name}: cannot read: {e.strerror or e}") from e
    if len(raw) > MAX_JSON_BYTES:
        raise UsageError(f"{name}: larger than {MAX_JSON_BYTES // 2 ** 20} MB; not a srcscan trace")
    if not raw.strip():
        raise UsageError(f"{name}: empty file, not a JSON trace")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise UsageError(f"{name}: not UTF-8 text (byte {e.start}); not a JSON trace") from e
    depth = json_depth(raw)
    if depth > MAX_JSON_DEPTH:
        raise UsageError(f"{name}: JSON nested {depth} levels deep; a srcscan trace nests at most {MAX_JSON_DEPTH}")
    values = json_values(raw)
    if values > MAX_JSON_VALUES:
        raise UsageError(f"{name}: about {values} JSON values, more than a srcscan trace holds ({MAX_JSON_VALUES}); "
                         "not decoded")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        hint = " (truncated?)" if e.pos >= len(text.rstrip()) else ""
        raise UsageError(f"{name}: invalid JSON at line {e.lineno} column {e.colno}: {e.msg}{hint}") from e
    return check_trace(doc, name)


def run(args) -> int:
    if args.format not in formats():
        raise UsageError(f"--format {args.format} is not available in this installation")
    trace = load_trace(args.trace)
    from .trace import view_options

    cli.emit(render(trace, args.format, **view_options(args)), args.output)
    return 0
