"""A configuration key under a node named after the device that reads it (issue 27, v70_13): a
device's constructor reads ``/Devices/<device>/<instance>/Config/IRQ``, and the frontend
inserts ``IRQ`` under the serial port's node and under the parallel port's. A slot handle row
that fills a placeholder from the registration (queries/models/cfgm.toml ``fill``: ``<device>``
from ``szName``) makes the reader's node that device's: ``/Devices/serial/<instance>/Config/IRQ``.
On the frontend's side the node's name is what the code spells: a string, or a variable the
engine can resolve (a local or a parameter only ever given strings, a ``#define`` of one);
the value joins that device's node only (several names: each of them). A node whose name the
engine cannot resolve (``/Devices/<device>/...``) is no named device's key: it reaches only
constructors registered under no name or several (they read the open node; one registered
under several names also reads each name's node). It is not linked to the named readers even
as a guess: such a link would be made by the reader whether or not any frontend code writes
the open node, and list a guess path from a key nothing sets.
Mixed into the flow builder."""
from __future__ import annotations

import re

from ..extract.records import Expr, Function

_MANY, _OPEN = "\x01", "\x02"  # (segment markers while a joining sink's key is built)


class DeviceNodes:
    def named_path(self, fkey: str, path: str) -> str:
        """A slot handle's ``path`` with the placeholders its ``fill`` names filled from the one
        registration string the callback ``fkey`` is stored with (else left open)."""
        for placeholder, member in self.m.slot_fills.get(path, {}).items():
            names = {reg.get(member) for reg in self.registrations().get(fkey, ())} - {None, ""}
            if len(names) == 1:
                n = names.pop()
                if _plain(n):
                    path = path.replace(placeholder, n, 1)
        return path

    def reader_links(self, fn: Function, c, node: str, model, name: str, key: str, fkey: str, path: str) -> None:
        """For a constructor registered under several names (its reader's ``node`` is the open
        one): the edges into it from each name's node."""
        for placeholder, member in self.m.slot_fills.get(path, {}).items():
            names = sorted({reg.get(member) for reg in self.registrations().get(fkey, ())} - {None, ""})
            if len(names) > 1 and key.startswith(path):
                for n in names:
                    if _plain(n):
                        named = self.model_node("source", model, path.replace(placeholder, n, 1) + key[len(path):], name)
                        self._edge(named, node, "model", fn, c, via=f"{name} ({n})")

    def joined_nodes(self, fn: Function, c, keyed, model, first: str) -> str:
        """The reader's node a joining sink's value reaches (see the module's docstring)."""
        self.__dict__["_names_open"] = True
        try:
            raw = self._model_key(keyed, fn, c)
        finally:
            self.__dict__["_names_open"] = False
        got = self.slot_match(raw)
        if got is None or not (_MANY in raw or _OPEN in raw or got[2]):
            return self.model_node("source", model, self.as_slot_path(self._model_key(keyed, fn, c)), first)
        path, tail, segs = got
        if _MANY in tail or _OPEN in tail:  # (a marker below the slot's node: spelled as before)
            tail = self.slot_match(self._model_key(keyed, fn, c))[1]
        key, many = path, []
        for placeholder, seg in segs.items():
            if seg.startswith(_OPEN) or not seg:
                continue
            if seg.startswith(_MANY):
                many = [(placeholder, n) for n in seg[1:].split("|")]
                key = key.replace(placeholder, "<" + "|".join(n for _, n in many) + ">", 1)
            else:
                key = key.replace(placeholder, seg, 1)
        node = self.model_node("source", model, key + tail, first)
        for placeholder, n in many:  # several names: each name's node
            named = self.model_node("source", model, path.replace(placeholder, n, 1) + tail, first)
            self._edge(node, named, "model", fn, c, via=f"{c.callee} ({n})")
        return node

    def merge_paths(self, paths: set[str]) -> str | None:
        """Handle paths that differ in their last segment only, as one path whose last segment
        lists their names (``_MANY``; ``_OPEN`` when one of them cannot be named)."""
        if len(paths) == 1:
            return next(iter(paths))
        parents = {p.rpartition("/")[0] for p in paths}
        if len(parents) != 1:
            return None
        names: set[str] = set()
        for p in paths:
            seg = p.rpartition("/")[2]
            if seg.startswith(_OPEN) or not seg:
                return f"{parents.pop()}/{_OPEN}?"
            names.update(seg[1:].split("|") if seg.startswith(_MANY) else [seg])
        return f"{parents.pop()}/{_MANY}{'|'.join(sorted(names))}"

    def name_segment(self, fn: Function, e: Expr) -> str:
        """A node name argument as the key spells it: the string; while a joining sink's key is
        built, a variable's strings (one, or several after ``_MANY``), or ``_OPEN`` + its text."""
        if e.string is not None:
            return e.string
        if not self.__dict__.get("_names_open"):
            return e.text
        vals = self.string_values(fn, e, 0)
        if not vals or not all(_plain(v) for v in vals):
            return _OPEN + (e.text or "?")
        return next(iter(vals)) if len(vals) == 1 else _MANY + "|".join(sorted(vals))

    def string_values(self, fn: Function, e: Expr, depth: int) -> set[str] | None:
        """The strings an expression may be: a literal, a ``#define`` of one, a local assigned
        only such values, a parameter every caller passes such values to; None if unknown."""
        if e.string is not None:
            return {e.string}
        if depth > 4:
            return None
        if len(e.calls) == 1:
            return self._returned_strings(fn, e, depth)
        if e.calls or len(e.reads) != 1 or e.reads[0].steps or e.reads[0].deref:
            return None
        var = e.reads[0].root
        scope, _ = self.p.var_type(var, fn, fn.file)
        if scope == "unknown":
            m = re.fullmatch(r'\s*"([^"\\]*)"\s*', self.p.defines.get(var) or "")
            return {m.group(1)} if m else None
        out: set[str] = set()
        if scope == "local":
            defs = [a for a in fn.assigns if a.target.root == var and not a.target.steps and not a.target.deref
                    and not self.o.config.excludes(a.preproc)]
            if not defs:
                return None
            for a in defs:
                got = self.string_values(fn, a.value, depth + 1)
                if got is None:
                    return None
                out |= got
            return out
        if scope == "param":
            i = next(i for i, p in enumerate(fn.params) if p.name == var)
            calls = self._calls_of(fn)
            if not calls:
                return None
            for caller, call in calls:
                got = self.string_values(caller, call.args[i], depth + 1) if i < len(call.args) else None
                if got is None:
                    return None
                out |= got
            return out
        return None

    def _returned_strings(self, fn: Function, e: Expr, depth: int) -> set[str] | None:
        """``f(x)`` where the whole expression is the call of a function of the tree whose
        every ``return`` is a string or a null pointer (a type-to-device-name switch)."""
        c = fn.calls[e.calls[0]]
        if c.indirect is not None or not re.fullmatch(r"\s*[\w:]*\b" + re.escape(c.callee.rsplit("::", 1)[-1])
                                                      + r"\s*\(.*\)\s*", e.text or "", re.S):
            return None
        keys = self.p.resolve_function(c.callee, fn.file) or self.p.own_method(fn, c.callee)
        out: set[str] = set()
        for k in keys:
            for d in self.p.functions.get(k, ()):
                for r in d.returns:
                    if self.o.config.excludes(r.preproc) or (r.value.text or "").strip() in _NULLS:
                        continue
                    got = self.string_values(d, r.value, depth + 1)
                    if got is None:
                        return None
                    out |= got
        return out or None


_NULLS = ("NULL", "nullptr", "0")


def _plain(name: str) -> bool:
    return bool(name) and "/" not in name and "<" not in name and "|" not in name and name[0] not in (_MANY, _OPEN)
