"""srcscan stats: parse health of a source tree."""
from __future__ import annotations

import json

from .. import cli

NAME = "stats"
HELP = "parse health: files, parse errors, functions recovered, macro-named functions"
DESCRIPTION = """Parse the sources and report how well srcscan reads them: files, files whose
parse has ERROR or MISSING nodes, functions recovered, functions whose name came from a
macro rule (queries/macros.toml), functions with an unknown return type, and '#if 0' blocks
(excluded from traces unless --keep-if0).

examples:
  srcscan stats --src ~/vbox
  srcscan stats --src ~/vbox --format json --top 20

exit codes: 0 ok, 2 usage or input error."""


def register(p) -> None:
    p.add_argument("--top", type=int, default=10, metavar="N",
                   help="list the N files with the most parse errors (default: 10)")
    cli.add_source_options(p)
    cli.add_output_options(p, ["text", "json"])


def _not_c() -> tuple[str, ...]:
    from ..datafiles import load_toml

    return tuple(load_toml("stats.toml").get("not_c") or ())


def compute(facts: dict) -> dict:
    """Parse-health numbers of a dict path -> FileFacts. Files that are not C (NASM ``.mac``,
    ``.asm``: queries/stats.toml) are counted apart, not as C parse errors."""
    not_c = _not_c()
    asm = {p for p in facts if not_c and str(p).lower().endswith(not_c)}
    facts = {p: ff for p, ff in facts.items() if p not in asm}
    fns = [f for ff in facts.values() for f in ff.functions]
    rules: dict[str, int] = {}
    for f in fns:
        if f.name_rule:
            rules[f.name_rule] = rules.get(f.name_rule, 0) + 1
    worst = sorted(((ff.error_nodes + ff.missing_nodes, p) for p, ff in facts.items()
                    if ff.error_nodes or ff.missing_nodes), reverse=True)
    return {
        "files": len(facts),
        "not_c_files": len(asm),
        "lines": sum(ff.lines for ff in facts.values()),
        "files_with_errors": sum(1 for ff in facts.values() if ff.error_nodes or ff.missing_nodes),
        "files_with_error_nodes": sum(1 for ff in facts.values() if ff.error_nodes),
        "error_nodes": sum(ff.error_nodes for ff in facts.values()),
        "missing_nodes": sum(ff.missing_nodes for ff in facts.values()),
        "functions": len(fns),
        "functions_named_by_rule": sum(rules.values()),
        "functions_by_rule": dict(sorted(rules.items())),
        "functions_unknown_return_type": sum(1 for f in fns if not f.ret_type),
        "if0_blocks": sum(ff.disabled_blocks for ff in facts.values()),
        "worst_files": [{"file": p, "errors": n} for n, p in worst],
    }


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def render_text(s: dict, top: int) -> str:
    from ..util import inert_doc

    s = inert_doc(s)  # file names from the tree: one value, one line, no escape sequence
    n, f = s["files"], s["functions"]
    out = [
        f"files                         {n} C/C++ ({s['lines']} lines)"
        + (f"; {s['not_c_files']} NASM (.mac/.asm) not parsed as C" if s.get("not_c_files") else ""),
        f"files with parse errors       {s['files_with_errors']} ({_pct(s['files_with_errors'], n)}; "
        f"{s['error_nodes']} ERROR, {s['missing_nodes']} MISSING nodes)",
        f"functions recovered           {f}",
        f"  named by a macro rule       {s['functions_named_by_rule']} ({_pct(s['functions_named_by_rule'], f)})",
    ]
    for rule, k in s["functions_by_rule"].items():
        out.append(f"    {rule:<26}{k}")
    out += [
        f"  unknown return type         {s['functions_unknown_return_type']} "
        f"({_pct(s['functions_unknown_return_type'], f)})",
        f"'#if 0' blocks (excluded)     {s['if0_blocks']}",
    ]
    if top and s["worst_files"]:
        out.append(f"files with the most parse errors (first {min(top, len(s['worst_files']))}):")
        for w in s["worst_files"][:top]:
            out.append(f"  {w['errors']:>6}  {w['file']}")
    return "\n".join(out) + "\n"


def run(args) -> int:
    if args.top < 0:  # (range-checked where it is read: -1 would list all files but one)
        from ..errors import UsageError

        raise UsageError(f"--top {args.top}: give 0 or more files to list")
    snap, why = cli.open_sources(args)
    facts, st = cli.load_facts(args, snap)
    s = compute(facts)
    if args.format == "json":
        doc = {"schema": "srcscan-stats/1", "source": {"label": snap.describe(), "why": why}, **s,
               "worst_files": s["worst_files"][: max(args.top, 0)], "index": st.to_json()}
        text = json.dumps(doc, indent=2) + "\n"
    else:
        text = render_text(s, args.top)
    cli.emit(text, args.output)
    return 0
