"""Facts: plain data extracted from one file, independent of tree-sitter objects, so they can
be cached (pickled) and shipped between processes.

An *access path* is how code names a value: ``pVM->tm.s.cTSCTicksPerSecond`` is
``Access(root="pVM", steps=(("->", "tm"), (".", "s"), (".", "cTSCTicksPerSecond")))``.
"""
from __future__ import annotations

import io
import pickle
import zlib
from dataclasses import dataclass, field, is_dataclass

FACTS_VERSION = 32  # bump when extraction changes; part of the cache key
FLOW_VERSION = 97  # bump when graph building makes other nodes, edges or evidence; part of a cached graph's key


@dataclass(slots=True)
class Access:
    root: str
    steps: list[tuple[str, str]] = field(default_factory=list)  # ("->"|"."|"[]"|"*", name)
    deref: bool = False  # *p

    def text(self) -> str:
        s = ("*" if self.deref else "") + self.root
        for op, name in self.steps:
            s += "[]" if op == "[]" else f"{op}{name}"
        return s

    @property
    def last(self) -> str:
        for op, name in reversed(self.steps):
            if op in ("->", "."):
                return name
        return self.root


@dataclass(slots=True)
class Guard:
    kind: str  # if | else | while | for | do | switch | case | ternary
    text: str  # "if (rc == VERR_CFGM_VALUE_NOT_FOUND)"
    line: int
    reads: list[Access] = field(default_factory=list)


@dataclass(slots=True)
class Expr:
    """What an expression's value is made of: variables read and calls whose result flows in."""

    text: str
    reads: list[Access] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)  # indexes into Function.calls
    string: str | None = None  # decoded value when the expression is a string literal
    addr_of: Access | None = None  # &x: the callee may write x
    number: str | None = None  # literal number text


@dataclass(slots=True)
class Call:
    callee: str  # "TMCpuTicksPerSecond", or "pDevIns->pHlpR3->pfnFoo" text for indirect calls
    args: list[Expr]
    line: int
    col: int
    end_line: int
    code: str  # the first source line of the statement, stripped
    guards: list[Guard] = field(default_factory=list)
    preproc: list[str] = field(default_factory=list)
    indirect: Access | None = None  # call through a pointer/member: the access that was called
    start_byte: int = 0


@dataclass(slots=True)
class Assign:
    target: Access
    op: str  # "=", "+=", ">>=", "init", ...
    value: Expr
    line: int
    col: int
    code: str
    guards: list[Guard] = field(default_factory=list)
    preproc: list[str] = field(default_factory=list)
    type: str | None = None  # for initialized declarations: the declared type


@dataclass(slots=True)
class Return:
    value: Expr
    line: int
    col: int
    code: str
    guards: list[Guard] = field(default_factory=list)
    preproc: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Param:
    name: str
    type: str
    pointer: bool = False
    ref: bool = False  # a C++ reference: the name is the caller's variable


@dataclass
class Function:
    name: str
    file: str
    line: int
    end_line: int
    static: bool
    ret_type: str | None
    params: list[Param]
    locals: dict[str, str] = field(default_factory=dict)  # name -> declared type text
    local_lines: dict[str, int] = field(default_factory=dict)
    assigns: list[Assign] = field(default_factory=list)
    returns: list[Return] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    preproc: list[str] = field(default_factory=list)
    name_rule: str | None = None  # macro rule that gave the name, if any

    @property
    def key(self) -> str:
        return f"{self.file}:{self.name}" if self.static else self.name

    # A function's body (its statements) is pickled apart and decoded on first use: a query
    # reads every file's facts but builds only the functions its slice reaches.
    def __getstate__(self) -> dict:
        d = self.__dict__
        if "_body" in d:  # never decoded here: passed on as it came
            return d
        state = {k: v for k, v in d.items() if k not in BODY}
        # a big body is deflated on its own: an undecoded body stays in memory as these bytes
        # (a whole checkout's 200,000 functions: a quarter of the pickle's size); a small one
        # is not worth a deflate call. A pickle starts with PROTO (0x80), zlib data never does.
        raw = pickle.dumps(tuple(d[k] for k in BODY), protocol=pickle.HIGHEST_PROTOCOL)
        state["_body"] = zlib.compress(raw, 1) if len(raw) >= DEFLATE_BODIES_FROM else raw
        return state

    def may_name(self, words: "tuple[bytes, ...]") -> bool:
        """Whether the body can hold one of ``words`` (names, UTF-8): a prefilter that tells an
        undecoded body without unpickling it (its pickle holds every name as plain UTF-8; a
        deflated one is inflated, which costs a tenth of decoding). A decoded body: True."""
        raw = self.__dict__.get("_body")
        if raw is None:
            return True
        if raw[:1] != b"\x80":
            try:
                raw = zlib.decompress(raw)
            except zlib.error:
                return True  # (decoding it will say what is wrong)
        return any(w in raw for w in words)

    def __getattr__(self, name: str):  # only called for attributes not set: a body still encoded
        d = self.__dict__
        if name in BODY:
            raw = d.get("_body")
            if raw is not None:
                try:
                    raw = raw if raw[:1] == b"\x80" else zlib.decompress(raw)
                except zlib.error as e:
                    raise DamagedFacts(f"a damaged function body in the fact cache ({e})", d.get("file")) from e
                try:
                    body = load_facts(raw)
                except pickle.UnpicklingError as e:
                    raise DamagedFacts(f"a damaged function body in the fact cache ({e})", d.get("file")) from e
                if not isinstance(body, tuple) or len(body) != len(BODY):
                    raise DamagedFacts("a damaged function body in the fact cache", d.get("file"))
                d.update(zip(BODY, body))
                d.pop("_body", None)
            if name in d:  # (or decoded meanwhile by another thread: serve runs queries in threads)
                return d[name]
        raise AttributeError(f"'Function' object has no attribute '{name}'")


