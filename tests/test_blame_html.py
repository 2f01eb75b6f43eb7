"""srcscan blame --format html: every step carries the revision it exists since, svn numbers
link to the Trac changeset form (only for a listed repository), hostile data renders inert,
and the page works in a real headless Chromium (browser test)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from histories import make_history, sample_tree_files
from srcscan.cli import main
from srcscan.errors import UsageError
from srcscan.render.blame_html import render
from test_history_html import HOSTILE, check_inert

SYM = "cTscTicksPerSecond"
FLIPS = {0: "const", 5: "calls", 10: "const", 20: "calls"}
CHANGESET = "https://www.virtualbox.org/changeset/{}/vbox"
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bhtml")
    h = make_history(tmp / "repo", n=32, flips=FLIPS, base=sample_tree_files())
    mp = pytest.MonkeyPatch()
    mp.setenv("SRCSCAN_CACHE", str(tmp / "cache"))
    try:
        out = tmp / "blame.html"
        assert main(["blame", SYM, "--src", str(h.path), "--range", f"r{h.commits[0].svn}..r{h.commits[-1].svn}",
                     "--format", "html", "-o", str(out)]) == 0
    finally:
        mp.undo()
    return {"hist": h, "path": out, "tmp": tmp}


def step_rows(t):
    return [tr for tr in t.root.find_all("tr", "step")]


def test_every_step_has_its_revision(page):
    h, html = page["hist"], page["path"].read_text(encoding="utf-8")
    t = check_inert(html)
    assert t.root.find_all("script") == [] and html.count("<style>") == 1
    rows = step_rows(t)
    assert len(rows) > 40
    for tr in rows:
        since = tr.find_all("td", "since")[0]
        links = [a.attrs["href"] for a in since.find_all("a") if "svn" in a.classes]
        assert len(links) == 1 and links[0] in {CHANGESET.format(c.svn) for c in h.commits}, since.text()
    c20, c5, c10 = h.commits[20], h.commits[5], h.commits[10]
    calls = [tr for tr in rows if "pKvm->cTscTicksPerSecond = TMCpuTicksPerSecond(pVM);" in tr.text()]
    assert calls
    for tr in calls:
        since = tr.find_all("td", "since")[0]
        assert f"r{c20.svn}" in since.text() and c20.id[:12] in since.text() and "VMM: change 20" in since.text()
        story = tr.find_all("td", "story")[0]
        assert f"first r{c5.svn}" in story.text() and f"gone r{c10.svn}" in story.text()
        assert {a.attrs["href"] for a in story.find_all("a")} >= {CHANGESET.format(c5.svn), CHANGESET.format(c10.svn)}
        cells = story.find_all("span")
        marks = "".join("+" if "on" in s.classes else "-" for s in cells if s.classes & {"on", "off"})
        assert marks.startswith("-") and marks.endswith("+") and "+-" in marks  # absent, present, gone, back
        # the group link goes to the revision's entry in "By revision"
        group = [a.attrs["href"] for a in since.find_all("a") if "svn" not in a.classes]
        assert group and f"r{c20.svn}" in t.root.by_id(group[0][1:]).text()
    old = [tr for tr in rows if tr not in calls]
    assert all("\u2264" in tr.find_all("td", "since")[0].text() for tr in old)  # there from the start
    summary = t.root.find_all("dl", "summary")[0].text()
    assert "31 candidate revisions" in summary and "revisions evaluated" in summary and "bisect" in summary
    ev = t.root.by_id("evaluated").text()
    assert ev.isdigit() and 2 < int(ev) < 31


def test_no_links_for_an_unlisted_repository_and_hostile_data():
    """A file:// svn repository: numbers, no links; hostile fields stay text."""
    rev = {"id": None, "svn": 7, "date": HOSTILE, "author": HOSTILE, "subject": HOSTILE}
    bad = {**rev, "svn": '1"><script>alert(1)</script>'}
    trace = {"schema": "srcscan-trace/1", "query": {"symbol": HOSTILE}, "source": {}, "stats": {},
             "start": ["n1"], "nodes": [{"id": "n1", "label": HOSTILE, "kind": HOSTILE},
                                        {"id": "n2", "label": HOSTILE, "kind": "field"}],
             "edges": [{"id": "e1", "src": "n1", "dst": "n2", "kind": HOSTILE, "via": HOSTILE, "file": f"{HOSTILE}.c",
                        "line": '3" onclick="x', "code": HOSTILE, "function": HOSTILE}],
             "paths": [{"id": "p1", "direction": "downstream", "nodes": ["n1", "n2"], "edges": ["e1"]}]}
    b = {"since": rev, "from_start": False, "first": bad, "first_at_start": False,
         "gaps": [{"removed": bad, "last_present": rev, "returned": rev}], "presence": "+-+"}
    doc = {"schema": "srcscan-blame/1", "query": {"symbol": HOSTILE}, "range": {"start": bad, "end": rev, "candidates": 2},
           "source": {"kind": "svn", "root": "file:///srv/svn/trunk", "svn_url": "file:///srv/svn/trunk"},
           "search": {"mode": HOSTILE}, "trace": trace, "nodes": {"n1": b, "n2": b}, "edges": {"e1": b},
           "evaluations": [{"revision": rev}, {"revision": bad}, {"revision": rev}], "stats": {}, "warnings": [HOSTILE]}
    t = check_inert(render(doc))
    assert not [a for a in t.root.find_all("a") if not a.attrs.get("href", "").startswith("#")]
    assert "r7" in t.root.text() and t.root.text().count("alert(1)") > 5
    doc["source"] = {"svn_url": "https://www.virtualbox.org/svn/vbox/trunk"}
    hrefs = {a.attrs.get("href") for a in check_inert(render(doc)).root.find_all("a")}
    assert CHANGESET.format(7) in hrefs and not any("changeset/1" in (x or "") for x in hrefs)
    with pytest.raises(UsageError, match="not a srcscan blame"):
        render({"schema": "srcscan-history/1"})


