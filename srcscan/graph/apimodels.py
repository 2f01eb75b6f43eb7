"""Models as data: sources, sinks, propagators and handle builders from queries/models/*.toml.

Every row is checked when loaded: unknown keys, missing keys or bad argument positions are
errors naming the file, so a typo in a model never silently drops a flow."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..datafiles import file_label, load_toml, model_dirs, model_files, model_kind
from ..errors import UsageError

_KEYS = {
    "source": {"id", "description", "functions", "node_arg", "key_arg", "out_arg", "returns", "key", "override",
               "replace", "callback_arg", "param", "and_definition", "default_arg", "slots", "params",
               "pointee"},
    "sink": {"id", "description", "functions", "args", "key", "fields", "replace", "node_arg", "key_arg", "joins"},
    "propagator": {"description", "functions", "args"},
    "handle": {"model", "function", "root", "parent_arg", "name_arg", "out_arg", "slot", "param", "path", "fill"},
    "container": {"description", "store", "load"},
    "callback": {"description", "functions", "callback_arg", "user_arg", "param"},
    "library": {"description", "functions", "to_arg", "from_args", "returns"},
}


# keys a row cannot do without (a sink also needs functions or fields), and the ones that are text
_REQUIRED = {"source": ("id",), "sink": ("id",), "propagator": ("functions",),
             "handle": ("model",), "container": (), "callback": ("functions", "callback_arg", "user_arg", "param"),
             "library": ("functions",)}  # a handle: and a function or a slot
_TEXT = ("id", "description", "key", "override", "model", "function", "joins")


@dataclass
class SourceModel:
    id: str
    description: str
    key: str = "{function}"
    node_arg: int | None = None
    key_arg: int | None = None
    out_arg: int | None = None
    returns: bool = False
    override: str | None = None
    origin: str = ""
    # a function passed as argument callback_arg (a handler being registered) gets the
    # source's value in its parameter ``param`` (the value the guest writes to a port)
    callback_arg: int | None = None
    param: int | None = None
    # the call also reaches the function's definition in the tree (a header's inline helper:
    # its arguments go on into the VMM), not only the model
    and_definition: bool = False
    # the argument whose value the out argument gets when the source has none (a query's
    # default: CFGMR3QueryU32Def(pNode, "Key", &u32, u32Def))
    default_arg: int | None = None
    # a function stored into one of these slots (callback table fields) gets the value in its
    # parameters ``params`` (what a pointer parameter points to): a service's call handler
    slots: list[str] = field(default_factory=list)
    params: list[int] = field(default_factory=list)
    # the call returns a pointer into memory the guest writes (VRAM: an offset the guest gave
    # turned into a host pointer): fields read through it in the caller are the value
    pointee: bool = False


@dataclass
class SinkModel:
    id: str
    description: str
    args: list[int] | str = "all"
    key: str = "{function}"
    origin: str = ""
    # a write into a keyed store (a configuration tree): the value also reaches the source
    # node of model ``joins`` with the key built from node_arg/key_arg (what readers query)
    node_arg: int | None = None
    key_arg: int | None = None
    joins: str | None = None


@dataclass
class LibraryModel:
    """A library function's effect on memory (memcpy, RTMemDup, ...): the contents of the
    ``from_args`` go into what ``to_arg`` points to, the result carries the contents of the
    ``returns`` arguments; nothing else flows (an allocation's size never reaches its pointer).
    Sizes are [[sink]] rows of their own."""
    description: str
    to_arg: int | None = None
    from_args: list[int] = field(default_factory=list)
    returns: list[int] = field(default_factory=list)
    origin: str = ""


@dataclass
class HandleModel:
    model: str
    root: bool = False
    parent_arg: int | None = None
    name_arg: int | None = None
    out_arg: int | None = None  # the new node's handle is written through this argument


@dataclass
class Models:
    sources: dict[str, SourceModel] = field(default_factory=dict)
    sinks: dict[str, SinkModel] = field(default_factory=dict)
    propagators: dict[str, list[int] | str] = field(default_factory=dict)
    handles: dict[str, HandleModel] = field(default_factory=dict)
    # a callback stored in a slot (field) of that name gets a handle of this path as a parameter:
    # slot name -> [(parameter position, path)]
    slot_handles: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    # a function stored in a slot (field) of that name gets these sources in its parameters
    slot_sources: dict[str, list[SourceModel]] = field(default_factory=dict)
    # a slot handle's path -> {placeholder ("<device>"): the string member of the registration
    # struct the callback is stored in that names it ("szName")}: the fix advice shows the name
    slot_fills: dict[str, dict[str, str]] = field(default_factory=dict)
    # methods of containers: values go into the object (push_back) / come out of it (front)
    container_store: set[str] = field(default_factory=set)
    # functions that call back a function passed to them with a user argument passed to them:
    # name -> (callback argument, user argument, the callback's parameter that receives it)
    callbacks: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    container_load: set[str] = field(default_factory=set)
    # "Struct.field" -> sink: a pointer read from that field points into the sink's memory
    # (a page mapped into the guest): what is stored through it goes there
    sink_fields: dict[str, SinkModel] = field(default_factory=dict)
    # further sink rows of a function already in ``sinks`` (a guest write: its data and its address)
    more_sinks: dict[str, list[SinkModel]] = field(default_factory=dict)
    # library functions modelled by their effect on memory (memcpy, RTMemAlloc, ...)
    library: dict[str, LibraryModel] = field(default_factory=dict)
    # source id -> (its model, the first of its functions by name): the node a joining sink reaches
    source_ids: dict[str, tuple[SourceModel, str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    # every row as loaded, for `srcscan models`: {"origin", "kind", "row", "id", "names", "replaced_by"}
    listing: list[dict] = field(default_factory=list)

    def sinks_of(self, name: str) -> list[SinkModel]:
        first = self.sinks.get(name)
        return [] if first is None else [first, *self.more_sinks.get(name, ())]

    @property
    def member_names(self) -> set[str]:
        """Model function names a call through a member may name (``pHlp->pfnCFGMQueryU32``
        matches a row listing ``pfnCFGMQueryU32``): every plain identifier of the tables."""
        got = self.__dict__.get("_members")
        if got is None:
            got = self.__dict__["_members"] = {n for table in (self.sources, self.sinks, self.propagators, self.handles)
                                               for n in table if n.isidentifier()}
        return got

    def rows(self) -> int:
        return len(self.sources) + len(self.sinks) + len(self.propagators) + len(self.handles) + len(self.library) + \
            sum(map(len, self.slot_sources.values()))


def _check(kind: str, row, where: str) -> None:
    if not isinstance(row, dict):
        raise UsageError(f"{where}: [[{kind}]] must be a table of keys")
    unknown = set(row) - _KEYS[kind]
    if unknown:
        raise UsageError(f"{where}: [[{kind}]] has unknown key(s): {', '.join(sorted(unknown))}")
    if kind == "callback":
        for k in ("callback_arg", "user_arg", "param"):
            if not isinstance(row.get(k), int) or isinstance(row.get(k), bool) or row[k] < 0:
                raise UsageError(f"{where}: [[callback]] {k} must be an argument position (0, 1, ...)")
    if kind == "container":
        for k in ("store", "load"):
            if not isinstance(row.get(k, []), list) or not all(isinstance(x, str) for x in row.get(k, [])):
                raise UsageError(f"{where}: [[container]] {k} must be a list of method names")
        return
    missing = [k for k in _REQUIRED[kind] if k not in row]
    if missing:
        raise UsageError(f"{where}: [[{kind}]] needs {' and '.join(repr(k) for k in missing)}")
    if "functions" in row and not (isinstance(row["functions"], list) and row["functions"]
                                   and all(isinstance(f, str) and f for f in row["functions"])):
        raise UsageError(f"{where}: [[{kind}]] needs a non-empty 'functions' list of names")
    if kind == "sink" and "functions" not in row and not row.get("fields"):  # a sink: calls or fields
        raise UsageError(f"{where}: [[{kind}]] needs a non-empty 'functions' list (or 'fields')")
    if "fields" in row and not (isinstance(row["fields"], list) and all(
            isinstance(f, str) and f.count(".") == 1 and all(f.split(".")) for f in row["fields"])):
        raise UsageError(f"{where}: [[{kind}]] fields must be a list of \"Struct.field\" names")
    for k in _TEXT:
        if k in row and not isinstance(row[k], str):
            raise UsageError(f"{where}: [[{kind}]] {k} must be a string")
    if "replace" in row and not isinstance(row["replace"], bool):
        raise UsageError(f"{where}: [[{kind}]] replace must be true or false")
    for k in ("from_args", "returns") if kind == "library" else ():
        if not (isinstance(row.get(k, []), list) and all(isinstance(a, int) and not isinstance(a, bool) and a >= 0
                                                        for a in row.get(k, []))):
            raise UsageError(f"{where}: [[library]] {k} must be a list of argument positions")
    for k in ("node_arg", "key_arg", "out_arg", "parent_arg", "name_arg", "to_arg", "callback_arg", "default_arg") + \
            (("param",) if kind == "source" else ()):
        if k in row and (not isinstance(row[k], int) or row[k] < 0):
            raise UsageError(f"{where}: [[{kind}]] {k} must be an argument position (0, 1, ...)")
    if "args" in row and row["args"] != "all" and not (
            isinstance(row["args"], list) and all(isinstance(a, int) and a >= 0 for a in row["args"])):
        raise UsageError(f"{where}: [[{kind}]] args must be \"all\" or a list of argument positions")
    if kind == "source" and ("slots" in row or "params" in row):
        _check_slot_source(row, where)
        return
    if kind == "source" and "functions" not in row:
        raise UsageError(f"{where}: [[source]] needs 'functions' (or 'slots' and 'params')")
    if "pointee" in row and not isinstance(row["pointee"], bool):
        raise UsageError(f"{where}: [[{kind}]] pointee must be true or false")
    if kind == "source" and not (row.get("returns") or "out_arg" in row or "callback_arg" in row or row.get("pointee")):
        raise UsageError(f"{where}: [[source]] {row.get('id')} needs out_arg, callback_arg, returns = true or pointee = true")
    if kind == "source" and ("callback_arg" in row) != ("param" in row):
        raise UsageError(f"{where}: [[source]] {row.get('id')}: callback_arg and param go together")


def _check_slot_source(row: dict, where: str) -> None:
    """A source of the functions stored in slots: ``slots`` (field names) and ``params``
    (positions), and none of the keys of a call's source."""
    sid = row.get("id")
    if not (isinstance(row.get("slots"), list) and row["slots"] and all(isinstance(f, str) and f for f in row["slots"])):
        raise UsageError(f"{where}: [[source]] {sid}: slots must be a non-empty list of field names (and go with params)")
    if not (isinstance(row.get("params"), list) and row["params"] and all(
            isinstance(a, int) and not isinstance(a, bool) and a >= 0 for a in row["params"])):
        raise UsageError(f"{where}: [[source]] {sid}: params must be a non-empty list of parameter positions")
    extra = sorted({"functions", "out_arg", "returns", "callback_arg", "param", "pointee"} & set(row))
    if extra:
        raise UsageError(f"{where}: [[source]] {sid}: a row with slots has no {', '.join(extra)}")


def _names_of(kind: str, row: dict) -> list[str]:
    if kind == "container":
        return [*row.get("store", []), *row.get("load", [])]
    if kind == "handle":
        return [row["function"] if "function" in row else f"slot {row.get('slot')}"]
    return [*row.get("functions", []), *row.get("fields", []), *(f"slot {s}" for s in row.get("slots", []))]


def _replace(m: Models, kind: str, row: dict, name: str, where: str) -> None:
    """A row with ``replace = true`` drops the rows of its kind and id that earlier files
    loaded (a user's folder replacing a built-in row); their functions lose that model."""
    old = [r for r in m.listing if r["kind"] == kind and r["id"] == row["id"] and r["origin"] != file_label(name)
           and not r["replaced_by"]]
    if not old:
        raise UsageError(f"{where}: replace = true but no earlier [[{kind}]] row has id {row['id']!r}")
    table = m.sources if kind == "source" else m.sinks
    for r in old:
        r["replaced_by"] = where
        for f in r["names"]:
            if f in table and table[f].id == row["id"]:
                del table[f]
            if kind == "source" and f.startswith("slot ") and f[5:] in m.slot_sources:
                m.slot_sources[f[5:]] = [x for x in m.slot_sources[f[5:]] if x.id != row["id"]]
            if kind == "sink":
                if f in m.sink_fields and m.sink_fields[f].id == row["id"]:
                    del m.sink_fields[f]
                if f in m.more_sinks:
                    m.more_sinks[f] = [x for x in m.more_sinks[f] if x.id != row["id"]]


def parse_models(docs: list[tuple[str, dict]]) -> Models:
    m = Models()
    for name, doc in docs:
        m.files.append(name)
        declared = model_kind(name, doc)
        for kind in _KEYS if declared == "api" else ():
            rows = doc.get(kind, [])
            if not isinstance(rows, list):
                raise UsageError(f"{file_label(name)}: {kind} must be written [[{kind}]] (a list of rows)")
            for i, row in enumerate(rows):
                where = f"{file_label(name)} [[{kind}]] #{i + 1}"
                _check(kind, row, where)
                if row.get("replace"):
                    _replace(m, kind, row, name, where)
                m.listing.append({"origin": file_label(name), "kind": kind, "row": i + 1,
                                  "id": row.get("id") or row.get("model") or "", "names": _names_of(kind, row),
                                  "replaced_by": ""})
                if kind == "source":
                    sm = SourceModel(row["id"], row.get("description", ""), row.get("key", "{function}"),
                                     row.get("node_arg"), row.get("key_arg"), row.get("out_arg"),
                                     bool(row.get("returns", False)), row.get("override"), name,
                                     row.get("callback_arg"), row.get("param"), bool(row.get("and_definition")),
                                     row.get("default_arg"), list(row.get("slots", [])), list(row.get("params", [])),
                                     bool(row.get("pointee")))
                    for f in row.get("functions", []):
                        m.sources[f] = sm
                    for f in sm.slots:
                        m.slot_sources.setdefault(f, []).append(sm)
                elif kind == "sink":
                    sk = SinkModel(row["id"], row.get("description", ""), row.get("args", "all"),
                                   row.get("key", "{function}"), name, row.get("node_arg"), row.get("key_arg"),
                                   row.get("joins"))
                    for f in row.get("functions", []):
                        if f in m.sinks and m.sinks[f].id != sk.id:  # another sink of the same call
                            m.more_sinks.setdefault(f, []).append(sk)
                        else:
                            m.sinks[f] = sk
                    for f in row.get("fields", []):
                        m.sink_fields[f] = sk
                elif kind == "library":
                    lib = LibraryModel(row.get("description", ""), row.get("to_arg"), list(row.get("from_args", [])),
                                       list(row.get("returns", [])), name)
                    for f in row["functions"]:
                        if f in m.library:
                            raise UsageError(f"{where}: {f} is already a [[library]] function "
                                             f"({m.library[f].origin}): one row per function")
                        m.library[f] = lib
                elif kind == "callback":
                    for f in row["functions"]:
                        m.callbacks[f] = (row["callback_arg"], row["user_arg"], row["param"])
                elif kind == "container":
                    m.container_store.update(row.get("store", []))
                    m.container_load.update(row.get("load", []))
                elif kind == "propagator":
                    for f in row["functions"]:
                        m.propagators[f] = row.get("args", "all")
                elif "slot" in row:
                    if not isinstance(row.get("param"), int) or row["param"] < 0 or not isinstance(row.get("path"), str):
                        raise UsageError(f"{where}: a [[handle]] with a slot needs param (a position) and path")
                    m.slot_handles.setdefault(row["slot"], []).append((row["param"], row["path"]))
                    fill = row.get("fill", {})
                    if not (isinstance(fill, dict) and all(isinstance(k, str) and k in row["path"] and isinstance(v, str)
                                                           and v for k, v in fill.items())):
                        raise UsageError(f"{where}: fill must map placeholders of the path to member names")
                    if fill:
                        m.slot_fills[row["path"]] = dict(fill)
                else:
                    if not isinstance(row.get("function"), str):
                        raise UsageError(f"{where}: [[handle]] needs a function (or a slot)")
                    m.handles[row["function"]] = HandleModel(row["model"], bool(row.get("root", False)),
                                                             row.get("parent_arg"), row.get("name_arg"),
                                                             row.get("out_arg"))
        # log statements (files of kind "log", shared with `srcscan log`) are sinks too
        rows = doc.get("log", []) if declared == "log" else []
        for i, row in enumerate(rows):
            names = row.get("names") if isinstance(row, dict) else None
            if not isinstance(names, list) or not names:
                raise UsageError(f"{file_label(name)} [[log]] #{i + 1}: needs a non-empty 'names' list")
            m.listing.append({"origin": file_label(name), "kind": "log", "row": i + 1, "id": "log",
                              "names": list(names), "replaced_by": ""})
            desc = ("printed to the release log (VBox.log)" if row.get("release") else
                    "printed to a debug log (not in release builds)")
            for f in names:
                m.sinks.setdefault(f, SinkModel("log", desc, "all", "{function}", name))
    for f in sorted(m.sources):
        m.source_ids.setdefault(m.sources[f].id, (m.sources[f], f))
    for f, sk in [(f, sk) for f in m.sinks for sk in m.sinks_of(f)]:
        if sk.joins is not None and sk.joins not in m.source_ids:
            raise UsageError(f"queries/{sk.origin}: [[sink]] {sk.id} joins {sk.joins!r}, which no [[source]] row has as id")
        if sk.joins is not None and (sk.node_arg is None or sk.key_arg is None):
            raise UsageError(f"queries/{sk.origin}: [[sink]] {sk.id} joins a source: it needs node_arg and key_arg")
    return m


def load_models() -> Models:
    """Built-in models and the user's model folders (datafiles.set_model_dirs), cached per set of folders."""
    return _load_models(model_dirs())


@lru_cache(maxsize=4)
def _load_models(dirs: tuple[str, ...]) -> Models:
    return parse_models([(f, load_toml(f)) for f in model_files()])


load_models.cache_clear = _load_models.cache_clear  # type: ignore[attr-defined]
