"""The cTscTicksPerSecond story on the bundled sample tree (issue 2's done-when list)."""
import srcscan


def labels(trace, path):
    nodes = {n["id"]: n for n in trace["nodes"]}
    return [nodes[n]["label"] for n in path["nodes"]]


def paths(trace, direction, start_label=None):
    out = []
    for p in trace["paths"]:
        if p["direction"] != direction:
            continue
        ls = labels(trace, p)
        if start_label is None or start_label in (ls[0], ls[-1]):
            out.append(ls)
    return out


def test_start_nodes_keep_kvm_and_hyperv_fields_apart(sample_trace):
    assert sorted(sample_trace["start"]) == ["field:GIMHV.cTscTicksPerSecond", "field:GIMKVM.cTscTicksPerSecond"]
    tm = [n for n in sample_trace["nodes"] if n["label"] == "TM.cTSCTicksPerSecond"]
    assert len(tm) == 1 and tm[0]["role"] == "upstream"  # other case, other struct: not a start


def test_upstream_reaches_config_key_with_its_setextradata_spelling(sample_trace):
    up = paths(sample_trace, "upstream", "GIMKVM.cTscTicksPerSecond")
    cfg = [p for p in up if p[0] == "cfgm:/TM/TSCTicksPerSecond"]
    assert cfg == [["cfgm:/TM/TSCTicksPerSecond", "TM.cTSCTicksPerSecond", "TMCpuTicksPerSecond()",
                    "GIMKVM.cTscTicksPerSecond"]]
    src = next(n for n in sample_trace["nodes"] if n["id"] == "source:cfgm:/TM/TSCTicksPerSecond")
    assert src["model"]["override"] == \
        'VBoxManage setextradata "<VM name>" "VBoxInternal/TM/TSCTicksPerSecond" <value>'


def test_upstream_has_calibration_saved_state_and_gip(sample_trace):
    up = paths(sample_trace, "upstream", "GIMKVM.cTscTicksPerSecond")
    flat = [x for p in up for x in p]
    assert "tmR3CalibrateTSC()" in flat
    assert any(p[0] == "ssm:SSMR3GetU64" and "TM.cTSCTicksPerSecond" in p for p in up)
    assert any(p[0].startswith("host-gip:SUPGetCpuHzFromGip") and "TMCpuTicksPerSecond:cTSCTicksPerSecond" in p
               for p in up)
    assert all(p[-2] == "TMCpuTicksPerSecond()" for p in up)


def test_downstream_reaches_scale_guest_memory_and_log(sample_trace):
    down = paths(sample_trace, "downstream", "GIMKVM.cTscTicksPerSecond")
    flat = {x for p in down for x in p}
    for want in ("gimR3KvmUpdateSystemTime:u64TscFreq", "gimR3KvmUpdateSystemTime:uTscFreqLo",
                 "GIMKVMSYSTEMTIME.u32TscScale", "guest-memory:PGMPhysSimpleWriteGCPhys", "log:LogRel"):
        assert want in flat, want
    guest = [p for p in down if p[-1] == "guest-memory:PGMPhysSimpleWriteGCPhys"]
    assert guest and guest[0][0] == "GIMKVM.cTscTicksPerSecond"


def test_steps_carry_evidence_file_line_code_and_guards(sample_trace):
    edges = {(e["src"], e["dst"]): e for e in sample_trace["edges"]}
    e = edges[("source:cfgm:/TM/TSCTicksPerSecond", "field:TM.cTSCTicksPerSecond")]
    assert e["file"] == "src/VBox/VMM/VMMR3/TM.cpp" and "CFGMR3QueryU64" in e["code"] and e["kind"] == "model"
    ring3 = edges[("source:host-gip:SUPGetCpuHzFromGip", "local:src/VBox/VMM/VMMAll/TMAllCpu.cpp:TMCpuTicksPerSecond:"
                                                          "cTSCTicksPerSecond")]
    assert ring3["preproc"] == ["defined(IN_RING3)"]
    fallback = [ev for (s, d), ev in edges.items() if d == "field:TM.cTSCTicksPerSecond"
                and s == "field:TM.cTSCTicksPerSecondHost"]
    assert fallback and any("VERR_CFGM_VALUE_NOT_FOUND" in g for g in fallback[0]["guards"])


