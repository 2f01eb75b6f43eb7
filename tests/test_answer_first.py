"""The answer first (issue 15): the summary, trees of shared steps, ranking, folding and the
--expand/--all/--paths views, on the bundled sample tree and on tests/flows/fanout.c (a value
with a short chain into guest memory, a noisy timer fan-out, an ambiguous owner and a
control-only continuation)."""
from __future__ import annotations

import copy
import json
import re
import shutil
from pathlib import Path

import pytest

import srcscan
from srcscan.cli import main
from srcscan.render import render
from srcscan.render._common import simplify

SAMPLE = Path(__file__).parent.parent / "srcscan" / "sample" / "tree"
FANOUT = Path(__file__).parent / "flows" / "fanout.c"


@pytest.fixture(scope="module")
def sample() -> dict:
    return srcscan.trace("cTscTicksPerSecond", src=str(SAMPLE), cache=False).to_json()


@pytest.fixture(scope="module")
def fan_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("fan")
    shutil.copy(FANOUT, d / FANOUT.name)
    return d


@pytest.fixture(scope="module")
def fan(fan_dir) -> dict:
    return srcscan.trace("GIMX.uHz", src=str(fan_dir), cache=False).to_json()


def text(trace, **kw) -> str:
    return render(trace, "text", color=False, **kw)


def section(out: str, title: str) -> list[str]:
    lines = out.splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith(title))
    j = next((k for k in range(i + 1, len(lines)) if lines[k] == ""), len(lines))
    return lines[i + 1:j]


def index_of(lines: list[str], pattern: str) -> int:
    return next(i for i, ln in enumerate(lines) if re.search(pattern, ln))


# ---------------------------------------------------------------- summary and trees


def test_sample_leads_with_a_summary_of_sources_sinks_and_the_fix(sample):
    out = text(sample)
    lines = out.splitlines()
    assert lines[2] == "SUMMARY"
    summary = section(out, "SUMMARY")
    assert any(re.search(r"config key\s+/TM/TSCTicksPerSecond\s+src/VBox/VMM/VMMR3/TM\.cpp:\d+", ln) for ln in summary)
    assert any('fix: VBoxManage setextradata "<VM name>" "VBoxInternal/TM/TSCTicksPerSecond"' in ln for ln in summary)
    assert any(re.search(r"guest memory\s+\S*PGMPhysSimpleWriteGCPhys\s+src/\S+\.cpp:\d+.*GIMKvm\.cpp:\d+", ln) for ln in summary)
    assert any(re.search(r"saved state\s+ssm:SSMR3GetU64", ln) for ln in summary)
    assert any(ln.strip().startswith("chain:") and "guest-memory:" in " ".join(summary) for ln in summary)


def test_tree_prints_each_shared_step_once(sample):
    flat = text(sample, paths=True)
    tree = text(sample, show_all=True)
    # TMCpuTicksPerSecond() is on every upstream path into both start nodes
    assert flat.count("-> TMCpuTicksPerSecond()  [return]") >= 8
    up = section(tree, "UPSTREAM")
    assert sum("TMCpuTicksPerSecond()  [return]" in ln for ln in up) == 1
    # both start nodes share that tree: printed once, as one root
    assert up[0].startswith("GIMHV.cTscTicksPerSecond, GIMKVM.cTscTicksPerSecond")
    # with --all every node of every path is in the trees
    nodes = {n["id"]: n for n in sample["nodes"]}
    for p in sample["paths"]:
        for nid in p["nodes"]:
            assert nodes[nid]["label"] in tree, nodes[nid]["label"]


def test_paths_keeps_the_flat_numbered_list(sample):
    out = text(sample, paths=True)
    numbered = re.findall(r"^  \[(\d+)\] ", out, re.M)
    assert [int(x) for x in numbered] == list(range(1, len(sample["paths"]) + 1))
    assert "SUMMARY" not in out and "START" in out