class DamagedFacts(pickle.UnpicklingError):
    """A cached record found damaged only when it is used (a function body is decoded on
    first use): ``file`` names the file whose facts are to be parsed again."""

    def __init__(self, message: str, file: str | None):
        super().__init__(message)
        self.file = file
        self.gkey = None


DEFLATE_BODIES_FROM = 2048  # bytes of a pickled body
BODY = ("assigns", "returns", "calls")  # Function fields decoded on first use (statements)


@dataclass
class FieldDecl:
    name: str
    type: str
    line: int
    pointer: bool = False
    array: bool = False
    nested: str | None = None  # name of an inline struct/union type


@dataclass
class Struct:
    name: str
    kind: str  # struct | union | class
    line: int
    fields: list[FieldDecl] = field(default_factory=list)
    bases: list[str] = field(default_factory=list)  # C++ base classes


@dataclass
class Typedef:
    name: str
    target: str  # struct/union/type name it stands for
    pointer: bool
    line: int


@dataclass
class Define:
    name: str
    value: str
    line: int


@dataclass
class GlobalVar:
    name: str
    type: str
    line: int
    static: bool = False
    pointer: bool = False


@dataclass
class FileFacts:
    path: str
    key: str
    functions: list[Function] = field(default_factory=list)
    structs: list[Struct] = field(default_factory=list)
    typedefs: list[Typedef] = field(default_factory=list)
    defines: list[Define] = field(default_factory=list)
    globals: list[GlobalVar] = field(default_factory=list)
    global_assigns: list[Assign] = field(default_factory=list)  # initializers at file scope
    error_nodes: int = 0
    missing_nodes: int = 0  # tokens the parser had to invent (MISSING)
    bytes: int = 0
    lines: int = 0
    disabled_blocks: int = 0  # "#if 0" blocks seen
    skipped: list[str] = field(default_factory=list)  # 'LINE: why' of parts left out (nesting.py)
    # what headers may decide (extract/localdefs.walk, graph/ppheaders.py): the #include lines
    # (line, target, certainly compiled), what the file leaves defined at its end, the names
    # each #if line leaves to the headers included above it, and the id its conditions name
    includes: list[tuple[int, str, bool]] = field(default_factory=list)
    pp_exports: dict[str, int | str] = field(default_factory=dict)
    pp_open: dict[int, list[str]] = field(default_factory=dict)
    pp_id: str = ""


class FactsUnpickler(pickle.Unpickler):
    """Only srcscan's own fact classes (and plain containers) may be loaded from the cache,
    so a tampered cache file cannot make srcscan run code."""

    def find_class(self, module: str, name: str):
        got = globals().get(name) if module == __name__ else None
        if isinstance(got, type) and is_dataclass(got):  # the fact records, nothing else
            return got
        if module == "builtins" and name in ("tuple", "list", "dict", "set", "frozenset"):
            import builtins

            return getattr(builtins, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in the fact cache")


def load_facts(data: bytes):
    """Unpickle facts with FactsUnpickler; any failure is an UnpicklingError (a damaged cache)."""
    try:
        return FactsUnpickler(io.BytesIO(data)).load()
    except pickle.UnpicklingError:
        raise
    except Exception as e:  # truncated or altered bytes fail in many ways
        raise pickle.UnpicklingError(f"damaged facts ({type(e).__name__}: {e})") from e