# --- a real browser ------------------------------------------------------------------------

CHROMIUM = os.environ.get("SRCSCAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not installed ({CHROMIUM})")
def test_blame_page_in_browser(page, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    h = page["hist"]
    svns = {c.svn for c in h.commits}
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            for width, height in ((1280, 900), (390, 844)):
                pg = b.new_page(viewport={"width": width, "height": height})
                events = {"dialogs": [], "requests": [], "errors": []}
                pg.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
                pg.on("request", lambda r: events["requests"].append(r.url))
                pg.on("pageerror", lambda e: events["errors"].append(str(e)))
                pg.goto(page["path"].as_uri())
                pg.wait_for_load_state("load")
                rows = pg.locator("table.blame tr.step")
                n = rows.count()
                assert n > 40
                # every step shows a revision, linked to the Trac changeset form of its number
                hrefs = pg.eval_on_selector_all(
                    "table.blame tr.step", "rs => rs.map(r => { const a = r.querySelector('td.since a.svn');"
                    " return a ? [a.getAttribute('href'), a.innerText] : null; })")
                assert None not in hrefs and len(hrefs) == n
                for href, text in hrefs:
                    num = int(text.lstrip("r"))
                    assert num in svns and href == CHANGESET.format(num)
                row = rows.filter(has_text="pKvm->cTscTicksPerSecond = TMCpuTicksPerSecond(pVM);").first
                row.scroll_into_view_if_needed()
                assert row.is_visible() and f"r{h.commits[20].svn}" in row.locator("td.since").inner_text()
                assert row.locator(".tl span.off").count() > 0 and row.locator(".tl span.on").first.is_visible()
                row.locator("td.since a:not(.svn)").first.click()
                target = pg.evaluate("location.hash")
                assert target.startswith("#since-") and pg.locator(target).is_visible()
                assert f"r{h.commits[20].svn}" in pg.locator(target).inner_text()
                if width < 500:
                    assert pg.evaluate("document.documentElement.scrollWidth") <= width + 1
                pg.evaluate("window.scrollTo(0, 0)")
                pg.screenshot(path=str(tmp_path / f"blame-{width}.png"), full_page=False)
                assert not events["dialogs"] and not events["errors"]
                assert all(u.startswith("file://") for u in events["requests"]), events["requests"]
                pg.close()
        finally:
            b.close()
    assert (tmp_path / "blame-1280.png").stat().st_size > 10_000