def test_ranking_guest_memory_first_folds_noise_ambiguous_and_control_last(fan):
    down = section(text(fan), "DOWNSTREAM")
    guest = index_of(down, r"guest-memory:PGMPhysSimpleWriteGCPhys")
    fold = index_of(down, r"\+\d+ steps through gimxArm:uTicks")
    control = index_of(down, r"gimxArm:cWaiters")
    assert guest < fold < control
    assert "(ends: control)" in down[control]
    opened = section(text(fan, expand=("gimxArm:uTicks",)), "DOWNSTREAM")
    # the resolved timer branch (folded, told by where it fans out) before the step through an
    # unresolved owner (?.uFreqX)
    assert index_of(opened, r"steps through TIMERX\.u64Expire") < index_of(opened, r"\?\.uFreqX  \[field, ambiguous owner")


def test_fold_line_names_what_it_hides_and_how_to_open_it(fan):
    out = text(fan)
    m = re.search(r"\+(\d+) steps through gimxArm:uTicks into TIMERX, QUEUEX \(fanout\.c\); ends at ([^—]+)"
                  r"— --expand gimxArm:uTicks", out)
    assert m, out
    assert int(m.group(1)) > 6 and "debug log" in m.group(2)
    for hidden in ("timerxRun5:u5c", "TIMERX.u64Expire", "?.uFreqX"):
        assert hidden not in out
    assert "1 branch folded; --expand NAME opens one, --all shows everything" in out


def test_expand_and_all(fan):
    one = text(fan, expand=("gimxArm:uTicks",))
    assert "gimxArm:uTicks  [local]" in one and "?.uFreqX" in one
    assert re.search(r"\+\d+ steps through TIMERX\.u64Expire .*--expand TIMERX\.u64Expire", one)
    assert "timerxRun5:u5c" not in one
    deep = text(fan, expand=("TIMERX.u64Expire",))  # a name inside a fold opens the folds above it
    assert "timerxRun5:u5c" in deep and "steps through gimxArm:uTicks" not in deep
    everything = text(fan, show_all=True)
    assert "steps through" not in everything and "branch folded" not in everything
    for label in ("timerxRun1:u1", "timerxRun4:u4", "timerxRun5:u5c", "QUEUEX.u64Expire", "otherRead:uSeen"):
        assert label in everything


def test_may_alias_steps_rank_last(sample):
    tr = copy.deepcopy(sample)
    edges = {e["id"]: e for e in tr["edges"]}
    down = [p for p in tr["paths"] if p["direction"] == "downstream" and p["nodes"][0].endswith("GIMKVM.cTscTicksPerSecond")]
    best_first = section(text(tr, show_all=True).split("DOWNSTREAM", 1)[1], "GIMKVM")
    first_step = best_first[0]
    # mark the edge of that first branch may-alias: it must drop to the last place
    label = first_step.split("-> ", 1)[1].split("  [", 1)[0]
    nid = next(n["id"] for n in tr["nodes"] if n["label"] == label)
    for p in down:
        if p["nodes"][1] == nid:
            edges[p["edges"][0]]["may_alias"] = True
    after = section(text(tr, show_all=True).split("DOWNSTREAM", 1)[1], "GIMKVM")
    branches = [ln for ln in after if re.match(r"  [├└] ", ln)]
    assert label in branches[-1] and "may-alias" in branches[-1]


# ---------------------------------------------------------------- small fixes


def test_first_class_option_fix_for_ram_size(fan_dir):
    doc = srcscan.trace("GIMX.cbRam", src=str(fan_dir), cache=False).to_json()
    out = text(doc)
    assert 'fix: VBoxManage modifyvm "<VM name>" --memory <MB>  (the key holds bytes; --memory takes MB)' in out
    assert "VBoxInternal/RamSize" not in out


def test_else_of_if0_is_not_shown_as_a_condition(sample):
    tr = copy.deepcopy(sample)
    e = tr["edges"][0]
    e["preproc"] = ["!(0)", "(defined(IN_RING3))"]
    out = text(tr, paths=True)
    assert "!(0)" not in out and "#if defined(IN_RING3)" in out
    assert simplify("!(0)") is None and simplify("!(1)") == "0" and simplify("!(!(A))") == "A"
    assert simplify("(A) && (B)") == "(A) && (B)"


