"""Preprocessor conditions: which #if branches a configuration keeps.

Conditions are kept as text on each fact ("defined(IN_RING3)", "!(VBOX_WITH_X)", "0").
``Config.excludes`` evaluates them in three-valued logic: a branch is dropped only when its
condition is certainly false under the --define/--undef given (``#if 0`` always is, and so is
a branch the file's own #define/#undef rule out: a condition may end with what the file said
about its names, `` [file: A=16, B defined, C undefined]``, see localdefs.py; those two kinds
of dead code are kept with keep_if0). A condition whose names a header included above it may
decide names where to look that up, `` [hdr: ID:LINE]`` (before any file note): ``headers``, filled
per program from the headers the includes resolve to (graph/ppheaders.py), turns it into a file
note of what the tree said; without it the marker is dropped and the names stay unknown)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_TOKEN = re.compile(r"\s*(defined|\|\||&&|!=|==|>=|<=|[()!<>]|[A-Za-z_][A-Za-z0-9_]*|0[xX][0-9a-fA-F]+|\d+)[uUlL]*")


@dataclass
class Config:
    defines: dict[str, int] = field(default_factory=dict)  # NAME -> value
    undefs: set[str] = field(default_factory=set)
    keep_if0: bool = False
    opaque: set[str] = field(default_factory=set)  # defined, value not a number
    # "ID:LINE" of a condition's [hdr: ] marker -> what the headers included above it said
    headers: dict = field(default_factory=dict, compare=False, repr=False)

    def for_program(self, program) -> "Config":
        """This configuration with what the program's headers decide (a copy; self if none)."""
        table = program.pp_headers() if hasattr(program, "pp_headers") else {}
        if not table or table is self.headers:
            return self
        return Config(self.defines, self.undefs, self.keep_if0, self.opaque, table)

    def resolve(self, cond: str) -> str:
        """``cond`` with its [hdr: ] marker turned into file-note knowledge (the file's own
        note, written after it, wins), or dropped when the headers decide none of its names."""
        i = cond.find(HDR_NOTE)
        if i < 0:
            return cond
        j = cond.find("]", i)
        head, tail = cond[:i], cond[j + 1:]
        known = dict(self.headers.get(cond[i + len(HDR_NOTE):j], ()))
        if tail.startswith(FILE_NOTE) and tail.endswith("]"):
            for part in tail[len(FILE_NOTE):-1].split(", "):
                name, sep, value = part.partition("=")
                if not sep:
                    name, _, value = part.partition(" ")
                known.pop(name, None)
            own = tail[len(FILE_NOTE):-1]
        else:
            own = ""
        parts = [f"{n}={v}" if isinstance(v, int) else f"{n} {v}" for n, v in known.items()]
        if own:
            parts.append(own)
        return head + (f"{FILE_NOTE}{', '.join(parts)}]" if parts else "")

    @staticmethod
    def from_args(defines: list[str] | None, undefs: list[str] | None, keep_if0: bool = False) -> "Config":
        """Build a configuration; defining one name of an exclusive group (queries/config.toml,
        e.g. IN_RING3 / IN_RING0 / IN_RC) undefines the others."""
        from ..datafiles import load_toml

        import re

        from ..errors import UsageError

        groups = load_toml("config.toml").get("exclusive", [])
        d = {}
        ident = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
        for item in defines or []:
            name, _, val = item.partition("=")
            name = name.strip()
            if not ident.fullmatch(name):
                raise UsageError(f"-D {item!r}: {name!r} is not a macro name")
            try:
                d[name] = int(val, 0) if val else 1
            except ValueError:
                d[name] = 1
        u = set(x.strip() for x in undefs or [])
        for name in sorted(u):
            if not ident.fullmatch(name):
                raise UsageError(f"-U {name!r}: not a macro name")
            if name in d:
                raise UsageError(f"-D {name} and -U {name} contradict each other; give one")
        for g in groups:  # (queries/config.toml: never defined together)
            both = [n for n in g if n in d]
            if len(both) > 1:
                raise UsageError(f"{' and '.join('-D ' + n for n in both)}: only one of {', '.join(g)} is defined "
                                 "in any build (queries/config.toml [exclusive]); give one")
        for g in groups:
            if any(n in d for n in g):
                u.update(n for n in g if n not in d)
        return Config(d, u, keep_if0)

    def excludes_file(self, path: str | None) -> bool:
        """Whether the build never compiles ``path`` in this configuration: its folder's build
        context (queries/config.toml [build_contexts], e.g. VMMR3 -> IN_RING3) names a macro the
        configuration undefines (``-U IN_RING3``, or ``-D IN_RING0`` of its exclusive group)."""
        if not self.undefs or not path:
            return False
        return any(n in self.undefs for n in build_context(path))

    def excludes_fn(self, fn) -> bool:
        """A function (or any fact with ``preproc`` and ``file``) the configuration drops."""
        return self.excludes(fn.preproc) or self.excludes_file(getattr(fn, "file", None))

    def excludes(self, conds: list[str]) -> bool:
        for c in conds:
            if HDR_NOTE in c:
                c = self.resolve(c)
            if c == "0" and not self.keep_if0:
                return True
            local = c.endswith("]") and FILE_NOTE in c
            if local and not self.keep_if0 and evaluate(c, self) is False:
                return True  # dead by the file's own #define/#undef
            if (self.defines or self.undefs) and evaluate(c, self, local and not self.keep_if0) is False:
                return True
        return False


