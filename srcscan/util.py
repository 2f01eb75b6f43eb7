"""Small shared helpers: atomic output, progress bars, colour."""
from __future__ import annotations

import gc
import os
import re
import sys
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from .errors import UsageError


def write_atomic(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder and a rename, so a
    crash or a full disk never leaves a half-written file behind (the old file stays intact
    and the temp file is removed). A symlink is followed (its target is replaced, the link
    stays); a pipe or a device (``-o /dev/stdout``) is written to directly, since it cannot be
    renamed over."""
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"--output {p}: is a folder")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if p.exists() and not p.is_file():  # FIFO, character device, socket
        try:
            with open(p, "wb") as f:
                f.write(raw)
        except OSError as e:
            raise UsageError(f"--output {p}: {e.strerror or e}") from e
        return
    if p.is_symlink():
        p = Path(os.path.realpath(p))
    if not p.parent.is_dir():
        raise UsageError(f"--output {p}: folder {p.parent} does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=str(p.parent))
    except OSError as e:
        raise UsageError(f"--output {p}: {e.strerror or e}") from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600; a report is an ordinary file
        os.replace(tmp, p)
    except BaseException as e:  # full disk, permissions, Ctrl-C: no temp file left behind
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise UsageError(f"--output {p}: {e.strerror or e}") from e
        raise


MAX_JSON_DEPTH = 64  # a saved trace nests 5 levels; history documents a few more
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_JSON_DELTA = [0] * 256
for _b in b"[{":
    _JSON_DELTA[_b] = 1
for _b in b"]}":
    _JSON_DELTA[_b] = -1
_JSON_DELETE = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(data: bytes | str) -> int:
    """How deep the arrays and objects of a JSON text nest, in one linear C-speed pass
    (strings removed, then a running sum), without building anything."""
    from itertools import accumulate

    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    kept = _JSON_STRING.sub(b"", raw).translate(None, _JSON_DELETE)
    return max(accumulate(map(_JSON_DELTA.__getitem__, kept)), default=0)


MAX_JSON_VALUES = 8_000_000  # about 1 GB once decoded; a whole-slice trace of a huge question holds far fewer
MAX_JSON_BYTES = 512 * 1024 * 1024


def json_values(data: bytes | str) -> int:
    """An upper bound on the values a JSON text holds (commas and openings, strings included),
    counted at C speed before anything is decoded: ``[{},{},...]`` of 150 MB decodes to ~4 GB."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    return raw.count(b",") + raw.count(b"{") + raw.count(b"[")


def loads_json(data: bytes | str, max_depth: int = MAX_JSON_DEPTH):
    """``json.loads`` that refuses (ValueError) a document nested deeper than ``max_depth``
    before parsing it: the C decoder recurses once per level and, with the raised recursion
    limit the CLI runs under, a deep enough document overflows the C stack."""
    import json

    depth = json_depth(data)
    if depth > max_depth:
        raise ValueError(f"nested {depth} levels deep (at most {max_depth})")
    n = json_values(data)
    if n > MAX_JSON_VALUES:
        raise ValueError(f"about {n} values (at most {MAX_JSON_VALUES})")
    return json.loads(data)


_watch = threading.local()


@contextmanager
def watch_progress(callback):
    """Within this block, every progress bar this thread opens also reports to
    ``callback(desc, done, total, unit)`` (the explorer's progress page shows the same k/n as
    the command line's bar)."""
    old = getattr(_watch, "cb", None)
    _watch.cb = callback
    try:
        yield
    finally:
        _watch.cb = old


class _Watched:
    """A progress bar whose updates also go to a watcher."""

    def __init__(self, bar, cb, total, desc, unit):
        self._bar, self._cb, self._total, self._desc, self._unit, self.n = bar, cb, total, desc, unit, 0
        cb(desc, 0, total, unit)

    def update(self, k=1):
        self.n += k
        self._bar.update(k)
        self._cb(self._desc, self.n, self._total, self._unit)

    def __iter__(self):
        for x in self._bar:
            yield x
            self.n += 1
            self._cb(self._desc, self.n, self._total, self._unit)

    def __getattr__(self, name):
        return getattr(self._bar, name)


def progress(iterable=None, total=None, desc: str = "", unit: str = "it"):
    """A tqdm progress bar on stderr that only shows on a terminal (and reports to the watcher
    ``watch_progress`` set for this thread, if any)."""
    from tqdm import tqdm

    disable = not sys.stderr.isatty() or os.environ.get("SRCSCAN_NO_PROGRESS") == "1"
    bar = tqdm(iterable, total=total, desc=desc, unit=unit, disable=disable, file=sys.stderr, leave=False)
    cb = getattr(_watch, "cb", None)
    if cb is None:
        return bar
    if total is None and iterable is not None and hasattr(iterable, "__len__"):
        total = len(iterable)
    return _Watched(bar, cb, total, desc, unit)


# control characters (C0 but tab, DEL, C1), line and paragraph separators, and bidi controls
# (marks, embeddings, overrides U+202E, isolates): what makes text from a tree or a history
# act on a terminal, forge a line, or read differently from what it is
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_TEXT = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_UNSAFE_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _escape(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def inert(s: str, lines: bool = False) -> str:
    """Text from the tree, a log or a history (a file name, a commit subject, a source line)
    made inert for a terminal or a text report: control characters, line breaks and bidi
    controls shown as \\xNN / \\uNNNN, so one value stays on its line and reads as it is
    (tabs kept). With ``lines``, line breaks are kept (a whole text of srcscan's own lines)."""
    return (_UNSAFE_LINES if lines else _UNSAFE_TEXT).sub(_escape, s)


_DQ_SAFE = re.compile(r'[^"$`\\!\x00-\x1f\x7f]*')
_BARE_SAFE = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")
_PLACEHOLDER = re.compile(r'"([^"]*\{[a-z_]+\}[^"]*)"|(\{[a-z_]+\})')


def shell_quote(s: str) -> str:
    """One word for a POSIX shell holding ``s`` literally: double quotes when nothing in it
    is special there (no ``$``, backquote, backslash, ``"``, ``!``, control character), else
    single quotes (a ``'`` spelled ``'"'"'``), so pasting the command never expands anything."""
    if _DQ_SAFE.fullmatch(s):
        return f'"{s}"'
    return "'" + s.replace("'", "'\"'\"'") + "'"


def shell_command(template: str, **values) -> str:
    """A command line from a template (data files: queries/) whose placeholders take values
    from the tree or a log. Each double-quoted word holding a placeholder, and each bare
    placeholder, becomes one ``shell_quote``d word, whatever the value holds (``$(...)``,
    quotes, ``;``, a line break); a bare value of plain characters (a number) stays bare."""
    def word(m: re.Match) -> str:
        if m.group(1) is not None:
            return shell_quote(m.group(1).format(**values))
        v = m.group(2).format(**values)
        return v if _BARE_SAFE.fullmatch(v) else shell_quote(v)

    return _PLACEHOLDER.sub(word, template)


def inert_doc(x):
    """``inert`` on every string of a JSON-like document (dict keys included), for the text
    renderers: one escaping layer applied where the text format is made."""
    if isinstance(x, str):
        return inert(x)
    if isinstance(x, dict):
        return {inert(k) if isinstance(k, str) else k: inert_doc(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [inert_doc(v) for v in x]
    return x


MAX_WORD = 160  # a longer run without spaces (a symbol, a path, a URL) is shortened in messages
_LONG = re.compile(r"\S{%d,}" % (MAX_WORD + 1))


def shorten(word: str, limit: int = MAX_WORD) -> str:
    """A long value cut in the middle: its start and end stay, the length is said."""
    if len(word) <= limit:
        return word
    return f"{word[:limit * 2 // 3]}\u2026({len(word)} chars)\u2026{word[-(limit // 4):]}"


def one_line(msg: str) -> str:
    """``msg`` made safe as one terminal line: newlines, escape sequences and bidi overrides
    (a file name or a git message can carry any of them) shown as \\xNN / \\uNNNN, and any
    value longer than MAX_WORD characters (a 100 KB symbol, a path past PATH_MAX) shortened."""
    safe = _UNSAFE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}",
                       str(msg))
    return _LONG.sub(lambda m: shorten(m.group()), safe) if len(safe) > MAX_WORD else safe


def note(msg: str) -> None:
    """A status line on stderr (never on stdout, which carries results)."""
    print(f"srcscan: {one_line(msg)}", file=sys.stderr)


@contextmanager
def paused_gc():
    """Keep the cyclic GC off while an analysis builds millions of small long-lived objects
    (facts, graphs) and makes no garbage cycles: it would walk them again and again for
    nothing (about a third of a cold index). Afterwards they are frozen, so that later
    collections skip them too."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()
