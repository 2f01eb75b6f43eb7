"""Program: the facts of all files merged, and the lookups the flow graph relies on (which
function a call reaches, which struct owns a field, whether a type is a pointer)."""
import pytest

from srcscan.extract.facts import extract
from srcscan.extract.records import Access, Function
from srcscan.graph.program import Program, _base_type

HEADER = b"""
#define TM_MAX 4
typedef struct TM { struct { unsigned long cTSCTicksPerSecond; } s; int iShared; int cTicks; } TM, *PTM;
typedef PTM PTM2;
typedef struct VM { TM tm; int iShared; } VM;
typedef VM *PVM;
typedef struct GIMKVM { unsigned long cTscTicksPerSecond; int cTicks; } GIMKVM;
typedef GIMKVM *PGIMKVM;
typedef struct OTHER { int cTicks; } OTHER;
typedef LOOPA LOOPB;
typedef LOOPB LOOPA;
int g_cGlobal;
"""

A = b"""
#define TM_MAX 8
static int g_cStatic;
static int helper(int a) { return a; }
int shared(int x) { return helper(x); }
int fn(PVM pVM, int b) { int loc = b; PGIMKVM pKvm = 0; pVM->tm.s.cTSCTicksPerSecond = loc; return loc; }
"""

B = b"""
static int helper(long z) { return (int)z; }
static long g_cStatic;
int g_cGlobal = 3;
int other(void) { return helper(1); }
"""


@pytest.fixture(scope="module")
def prog():
    files = {p: extract(p, src) for p, src in (("inc/vm.h", HEADER), ("a.c", A), ("b.c", B))}
    return Program(files)


def _fn(prog, key) -> Function:
    return prog.functions[key][0]


@pytest.mark.parametrize("typ, base", [
    ("PGIMKVM const", "PGIMKVM"), ("struct TM *", "TM"), ("const volatile unsigned int", "int"),
    ("RT_UNTRUSTED_VOLATILE_GUEST PGIMKVM", "PGIMKVM"),  # queries/macros.toml type_qualifiers
    ("RT_UNTRUSTED_VOLATILE_HOST struct GIMHV *", "GIMHV"), ("<anon:TM.s a.h>", "<anon:TM.s a.h>"),
    ("RT_UNTRUSTED_VOLATILE_HSTGST PGIMKVM", "PGIMKVM"),  # an unlisted macro: the last name is the type
    ("const", None), ("", None), (None, None), ("ns::Type", "ns::Type"),
    # keywords alone name no type
    ("unsigned", None), ("struct", None), ("union", None), ("class", None), ("typename", None), ("enum", None),
    ("signed", None), ("static inline", None), ("extern register", None), ("volatile", None),
])
def test_base_type(typ, base):
    assert _base_type(typ) == base


def test_type_qualifiers_come_from_macros_toml():
    from srcscan.datafiles import load_toml
    from srcscan.graph.program import _TYPE_NOISE

    assert set(load_toml("macros.toml")["type_qualifiers"]) <= _TYPE_NOISE


def test_static_functions_stay_in_their_file(prog):
    assert prog.resolve_function("helper", "a.c") == ["a.c:helper"]
    assert prog.resolve_function("helper", "b.c") == ["b.c:helper"]
    assert prog.resolve_function("helper", "inc/vm.h") == []  # no global helper
    assert prog.resolve_function("shared", "b.c") == ["shared"]
    assert prog.resolve_function("nowhere", "a.c") == []
    assert prog.statics == {("a.c", "helper"): "a.c:helper", ("b.c", "helper"): "b.c:helper"}
    assert set(prog.functions) == {"a.c:helper", "b.c:helper", "shared", "fn", "other"}


def test_structs_fields_and_owners(prog):
    assert prog.struct_files["TM"] == "inc/vm.h" and set(prog.struct_fields["TM"]) == {"s", "iShared", "cTicks"}
    anon = prog.struct_fields["TM"]["s"].nested
    assert anon == "<anon:TM.s inc/vm.h>"  # named by its field path, qualified by its file
    assert anon in prog.struct_fields and "cTSCTicksPerSecond" in prog.struct_fields[anon]
    assert prog.field_owners["cTicks"] == {"TM", "GIMKVM", "OTHER"}
    assert prog.field_owners["iShared"] == {"TM", "VM"}


