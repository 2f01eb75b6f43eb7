"""Status codes end a path (issue 27): a variable, parameter or function result that only says
whether something worked (queries/config.toml [status]) is where a traced value stops. The flow
builder adds no edge out of such a node, so neither a data step nor a control step into the
caller's error handling follows it. Mixed into the flow builder."""
from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@lru_cache(maxsize=1)
def _conf() -> tuple[frozenset, frozenset, frozenset]:
    from ..datafiles import load_toml

    c = load_toml("config.toml").get("status", {})
    return frozenset(c.get("types", ())), frozenset(c.get("int_types", ())), frozenset(c.get("names", ()))


def is_status(typ: str | None, name: str | None) -> bool:
    """Whether a variable of type ``typ`` named ``name`` holds a status code."""
    if not typ:
        return False
    types, ints, names = _conf()
    words = [w for w in _WORD.findall(typ) if w not in ("const", "volatile", "static", "register")]
    t = " ".join(words)
    return "*" not in typ and "&" not in typ and (t in types or (t in ints and name in names))


class StatusCodes:
    """Needs ``p`` and ``g`` from the flow builder."""

    def status_node(self, nid: str) -> bool:
        memo = self.__dict__.setdefault("_status_memo", {})
        got = memo.get(nid)
        if got is None:
            got = memo[nid] = self._status_of(nid)
        return got

    def _status_of(self, nid: str) -> bool:
        d = self.g.nodes[nid]
        kind, owner, name = d.get("kind"), d.get("owner"), d.get("name")
        if self._status_member(kind, owner, name, d.get("label") or ""):
            return True
        if kind not in ("local", "param") or owner not in self.p.functions:
            return False  # (a function's result: what its status variables return is cut there already)
        defs = self.p.functions[owner]
        if kind == "param":
            return any(is_status(p.type, p.name) for f in defs for p in f.params if p.name == name)
        return any(is_status(f.locals.get(name), name) for f in defs)

    def _status_member(self, kind: str | None, owner: str | None, name: str | None, label: str) -> bool:
        """Whether a node is a struct member holding a status code (a request header's ``int32_t
        rc`` the handler's result is written into): the type's field, a parameter's view of it
        (labelled ``Struct.member (*p of f)``) or a local struct's member (labelled as the type's)."""
        if not name:
            return False
        if kind == "field":
            struct = owner
        elif kind in ("param", "local") and "." in label.split(" (", 1)[0]:
            struct = label.split(" (", 1)[0].rsplit(".", 1)[0]
        else:
            return False
        decl = self.p.struct_fields.get(struct or "", {}).get(name)
        return decl is not None and not decl.pointer and is_status(decl.type, name)

