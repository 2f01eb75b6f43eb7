"""Fact extraction, one feature per test, on small inline C/C++ snippets."""
import pytest

from srcscan.extract.facts import extract


def fx(src: str):
    return extract("t.cpp", src.encode())


def fn(ff, name):
    return next(f for f in ff.functions if f.name == name)


def test_declaration_macros_give_name_params_and_return_type():
    ff = fx("VMMR3_INT_DECL(int) TMR3Init(PVM pVM, uint32_t cb)\n{ return 0; }\n"
            "VMMDECL(uint64_t) TMCpuTicksPerSecond(PVMCC pVM) { return 1; }\n"
            "static DECLCALLBACK(int) tmR3Load(PVM pVM, PSSMHANDLE pSSM) { return 0; }\n")
    f = fn(ff, "TMR3Init")
    assert (f.ret_type, [p.name for p in f.params], f.line) == ("int", ["pVM", "cb"], 1)
    assert fn(ff, "TMCpuTicksPerSecond").ret_type == "uint64_t"
    load = fn(ff, "tmR3Load")
    assert load.static and load.ret_type == "int" and [p.type for p in load.params] == ["PVM", "PSSMHANDLE"]
    assert ff.error_nodes == 0


def test_macro_rule_named_functions_are_reported():
    ff = fx("FNIEMOP_DEF(iemOp_nop)\n{\n    return VINF_SUCCESS;\n}\n")
    f = fn(ff, "iemOp_nop")
    assert f.name_rule == "iem-opcode" and f.params[0].name == "pVCpu" and f.line == 1


def test_assignments_compound_and_initialised_declarations():
    ff = fx("void f(void) {\n uint64_t u = pKvm->cTscTicksPerSecond;\n u >>= 1;\n"
            " uint32_t lo = (uint32_t)u;\n s.x = lo + 1;\n}\n")
    a = fn(ff, "f").assigns
    assert [(x.target.text(), x.op, [r.text() for r in x.value.reads]) for x in a] == [
        ("u", "init", ["pKvm->cTscTicksPerSecond"]), ("u", ">>=", []), ("lo", "init", ["u"]), ("s.x", "=", ["lo"])]
    assert [x.line for x in a] == [2, 3, 4, 5]


def test_calls_arguments_out_arguments_and_strings():
    ff = fx('int f(PVM pVM) {\n int rc = CFGMR3QueryU64(pCfg, "TSCTicksPerSecond", &pVM->tm.s.cTSCTicksPerSecond);\n'
            ' return rc;\n}\n')
    c = fn(ff, "f").calls[0]
    assert c.callee == "CFGMR3QueryU64"
    assert c.args[1].string == "TSCTicksPerSecond"
    assert c.args[2].addr_of.text() == "pVM->tm.s.cTSCTicksPerSecond"
    init = fn(ff, "f").assigns[0]
    assert init.value.calls == [0]


def test_double_parenthesised_log_arguments_are_flattened():
    ff = fx('void f(void) { LogRel(("TM: hz=%RU64 " "x=%d\\n", pVM->tm.s.cTSCTicksPerSecond, x)); }')
    c = fn(ff, "f").calls[0]
    assert c.callee == "LogRel" and len(c.args) == 3
    assert c.args[0].string == "TM: hz=%RU64 x=%d\n"
    assert c.args[1].reads[0].text() == "pVM->tm.s.cTSCTicksPerSecond"


def test_guards_if_else_loops_and_conditions_excluded():
    ff = fx("void f(void) {\n if (rc == VERR_CFGM_VALUE_NOT_FOUND)\n  a = 1;\n else\n  b = 2;\n"
            " while (u > 2)\n  u--;\n}\n")
    a = {x.target.text(): x for x in fn(ff, "f").assigns}
    assert [g.text for g in a["a"].guards] == ["if (rc == VERR_CFGM_VALUE_NOT_FOUND)"]
    assert [g.text for g in a["b"].guards] == ["else of if (rc == VERR_CFGM_VALUE_NOT_FOUND)"]
    assert a["u"].guards[0].kind == "while" and [r.text() for r in a["u"].guards[0].reads] == ["u"]


def test_preprocessor_branches_are_all_seen_with_their_conditions():
    ff = fx("uint64_t f(void) {\n#ifdef IN_RING3\n uint64_t c = a();\n#elif defined(IN_RING0)\n uint64_t c = b();\n"
            "#else\n uint64_t c = d();\n#endif\n return c;\n}\n")
    pp = [x.preproc for x in fn(ff, "f").assigns]
    assert pp == [["defined(IN_RING3)"], ["!defined(IN_RING3)", "defined(IN_RING0)"],
                  ["!defined(IN_RING3)", "!defined(IN_RING0)"]]


def test_if0_blocks_are_counted():
    ff = fx("void f(void) {\n#if 0\n x = 1;\n#endif\n}\n")
    assert ff.disabled_blocks == 1 and fn(ff, "f").assigns[0].preproc == ["0"]


def test_structs_unions_fields_in_ifdef_and_typedefs():
    ff = fx("typedef struct GIMKVM { uint64_t cTscTicksPerSecond; } GIMKVM;\ntypedef GIMKVM *PGIMKVM;\n"
            "typedef struct VM {\n union {\n#ifdef X\n  struct TM s;\n#endif\n  uint8_t padding[64];\n } tm;\n} VM;\n"
            "#define _4G 0x100000000\n")
    st = {s.name: s for s in ff.structs}
    assert [f.name for f in st["GIMKVM"].fields] == ["cTscTicksPerSecond"]
    vm_tm = st["VM"].fields[0]
    assert vm_tm.name == "tm" and vm_tm.nested == "<anon:VM.tm>"  # named by its field path, not its line
    assert [f.name for f in st[vm_tm.nested].fields] == ["s", "padding"]
    td = {t.name: t for t in ff.typedefs}
    assert td["PGIMKVM"].target == "GIMKVM" and td["PGIMKVM"].pointer
    assert ff.defines[0].name == "_4G" and ff.defines[0].value == "0x100000000"