def test_struct_of_follows_typedef_chains(prog):
    assert prog.struct_of("PVM") == "VM" and prog.struct_of("PTM2") == "TM" and prog.struct_of("struct TM *") == "TM"
    assert prog.struct_of("PGIMKVM const") == "GIMKVM"
    assert prog.struct_of("int") is None and prog.struct_of(None) is None and prog.struct_of("") is None
    assert prog.struct_of("LOOPA") is None  # a typedef loop ends


@pytest.mark.parametrize("typ, ptr", [("PVM", True), ("PTM2", True), ("VM", False), ("TM", False), ("int *", True),
                                      ("char []", True), ("int", False), ("", False), (None, False),
                                      ("LOOPA", False), ("UNKNOWN_T", False)])
def test_is_pointer(prog, typ, ptr):
    assert prog.is_pointer(typ) is ptr


def test_typedef_to_a_pointer_typedef_is_a_pointer():
    p = Program({"t.h": extract("t.h", b"typedef struct S { int a; } S;\ntypedef S *PS;\ntypedef PS PS2;\n"
                                       b"typedef PS2 PS3;\n")})
    assert p.is_pointer("PS3") and p.struct_of("PS3") == "S"
    p = Program({"t.h": extract("t.h", b"typedef int *PINT;\ntypedef struct Q { int a; } Q;\n")})
    assert p.is_pointer("PINT") and not p.is_pointer("Q")


def test_var_type_scopes(prog):
    fn = _fn(prog, "fn")
    assert prog.var_type("pVM", fn, "a.c") == ("param", "PVM")
    assert prog.var_type("loc", fn, "a.c") == ("local", "int")
    assert prog.var_type("g_cStatic", fn, "a.c") == ("static", "int")
    assert prog.var_type("g_cStatic", None, "b.c") == ("static", "long")
    assert prog.var_type("g_cGlobal", fn, "a.c") == ("global", "int")
    assert prog.var_type("nothing", fn, "a.c") == ("unknown", None)
    assert prog.var_type("loc", None, "a.c") == ("unknown", None)
    assert prog.static_globals[("a.c", "g_cStatic")].type == "int"


def test_globals_and_defines_merge(prog):
    assert "g_cStatic" not in prog.globals and prog.globals["g_cGlobal"].type == "int"
    assert prog.global_files["g_cGlobal"] == "b.c"  # files merge in sorted order: b.c before inc/vm.h
    assert prog.defines["TM_MAX"] == "8"  # a.c comes first; the first definition stays


def test_an_untyped_global_gives_way_to_a_typed_one():
    files = {"a.c": extract("a.c", b"int g_c;\n"), "b.c": extract("b.c", b"int g_c;\n")}
    files["a.c"].globals[0].type = ""
    p = Program(files)
    assert p.globals["g_c"].type == "int" and p.global_files["g_c"] == "a.c"


def test_field_owner_through_declared_types(prog):
    fn = _fn(prog, "fn")
    acc = Access("pVM", [("->", "tm"), (".", "s"), (".", "cTSCTicksPerSecond")])
    owner, name, decl = prog.field_owner(acc, fn, "a.c")
    assert owner == "<anon:TM.s inc/vm.h>" and name == "cTSCTicksPerSecond" and decl.type == "unsigned long"
    owner, name, decl = prog.field_owner(Access("pVM", [("->", "tm"), (".", "cTicks")]), fn, "a.c")
    assert (owner, name) == ("TM", "cTicks")  # three structs have cTicks: the declared type decides
    owner, name, _ = prog.field_owner(Access("pKvm", [("->", "cTicks")]), fn, "a.c")
    assert (owner, name) == ("GIMKVM", "cTicks")
    # an untyped root: a field name only one struct has is still resolved, a shared one is not
    owner, name, decl = prog.field_owner(Access("pX", [("->", "cTscTicksPerSecond")]), fn, "a.c")
    assert owner == "GIMKVM" and decl is not None
    assert prog.field_owner(Access("pX", [("->", "cTicks")]), fn, "a.c")[:2] == (None, "cTicks")
    # once a step is unresolved, later steps are not guessed from it
    assert prog.field_owner(Access("pX", [("->", "cTicks"), (".", "iShared")]), fn, "a.c")[0] is None
    # VM has no cTicks (three other structs do): the next step is not looked up in VM either
    assert prog.field_owner(Access("pVM", [("->", "cTicks"), (".", "iShared")]), fn, "a.c")[0] is None
    assert prog.field_owner(Access("pVM", [("->", "iShared")]), fn, "a.c")[0] == "VM"
    assert prog.field_owner(Access("pVM", []), fn, "a.c") == (None, None, None)
    assert prog.field_owner(Access("pVM", [("[]", "i")]), fn, "a.c") == (None, None, None)
    owner, _, _ = prog.field_owner(Access("()", [("->", "iShared")]), fn, "a.c")
    assert owner is None  # a call result: no declared type, iShared has two owners


