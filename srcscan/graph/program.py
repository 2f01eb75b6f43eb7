"""Program: all facts of a snapshot merged — functions by name (file-static ones scoped to
their file), structs and typedefs, globals, macros — plus type and field-owner resolution."""
from __future__ import annotations

import re
from functools import lru_cache
from collections import defaultdict

from ..datafiles import load_toml
from ..extract.keys import buffer_casts, indexed_accesses, record_casts
from ..extract.records import Access, FieldDecl, FileFacts, Function, GlobalVar, Struct

_TYPE_NOISE = {"const", "volatile", "struct", "union", "enum", "class", "unsigned", "signed", "static", "inline",
               "extern", "register", "typename"} | set(load_toml("macros.toml").get("type_qualifiers", []))
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_:]*")


@lru_cache(maxsize=1)
def header_suffixes() -> tuple[str, ...]:
    """Suffixes of files others include (queries/config.toml [headers])."""
    return tuple(s.lower() for s in load_toml("config.toml").get("headers", {}).get("suffixes", ()))


def is_header(path: str) -> bool:
    return path.lower().endswith(header_suffixes())


@lru_cache(maxsize=1)
def _by_name_patterns() -> tuple:
    return tuple(re.compile(p) for p in load_toml("config.toml").get("methods", {}).get("by_name", ()))


_REQUEST_KINDS = 4  # request types cast from one header before they count as records in buffers


@lru_cache(maxsize=65536)
def _base_type(typ: str) -> str | None:
    """The type name in a declared type text: 'PGIMKVM' from 'PGIMKVM const', 'TM' from 'struct TM *'."""
    if typ and typ.startswith("<anon"):
        return typ
    toks = [t for t in _IDENT.findall(typ or "") if t not in _TYPE_NOISE]
    return toks[-1] if toks else None


