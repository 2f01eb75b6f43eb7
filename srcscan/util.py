"""Small shared helpers: atomic output, progress bars, colour."""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from .errors import UsageError


def write_atomic(path: str | os.PathLike, data: str | bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder and a rename, so a
    crash or a full disk never leaves a half-written file behind."""
    p = Path(path)
    if p.is_dir():
        raise UsageError(f"--output {p}: is a folder")
    if not p.parent.is_dir():
        raise UsageError(f"--output {p}: folder {p.parent} does not exist")
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=str(p.parent))
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)  # mkstemp makes 0600; a report is an ordinary file
        os.replace(tmp, p)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise UsageError(f"--output {p}: {e.strerror or e}") from e


def progress(iterable=None, total=None, desc: str = "", unit: str = "it"):
    """A tqdm progress bar on stderr that only shows on a terminal."""
    from tqdm import tqdm

    disable = not sys.stderr.isatty() or os.environ.get("SRCSCAN_NO_PROGRESS") == "1"
    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=disable, file=sys.stderr, leave=False)


def use_color(stream=None) -> bool:
    stream = stream or sys.stdout
    return stream.isatty() and "NO_COLOR" not in os.environ


def note(msg: str) -> None:
    """A status line on stderr (never on stdout, which carries results)."""
    print(f"srcscan: {msg}", file=sys.stderr)