def test_stats(prog):
    bad = extract("bad.c", b"int f( { return ; \n")
    assert bad.error_nodes
    p = Program({"a.c": extract("a.c", A), "bad.c": bad})
    st = p.stats()
    assert st["files"] == 2 and st["error_files"] == 1 and st["functions"] == len(
        [f for defs in p.functions.values() for f in defs]) and st["structs"] == 0
    assert prog.stats() == {"files": 3, "functions": 5, "structs": len(prog.structs), "error_files": 0}
    assert prog.stats()["structs"] >= 5


CXX = b"""
class Base { public: int m_iBase; virtual int get(); };
class Mid : public Base { public: int m_iMid; int get(); };
class Leaf : public Mid { public: int m_iLeaf; };
class Leaf2 : public Base { public: int m_i2; };
class Leaf2X : public Leaf2 { public: int get(); };
class Other { public: int m_iBase; };
class Twin { public: int m_iLeaf; };
class CycA : public CycB { public: int a; };
class CycB : public CycA { public: int b; };
int Base::get() { return m_iBase; }
int Mid::get() { return m_iMid; }
int Leaf2X::get() { return 2; }
int Leaf::calc() { return m_iLeaf; }
"""

OBJECTS = b"""
typedef struct NODE { struct NODE *pNext; int v; } NODE;
typedef struct ITEM { int v; } ITEM;
typedef struct HOLDER { ITEM aItems[4]; } HOLDER;
typedef struct ONE { int v; } ONE;
typedef struct ELEM { int v; } ELEM, *PELEM;
typedef struct ELEM2 { int v; } ELEM2, *PELEM2;
typedef struct LOC { int v; } LOC;
typedef struct LOC2 { int v; } LOC2;
typedef struct GLOB { int v; } GLOB;
typedef struct SOLO { int v; } SOLO;
typedef struct VM { int v; } VM;
typedef struct VMS { VM aVMs[2]; } VMS;
typedef struct PTRS { PELEM paElems; SOLO solo; ONE one; } PTRS;
static GLOB g_Glob;
void f(PTRS *p, PELEM2 pa, int i) { LOC aLocs[3]; LOC2 aLoc2[2]; int aInts[3]; use(aLoc2); int x = p->paElems[i].v; int y = pa[i].v; aLocs[0].v = 1;
    int z = unknown->paZ[i].v; int w = p->solo[i].v; int u = p->one.v; }
"""


@pytest.fixture(scope="module")
def cxx():
    return Program({"c.cpp": extract("c.cpp", CXX)})


