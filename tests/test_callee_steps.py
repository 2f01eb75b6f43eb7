"""A path through a call shows the callee (issue 30): `u1 = scale3(uSeed)` is one step of the
search (a summary edge), but the paths name scale3's parameter, its inner steps and its return,
in the JSON paths, the --paths list and the tree."""
import json

from srcscan.cli import main

SRC = """typedef struct T { unsigned u1; } T;
static unsigned scale3(unsigned uIn) { unsigned uMul = uIn * 3; return uMul + 1; }
void f(T *p, unsigned uSeed) { unsigned u1 = scale3(uSeed); p->u1 = u1; }
"""


def _run(capsys, tmp_path, *extra):
    (tmp_path / "a.c").write_text(SRC)
    assert main(["trace", "uSeed", "--src", str(tmp_path), "--no-cache", *extra]) == 0
    return capsys.readouterr().out


def test_json_paths_carry_the_callee_steps(tmp_path, capsys):
    doc = json.loads(_run(capsys, tmp_path, "--format", "json"))
    labels = {n["id"]: n["label"] for n in doc["nodes"]}
    edges = {e["id"]: e for e in doc["edges"]}
    p = next(p for p in doc["paths"] if [labels[n] for n in p["nodes"]] == ["f#1 (uSeed)", "f:u1", "T.u1"])
    (call,) = p["calls"]
    assert call["callee"] == "scale3" and edges[call["edge"]]["kind"] == "summary"
    assert [labels[n] for n in call["nodes"]] == ["f#1 (uSeed)", "scale3#0 (uIn)", "scale3:uMul", "scale3()", "f:u1"]
    assert [edges[e]["kind"] for e in call["edges"]] == ["arg", "assign", "return", "return"]
    assert [edges[e]["line"] for e in call["edges"]] == [3, 2, 2, 3]


def test_text_shows_the_steps_inside_the_callee(tmp_path, capsys):
    flat = _run(capsys, tmp_path, "--paths")
    assert ("       inside scale3():\n"
            "         -> scale3#0 (uIn)  arg at a.c:3") in flat
    assert "         -> scale3:uMul  assign at a.c:2  | static unsigned scale3" in flat
    assert "         -> scale3()  return at a.c:2" in flat
    tree = _run(capsys, tmp_path)
    assert "-> f:u1  [local, through scale3(): uIn -> uMul -> scale3()]  a.c:3" in tree


def test_sarif_code_flows_step_into_the_callee(tmp_path, capsys):
    doc = json.loads(_run(capsys, tmp_path, "--format", "sarif"))
    flows = [[(loc["nestingLevel"], loc["location"]["message"]["text"].split(" (")[0])
              for loc in r["codeFlows"][0]["threadFlows"][0]["locations"]] for r in doc["runs"][0]["results"]]
    assert [(0, "f#1"), (1, "scale3#0"), (1, "scale3:uMul"), (1, "scale3()"), (0, "f:u1"), (0, "T.u1")] in flows


def test_html_and_markdown_list_the_callee_steps(tmp_path, capsys):
    md = _run(capsys, tmp_path, "--format", "markdown")
    assert "   - inside `scale3()`: `scale3:uMul` \u2190 assign at" in md
    html = _run(capsys, tmp_path, "--format", "html")
    assert "inside <code>scale3()</code>: <code>scale3:uMul</code> &larr; assign at" in html