def test_globals_and_statics():
    ff = fx("extern PSUPGLOBALINFOPAGE g_pSUPGlobalInfoPage;\nstatic uint32_t g_cCalls = 0;\n")
    g = {x.name: x for x in ff.globals}
    assert not g["g_pSUPGlobalInfoPage"].static and g["g_cCalls"].static


def test_non_utf8_bytes_do_not_break_extraction():
    data = b"/* caf\xe9 \xff\xfe */\nint f(void) { const char *s = \"\xe9t\xe9\"; x = y; return 0; }\n"
    ff = extract("t.cpp", data)
    assert ff.functions[0].name == "f" and ff.functions[0].assigns[-1].target.text() == "x"


def test_function_pointer_call_is_recorded_as_indirect():
    ff = fx("void f(PPDMDEVINS pDevIns) { pDevIns->pHlpR3->pfnTimerCreate(pDevIns, 1); }")
    c = fn(ff, "f").calls[0]
    assert c.indirect is not None and c.indirect.last == "pfnTimerCreate"


def test_a_long_list_of_defines_is_not_one_over_long_statement():
    """A header of thousands of #define lines (a name-mangling list) has no ';': each directive
    line ends a statement, so nothing is skipped and no warning is printed."""
    from srcscan.extract.nesting import blank_deep, too_deep

    data = b"".join(b"#define RTFoo%d RT_MANGLER(RTFoo%d)\n" % (i, i) for i in range(4000))
    data += b"int g_x;\nvoid setIt(int a)\n{\n    g_x = a;\n}\n"
    assert len(data) > 64 * 1024
    assert not too_deep(data)
    _, notes = blank_deep(data, "mangling.h")
    assert notes == []
    ff = extract("mangling.h", data)
    assert [f.name for f in ff.functions] == ["setIt"] and len(ff.defines) == 4000
    # ...while one statement of more than 64 KB (a huge table) is found, even after short ones
    table = b"int g_a;\nint g_b[] = {" + b"1, " * 30000 + b"2};\n"
    assert too_deep(table) and not too_deep(table.replace(b"1, ", b"1; ", 15000))


def test_file_scope_constants_are_not_kept_but_names_in_tables_are():
    # a generated table of numbers (and strings) flows nowhere: no facts, whatever its size; a name in a
    # table keeps its position (the third member is still #2 after two constants)
    rows = ",\n".join("  { 0x%x, %d, \"s\" }" % (i, i) for i in range(300))
    ff = fx("static const T g_aData[] = {\n" + rows + "\n};\n"
            "static const U g_Reg = { 1, \"name\", fooConstruct };\n"
            "static uint64_t g_uCopy = g_uOther;\nstatic int g_iConst = -1;\n")
    # a string member of a struct (not of an array's rows) is kept: a registration's name
    assert [(a.target.text(), a.value.text, a.value.string) for a in ff.global_assigns] == [
        ("g_Reg.#1", '"name"', "name"), ("g_Reg.#2", "fooConstruct", None), ("g_uCopy", "g_uOther", None)]
    assert {g.name for g in ff.globals} == {"g_aData", "g_Reg", "g_uCopy", "g_iConst"}


def test_cached_facts_read_back_whole_with_bodies_decoded_on_first_use():
    import copy

    from srcscan.extract.cache import decode, encode

    ff = fx("int g;\nstatic int f(int a)\n{\n  int b = a + g;\n  if (b) g = h(b);\n  return b;\n}\n")
    back = decode(encode(ff))
    f = back.functions[0]
    assert "_body" in f.__dict__ and f.locals == {"a": "int", "b": "int"}  # statements still encoded
    again = decode(encode(back))  # re-stored without being decoded: the same bytes travel on
    twin = copy.deepcopy(again)
    assert back == ff and again == ff and twin == ff  # (comparing reads every body)
    assert [a.target.text() for a in again.functions[0].assigns] == ["b", "g"]


def test_a_body_whose_bytes_are_damaged_is_a_damaged_cache_not_a_crash():
    """A body is kept compressed until read; bytes that are not a body (truncated, garbage)
    raise UnpicklingError, which the cache turns into 'moved aside', not a zlib traceback."""
    import pickle

    from srcscan.extract.cache import decode, encode

    back = decode(encode(fx("static int f(int a)\n{\n  return a + 1;\n}\n")))
    fn = back.functions[0]
    fn.__dict__["_body"] = fn.__dict__["_body"][:7]
    with pytest.raises(pickle.UnpicklingError):
        fn.returns


@pytest.mark.parametrize("pad", [0, 4000])  # a small body is pickled as is, a big one deflated
def test_an_undecoded_body_tells_the_names_it_may_call_without_decoding(pad):
    import pickle

    body = "    int x = 0;\n" * (pad // 16)
    ff = extract("w.c", f"void devRead(void *pv)\n{{\n{body}    PDMDevHlpPhysRead(0, 0, pv, 4);\n}}\n".encode())
    fn = pickle.loads(pickle.dumps(ff)).functions[0]
    assert "_body" in fn.__dict__  # still encoded
    assert fn.may_name((b"PDMDevHlpPhysRead",)) and not fn.may_name((b"PDMDevHlpPhysWrite",))
    assert "_body" in fn.__dict__  # the prefilter did not decode it
    assert [c.callee for c in fn.calls] == ["PDMDevHlpPhysRead"] and fn.may_name((b"anything",))
