"""What the headers a file includes say about the names its #if conditions test.

The extractor notes per file its ``#include`` lines, what it leaves defined or undefined at its
end (its exports: extract/localdefs.walk) and, per #if, the names the file itself leaves open
after some #include. Here those names are looked up in the headers the includes resolve to
in the program's files: a quoted include next to the including file first, then the file
whose path ends in the include's text (the shortest such path). A header's answer is its own
export, else the answer of the last header it includes that has one; an include in a branch
nobody decides, or a header that defines the name in such a branch, makes the name unknown.
Names no header of the tree decides stay unknown (three-valued, as ppcond)."""
from __future__ import annotations

import posixpath
from collections import defaultdict

from ..extract.localdefs import UNKNOWN

MAX_DEPTH = 64  # includes followed from one file


class HeaderDefines:
    def __init__(self, files: dict):
        self.files = files
        self.by_base: dict[str, list[str]] = defaultdict(list)
        for p in sorted(files):
            self.by_base[p.rsplit("/", 1)[-1]].append(p)
        self._resolved: dict[tuple[str, str], str | None] = {}  # (folder, include) -> header
        self._of_file: dict[tuple[str, str], str | None] = {}  # (file, include) -> header
        self._values: dict[tuple[str, str], int | str | None] = {}

    def resolve(self, frm: str, target: str) -> str | None:
        got = self._of_file.get((frm, target), self)  # (self: not asked yet)
        if got is self:
            got = self._of_file[(frm, target)] = self._resolve(frm, target)
        return got

    def _resolve(self, frm: str, target: str) -> str | None:
        key = (posixpath.dirname(frm), target)
        if key not in self._resolved:
            near = posixpath.normpath(posixpath.join(key[0], target))
            if near in self.files:
                self._resolved[key] = near
            else:
                hits = [p for p in self.by_base.get(target.rsplit("/", 1)[-1], ())
                        if p == target or p.endswith("/" + target)]
                self._resolved[key] = min(hits, key=lambda p: (len(p), p)) if hits else None
        return self._resolved[key]

    def value(self, path: str, name: str, depth: int = 0) -> int | str | None:
        """What ``path`` leaves ``name`` as once included: a number, defined, undefined,
        unknown, or None when neither it nor its includes say anything."""
        key = (path, name)
        if key in self._values:
            return self._values[key]
        self._values[key] = None  # (an include cycle says nothing)
        ff = self.files[path]
        v = ff.pp_exports.get(name)
        if v is None and depth < MAX_DEPTH:
            v = self._before(ff, name, None, depth)
        self._values[key] = v
        return v

    def _before(self, ff, name: str, line: int | None, depth: int) -> int | str | None:
        """The answer of the last include of ``ff`` (above ``line``) that has one."""
        for at, target, certain in reversed(ff.includes):
            if line is not None and at >= line:
                continue
            h = self.resolve(ff.path, target)
            if h is None or h == ff.path:
                continue
            v = self.value(h, name, depth + 1)
            if v is not None:
                return v if certain else UNKNOWN
        return None

    def table(self) -> dict[str, dict]:
        """"ID:LINE" of every #if with names the headers decide -> {name: what they say}."""
        out: dict[str, dict] = {}
        for path in sorted(self.files):
            ff = self.files[path]
            for line, names in (ff.pp_open or {}).items():
                known = {}
                for n in names:
                    v = self._before(ff, n, line, 0)
                    if v is not None and v != UNKNOWN:
                        known[n] = v
                if not known:
                    continue
                key = f"{ff.pp_id}:{line}"
                if key in out:  # the same bytes under another path: only what both say
                    known = {n: v for n, v in known.items() if out[key].get(n) == v}
                out[key] = known
        return {k: v for k, v in out.items() if v}
