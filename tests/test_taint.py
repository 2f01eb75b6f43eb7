"""srcscan taint on annotated flow files: a comment on a sink's line says what taint must report
there (tests/flows/taint_*.c and the folder taint_two_files/):

    memcpy(pv, pvSrc, cb); // taint: unchecked            a finding here, with no check
    memcpy(pv, pvSrc, cb); // taint: checked (mask)       a finding here, checked by a check of that kind

Each file is also run through the command line (JSON, SARIF, text), which must agree."""
import json
import re
from pathlib import Path

import pytest


from srcscan import cli
from srcscan.api import taint_doc
from srcscan.errors import UsageError
from srcscan.query.taint import load_config, rank_key

FLOWS = Path(__file__).parent / "flows"
MARK = re.compile(r"//\s*taint:\s*(unchecked|checked)(?:\s*\(([^)]*)\))?\s*$")
CASES = sorted(p for p in FLOWS.iterdir() if p.name.startswith("taint_"))


def _parts(path):
    return sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]


def _marks(path):
    for part in _parts(path):
        name = part.name  # (paths are relative to the folder given as --src)
        for i, line in enumerate(part.read_text().splitlines(), 1):
            m = MARK.search(line)
            if m:
                yield name, i, m.group(1), m.group(2)


_DOCS = {}


def _doc(path):
    if path not in _DOCS:
        _DOCS[path] = taint_doc([str(path)])
    return _DOCS[path]


def _at(doc, name, line):
    return [f for f in doc["findings"] if f["sink"]["file"] == name and f["sink"]["line"] == line]


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_taint_annotations(path):
    doc = _doc(path)
    marks = list(_marks(path))
    assert marks, f"{path.name}: no // taint: marks"
    for name, line, status, kind in marks:
        got = _at(doc, name, line)
        assert got, f"{name}:{line}: no finding (findings at {[(f['sink']['file'], f['sink']['line']) for f in doc['findings']]})"
        f = got[0]
        if status == "unchecked":
            assert not f["checked"], f"{name}:{line}: reported checked by {f['checks']}"
        else:
            assert f["checked"], f"{name}:{line}: reported unchecked; path {[s['label'] for s in f['path']]}"
            assert kind in [c["kind"] for c in f["checks"]], f"{name}:{line}: checks {f['checks']}"
    # nothing reported where no mark says so (each sink line of a flow file is marked)
    marked = {(n, ln) for n, ln, *_ in marks}
    extra = [(f["sink"]["file"], f["sink"]["line"]) for f in doc["findings"]
             if (f["sink"]["file"], f["sink"]["line"]) not in marked]
    assert not extra, f"unmarked findings {extra}"


def test_every_check_kind_has_a_checked_and_an_unchecked_twin():
    kinds = {k for p in CASES for *_, s, k in _marks(p) if s == "checked"}
    assert {"early exit", "if", "bound", "mask", "assert-return", "narrowing cast", "case"} <= kinds
    for p in CASES:
        got = {s for *_, s, _ in _marks(p)}
        assert "unchecked" in got, p.name


def test_a_finding_names_its_source_sink_checks_and_path():
    doc = _doc(FLOWS / "taint_rt_min.c")
    f = next(f for f in doc["findings"] if f["sink"]["function"] == "devReqMin")
    assert f["source"] == {"model": "guest-memory:PDMDevHlpPhysRead", "call": "PDMDevHlpPhysRead",
                           "file": "taint_rt_min.c", "line": 9, "function": "devReqMin",
                           "description": f["source"]["description"]}
    assert (f["sink"]["model"], f["sink"]["arg"], f["sink"]["category"]) == ("copy-size:memcpy", [2], "copy size")
    assert f["checks"] == [{"file": "taint_rt_min.c", "line": 10, "kind": "bound",
                            "code": "unsigned cb = RT_MIN(Req.cbData, sizeof(pThis->abBuf));"}]
    assert [s["label"] for s in f["path"]] == ["guest-memory:PDMDevHlpPhysRead", "devReqMin:Req", "REQ.cbData",
                                               "devReqMin:cb", "copy-size:memcpy"]


def test_findings_are_ranked_unchecked_first_then_fewer_steps():
    doc = taint_doc([str(p) for p in CASES if p.is_file()])
    fs = doc["findings"]
    assert fs == sorted(fs, key=rank_key)
    flags = [f["checked"] for f in fs]
    assert flags == sorted(flags) and False in flags and True in flags
    un = [(f["sink"]["rank"], f["steps"]) for f in fs if not f["checked"]]
    assert un == sorted(un)  # copy/alloc sizes (0) before indexes (1) before loop bounds (2), fewer steps first
    assert {r for r, _ in un} == {0, 1, 2}
    # numbered per device file among its unchecked findings
    for f in fs:
        assert (f["rank"] is None) == f["checked"]