def test_class_members_through_bases(cxx):
    assert cxx.member_of("Leaf", "m_iLeaf") and cxx.member_of("Leaf", "m_iMid") and cxx.member_of("Leaf", "m_iBase")
    assert not cxx.member_of("Leaf", "m_i2") and not cxx.member_of("Other", "m_iMid")
    assert not cxx.member_of("CycA", "nothing")  # a base cycle ends
    assert cxx.member_of("CycA", "b")
    assert cxx.class_of(cxx.functions["Leaf::calc"][0]) == "Leaf" and cxx.class_of(None) is None
    from dataclasses import replace

    fn = cxx.functions["Leaf::calc"][0]
    assert cxx.class_of(replace(fn, name="ns::Leaf::calc")) == "Leaf"
    assert cxx.class_of(replace(fn, name="Unknown::calc")) is None and cxx.class_of(replace(fn, name="calc")) is None
    # `this` in a method: a pointer to its class, whose members resolve through it
    assert cxx.var_type("this", fn, "c.cpp") == ("this", "Leaf *")
    assert cxx.var_type("this", replace(fn, name="ns::Leaf::calc"), "c.cpp") == ("this", "ns::Leaf *")
    assert cxx.var_type("this", replace(fn, name="calc"), "c.cpp") == ("unknown", None)
    assert cxx.field_owner(Access("this", [("->", "m_iLeaf")]), fn, "c.cpp")[0] == "Leaf"  # Twin has one too


def test_virtual_calls_reach_every_override(cxx):
    assert cxx.overrides("Base", "get") == ["Base::get", "Leaf2X::get", "Mid::get"]
    assert cxx.overrides("Mid", "get") == ["Mid::get"]
    assert cxx.overrides("Leaf", "get") == ["Mid::get"]  # inherited: the nearest base's definition
    # an override only further down does not hide the inherited definition
    assert cxx.overrides("Leaf2", "get") == ["Base::get", "Leaf2X::get"]
    assert cxx.overrides("Other", "get") == [] and cxx.overrides("Nope", "get") == []


def test_which_structs_exist_as_many_objects():
    p = Program({"o.c": extract("o.c", OBJECTS)})
    many = {s for s in p.struct_fields if p.per_object(s)}
    # NODE links to its own kind; ITEM is an array field; LOC, LOC2 local arrays; ELEM and ELEM2 are
    # reached by indexing a pointer; VM would be (an array field) but config.toml makes it one location
    assert many == {"NODE", "ITEM", "LOC", "LOC2", "ELEM", "ELEM2"}
    assert not p.per_object(None) and not p.per_object("GLOB") and not p.per_object("SOLO")


EMBED = b"""
typedef struct PAGES { unsigned long cBasePages; int cShared; } PAGES;
typedef struct STATS { PAGES Reserved; PAGES Allocated; PAGES *pCurrent; PAGES aHistory[2]; int cTotal; } STATS;
typedef struct SOLE { PAGES Only; PAGES *pOther; } SOLE;
typedef struct ARG { int v; } ARG, *PARG;
typedef struct RET { int v; } RET, *PRET;
STATS g_Stats;
SOLE g_Sole;
int f(STATS *pStats, SOLE *pSole, PARG pa, PRET pr, int i)
{
    use(pa[i].v);
    return pr[i].v;
}
"""


def test_a_struct_held_twice_by_value_keeps_its_members_apart():
    p = Program({"e.c": extract("e.c", EMBED)})
    fn = p.functions["f"][0]
    assert p.multi_embedded("STATS") == {"PAGES": 2} and p.multi_embedded("SOLE") == {"PAGES": 1}
    assert p.embedding(Access("pStats", [("->", "Reserved"), (".", "cBasePages")]), fn, "e.c") == ("STATS", "Reserved")
    assert p.embedding(Access("g_Stats", [(".", "Allocated"), (".", "cBasePages")]), fn, "e.c") == \
        ("STATS", "Allocated")
    assert p.embedding(Access("pStats", [("->", "pCurrent"), ("->", "cBasePages")]), fn, "e.c") is None
    assert p.embedding(Access("pStats", [("->", "aHistory"), ("[]", "0"), (".", "cBasePages")]), fn, "e.c") is None
    assert p.embedding(Access("pSole", [("->", "Only"), (".", "cBasePages")]), fn, "e.c") is None
    assert p.embedding(Access("pStats", [("->", "cTotal")]), fn, "e.c") is None


def test_indexing_in_call_arguments_and_returns_makes_many_objects():
    p = Program({"e.c": extract("e.c", EMBED)})
    assert p.per_object("ARG") and p.per_object("RET") and p.per_object("PAGES")  # aHistory[2]
    assert not p.per_object("STATS") and not p.per_object("SOLE")