class Program:
    def __init__(self, files: dict[str, FileFacts]):
        self.files = files
        self.functions: dict[str, list[Function]] = defaultdict(list)  # key -> definitions
        self.statics: dict[tuple[str, str], str] = {}  # (file, name) -> key
        # name -> keys of static functions defined in headers: shared by every including file
        self.header_statics: dict[str, list[str]] = {}
        self.structs: dict[str, Struct] = {}
        self.struct_fields: dict[str, dict[str, FieldDecl]] = {}
        self.struct_files: dict[str, str] = {}
        self.typedefs: dict[str, tuple[str, bool]] = {}  # name -> (target, pointer)
        self.typedef_alts: dict[str, list[str]] = {}  # name -> every target it has in some #if branch
        self.field_owners: dict[str, set[str]] = defaultdict(set)
        self.globals: dict[str, GlobalVar] = {}
        self.global_files: dict[str, str] = {}
        self.static_globals: dict[tuple[str, str], GlobalVar] = {}
        self.defines: dict[str, str] = {}
        self._many: set[str] | None = None
        self._own: set[str] = set()  # structs of which functions make objects (_find_many)
        self._derived: dict[str, set[str]] | None = None
        self._embeds: dict[str, dict[str, int]] = {}
        self._pp_headers: dict | None = None
        for path in sorted(files):
            self._add(files[path])

    def pp_headers(self) -> dict:
        """What included headers say about the names #if conditions test (graph/ppheaders.py)."""
        if self._pp_headers is None:
            from .ppheaders import HeaderDefines

            self._pp_headers = HeaderDefines(self.files).table()
        return self._pp_headers

    # ------------------------------------------------------------------ merge
    def _qualify(self, name: str, path: str) -> str:
        return f"{name[:-1]} {path}>" if name.startswith("<anon") else name

    def _add(self, ff: FileFacts) -> None:
        for fn in ff.functions:
            self.functions[fn.key].append(fn)
            if fn.static:
                self.statics[(ff.path, fn.name)] = fn.key
                if is_header(ff.path):
                    keys = self.header_statics.setdefault(fn.name, [])
                    if fn.key not in keys:
                        keys.append(fn.key)
        for st in ff.structs:
            name = self._qualify(st.name, ff.path)
            fields = self.struct_fields.setdefault(name, {})
            if name not in self.structs:
                self.structs[name] = st
                self.struct_files[name] = ff.path
            for fd in st.fields:
                if fd.nested and fd.nested.startswith("<anon"):
                    fd = FieldDecl(fd.name, self._qualify(fd.type, ff.path), fd.line, fd.pointer, fd.array,
                                   self._qualify(fd.nested, ff.path))
                fields.setdefault(fd.name, fd)
                self.field_owners[fd.name].add(name)
        for td in ff.typedefs:
            if td.name not in self.typedefs or td.target not in ("", td.name):
                self.typedefs.setdefault(td.name, (self._qualify(td.target, ff.path), td.pointer))
            if td.target not in ("", td.name):  # every #if branch of a typedef (PVMCPUCC: VMCPU or GVMCPU)
                alts = self.typedef_alts.setdefault(td.name, [])
                t = self._qualify(td.target, ff.path)
                if t not in alts:
                    alts.append(t)
        for g in ff.globals:
            if g.static:
                self.static_globals[(ff.path, g.name)] = g
            elif g.name not in self.globals or self.globals[g.name].type == "":
                self.globals[g.name] = g
                self.global_files.setdefault(g.name, ff.path)
        for d in ff.defines:
            self.defines.setdefault(d.name, d.value)

    # ------------------------------------------------------------------ lookups
    def resolve_function(self, name: str, file: str) -> list[str]:
        """Function keys a call of ``name`` from ``file`` may reach: the file's own static
        function, else the global one, else the static (inline) ones headers define."""
        k = self.statics.get((file, name))
        if k is not None:
            return [k]
        if name in self.functions:
            return [name]
        return list(self.header_statics.get(name, ()))

    def methods_named(self, method: str) -> list[str]:
        """Keys of every class's method of this name (``Machine::getCPUCount``, ...)."""
        idx = self.__dict__.get("_by_method")
        if idx is None:
            idx = self.__dict__["_by_method"] = defaultdict(list)
            for key in self.functions:
                if "::" in key:
                    idx[key.rsplit("::", 1)[1]].append(key)
        return sorted(idx.get(method, ()))

    def methods_by_name(self, method: str) -> list[str]:
        """What a call of ``method`` on an object of a class not in the tree reaches: every
        class's method of that name when it matches queries/config.toml [methods] by_name
        (COM accessors getX/setX on an interface pointer), else nothing."""
        return self.methods_named(method) if any(p.search(method) for p in _by_name_patterns()) else []

    def by_name_method(self, method: str) -> bool:
        """Whether ``method`` matches queries/config.toml [methods] by_name (an accessor name)."""
        return any(p.search(method) for p in _by_name_patterns())

    def knows_function(self, name: str, file: str) -> bool:
        """Whether a call of ``name`` from ``file`` reaches a definition (cheaper than resolving)."""
        return name in self.functions or (file, name) in self.statics or name in self.header_statics

    def is_cast(self, c) -> bool:
        """``(RTMSINTERVAL)(x)``: a parenthesised type name before a parenthesised expression
        reads as a call through a pointer to the parser; a cast is never a call."""
        a = c.indirect
        return (a is not None and not a.steps and not a.deref and c.callee == f"({a.root})" and len(c.args) == 1
                and (a.root in self.typedefs or a.root in self.structs))

    def struct_of(self, typ: str | None) -> str | None:
        """Follow typedefs from a declared type to a struct/union name we know (memoised: the
        program does not change once merged, and a build asks about the same few types often)."""
        memo = self.__dict__.setdefault("_struct_of_memo", {})
        got = memo.get(typ, memo)
        if got is memo:
            got = memo[typ] = self._struct_of(typ)
        return got

    def _struct_of(self, typ: str | None) -> str | None:
        t = _base_type(typ) if typ else None
        for _ in range(12):
            if t is None:
                return None
            if t in self.struct_fields:
                return t
            nxt = self.typedefs.get(t)
            if nxt is None:
                return None
            t = _base_type(nxt[0])
        return None

    def struct_alts(self, typ: str | None) -> list[str]:
        """Every struct a declared type may stand for, through each #if branch of its typedefs."""
        out, todo, seen = [], [_base_type(typ) if typ else None], set()
        while todo and len(seen) < 32:
            t = todo.pop(0)
            if t is None or t in seen:
                continue
            seen.add(t)
            if t in self.struct_fields:
                out.append(t)
                continue
            todo += [_base_type(x) for x in self.typedef_alts.get(t, ())]
        return out

    def is_pointer(self, typ: str | None) -> bool:
        """Whether a declared type is a pointer (directly or through a typedef such as PVM)."""
        if not typ:
            return False
        memo = self.__dict__.setdefault("_is_pointer_memo", {})
        got = memo.get(typ)
        if got is None:
            got = memo[typ] = self._is_pointer(typ)
        return got

    def _is_pointer(self, typ: str) -> bool:
        if "*" in typ or typ.endswith("[]"):
            return True
        t = _base_type(typ)
        for _ in range(12):
            if t is None or t not in self.typedefs:
                return False
            target, ptr = self.typedefs[t]
            if ptr or "*" in target:
                return True
            t = _base_type(target)
        return False

    def var_type(self, name: str, fn: Function | None, file: str) -> tuple[str, str | None]:
        """(scope, declared type) of a bare name: 'local', 'param', 'global', 'static' or 'unknown'."""
        if fn is not None:
            for p in fn.params:
                if p.name == name:
                    return "param", p.type
            if name in fn.locals:
                return "local", fn.locals[name]
            if name == "this" and "::" in fn.name:
                return "this", fn.name.rsplit("::", 1)[0] + " *"
        g = self.static_globals.get((file, name))
        if g is not None:
            return "static", g.type
        g = self.globals.get(name)
        if g is not None:
            return "global", g.type
        return "unknown", None

    def field_owner(self, acc: Access, fn: Function | None, file: str) -> tuple[str | None, str | None, FieldDecl | None]:
        """(owner struct or None if ambiguous, field name, declaration) of the last field in ``acc``."""
        steps = [s for s in acc.steps if s[0] in ("->", ".")]
        if not steps:
            return None, None, None
        _, typ = self.var_type(acc.root, fn, file) if acc.root != "()" else ("unknown", None)
        cur = self.struct_of(typ)
        if cur is not None and steps[0][1] not in self.struct_fields.get(cur, {}):
            # the typedef's first branch does not have the member: another #if branch's may
            cur = next((c for c in self.struct_alts(typ) if self._anonymous_member(c, steps[0][1], 0)), cur)
        owner = decl = None
        # a variable of a class named through its namespace or enclosing class
        # (``const settings::Hardware &data``) that the sources do not define: which class owns
        # its member cannot be told, not even when one other class declares a member so named
        base = _base_type(typ) if cur is None and typ is not None else None
        if base is not None and "::" in base and base not in self.typedefs:
            cur = self.struct_of(base.rsplit("::", 1)[1])  # a namespace's class, recorded by its own name
        unknown_class = cur is None and base is not None and "::" in base and base not in self.typedefs
        for i, (_, name) in enumerate(steps):
            decl = None
            inner = self._anonymous_member(cur, name, 0) if cur is not None else None
            if inner is not None:  # the field of an anonymous union/struct inside cur
                owner, decl = inner, self.struct_fields[inner][name]
            elif i == 0 and unknown_class:
                owner = None
            else:
                cands = self.field_owners.get(name, ())
                if len(cands) == 1:
                    owner = next(iter(cands))
                    decl = self.struct_fields[owner][name]
                else:
                    owner = None
            if decl is None:
                cur = None
            else:
                cur = decl.nested if decl.nested and decl.nested in self.struct_fields else self.struct_of(decl.type)
        return owner, steps[-1][1], decl

    def _anonymous_member(self, cur: str, name: str, depth: int) -> str | None:
        """The struct declaring ``name`` among ``cur`` and the anonymous members inside it."""
        fields = self.struct_fields.get(cur, {})
        if name in fields:
            return cur
        if depth < 4:
            for fd in fields.values():
                if fd.name.startswith("<") and fd.nested in self.struct_fields:
                    got = self._anonymous_member(fd.nested, name, depth + 1)
                    if got is not None:
                        return got
        return None

    def embedding(self, acc: Access, fn: Function | None, file: str) -> tuple[str, str] | None:
        """(T, m) when the struct owning the last field of ``acc`` is held by value in member
        ``m`` of struct T, and T holds that struct type in more than one member
        (``Stats.Reserved.cBasePages`` vs ``Stats.Allocated.cBasePages``); else None."""
        steps = [s for s in acc.steps if s[0] in ("->", ".")]
        if len(steps) < 2 or steps[-1][0] != ".":
            return None
        prefix = Access(acc.root, [s for s in acc.steps][:max(i for i, s in enumerate(acc.steps) if s[0] in ("->", "."))],
                        acc.deref)
        if prefix.steps and prefix.steps[-1][0] == "[]":
            return None
        t, m, decl = self.field_owner(prefix, fn, file)
        if t is None or decl is None or decl.pointer or decl.array or self.is_pointer(decl.type):
            return None
        inner = decl.nested if decl.nested and decl.nested in self.struct_fields else self.struct_of(decl.type)
        if inner is None or self.multi_embedded(t).get(inner, 0) < 2:
            return None
        return t, m

    def multi_embedded(self, t: str) -> dict[str, int]:
        """How many by-value members of struct ``t`` have each struct type."""
        memo = self._embeds.get(t)
        if memo is None:
            memo = {}
            for fd in self.struct_fields.get(t, {}).values():
                if fd.pointer or fd.array or self.is_pointer(fd.type):
                    continue
                inner = fd.nested if fd.nested and fd.nested in self.struct_fields else self.struct_of(fd.type)
                if inner is not None and not inner.startswith("<anon"):
                    memo[inner] = memo.get(inner, 0) + 1
            self._embeds[t] = memo
        return memo

    def class_of(self, fn: Function | None) -> str | None:
        """The class a method belongs to (``Clock::setHz`` -> Clock), when its members are known."""
        if fn is None or "::" not in fn.name:
            return None
        c = fn.name.rsplit("::", 1)[0].rsplit("::", 1)[-1]
        return c if c in self.struct_fields else None

    def own_method(self, fn: Function | None, name: str) -> list[str]:
        """What a method's call of a bare ``name`` reaches: a method of its own class (or an
        override, or a base class's), found even when the class declaration was not read."""
        cls = self.class_of(fn)
        if cls is not None:
            return self.overrides(cls, name)
        if fn is not None and "::" in fn.name and f"{fn.name.rsplit('::', 1)[0]}::{name}" in self.functions:
            return [f"{fn.name.rsplit('::', 1)[0]}::{name}"]
        return []

    def member_of(self, cls: str, name: str, depth: int = 0) -> bool:
        """Whether ``name`` is a data member of class ``cls`` or of one of its bases."""
        if name in self.struct_fields.get(cls, {}):
            return True
        st = self.structs.get(cls)
        return depth < 8 and st is not None and any(self.member_of(b, name, depth + 1) for b in st.bases)

    def overrides(self, cls: str, method: str) -> list[str]:
        """Function keys a call of ``method`` on an object of static type ``cls`` may reach: the
        class's own (or inherited) definition and every override in a class derived from it."""
        if self._derived is None:
            self._derived = {}
            for name, st in self.structs.items():
                for b in st.bases:
                    self._derived.setdefault(b, set()).add(name)
        out, todo, seen = [], [cls], set()
        while todo:
            c = todo.pop()
            if c in seen:
                continue
            seen.add(c)
            if f"{c}::{method}" in self.functions:
                out.append(f"{c}::{method}")
            todo.extend(self._derived.get(c, ()))
        base, depth = self.structs.get(cls), 0
        while not any(k.startswith(cls + "::") for k in out) and base is not None and base.bases and depth < 8:
            b = base.bases[0]
            if f"{b}::{method}" in self.functions:
                out.append(f"{b}::{method}")
                break
            base, depth = self.structs.get(b), depth + 1
        return sorted(set(out))

    def per_object(self, name: str | None) -> bool:
        """Whether a struct exists as many objects (config.toml [objects]): an array element
        type somewhere, or linked to others of its own type through a pointer field."""
        if self._many is None:
            self._many = self._find_many()
        return name in self._many

    def has_own_objects(self, name: str | None) -> bool:
        """Whether objects of struct ``name`` are made in functions (a local variable or array
        of it, an array a caller hands over: ``paParms[i]`` on a parameter) or laid out in
        buffers as requests (see ``_header_record``): then a pointer
        parameter to one stands for its caller's object (graph/pointees.py)."""
        self.per_object(name)
        return name in self._own

    def _find_many(self) -> set[str]:
        from ..datafiles import load_toml

        conf = load_toml("config.toml").get("objects", {})
        one = set(conf.get("one_location", ()))
        many = set(conf.get("many_objects", ()))
        for name, fields in self.struct_fields.items():
            for fd in fields.values():
                target = fd.nested if fd.nested and fd.nested in self.struct_fields else self.struct_of(fd.type)
                if target is None:
                    continue
                if fd.array:
                    many.add(target)
                elif target == name and (fd.pointer or self.is_pointer(fd.type)):
                    many.add(name)
        for g in list(self.globals.values()) + list(self.static_globals.values()):
            if "[" in (g.type or ""):
                t = self.struct_of(g.type.split("[", 1)[0])
                if t:
                    many.add(t)
        records: dict[str, set[str]] = defaultdict(set)
        own = self._own = set()
        for defs in self.functions.values():
            for fn in defs:
                for t in fn.locals.values():  # a local array of structs
                    if t.endswith("[]"):
                        st = self.struct_of(t[:-2])
                        if st:
                            many.add(st)
                            own.add(st)
                    elif not self.is_pointer(t) and (st := self.struct_of(t)) is not None:
                        own.add(st)
                for acc in indexed_accesses(fn):  # a pointer used as an array: pa[i].x, p->paX[i]
                    st = self._indexed_struct(acc, fn)
                    if st:
                        many.add(st)
                        if acc.steps[0][0] == "[]" and any(p.name == acc.root for p in fn.params):
                            own.add(st)  # an array the caller hands over (paParms[i])
                for typ in buffer_casts(fn):  # a record in a buffer: (PHDR)((uint8_t *)pRing + off)
                    st = self.struct_of(typ) if self.is_pointer(typ) else None
                    if st:
                        many.add(st)
                for typ, var in record_casts(fn):  # one record seen as another: (REQ *)pHdr
                    got = self._header_record(typ, var, fn)
                    if got:
                        records[got[1]].add(got[0])
        for kinds in records.values():  # a header many request types begin with (not a device's
            if len(kinds) >= _REQUEST_KINDS:  # state seen as the one shared core it embeds)
                many |= kinds
                own |= kinds
        many -= one
        # a struct held by value inside one of many objects is one of many too (the register
        # value inside each entry of a register list)
        todo = list(many)
        while todo:
            m = todo.pop()
            for fd in self.struct_fields.get(m, {}).values():
                if fd.pointer or self.is_pointer(fd.type):
                    continue
                inner = fd.nested if fd.nested and fd.nested in self.struct_fields else self.struct_of(fd.type)
                if inner is not None and inner not in many and inner not in one:
                    many.add(inner)
                    todo.append(inner)
        return many

    def _header_record(self, typ: str, var: str, fn: Function) -> tuple[str, str] | None:
        """``(REQ *)pHdr`` where ``REQ`` (a C struct) begins with the struct ``pHdr`` points to
        (``struct REQ { HDR header; ... }``, directly or through its first member's first
        member): (REQ, HDR). When several request types
        (``_REQUEST_KINDS``) begin with one header, each is a record laid out in a buffer
        behind it, one of many (each caller's buffer)."""
        if not typ.endswith("*") and not self.is_pointer(typ):
            return None
        st = self.struct_of(typ)
        _, vt = self.var_type(var, fn, fn.file)
        hdr = self.struct_of(vt) if vt and self.is_pointer(vt) else None
        if st is None or hdr is None or st == hdr or self.structs.get(st) is None or self.structs[st].bases:
            return None
        cur = st
        for _ in range(4):  # REQ { SUBHDR header; } with SUBHDR { HDR header; }: begins with HDR too
            first = next(iter(self.struct_fields.get(cur, {}).values()), None)
            if first is None or first.pointer or first.array:
                return None
            cur = first.nested if first.nested and first.nested in self.struct_fields else self.struct_of(first.type)
            if cur is None or cur == hdr:
                break
        return (st, hdr) if cur == hdr else None

    def _indexed_struct(self, acc: Access, fn: Function) -> str | None:
        k = next(i for i, (op, _) in enumerate(acc.steps) if op == "[]")
        if k == 0:
            _, typ = self.var_type(acc.root, fn, fn.file)
            return self.struct_of(typ) if self.is_pointer(typ) else None
        _, _, decl = self.field_owner(Access(acc.root, acc.steps[:k]), fn, fn.file)
        if decl is None or decl.array or not (decl.pointer or self.is_pointer(decl.type)):
            return None
        return self.struct_of(decl.type)

    def stats(self) -> dict:
        fns = [f for defs in self.functions.values() for f in defs]
        return {
            "files": len(self.files),
            "functions": len(fns),
            "structs": len(self.structs),
            "error_files": sum(1 for f in self.files.values() if f.error_nodes),
        }