def test_start_line_of_a_source_has_its_description():
    doc = srcscan.trace("cfgm:/TM/TSCTicksPerSecond", src=str(SAMPLE), cache=False).to_json()
    start = section(text(doc, paths=True), "START")
    assert start[0].startswith("  cfgm:/TM/TSCTicksPerSecond  [source]  VM configuration value (CFGM)")
    assert all(ln == ln.rstrip() for ln in start)
    assert "set it with: VBoxManage setextradata" in start[1]


# ---------------------------------------------------------------- other formats and the CLI


def test_html_folds_with_details_and_graph_shows_the_unfolded_part(fan):
    html = render(fan, "html")
    assert "<script" not in html
    m = re.search(r'<li class="fold"><details><summary>\+(\d+) steps through gimxArm:uTicks', html)
    assert m
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert "gimxPublish:uHz" in svg and "timerxRun5:u5c" not in svg
    details = html[m.start():]
    assert "timerxRun5:u5c" in details  # the fold holds the hidden steps
    assert 'class="answer"' in html and html.index('class="answer"') < html.index("<svg")
    full = render(fan, "html", show_all=True)
    assert "<details><summary>+" not in full and "timerxRun5:u5c" in full[full.index("<svg"):full.index("</svg>")]


def test_markdown_summary_and_folded_tree(fan):
    md = render(fan, "markdown")
    assert md.index("## Summary") < md.index("## Where it goes") < md.index("## Flow graph")
    assert "fix: `VBoxManage setextradata" in md
    # prose is backslash-escaped Markdown; the option is a code span
    assert re.search(r"\\\+\d+ steps through gimxArm\\:uTicks.*`--expand gimxArm:uTicks`", md)


def test_cli_expand_all_paths(fan_dir, tmp_path, capsys):
    assert main(["trace", "GIMX.uHz", "--src", str(fan_dir), "--no-cache", "--expand", "gimxArm:uTicks"]) == 0
    out = capsys.readouterr().out
    assert "steps through TIMERX.u64Expire" in out
    js = tmp_path / "t.json"
    assert main(["trace", "GIMX.uHz", "--src", str(fan_dir), "--no-cache", "--format", "json", "-o", str(js)]) == 0
    capsys.readouterr()
    assert main(["report", str(js), "--all"]) == 0
    out = capsys.readouterr().out
    assert "timerxRun5:u5c" in out and "steps through" not in out
    assert main(["report", str(js), "--paths"]) == 0
    assert re.search(r"^  \[1\] ", capsys.readouterr().out, re.M)
    assert json.loads(js.read_text())["schema"] == "srcscan-trace/2"


def test_a_virtual_call_of_unknown_type_ranks_as_a_guess():
    """Through a pointer of unknown origin a virtual call reaches every override: each such
    step is a guess and costs dispatch_guess; a call on an object of known allocated type
    reaches one method, no guess (tests/flows/cxx_dispatch.cpp)."""
    from srcscan.render._answer import path_score, settings
    from srcscan.render._common import TraceView

    src = str(Path(__file__).parent / "flows" / "cxx_dispatch.cpp")
    anyp = srcscan.trace("anyCaller#1 (uAny)", src=src, to="g_uSeenA", cache=False).to_json()
    edges = {e["id"]: e for e in anyp["edges"]}
    p = anyp["paths"][0]
    guess = [edges[e] for e in p["edges"] if edges[e]["indirect"]]
    assert guess and "::" in guess[0]["via"]
    before = path_score(TraceView(anyp), p)
    for e in guess:
        e["indirect"] = False
    assert path_score(TraceView(anyp), p) == before + settings().dispatch_guess * len(guess)
    known = srcscan.trace("allocCaller#0 (uNew)", src=src, to="g_uSeenA", cache=False).to_json()
    assert known["paths"] and not any(e["indirect"] for e in known["edges"])
