"""srcscan log: which source statement printed each line of a VBox.log, and with what values."""
from __future__ import annotations

import json
import os
import sys
import tempfile

from .. import cli
from ..errors import NotFound, UsageError
from ..util import note
from ..logs.vboxlog import open_log, printable

NAME = "log"
HELP = "map VBox.log lines to the LogRel/Log* statements that printed them, with the printed values"
DESCRIPTION = """\
For each line of a VirtualBox log, find the log statement (LogRel, Log*, RTLogPrintf, ...)
whose format string printed it, and bind each argument expression to the text it printed:

  VBox.log:18  TM:     cTSCTicksPerSecond=3 478 274 491 (0xcf5241bb) enmTSCMode=1 (VirtTscEmulated)
    -> src/VBox/VMM/VMMR3/TM.cpp:631 TMR3Init LogRel
       pVM->tm.s.cTSCTicksPerSecond = 3478274491   ("3 478 274 491")

The default report lists each statement once (how many lines it printed, the distinct
values of each argument) followed by the lines no statement matched (counted, never
dropped). --each prints every line as it is read instead, in bounded memory.
Which calls are log statements lives in queries/models/log.toml.

examples:
  srcscan log VBox.log --src ~/vbox
  srcscan log VBox.log --format json -o vboxlog.json
  srcscan log VBox.log --each | grep TM.cpp

exit codes: 0 some lines matched, 1 no line matched, 2 usage or input error."""


def register(p) -> None:
    p.add_argument("log", metavar="VBOX_LOG", help="the log to map (- for stdin; .gz is fine)")
    p.add_argument("--each", action="store_true", help="print every log line with its statement as it is read")
    p.add_argument("--unmatched", type=int, default=20, metavar="N",
                   help="list at most N unmatched lines in the text report (default 20; JSON keeps up to 1000)")
    p.add_argument("--release-only", action="store_true", help="only statements that reach a release log (LogRel*)")
    cli.add_source_options(p)
    cli.add_output_options(p, ["text", "json"])


def _statements(args):
    from ..logs.logmap import collect_statements, load_log_model

    rules = load_log_model()
    if args.release_only:
        rules = {k: r for k, r in rules.items() if r.release}
    snap, why = cli.open_sources(args)
    cache = cli.open_cache(args)
    stats: dict = {}
    try:
        sts = collect_statements(snap, rules, cache=cache, jobs=args.jobs, stats=stats)
    finally:
        if cache is not None:
            cache.close()
    return sts, stats, snap


def _where(c) -> str:
    s = c.stmt
    return printable(f"{s.file}:{s.line} {s.function} {s.macro}") + (" (start of line)" if c.partial else "")


def _binding(b) -> str:
    v = b.value
    if isinstance(v, str):
        return printable(f"{b.expr} = {v!r}")
    shown = f"{b.expr} = {v}"
    if str(v) != b.text.strip():
        shown += f'   ("{b.text.strip()}")'
    return printable(shown)


def _each_line(lm, logname: str) -> str:
    ln = lm.line
    head = printable(f"{logname}:{ln.lineno}  {ln.text}")
    if not lm.candidates:
        return head + "\n    -> (no statement)\n"
    out = [head]
    for c in lm.candidates:
        out.append("    -> " + _where(c))
        out.extend("       " + _binding(b) for b in c.bindings)
    return "\n".join(out) + "\n"


class _Sink:
    """Streamed output: stdout, or a temp file renamed over -o FILE when complete."""

    def __init__(self, output: str | None):
        self.output = output
        if output:
            d = os.path.dirname(os.path.abspath(output))
            if os.path.isdir(output):
                raise UsageError(f"--output {output}: is a folder")
            if not os.path.isdir(d):
                raise UsageError(f"--output {output}: folder {d} does not exist")
            fd, self.tmp = tempfile.mkstemp(prefix=".srcscan-log.", dir=d)
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(self.tmp, 0o666 & ~mask)  # like any file the user writes, not mkstemp's 0600
            self.f = os.fdopen(fd, "w", encoding="utf-8")
        else:
            self.f = sys.stdout

    def write(self, s: str) -> None:
        self.f.write(s)

    def finish(self, ok: bool) -> None:
        if not self.output:
            self.f.flush()
            return
        try:
            self.f.close()
        except OSError:
            if ok:
                self._discard()
                raise
        if ok:
            os.replace(self.tmp, self.output)
            note(f"wrote {self.output}")
        else:
            self._discard()

    def _discard(self) -> None:
        try:
            os.unlink(self.tmp)
        except OSError:
            pass


