"""Streaming reader for VirtualBox release logs (VBox.log and friends).

Every line of a VBox.log starts with the time since the VM process started:
``00:00:01.277674 TM: ...`` (microseconds, VirtualBox 4.2 and later), ``00:00:01.277 TM: ...``
(milliseconds, older releases), optionally followed by a thread-name column padded to
eight characters (``00:00:01.277674 EMT      TM: ...``, as VBoxSVC.log and logs with the
thread prefix flag have it). ``LogFile`` detects the layout from the first lines, refuses a
file that is not such a log, and then yields ``LogLine``s one at a time: CRLF endings
dropped, undecodable bytes replaced (and counted), over-long lines cut (and counted), two
lines that two threads wrote into one split apart (and marked). Memory stays bounded by
the sniff window and the longest line kept, whatever the file size. gzip files are read
transparently.
"""
from __future__ import annotations

import gzip
import os
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import BinaryIO, Iterator

from ..errors import UsageError
from ..util import progress

TIMESTAMP = re.compile(rb"^(\d{2,}:\d{2}:\d{2}\.(\d{9}|\d{6}|\d{3}))(?: |\r?\n?$)")
_THREAD = re.compile(r"^(\S{1,16}?)( +)(?=\S)")
_EMBEDDED = {6: re.compile(r"(?<=\S)\d{2}:\d{2}:\d{2}\.\d{6} "), 9: re.compile(r"(?<=\S)\d{2}:\d{2}:\d{2}\.\d{9} ")}

MAX_LINE = 64 * 1024  # longer lines are cut here (and counted)
SNIFF_LINES = 200
SNIFF_BYTES = 1024 * 1024


@dataclass(slots=True)
class LogLine:
    lineno: int  # 1-based physical line number in the file
    time: str | None  # "00:00:01.277674", None when the line had no timestamp
    text: str  # the message, timestamp and thread column removed
    thread: str | None = None
    bad_utf8: bool = False
    truncated: bool = False
    interleaved: bool = False


