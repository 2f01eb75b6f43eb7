"""Facts: plain data extracted from one file, independent of tree-sitter objects, so they can
be cached (as JSON) and shipped between processes.

An *access path* is how code names a value: ``pVM->tm.s.cTSCTicksPerSecond`` is
``Access(root="pVM", steps=(("->", "tm"), (".", "s"), (".", "cTSCTicksPerSecond")))``.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

FACTS_VERSION = 3  # bump when extraction changes; part of the cache key
FLOW_VERSION = 4  # bump when graph building makes other nodes, edges or evidence; part of a cached graph's key


@dataclass
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


@dataclass
class Guard:
    kind: str  # if | else | while | for | do | switch | case | ternary
    text: str  # "if (rc == VERR_CFGM_VALUE_NOT_FOUND)"
    line: int
    reads: list[Access] = field(default_factory=list)


@dataclass
class Expr:
    """What an expression's value is made of: variables read and calls whose result flows in."""

    text: str
    reads: list[Access] = field(default_factory=list)
    calls: list[int] = field(default_factory=list)  # indexes into Function.calls
    string: str | None = None  # decoded value when the expression is a string literal
    addr_of: Access | None = None  # &x: the callee may write x
    number: str | None = None  # literal number text


@dataclass
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


@dataclass
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


@dataclass
class Return:
    value: Expr
    line: int
    col: int
    code: str
    guards: list[Guard] = field(default_factory=list)
    preproc: list[str] = field(default_factory=list)


@dataclass
class Param:
    name: str
    type: str
    pointer: bool = False


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
    kind: str  # struct | union
    line: int
    fields: list[FieldDecl] = field(default_factory=list)


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_dict(d: dict[str, Any]) -> "FileFacts":
        def acc(a):
            return None if a is None else Access(a["root"], [tuple(s) for s in a["steps"]], a.get("deref", False))

        def guard(g):
            return Guard(g["kind"], g["text"], g["line"], [acc(a) for a in g["reads"]])

        def expr(e):
            return Expr(e["text"], [acc(a) for a in e["reads"]], list(e["calls"]), e.get("string"),
                        acc(e.get("addr_of")), e.get("number"))

        def common(x):
            return dict(guards=[guard(g) for g in x["guards"]], preproc=list(x["preproc"]))

        fns = []
        for f in d["functions"]:
            fns.append(Function(
                name=f["name"], file=f["file"], line=f["line"], end_line=f["end_line"], static=f["static"],
                ret_type=f["ret_type"], params=[Param(**p) for p in f["params"]], locals=dict(f["locals"]),
                local_lines=dict(f.get("local_lines", {})),
                assigns=[Assign(acc(a["target"]), a["op"], expr(a["value"]), a["line"], a["col"], a["code"],
                                type=a.get("type"), **common(a)) for a in f["assigns"]],
                returns=[Return(expr(r["value"]), r["line"], r["col"], r["code"], **common(r)) for r in f["returns"]],
                calls=[Call(c["callee"], [expr(x) for x in c["args"]], c["line"], c["col"], c["end_line"], c["code"],
                            indirect=acc(c.get("indirect")), start_byte=c.get("start_byte", 0), **common(c))
                       for c in f["calls"]],
                preproc=list(f["preproc"]), name_rule=f.get("name_rule")))
        return FileFacts(
            path=d["path"], key=d["key"], functions=fns,
            structs=[Struct(s["name"], s["kind"], s["line"], [FieldDecl(**x) for x in s["fields"]]) for s in d["structs"]],
            typedefs=[Typedef(**t) for t in d["typedefs"]],
            defines=[Define(**x) for x in d["defines"]],
            globals=[GlobalVar(**g) for g in d["globals"]],
            global_assigns=[Assign(acc(a["target"]), a["op"], expr(a["value"]), a["line"], a["col"], a["code"],
                                   type=a.get("type"), **common(a)) for a in d.get("global_assigns", [])],
            error_nodes=d.get("error_nodes", 0), missing_nodes=d.get("missing_nodes", 0), bytes=d.get("bytes", 0), lines=d.get("lines", 0),
            disabled_blocks=d.get("disabled_blocks", 0))
