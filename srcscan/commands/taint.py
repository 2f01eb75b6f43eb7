"""srcscan taint: which guest-controlled values reach a host size, index or pointer, and which
of those flows are bounded on the way."""
from __future__ import annotations

from .. import cli

NAME = "taint"
HELP = "which guest-controlled values reach host copy/allocation sizes, and which are bounded"
DESCRIPTION = """Follow every value the guest controls (guest memory a device reads, the value
written to a registered I/O port or MMIO handler, MSR writes, VMMDev requests, HGCM parameters,
guest-shared command buffers) to the host's danger sinks (copy sizes, allocation sizes, lengths
passed to guest memory reads and writes), with the same path rule as trace. Each finding says
whether every check on its path bounds the value (a comparison that returns or guards the sink,
RT_MIN, an assert-return, a mask, a narrowing cast) and lists the checks. Sources, sinks and
what counts as a check are rows in queries/models/taint.toml.

The answer is ranked: unchecked findings first, copy and allocation sizes first, fewer steps
first, numbered per device file. The text's first screen is the table of unchecked findings.

examples:
  srcscan taint --src ~/vbox/src/VBox/Devices --src ~/vbox/include
  srcscan taint --src DevFoo.cpp --format json -o taint.json
  srcscan taint --src ~/vbox --whole-tree --format sarif -o taint.sarif

exit codes: 0 findings shown, 1 no finding, 2 usage or input error."""


def register(p) -> None:
    p.add_argument("--unchecked", action="store_true", help="leave out the checked findings")
    cli.add_config_options(p, control=False)
    cli.add_source_options(p)
    cli.add_output_options(p, ["text", "json", "sarif", "html"])


def run(args) -> int:
    from ..api import taint_doc
    from ..render.taint import RENDERERS
    from ..util import note

    snap, why = cli.open_sources(args)
    cache = cli.open_cache(args)
    try:
        doc = taint_doc(snapshot=snap, why=why, cache=cache, jobs=args.jobs, config=cli.config_from(args))
    finally:
        if cache is not None:
            cache.close()
    if args.unchecked:
        doc["findings"] = [f for f in doc["findings"] if not f["checked"]]
    for w in doc.get("warnings", []):
        note(f"warning: {w}")
    cli.emit(RENDERERS[args.format](doc), args.output)
    return 0 if doc["findings"] else 1
