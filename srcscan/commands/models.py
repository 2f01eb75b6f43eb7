"""srcscan models: every model row loaded (built-in and from the user's model folders), with its origin."""
from __future__ import annotations

import json

from .. import cli

NAME = "models"
HELP = "list every loaded model row (sources, sinks, propagators, ...) with the file it comes from"
DESCRIPTION = """\
List the model rows a trace would use: the built-in ones (queries/models/*.toml), then those of
the user's model folders (--models DIR, $SRCSCAN_MODELS, .srcscan/models/ in the --src tree), in
load order. Each row shows its kind, id, file and row number, and the functions (or fields) it
names; a row replaced by a later one (replace = true) says by which. Every file is validated
first: a bad row is one line naming the file and row, exit 2. See docs/models.md.

examples:
  srcscan models
  srcscan models --models ~/my-models --format json
  srcscan models --src ~/vbox        # includes ~/vbox/.srcscan/models/

exit codes: 0 listed, 2 a model file is invalid or a folder does not exist."""


def register(p) -> None:
    p.add_argument("--src", action="append", metavar="DIR",
                   help="an analysed tree whose .srcscan/models/ folder is read too (repeatable)")
    cli.add_models_option(p)
    cli.add_output_options(p, ["text", "json"])


def run(args) -> int:
    from ..graph.apimodels import load_models

    m = load_models()
    rows = m.listing
    if args.format == "json":
        text = json.dumps({"schema": "srcscan-models/1", "files": m.files, "rows": rows}, indent=1)
    else:
        lines, origin = [], None
        for r in rows:
            if r["origin"] != origin:
                origin = r["origin"]
                lines.append(origin)
            names = r["names"]
            shown = ", ".join(names[:4]) + (f", ... ({len(names)} names)" if len(names) > 4 else "")
            gone = f"  (replaced by {r['replaced_by']})" if r["replaced_by"] else ""
            lines.append(f"  #{r['row']:<3} {r['kind']:<10} {r['id'] or '-':<16} {shown}{gone}")
        lines.append(f"{len(rows)} rows in {len(m.files)} files")
        text = "\n".join(lines) + "\n"
    cli.emit(text, args.output)
    return 0
