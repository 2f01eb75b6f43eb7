"""Union members share storage. Every scalar member of a union (and of the small anonymous
structs in it, ``u64`` and ``s.uLo`` of a register value) stores into and loads from one storage node of
the union, so a value written through one member is read through another. Members of a named
struct type (a union of two providers' states) are left out: which of their fields overlap
which cannot be told without the layout.

The same holds for a struct held by value more than once in another (``Stats.Reserved`` and
``Stats.Allocated``, both GMMVMSIZES): each copy's fields are locations of their own
(``GMMSTATS.Reserved.cBasePages``). A value stored into a copy also reaches the type's field
(``GMMVMSIZES.cBasePages``, what an access through a pointer to the struct names) as a may-alias
guess; the other way round is not linked, since it would join the copies again (a store through
a pointer into one copy is not seen by reads of that copy). Mixed into the flow builder."""
from __future__ import annotations

MAX_UNION_LEAVES = 64
MAX_VIEW_FIELDS = 4  # an anonymous struct in a union this small is a view of the same bytes  # bigger unions (register files, opcode tables) are left as separate fields


class _Decl:
    """A declaration as the evidence of an edge (union storage)."""

    col = 0
    guards: list = []
    preproc: list = []

    def __init__(self, line: int, code: str):
        self.line, self.code = line, code


class UnionStorage:
    """Needs ``p``, ``_node``, ``_edge``, ``field_node`` and ``alias_nodes`` from the flow builder."""

    def _unions(self) -> None:
        """Union members share storage: every leaf field of a union (members, and the fields of
        structs held in it by value) stores into and loads from one storage node of the union."""
        for uname, st in sorted(self.p.structs.items()):
            if st.kind != "union":
                continue
            leaves = self._leaves(uname, 0)
            if len(leaves) < 2 or len(leaves) > MAX_UNION_LEAVES:
                continue
            self._cur_file = self.p.struct_files.get(uname)
            hub = self._node(f"field:{uname}.*", kind="field", label=f"{uname}.* (union storage)", name=uname,
                             owner=uname, ambiguous=False, file=self._cur_file, line=st.line)
            if self.p.per_object(uname):
                self.alias_nodes.add(hub)
            for owner, fd in leaves:
                leaf = self.field_node(owner, fd.name, fd)
                stmt = _Decl(fd.line, f"union {uname}: {fd.name} shares its storage")
                self._edge(leaf, hub, "field-store", None, stmt, via="union")
                self._edge(hub, leaf, "field-load", None, stmt, via="union")

    def _leaves(self, sname: str, depth: int) -> list:
        """The scalar members of a union and of the anonymous structs in it (``u64`` and
        ``s.uLo`` of a register value). A member of a named struct type (a union of two
        providers' states) is left out: which of its fields overlap which cannot be told
        without the layout."""
        out = []
        for fd in self.p.struct_fields.get(sname, {}).values():
            if fd.nested and fd.nested.startswith("<anon") and fd.nested in self.p.struct_fields:
                inner = self.p.struct_fields[fd.nested]
                # a small view of the same bytes (struct { Lo; Hi; }), not a whole alternative
                # state (struct { ... } svm; struct { ... } vmx;), whose layouts we cannot overlay
                if depth < 3 and len(inner) <= MAX_VIEW_FIELDS and all(
                        not (f.nested and f.nested in self.p.struct_fields) for f in inner.values()):
                    out += self._leaves(fd.nested, depth + 1)
            elif fd.pointer or self.p.is_pointer(fd.type) or self.p.struct_of(fd.type) is None:
                out.append((sname, fd))
        return out

    def embedded_node(self, t: str, m: str, owner: str, name: str, decl) -> str:
        nid = f"field:{t}.{m}.{name}"
        if nid in self.g:
            return nid
        n = self._node(nid, kind="field", label=f"{t}.{m}.{name}", name=name, owner=owner, ambiguous=False,
                       file=self.p.struct_files.get(owner), line=decl.line if decl is not None else None)
        if self.p.per_object(t):
            self.alias_nodes.add(n)
        return n

    def _embeddings(self) -> None:
        """Each copy's fields, linked to the type's fields (made up front, so a graph built on
        demand has the same edges)."""
        for t in sorted(self.p.struct_fields):
            multi = {s for s, k in self.p.multi_embedded(t).items() if k > 1}
            if not multi:
                continue
            self._cur_file = self.p.struct_files.get(t)
            for m, fd in self.p.struct_fields[t].items():
                inner = fd.nested if fd.nested and fd.nested in self.p.struct_fields else self.p.struct_of(fd.type)
                if inner not in multi or fd.pointer or fd.array:
                    continue
                for f in self.p.struct_fields.get(inner, {}).values():
                    copy = self.embedded_node(t, m, inner, f.name, f)
                    anyone = self.field_node(inner, f.name, f)
                    self.alias_nodes.add(anyone)  # through a pointer: any of the copies
                    stmt = _Decl(fd.line, f"{t}.{m}: one of the {inner} copies in {t}")
                    self._edge(copy, anyone, "field-store", None, stmt, via="same type")