FILE_NOTE = " [file: "
HDR_NOTE = " [hdr: "


def build_context(path: str) -> tuple[str, ...]:
    """The macros the build defines for every file under ``path``'s folder (the longest folder
    of queries/config.toml [build_contexts] that holds it), e.g. ("IN_RING3",) for VMMR3/."""
    table = _contexts()
    best = None
    for folder in table:
        if (path.startswith(folder + "/") or ("/" + folder + "/") in path) and (best is None or len(folder) > len(best)):
            best = folder
    return table[best] if best is not None else ()


@lru_cache(maxsize=1)
def _contexts() -> dict[str, tuple[str, ...]]:
    from ..datafiles import load_toml

    return {k.strip("/"): tuple(v) for k, v in load_toml("config.toml").get("build_contexts", {}).items()}


def _file_note(cond: str, cfg: Config) -> tuple[str, Config]:
    """Split `` [file: ...]`` off a condition: the condition, and ``cfg`` with what the file
    said (the file's own #define/#undef come after the command line's: they win)."""
    head, _, note = cond.rpartition(FILE_NOTE)
    d, u, o = dict(cfg.defines), set(cfg.undefs), set(cfg.opaque)
    for part in note[:-1].split(", "):
        name, sep, value = part.partition("=")
        if not sep:
            name, _, value = part.partition(" ")
        d.pop(name, None), u.discard(name), o.discard(name)
        if sep:
            try:
                d[name] = int(value, 0)
            except ValueError:
                o.add(name)
        elif value == "undefined":
            u.add(name)
        elif value == "defined":
            o.add(name)
    return head, Config(d, u, cfg.keep_if0, o)


def evaluate(cond: str, cfg: Config, with_file: bool = True):
    """True, False or None (unknown). A condition's `` [file: ...]`` note is used unless
    ``with_file`` is false (then only ``cfg`` decides)."""
    if HDR_NOTE in cond:
        cond = cfg.resolve(cond)
    if cond.endswith("]") and FILE_NOTE in cond:
        head, local = _file_note(cond, cfg)
        cond, cfg = head, (local if with_file else cfg)
    toks = []
    pos = 0
    while pos < len(cond):
        m = _TOKEN.match(cond, pos)
        if not m:
            return None
        toks.append(m.group(1))
        pos = m.end()
        if pos < len(cond) and cond[pos:].strip() == "":
            break
    try:
        val, rest = _or(toks, cfg)
    except (IndexError, ValueError):
        return None
    if rest:
        return None
    return None if val is None else bool(val)


def _or(t, cfg):
    a, t = _and(t, cfg)
    while t and t[0] == "||":
        b, t = _and(t[1:], cfg)
        ta, tb = _truth(a), _truth(b)
        a = True if (ta or tb) else (None if ta is None or tb is None else False)
    return a, t


def _truth(v):
    return None if v is None else bool(v)


def _and(t, cfg):
    a, t = _cmp(t, cfg)
    while t and t[0] == "&&":
        b, t = _cmp(t[1:], cfg)
        ta, tb = _truth(a), _truth(b)
        a = False if (ta is False or tb is False) else (None if ta is None or tb is None else True)
    return a, t


def _cmp(t, cfg):
    a, t = _unary(t, cfg)
    while t and t[0] in ("==", "!=", ">=", "<=", "<", ">"):
        op = t[0]
        b, t = _unary(t[1:], cfg)
        if a is None or b is None:
            a = None
        else:
            a = {"==": a == b, "!=": a != b, ">=": a >= b, "<=": a <= b, "<": a < b, ">": a > b}[op]
    return a, t


def _unary(t, cfg):
    tok = t[0]
    if tok == "!":
        v, rest = _unary(t[1:], cfg)
        return (None if v is None else not v), rest
    if tok == "(":
        v, rest = _or(t[1:], cfg)
        if not rest or rest[0] != ")":
            raise ValueError
        return v, rest[1:]
    if tok == "defined":
        if t[1] == "(":
            name, rest = t[2], t[4:]
        else:
            name, rest = t[1], t[2:]
        if name in cfg.defines or name in cfg.opaque:
            return True, rest
        if name in cfg.undefs:
            return False, rest
        return None, rest
    if tok[0].isdigit():
        return int(tok, 0), t[1:]
    if tok in cfg.defines:
        return cfg.defines[tok], t[1:]
    if tok in cfg.opaque:
        return None, t[1:]
    if tok in cfg.undefs:
        return 0, t[1:]
    return None, t[1:]