def render_text(doc: dict, unmatched: int) -> str:
    st = doc["summary"]
    idx = doc["index"]
    out = [printable(f"{doc['log']}: {st['lines']} lines, {st['matched']} matched ({100 * st['hit_rate']:.1f} %), "
                     f"{st['unmatched']} unmatched, {st['ambiguous']} ambiguous; {doc['layout']}"),
           f"sources: {idx['statements']} log statements in {idx.get('files', 0)} files"
           + (f" ({idx['computed_format']} with a computed format string, skipped)" if idx.get("computed_format") else "")
           + (f"; {idx['generic']} format lines too generic to match (\"%s\")" if idx.get("generic") else "")]
    rd = doc["read"]
    extra = [f"{rd[k]} {label}" for k, label in (("bad_utf8", "with invalid UTF-8"), ("truncated", "cut short"),
                                                  ("interleaved", "interleaved"), ("untimestamped", "without timestamp"))
             if rd.get(k)]
    if extra:
        out.append("lines: " + ", ".join(extra))
    for s in st["statements"]:
        out.append("")
        alt = f"  [one of {s['alternatives']} statements]" if s["alternatives"] > 1 else ""
        times = f" x{s['count']}" if s["count"] > 1 else ""
        out.append(printable(f"{doc['logname']}:{s['first_log_line']} -> {s['file']}:{s['line']} {s['function']} "
                             f"{s['macro']}{times}{alt}" + (" (start of line)" if s["partial"] else "")))
        fl = s["format"].split("\n")[s["format_line"]] if "\n" in s["format"] else s["format"]
        out.append(printable(f"    {json.dumps(fl)}"))
        for a in s["arguments"]:
            vals = a["values"]
            shown = []
            for v in vals[:5]:
                t = repr(v["value"]) if isinstance(v["value"], str) else str(v["value"])
                if not isinstance(v["value"], str) and t != v["text"].strip():
                    t += f' ("{v["text"].strip()}")'
                shown.append(t + (f" x{v['count']}" if v["count"] > 1 else ""))
            more = f", ... ({len(vals)}{'+' if a['distinct_capped'] else ''} distinct)" if len(vals) > 5 else ""
            out.append(printable(f"    {a['expr']} = {', '.join(shown)}{more}"))
    if st["unmatched"]:
        out.append("")
        shown = st["unmatched_lines"][:max(0, unmatched)]
        out.append(f"unmatched lines: {st['unmatched']}" + (f" (first {len(shown)} shown; --unmatched N for more)"
                                                              if len(shown) < st["unmatched"] else ""))
        for u in shown:
            out.append(printable(f"  {doc['logname']}:{u['log_line']}  {u['text']}"))
    return "\n".join(out) + "\n"


def run(args) -> int:
    from ..logs.logmap import LogIndex, Summary, scan

    if args.unmatched < 0:
        raise UsageError("--unmatched must be 0 or more")
    if args.each and args.format == "json":
        raise UsageError("--each prints text; use --format json without --each for the JSON report")
    log = open_log(args.log)  # a bad log is reported before any parsing
    sts, stats, snap = _statements(args)
    if not sts:
        raise NotFound(f"no log statements found in {snap.describe()}")
    index = LogIndex(sts)
    summary = Summary()
    logname = log.name
    sink = _Sink(args.output) if args.each else None
    ok = False
    try:
        for lm in scan(log, index):
            summary.add(lm)
            if sink is not None:
                sink.write(_each_line(lm, logname))
        ok = True
    finally:
        if sink is not None:
            sink.finish(ok)
    doc = {"log": args.log, "logname": logname, "layout": log.layout.describe(), "read": log.stats.to_json(),
           "index": {**index.stats, **stats}, "summary": summary.to_json()}
    if sink is None:
        text = json.dumps(doc, indent=2, ensure_ascii=True) + "\n" if args.format == "json" \
            else render_text(doc, args.unmatched)
        cli.emit(text, args.output)
    else:
        s = doc["summary"]
        note(f"{s['matched']} of {s['lines']} lines matched ({100 * s['hit_rate']:.1f} %), {s['unmatched']} unmatched")
    return 0 if summary.matched else 1