def test_to_lists_each_path_to_the_scale():
    t = srcscan.trace("cTscTicksPerSecond", to="u32TscScale", cache=False).to_json()
    ps = [labels(t, p) for p in t["paths"]]
    assert ps and all(p[0] == "GIMKVM.cTscTicksPerSecond" and p[-1] == "GIMKVMSYSTEMTIME.u32TscScale" for p in ps)
    assert ["GIMKVM.cTscTicksPerSecond", "gimR3KvmUpdateSystemTime:u64TscFreq", "gimR3KvmUpdateSystemTime:uTscFreqLo",
            "GIMKVMSYSTEMTIME.u32TscScale"] in ps


def test_define_ring3_keeps_only_the_ring3_branch():
    t = srcscan.trace("TMCpuTicksPerSecond:cTSCTicksPerSecond", direction="up", defines=["IN_RING3"],
                      cache=False).to_json()
    firsts = {labels(t, p)[0] for p in t["paths"]}
    assert "host-gip:SUPGetCpuHzFromGip" in firsts and "host-gip:SUPGetCpuHzFromGipBySetIndex" not in firsts
    allb = srcscan.trace("TMCpuTicksPerSecond:cTSCTicksPerSecond", direction="up", cache=False).to_json()
    assert "host-gip:SUPGetCpuHzFromGipBySetIndex" in {labels(allb, p)[0] for p in allb["paths"]}


def test_control_dependence_marks_the_shift():
    t = srcscan.trace("gimR3KvmUpdateSystemTime:u64TscFreq", direction="down", cache=False).to_json()
    # (SystemTime is a local struct: its field is that variable's, labelled by the type's field)
    shift = {n["id"] for n in t["nodes"] if n["label"] == "GIMKVMSYSTEMTIME.i8TscShift"}
    assert shift == {"local:src/VBox/VMM/VMMR3/GIMKvm.cpp:gimR3KvmUpdateSystemTime:SystemTime.i8TscShift"}
    ctl = [e for e in t["edges"] if e["kind"] == "control" and e["dst"] in shift]
    assert ctl and ctl[0]["via"].startswith("while")
    off = srcscan.trace("gimR3KvmUpdateSystemTime:u64TscFreq", direction="down", control=False, cache=False).to_json()
    assert not [e for e in off["edges"] if e["kind"] == "control"]


def test_second_trace_reparses_nothing(tmp_path):
    first = srcscan.trace("cTscTicksPerSecond", cache=tmp_path).to_json()
    second = srcscan.trace("cTscTicksPerSecond", cache=tmp_path).to_json()
    assert first["stats"]["parsed"] == first["stats"]["files"] > 0
    assert second["stats"]["parsed"] == 0 and second["stats"]["reused"] == first["stats"]["files"]
    assert second["paths"] == first["paths"]


def test_node_ids_and_edge_kinds_follow_the_schema(sample_trace):
    """docs/trace-schema.md: ids start with their kind's prefix (no line numbers), out
    parameters are `param:<fn>#<i>*`; a field read into a local is a field-load, a result a
    return edge."""
    prefix = {"local": "local:", "param": "param:", "return": "ret:", "field": "field:", "global": "global:",
              "source": "source:", "sink": "sink:", "constant": "const:"}
    for n in sample_trace["nodes"]:
        assert n["id"].startswith(prefix[n["kind"]]), n["id"]
        if n["kind"] == "param" and n["label"].startswith("*"):
            assert "#" in n["id"] and n["id"].endswith("*"), n["id"]
    kinds = {(e["src"].split(":", 1)[0], e["dst"].split(":", 1)[0], e["kind"]) for e in sample_trace["edges"]}
    assert ("field", "local", "field-load") in kinds
    assert ("ret", "field", "return") in kinds
    assert ("source", "field", "model") in kinds


def test_a_configuration_excludes_branches_and_counts_them():
    t = srcscan.trace("TMCpuTicksPerSecond:cTSCTicksPerSecond", direction="up", defines=["IN_RING3"],
                      cache=False).to_json()
    assert t["stats"]["excluded_by_preprocessor"] > 0
    assert srcscan.trace("TMCpuTicksPerSecond:cTSCTicksPerSecond", direction="up", cache=False
                         ).to_json()["stats"]["excluded_by_preprocessor"] == 0
