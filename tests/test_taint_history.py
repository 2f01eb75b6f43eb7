"""srcscan history --taint and blame --taint (issue 28): over the purpose-made repository of
test_taint_diff (base, moved, fixed, regressed, swapped: each revision changes one thing), the
revisions where the findings changed, and for each finding at the end of the range the revision
where it appeared and the one since which it is checked or unchecked."""
from __future__ import annotations

import json

from histories import fact_cache_fixture, repo_fixture
from srcscan.cli import main
from srcscan.query.history import GitSource
from srcscan.query.tainthistory import taint_blame, taint_history
from test_taint_diff import A_CHECKED, A_UNCHECKED, B_CHECKED, VERSIONS, device, fns

repo = repo_fixture("tainthist", VERSIONS)
# a bound added, removed, added again: blame gives the last time it became checked
FLIPS = [("open", device(A_UNCHECKED, B_CHECKED)), ("fixed", device(A_CHECKED, B_CHECKED)),
         ("broken", device(A_UNCHECKED, B_CHECKED)), ("refixed", device(A_CHECKED, B_CHECKED))]
flips = repo_fixture("taintflips", FLIPS)
cache = fact_cache_fixture()


def test_history_lists_each_revision_where_the_findings_changed(repo, cache):
    path, ids = repo
    doc = taint_history(GitSource(path), ids["base"], ids["swapped"], cache)
    assert doc["candidates"] == 4
    after = [c["after"]["id"] for c in doc["changes"]]
    assert after == [ids["fixed"], ids["regressed"], ids["swapped"]]  # "moved" moved code only: no change
    fixed, regressed, swapped = doc["changes"]
    assert fns(fixed["became_checked"], "after") == ["devOutA"] and not fixed["appeared"]
    assert fixed["before"]["id"] == ids["moved"]
    assert fns(regressed["became_unchecked"], "after") == ["devOutB"]
    assert fns(swapped["appeared"]) == ["devOutC"] and fns(swapped["disappeared"]) == ["devOutA"]
    assert [r["summary"]["unchecked"] for r in doc["revisions"]] == [1, 1, 0, 1, 2]


def test_blame_gives_where_a_finding_appeared_and_since_when_it_has_its_state(repo, cache):
    path, ids = repo
    doc = taint_blame(GitSource(path), ids["base"], ids["swapped"], cache)
    rows = {r["finding"]["sink"]["function"]: r for r in doc["findings"]}
    assert sorted(rows) == ["devOutB", "devOutC"]
    b, c = rows["devOutB"], rows["devOutC"]
    assert b["appeared"] is None  # there at the start of the range: older than it
    assert b["state_since"]["id"] == ids["regressed"] and not b["finding"]["checked"]
    assert c["appeared"]["id"] == ids["swapped"] and c["state_since"]["id"] == ids["swapped"]
    # from a later start: devOutB's unchecked state began inside the range, devOutA is checked since "fixed"
    doc = taint_blame(GitSource(path), ids["base"], ids["regressed"], cache)
    rows = {r["finding"]["sink"]["function"]: r for r in doc["findings"]}
    assert rows["devOutA"]["finding"]["checked"] and rows["devOutA"]["state_since"]["id"] == ids["fixed"]
    assert rows["devOutA"]["appeared"] is None


def test_cli_text_json_and_exit_codes(repo, capsys):
    path, ids = repo
    src = ["--src", str(path), "--no-cache"]
    assert main(["history", "--taint", "--range", f"{ids['base']}..{ids['fixed']}", *src]) == 0
    out = capsys.readouterr().out
    assert "became checked: 1" in out and "devOutA" in out and "1 with a change" in out
    assert main(["history", "--taint", "--range", f"{ids['base']}..{ids['moved']}", *src]) == 1
    assert "no change in the taint findings" in capsys.readouterr().out
    assert main(["blame", "--taint", "--range", f"{ids['base']}..{ids['swapped']}", *src, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["schema"] == "srcscan-taint-blame/1" and len(doc["findings"]) == 2
    assert main(["blame", "--taint", "--range", f"{ids['base']}..{ids['swapped']}", *src]) == 0
    out = capsys.readouterr().out.splitlines()
    row = next(ln for ln in out if "devOutC" in ln)
    assert "UNCHECKED" in row and ids["swapped"][:12] in row
    assert any("<=start" in ln and "devOutB" in ln for ln in out)


def test_cli_rejects_a_symbol_with_taint_and_no_symbol_without(repo, capsys):
    path, ids = repo
    rng = ["--range", f"{ids['base']}..{ids['fixed']}", "--src", str(path), "--no-cache"]
    assert main(["history", "--taint", "uHz", *rng]) == 2
    assert "no SYMBOL" in capsys.readouterr().err
    assert main(["blame", "--taint", *rng, "--format", "html"]) == 2
    assert main(["history", *rng]) == 2
    assert "needs SYMBOL" in capsys.readouterr().err


def test_blame_gives_the_start_of_the_last_run_of_a_state(flips, cache):
    path, ids = flips
    doc = taint_blame(GitSource(path), ids["open"], ids["refixed"], cache)
    a = next(r for r in doc["findings"] if r["finding"]["sink"]["function"] == "devOutA")
    assert a["finding"]["checked"] and a["state_since"]["id"] == ids["refixed"] and a["appeared"] is None
    hist = taint_history(GitSource(path), ids["open"], ids["refixed"], cache)
    assert [len(c["became_checked"]) for c in hist["changes"]] == [1, 0, 1]
    assert [len(c["became_unchecked"]) for c in hist["changes"]] == [0, 1, 0]