def test_cli_json_sarif_text_and_exit_codes(capsys, tmp_path):
    path = FLOWS / "taint_wrong_check.c"
    assert cli.main(["taint", "--src", str(path), "--no-cache", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "srcscan-taint/1" and doc["summary"]["unchecked"] == 3
    assert cli.main(["taint", "--src", str(path), "--no-cache", "--format", "sarif"]) == 0
    sarif = json.loads(capsys.readouterr().out)
    res = sarif["runs"][0]["results"]
    assert sarif["version"] == "2.1.0" and len(res) == len(doc["findings"])
    assert {r["level"] for r in res} == {"error"}
    assert all(r["codeFlows"][0]["threadFlows"][0]["locations"] for r in res)
    assert cli.main(["taint", "--src", str(path), "--no-cache"]) == 0
    text = capsys.readouterr().out
    first = text.splitlines()
    assert first[0].startswith("UNCHECKED:") and "3 of 3" in first[0]
    assert "devOutOtherLocal" in "\n".join(first[1:6])
    quiet = tmp_path / "none.c"
    quiet.write_text("int f(int a) { return a + 1; }\n")
    assert cli.main(["taint", "--src", str(quiet), "--no-cache"]) == 1
    capsys.readouterr()
    assert cli.main(["taint", "--src", str(tmp_path / "missing.c"), "--no-cache"]) == 2


def test_html_escapes_tree_content(tmp_path):
    src = tmp_path / "x.c"
    src.write_text("static int h(void *d, void *u, unsigned o, unsigned u32, unsigned cb)\n"
                   "{ memcpy(d, u, u32); /* <script>alert(1)</script> */ return 0; }\n"
                   "int c(void *d) { PDMDevHlpIoPortCreate(d, 1, 0, 0, h, 0, 0, \"<b>\", 0, 0); return 0; }\n")
    from srcscan.render.taint import render_html

    page = render_html(taint_doc([str(src)]))
    assert "<script>" not in page and "&lt;script&gt;" in page


def test_findings_in_files_that_do_not_run_on_the_host_are_left_out_and_counted():
    doc = _doc(FLOWS / "taint_not_host")
    assert [f["sink"]["file"] for f in doc["findings"]] == ["dev.c"]
    assert doc["summary"]["not_host"] == 1


def test_a_bad_taint_table_is_a_one_line_error():
    with pytest.raises(UsageError, match=r"\[\[taint.param\]\] #1: needs params"):
        load_config({"taint": {"param": [{"functions": ["f"]}]}})
    with pytest.raises(UsageError, match="needs a \\[taint\\] table"):
        load_config({})


def test_fields_of_unnamed_member_structs_stay_apart():
    """``p->Src.off`` and ``p->Dst.off`` are two guest values: each use's path starts at its own."""
    doc = _doc(FLOWS / "taint_anon_member.c")
    by_what = {f["sink"]["model"]: f for f in doc["findings"]}
    assert "XFER.Src " in by_what["pointer-offset:pbRam+pXfer->Src.off"]["path"][0]["node"]
    assert "XFER.Dst " in by_what["pointer-offset:pbRam+pXfer->Dst.off"]["path"][0]["node"]


def test_a_sink_in_a_helper_is_reported_at_each_call_with_the_helper_as_via():
    doc = _doc(FLOWS / "taint_two_files")
    calls = sorted((f["sink"]["file"], f["sink"]["function"], f["checked"], f["sink"]["via"]["file"],
                    f["sink"]["via"]["function"]) for f in doc["findings"])
    assert calls == [("dev.c", "devOutFar", False, "util.c", "utilAlloc"),
                     ("dev.c", "devOutFarChecked", True, "util.c", "utilAlloc2"),
                     ("dev.c", "devOutNearChecked", True, "util.c", "utilAlloc")]


def test_an_unchanged_tree_reads_its_answer_back_and_a_changed_one_is_judged_again(tmp_path):
    from srcscan.extract.cache import FactCache
    from srcscan.query import taintcache

    src = tmp_path / "tree"
    src.mkdir()
    text = (FLOWS / "taint_if_return.c").read_text()
    (src / "dev.c").write_text(text)
    cache = FactCache(tmp_path / "cache")
    try:
        first = taint_doc([str(src)], cache=cache)
        again = taint_doc([str(src)], cache=cache)
        assert (first["summary"]["cached"], again["summary"]["cached"]) == (False, True)
        assert again["findings"] == first["findings"] and again["summary"]["unchecked"] == 1
        # the check of devOutChecked removed: judged again, one more unchecked finding
        (src / "dev.c").write_text(text.replace("    if (u32 > sizeof(pThis->abBuf))\n        return -1;\n", ""))
        changed = taint_doc([str(src)], cache=cache)
        assert changed["summary"]["cached"] is False and changed["summary"]["unchecked"] == 2
        # a damaged entry is computed again, not an error
        from srcscan.sources.snapshot import resolve_sources
        from srcscan.extract.ppcond import Config

        snap, _ = resolve_sources([str(src)])
        cache.put_blob(taintcache.result_key(snap, cache, Config()), b"not zlib")
        assert taint_doc([str(src)], cache=cache)["summary"]["cached"] is False
    finally:
        cache.close()


def test_a_bound_under_the_steps_own_condition_is_shown_as_the_bound_itself():
    doc = _doc(FLOWS / "taint_field_use.c")
    f = next(f for f in doc["findings"] if f["sink"]["function"] == "devOffsetSameGuard")
    assert [c["code"] for c in f["checks"]] == ["if (pHdr->offData < pThis->cbRam)"]


def test_a_step_shows_the_statement_of_the_function_the_path_is_in():
    doc = _doc(FLOWS / "taint_step_evidence.c")
    (f,) = doc["findings"]
    step = next(s for s in f["path"] if s["label"].endswith("DEV.cbPending"))
    assert step["function"] == "devTakeDesc" and "pDesc->cbLen" in step["code"]


def test_judging_a_cached_graph_again_parses_no_file(tmp_path, monkeypatch):
    """The statement sinks and the checks of an unchanged file are kept in the fact cache."""
    from srcscan.extract.cache import FactCache
    from srcscan.extract.ppcond import Config
    from srcscan.query import taintcache, taintcheck, taintsinks
    from srcscan.sources.snapshot import resolve_sources

    parsed, judged = [], []
    real = taintsinks._definitions
    monkeypatch.setattr(taintsinks, "_definitions", lambda checker, path: parsed.append(path) or real(checker, path))
    real_root = taintcheck.Checker._root

    def root(self, path):
        if path not in self._trees:
            judged.append(path)
        return real_root(self, path)
    monkeypatch.setattr(taintcheck.Checker, "_root", root)
    src = tmp_path / "tree"
    src.mkdir()
    text = (FLOWS / "taint_index.c").read_text()
    (src / "dev.c").write_text(text)
    (src / "other.c").write_text((FLOWS / "taint_mask.c").read_text())
    cache = FactCache(tmp_path / "cache")

    def rejudge():
        snap, _ = resolve_sources([str(src)])
        cache.put_blob(taintcache.result_key(snap, cache, Config()), b"dropped")  # (a [taint] edit, say)
        parsed.clear()
        judged.clear()
        return taint_doc([str(src)], cache=cache)
    try:
        first = taint_doc([str(src)], cache=cache)
        assert sorted(parsed) == ["dev.c", "other.c"]
        assert any(f["sink"]["category"] == "index" for f in first["findings"])
        again = rejudge()
        assert parsed == [] and judged == [] and again["findings"] == first["findings"]
        (src / "dev.c").write_text(text.replace("\n", "\n\n", 3))  # a changed file: parsed again, alone
        moved = rejudge()
        assert parsed == ["dev.c"] and set(judged) <= {"dev.c"} and len(moved["findings"]) == len(first["findings"])
        assert [f["checked"] for f in moved["findings"]] == [f["checked"] for f in first["findings"]]
    finally:
        cache.close()


def test_a_kept_check_is_judged_again_when_a_define_it_read_changes(tmp_path):
    from srcscan.extract.cache import FactCache

    src = tmp_path / "tree"
    src.mkdir()
    body = (FLOWS / "taint_mask.c").read_text().replace("u32 & 0xff;", "u32 & DEV_IDX_MASK;")
    (src / "dev.c").write_text('#include "devmask.h"\n' + body)
    (src / "devmask.h").write_text("#define DEV_IDX_MASK 0xffU\n")
    cache = FactCache(tmp_path / "cache")

    def masked():
        doc = taint_doc([str(src)], cache=cache)
        return next(f for f in doc["findings"] if f["sink"]["function"] == "devMmioMasked")
    try:
        first = masked()
        assert first["checked"] and first["checks"][0]["kind"] == "mask"
        (src / "devmask.h").write_text("#define DEV_IDX_MASK (~0xfffU)\n")  # dev.c unchanged
        assert masked()["checked"] is False
    finally:
        cache.close()
