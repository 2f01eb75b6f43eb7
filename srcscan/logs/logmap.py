"""From a log line to the statement that printed it, and from its arguments to values.

The index is built from plain ``LogStatement`` records (file, line, function, macro, format,
argument texts), so it can be fed from facts (``statements_from_facts``) or by hand in
tests. Which calls are log statements, and where their format argument sits, comes from
``queries/models/log.toml``.

Matching a line: the candidates are the format lines whose literal start is a prefix of the
line (looked up by the first four characters, whitespace collapsed), plus the formats that
start with a conversion and contain a literal word the line contains; the candidate with
the most literal characters that matches wins; equally specific winners are all reported
(the same format in two places). A format line that does not end the printed line (no
``\\n``) may match the start of a line whose rest is printed by a second statement.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from ..errors import UsageError
from .iprtfmt import LinePattern, compile_format, parse_value
from .vboxlog import LogLine

KEY_CHARS = 4
LONG_KEY = 8
MIN_LITERAL = 3  # format lines with fewer literal characters ("%s\n") match anything: not indexed
HEAD_CHARS = 256
MAX_MATCH_CHARS = 4096  # longer lines are matched on their first 4 KiB
_WS = re.compile(r"\s+")


# --------------------------------------------------------------------------- statements

@dataclass(frozen=True)
class LogStatement:
    file: str
    line: int
    function: str
    macro: str
    format: str
    args: tuple[str, ...] = ()  # argument source texts after the format
    prefix: str = ""  # printed before the format ("func: "), may hold IPRT conversions
    release: bool = True

    def where(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class LogRule:
    format_arg: int | None
    prefix: str = ""
    format: str | None = None
    release: bool = True


_RULE_KEYS = {"names", "format_arg", "prefix", "format", "release", "description"}


def load_log_model(doc: dict | None = None, where: str = "queries/models/log.toml") -> dict[str, LogRule]:
    """Callee name -> LogRule, from the [[log]] rows of every models file declaring
    ``kind = "log"`` (or from a dict with the same shape)."""
    if doc is None:
        from ..datafiles import file_label, model_docs

        rules: dict[str, LogRule] = {}
        for name, d in model_docs("log"):
            rules.update(load_log_model(d, file_label(name)))
        return rules
    rules = {}
    rows = doc.get("log", [])
    if not isinstance(rows, list):
        raise UsageError(f"{where}: log rules must be written [[log]] (a list of rows)")
    for i, row in enumerate(rows):
        at = f"{where} [[log]] #{i + 1}"
        if not isinstance(row, dict):
            raise UsageError(f"{at}: must be a table of keys")
        unknown = set(row) - _RULE_KEYS
        if unknown:
            raise UsageError(f"{at}: unknown key(s): {', '.join(sorted(unknown))}")
        if not row.get("names"):
            raise UsageError(f"{at}: needs a non-empty 'names' list")
        fa = row.get("format_arg")
        if ("format" in row) == (fa is not None):
            raise UsageError(f"{at}: give exactly one of format_arg and format")
        if fa is not None and (not isinstance(fa, int) or fa < 0):
            raise UsageError(f"{at}: format_arg must be an argument position (0, 1, ...)")
        for n in row["names"]:
            rules[n] = LogRule(fa, row.get("prefix", ""), row.get("format"), bool(row.get("release", True)))
    return rules


def _squash(s: str) -> str:
    return " ".join(s.split())


def statements_from_facts(facts: Iterable, rules: dict[str, LogRule], stats: dict | None = None) -> Iterator[LogStatement]:
    """LogStatements from FileFacts. Calls whose format is not a literal string (a
    variable, a macro) are counted in ``stats['computed_format']`` and skipped."""
    stats = stats if stats is not None else {}
    for ff in facts:
        for fn in ff.functions:
            for call in fn.calls:
                rule = rules.get(call.callee)
                if rule is None:
                    continue
                if rule.format is not None:
                    fmt, args = rule.format, call.args
                else:
                    if rule.format_arg >= len(call.args) or call.args[rule.format_arg].string is None:
                        stats["computed_format"] = stats.get("computed_format", 0) + 1
                        continue
                    fmt, args = call.args[rule.format_arg].string, call.args[rule.format_arg + 1:]
                stats["statements"] = stats.get("statements", 0) + 1
                yield LogStatement(ff.path, call.line, fn.name, call.callee, fmt,
                                   tuple(_squash(a.text) for a in args),
                                   rule.prefix.replace("{function}", fn.name), rule.release)


def collect_statements(snapshot, rules: dict[str, LogRule] | None = None, *, cache=None, jobs: int = 0,
                       stats: dict | None = None, batch: int = 48) -> list[LogStatement]:
    """Every log statement of a snapshot. Only files that mention a log macro are indexed
    (through the fact index and its cache), ``batch`` files at a time so that the facts of
    a whole tree are never in memory at once."""
    rules = rules if rules is not None else load_log_model()
    stats = stats if stats is not None else {}
    snap = _LogFiles(snapshot, rules)
    files = snap.files()
    try:
        from ..extract.index import index as build_index  # the cached, parallel fact index
    except ImportError:  # pragma: no cover - before the index existed
        build_index = None
    out: list[LogStatement] = []
    for i in range(0, len(files), batch):
        part = _LogFiles(snapshot, rules, files[i:i + batch])
        if build_index is not None:
            facts, _ = build_index(part, cache=cache, jobs=jobs)
            ffs = facts.values()
        else:  # pragma: no cover
            from ..extract.nesting import extract_bounded as extract

            ffs = [extract(rel, part.read(rel), key) for rel, key in part.files()]
        out.extend(statements_from_facts(ffs, rules, stats))
        del ffs
    stats["files"] = len({s.file for s in out})
    stats["files_scanned"] = snap.scanned
    return out


class _LogFiles:
    """A snapshot narrowed to the files that contain a call to a log macro."""

    def __init__(self, snapshot, rules, files: list[tuple[str, str]] | None = None):
        self._snap = snapshot
        self._files = files
        self.warnings = snapshot.warnings if files is None else []
        self.scanned = 0
        names = sorted({n.rsplit("->", 1)[-1] for n in rules}, key=len, reverse=True)
        self._needle = re.compile(rb"\b(?:" + b"|".join(re.escape(n.encode()) for n in names) + rb")\s*\(")

    def files(self) -> list[tuple[str, str]]:
        if self._files is not None:
            return self._files
        out = []
        for rel, key in self._snap.files():
            self.scanned += 1
            try:
                data = self._snap.read(rel)
            except OSError:
                continue
            if self._needle.search(data):
                out.append((rel, key))
        return out

    def read(self, path: str) -> bytes:
        return self._snap.read(path)

    def read_keyed(self, path: str):
        return self._snap.read_keyed(path)

    def describe(self) -> str:
        return self._snap.describe()


# --------------------------------------------------------------------------- index and matching

@dataclass
class Entry:
    pattern: LinePattern
    stmts: list[LogStatement] = field(default_factory=list)


@dataclass
class Binding:
    expr: str  # the argument's source text: "pVM->tm.s.cTSCTicksPerSecond"
    spec: str  # "%'RU64"
    text: str  # what was printed: "3 478 274 491"
    value: Any  # 3478274491

    def to_json(self) -> dict:
        return {"expr": self.expr, "spec": self.spec, "text": self.text, "value": self.value}


@dataclass
class Candidate:
    stmt: LogStatement
    format_line: int  # which printed line of the format (0-based)
    bindings: list[Binding]
    partial: bool = False  # the format printed only the start of the line

    def to_json(self) -> dict:
        s = self.stmt
        return {"file": s.file, "line": s.line, "function": s.function, "macro": s.macro, "format": s.format,
                "format_line": self.format_line, "release": s.release, "partial": self.partial,
                "bindings": [b.to_json() for b in self.bindings]}


@dataclass
class LineMatch:
    line: LogLine
    candidates: list[Candidate]  # empty: unmatched; more than one statement: ambiguous

    @property
    def matched(self) -> bool:
        return bool(self.candidates)

    @property
    def ambiguous(self) -> bool:
        return len({(c.stmt.file, c.stmt.line) for c in self.candidates if not c.partial}) > 1


class LogIndex:
    def __init__(self, statements: Iterable[LogStatement], min_literal: int = MIN_LITERAL):
        self.by_head: dict[str, list[Entry]] = {}  # first LONG_KEY characters of the literal start
        self.by_short_head: dict[str, list[Entry]] = {}  # first KEY_CHARS, for shorter literal starts
        self.by_word: dict[str, list[Entry]] = {}  # formats that start with a conversion: a whole word
        self.loose: list[Entry] = []  # ... or, failing that, any literal run
        self.stats = {"statements": 0, "format_lines": 0, "patterns": 0, "generic": 0}
        by_source: dict[str, Entry] = {}
        for st in statements:
            self.stats["statements"] += 1
            for lp in compile_format(st.format, prefix=st.prefix).lines:
                self.stats["format_lines"] += 1
                if lp.literal_chars < min_literal:
                    self.stats["generic"] += 1
                    continue
                e = by_source.get(lp.source)
                if e is None:
                    e = by_source[lp.source] = Entry(lp)
                    if len(lp.literal) >= LONG_KEY:
                        self.by_head.setdefault(lp.literal[:LONG_KEY], []).append(e)
                    elif len(lp.literal) >= KEY_CHARS:
                        self.by_short_head.setdefault(lp.literal[:KEY_CHARS], []).append(e)
                    elif len(lp.whole_word) >= min_literal:
                        self.by_word.setdefault(lp.whole_word, []).append(e)
                    elif len(lp.longest_word) >= min_literal:
                        self.loose.append(e)
                    else:
                        self.stats["generic"] += 1
                        continue
                e.stmts.append(st)
        self.stats["patterns"] = len(by_source)
        self.loose.sort(key=lambda e: -e.pattern.literal_chars)
        self._has_short = bool(self.by_short_head)

    def _candidates(self, text: str) -> list[Entry]:
        head = text[:HEAD_CHARS].lstrip()
        if "  " in head or "\t" in head:
            head = _WS.sub(" ", head)
        out = [e for e in self.by_head.get(head[:LONG_KEY], ()) if head.startswith(e.pattern.literal[:HEAD_CHARS - 8])]
        if self._has_short:
            out.extend(e for e in self.by_short_head.get(head[:KEY_CHARS], ()) if head.startswith(e.pattern.literal))
        if self.by_word:
            for w in set(text.split()):
                lst = self.by_word.get(w)
                if lst:
                    out.extend(lst)
        out.sort(key=lambda e: -e.pattern.literal_chars)
        return out

    def match(self, text: str, _depth: int = 0) -> list[Candidate]:
        """The statements that could have printed ``text`` (a log line without timestamp)."""
        text = text[:MAX_MATCH_CHARS]
        best: list[Candidate] = []
        opens: list[tuple[Entry, re.Match]] = []
        best_chars = self._try(text, self._candidates(text), best, opens, -1)
        if self.loose:  # only those that could beat what matched so far
            best_chars = self._try(text, self._loose(text, best_chars), best, opens, best_chars)
        if best or _depth:
            return best
        for e, m in opens:  # a statement that printed the start of the line, another the rest
            rest = self.match(text[m.end():], _depth + 1)
            best.extend(_bind(st, e.pattern, m, partial=True) for st in e.stmts)
            best.extend(rest)
            if rest:
                break
        return best

    def _loose(self, text: str, floor: int) -> Iterator[Entry]:
        for e in self.loose:  # most specific first
            if e.pattern.literal_chars < floor:
                return
            if e.pattern.longest_word in text:
                yield e

    @staticmethod
    def _try(text: str, entries, best: list, opens: list, best_chars: int) -> int:
        """Match entries (most specific first) until they get less specific than a match."""
        for e in entries:
            lp = e.pattern
            if lp.literal_chars < best_chars:
                break
            m = lp.regex.match(text)
            if not m:
                continue
            if lp.open and m.end() < len(text.rstrip()):
                opens.append((e, m))
                continue
            if lp.literal_chars > best_chars:
                best.clear()
                best_chars = lp.literal_chars
            best.extend(_bind(st, lp, m) for st in e.stmts)
        return best_chars


def _bind(st: LogStatement, lp: LinePattern, m: re.Match, partial: bool = False) -> Candidate:
    out = []
    for sp in lp.specs:
        if sp.arg < 0:
            continue
        expr = st.args[sp.arg] if sp.arg < len(st.args) else f"<argument {sp.arg + 1}>"
        text = m.group(sp.group)
        out.append(Binding(expr, sp.text, text, parse_value(sp.kind, text)))
    return Candidate(st, lp.index, out, partial)


def scan(lines: Iterable[LogLine], index: LogIndex) -> Iterator[LineMatch]:
    """Match every non-blank log line."""
    for ln in lines:
        if not ln.text.strip():
            continue
        yield LineMatch(ln, index.match(ln.text))


# --------------------------------------------------------------------------- aggregation

MAX_VALUES = 20  # distinct values kept per argument of one statement
MAX_EXAMPLES = 1000  # unmatched lines kept as examples


class Summary:
    """Bounded aggregate of a scan: per statement (and printed line of its format) how
    often it matched, where first, and the distinct values of each argument; unmatched
    lines counted, the first ones kept."""

    def __init__(self, max_examples: int = MAX_EXAMPLES):
        self.lines = self.matched = self.unmatched = self.ambiguous = self.partial = 0
        self.max_examples = max_examples
        self.examples: list[LogLine] = []
        self.unmatched_heads: dict[str, int] = {}
        self.hits: dict[tuple, dict] = {}

    def add(self, lm: LineMatch) -> None:
        self.lines += 1
        if not lm.candidates:
            self.unmatched += 1
            if len(self.examples) < self.max_examples:
                self.examples.append(lm.line)
            head = lm.line.text.split(":", 1)[0][:24] + ":" if ":" in lm.line.text[:25] else "(other)"
            if head in self.unmatched_heads or len(self.unmatched_heads) < 500:
                self.unmatched_heads[head] = self.unmatched_heads.get(head, 0) + 1
            return
        self.matched += 1
        self.ambiguous += lm.ambiguous
        self.partial += any(c.partial for c in lm.candidates)
        n = len({(c.stmt.file, c.stmt.line) for c in lm.candidates})
        for c in lm.candidates:
            key = (c.stmt, c.format_line)
            h = self.hits.get(key)
            if h is None:
                h = self.hits[key] = {"candidate": c, "count": 0, "first": lm.line.lineno, "time": lm.line.time,
                                      "alternatives": n, "values": [{} for _ in c.bindings]}
            h["count"] += 1
            for vals, b in zip(h["values"], c.bindings):
                k = repr(b.value)
                if k in vals:
                    vals[k][1] += 1
                elif len(vals) < MAX_VALUES:
                    vals[k] = [b, 1, lm.line.lineno]

    def statements(self) -> list[dict]:
        """Per matched statement line, in the order the log first shows them."""
        out = []
        for h in sorted(self.hits.values(), key=lambda h: (h["first"], h["candidate"].stmt.file, h["candidate"].stmt.line)):
            c = h["candidate"]
            d = c.to_json()
            d.pop("bindings")
            d.update(count=h["count"], first_log_line=h["first"], first_time=h["time"],
                     alternatives=h["alternatives"], arguments=[])
            for b0, vals in zip(c.bindings, h["values"]):
                d["arguments"].append({"expr": b0.expr, "spec": b0.spec, "distinct_capped": len(vals) >= MAX_VALUES,
                                       "values": [{"text": b.text, "value": b.value, "count": n, "first_log_line": ln}
                                                  for b, n, ln in vals.values()]})
            out.append(d)
        return out

    def to_json(self) -> dict:
        nonblank = self.lines
        return {"lines": nonblank, "matched": self.matched, "unmatched": self.unmatched, "ambiguous": self.ambiguous,
                "partial": self.partial, "hit_rate": (self.matched / nonblank) if nonblank else 0.0,
                "statements": self.statements(),
                "unmatched_lines": [{"log_line": ln.lineno, "time": ln.time, "text": ln.text} for ln in self.examples],
                "unmatched_by_prefix": dict(sorted(self.unmatched_heads.items(), key=lambda kv: -kv[1])[:50])}


def observed_values(matches: Iterable[LineMatch]) -> dict[str, list[dict]]:
    """What the log shows each argument expression held.

    Returns ``{expr_text: [observation, ...]}`` where ``expr_text`` is the argument's source
    text with whitespace collapsed (``"pVM->tm.s.cTSCTicksPerSecond"``) and each
    observation is one distinct value printed by one statement::

        {"file": "src/VBox/VMM/VMMR3/TM.cpp", "line": 631, "function": "TMR3Init",
         "macro": "LogRel", "spec": "%'RU64", "text": "3 478 274 491", "value": 3478274491,
         "count": 1, "log_line": 18, "time": "00:00:01.412080", "ambiguous": False}

    ``value`` is an int (decimal, hex, pointer), float, bool or the printed text;
    ``count`` is how many log lines printed that value there; ``log_line``/``time`` are the
    first of them; ``ambiguous`` is True when the line matched statements at more than one
    place (each of them gets the observation). The same expression printed twice by one
    statement (``%'RU64 (%#RX64)``) gives one observation. Values per key are bounded
    (MAX_VALUES distinct per statement)."""
    out: dict[str, dict[tuple, dict]] = {}
    last: dict[tuple, int] = {}  # (expr, file, line, value) -> last log line counted
    per_stmt: dict[tuple, int] = {}  # (expr, file, line) -> distinct values kept
    for lm in matches:
        if not lm.candidates:
            continue
        amb = lm.ambiguous
        for c in lm.candidates:
            s = c.stmt
            for b in c.bindings:
                per = out.setdefault(b.expr, {})
                k = (s.file, s.line, repr(b.value))
                o = per.get(k)
                if o is not None:
                    if last[(b.expr, *k)] != lm.line.lineno:
                        o["count"] += 1
                        last[(b.expr, *k)] = lm.line.lineno
                    continue
                ks = (b.expr, s.file, s.line)
                if per_stmt.get(ks, 0) >= MAX_VALUES:
                    continue
                per_stmt[ks] = per_stmt.get(ks, 0) + 1
                last[(b.expr, *k)] = lm.line.lineno
                per[k] = {"file": s.file, "line": s.line, "function": s.function, "macro": s.macro, "spec": b.spec,
                          "text": b.text, "value": b.value, "count": 1, "log_line": lm.line.lineno,
                          "time": lm.line.time, "ambiguous": amb}
    return {expr: list(per.values()) for expr, per in out.items()}


def observe_log(log_path: str, facts: Iterable, *, show_progress: bool = True) -> dict[str, list[dict]]:
    """Convenience for ``trace --log``: observed_values of a log against FileFacts."""
    from .vboxlog import open_log

    idx = LogIndex(statements_from_facts(facts, load_log_model()))
    return observed_values(scan(open_log(log_path, show_progress=show_progress), idx))