@dataclass
class ReadStats:
    lines: int = 0  # physical lines read
    timestamped: int = 0
    untimestamped: int = 0
    bad_utf8: int = 0
    truncated: int = 0
    interleaved: int = 0
    bytes: int = 0

    def to_json(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Layout:
    digits: int  # fractional second digits: 3 (old), 6 (4.2+), 9
    thread_column: bool = False
    gzip: bool = False

    def describe(self) -> str:
        unit = {3: "milliseconds (VirtualBox before 4.2)", 6: "microseconds", 9: "nanoseconds"}[self.digits]
        return f"timestamps in {unit}" + (", thread column" if self.thread_column else "") + (", gzip" if self.gzip else "")


class LogFile:
    """Open and validate a log; iterate it for ``LogLine``s. ``stats`` fills as you go."""

    def __init__(self, path: str, *, show_progress: bool = True, max_line: int = MAX_LINE):
        self.path = path
        self.name = "<stdin>" if path == "-" else os.path.basename(path)
        self.max_line = max_line
        self.stats = ReadStats()
        self._show_progress = show_progress
        self._total: int | None = None
        self._f = self._open()
        self._sniffed: list[bytes] = []
        self._sniff_truncated: set[int] = set()
        self.layout = self._sniff()

    # -- opening and sniffing -------------------------------------------------
    def _open(self) -> BinaryIO:
        self._gzip = False
        if self.path == "-":
            raw = sys.stdin.buffer
        else:
            if os.path.isdir(self.path):
                raise UsageError("is a folder, not a log file", path=self.path)
            try:
                raw = open(self.path, "rb")
            except OSError as e:
                raise UsageError(f"cannot read: {e.strerror or e}", path=self.path) from e
            self._total = os.fstat(raw.fileno()).st_size
        try:
            head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
        except OSError as e:
            raise UsageError(f"cannot read: {e.strerror or e}", path=self.path) from e
        if head == b"\x1f\x8b":
            self._gzip = True
            packed, self._total = self._total, None
            return _Budget(gzip.GzipFile(fileobj=raw), packed, self.path)  # type: ignore[return-value]
        return raw

    def _readline(self) -> tuple[bytes, bool]:
        """One physical line (without the cut-off rest) and whether it was cut."""
        try:
            data = self._f.readline(self.max_line + 1)
        except (OSError, EOFError, gzip.BadGzipFile) as e:
            raise UsageError(f"read error: {e}", path=self.path) from e
        if len(data) <= self.max_line or data.endswith(b"\n"):
            return data, False
        if b"\x00" in data and not hasattr(self, "layout"):  # still sniffing: binary, say so now
            raise UsageError("not a VBox.log: binary data (NUL bytes) near the start", path=self.path)
        n = len(data)
        while True:  # discard the rest of an over-long line
            more = self._f.readline(self.max_line)
            n += len(more)
            if not more or more.endswith(b"\n"):
                break
        self.stats.bytes += n - len(data)
        return data[: self.max_line], True

    def _sniff(self) -> Layout:
        size = 0
        nonempty = stamped = 0
        digits: Counter[int] = Counter()
        while nonempty < SNIFF_LINES and size < SNIFF_BYTES:
            data, cut = self._readline()
            if not data:
                break
            if cut:
                self._sniff_truncated.add(len(self._sniffed))
            self._sniffed.append(data)
            size += len(data)
            if b"\x00" in data:
                raise UsageError("not a VBox.log: binary data (NUL bytes) near the start", path=self.path)
            if data.strip():
                nonempty += 1
                m = TIMESTAMP.match(data)
                if m:
                    stamped += 1
                    digits[len(m.group(2))] += 1
        if nonempty == 0:
            raise UsageError("empty log file", path=self.path)
        if stamped < max(1, nonempty // 2):
            raise UsageError(
                f"not a VBox.log: {stamped} of the first {nonempty} lines start with an "
                "'HH:MM:SS.ffffff' timestamp", path=self.path)
        layout = Layout(digits.most_common(1)[0][0], gzip=self._gzip)
        # thread column: a name padded to 8 characters, not ending in ':' (messages do: "TM: ")
        threaded = 0
        for data in self._sniffed:
            m = TIMESTAMP.match(data)
            if not m:
                continue
            rest = data[m.end():].decode("utf-8", "replace")
            t = _THREAD.match(rest)
            if t and not t.group(1).endswith(":") and (t.end() == 9 or (len(t.group(1)) >= 8 and len(t.group(2)) == 1)):
                threaded += 1
        layout.thread_column = stamped >= 3 and threaded >= 0.6 * stamped
        return layout

    # -- iteration ------------------------------------------------------------
    def __iter__(self) -> Iterator[LogLine]:
        bar = None
        if self._show_progress:
            bar = progress(total=self._total, desc=self.name, unit="B")
            bar.unit_scale = True
            bar.unit_divisor = 1024
        pending = 0
        try:
            for i, data in enumerate(self._sniffed):
                yield from self._lines(data, i in self._sniff_truncated)
            self._sniffed = []
            while True:
                data, cut = self._readline()
                if not data:
                    break
                if bar is not None:
                    pending += len(data)
                    if pending >= 1 << 20:
                        bar.update(pending)
                        pending = 0
                yield from self._lines(data, cut)
        finally:
            if bar is not None:
                bar.close()
            self.close()

    def _lines(self, data: bytes, cut: bool) -> Iterator[LogLine]:
        st = self.stats
        st.lines += 1
        st.bytes += len(data)
        lineno = st.lines
        cut = cut or not data.endswith(b"\n")  # over-long, or the file ends mid-line
        if cut:
            st.truncated += 1
        data = data.rstrip(b"\r\n")
        m = TIMESTAMP.match(data)
        time = None
        if m:
            time = m.group(1).decode("ascii")
            data = data[m.end():]
            st.timestamped += 1
        else:
            st.untimestamped += 1
        try:
            text = data.decode("utf-8")
            bad = False
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
            bad = True
            st.bad_utf8 += 1
        thread = None
        if time is not None and self.layout.thread_column:
            t = _THREAD.match(text)
            if t and not t.group(1).endswith(":"):
                thread, text = t.group(1), text[t.end():]
        emb = _EMBEDDED.get(self.layout.digits)
        if emb is not None and time is not None:
            parts = _split_interleaved(text, emb)
            if len(parts) > 1:
                st.interleaved += 1
                yield LogLine(lineno, time, parts[0][1], thread, bad, cut, True)
                for t2, piece in parts[1:]:
                    yield LogLine(lineno, t2, piece, None, bad, cut, True)
                return
        yield LogLine(lineno, time, text, thread, bad, cut)

    def close(self) -> None:
        if self._f is not sys.stdin.buffer:
            try:
                self._f.close()
            except OSError:
                pass

    def __enter__(self) -> "LogFile":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _split_interleaved(text: str, emb: re.Pattern) -> list[tuple[str | None, str]]:
    """'TM: a00:00:01.000002 GIM: b' -> [(None, 'TM: a'), ('00:00:01.000002', 'GIM: b')]."""
    out: list[tuple[str | None, str]] = []
    pos = 0
    time: str | None = None
    for m in emb.finditer(text):
        out.append((time, text[pos:m.start()]))
        time = m.group(0)[:-1]
        pos = m.end()
    if not out:
        return [(None, text)]
    out.append((time, text[pos:]))
    return out


# A compressed log is a stream with a budget: text logs pack 5-20 to 1, so past GZIP_RATIO to
# 1 (or GZIP_MAX_BYTES in all, or GZIP_SECONDS of reading) it is a decompression bomb or no log.
GZIP_RATIO = 64
GZIP_MAX_BYTES = 1 << 30
GZIP_SECONDS = 120.0


class _Budget:
    """A gzip stream whose decompressed size and reading time are bounded: past the budget,
    one UsageError (nothing is decompressed in one piece, nothing beyond the budget is read)."""

    def __init__(self, f, packed: int | None, path: str):
        import time

        self._f, self.path, self.n = f, path, 0
        # (packed size unknown when read from a pipe: the overall cap only)
        self.limit = GZIP_MAX_BYTES if packed is None else min(GZIP_MAX_BYTES, max(1 << 20, packed * GZIP_RATIO))
        self._clock = time.monotonic
        self._deadline = self._clock() + GZIP_SECONDS
        self._packed = packed

    def readline(self, size: int = -1) -> bytes:
        data = self._f.readline(size)
        self.n += len(data)
        if self.n > self.limit:
            packed = "from a pipe" if self._packed is None else f"{self._packed} bytes packed"
            raise UsageError(f"gzip data expands past {self.limit // (1 << 20)} MB ({packed}); "
                             "refused (a decompression bomb, or not a log)", path=self.path)
        if self._clock() > self._deadline:
            raise UsageError(f"reading the gzip stream took over {GZIP_SECONDS:.0f} s; stopped", path=self.path)
        return data

    def close(self) -> None:
        self._f.close()


def open_log(path: str, *, show_progress: bool = True, max_line: int = MAX_LINE) -> LogFile:
    """Open ``path`` (``-`` for stdin) as a VBox.log or raise UsageError with one clear line."""
    return LogFile(path, show_progress=show_progress, max_line=max_line)


def printable(s: str) -> str:
    """One line of log text made safe for a terminal (escape sequences, bidi overrides, a
    line break inside a value): see ``util.inert``."""
    from ..util import inert

    return inert(s)
