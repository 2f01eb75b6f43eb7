"""The HTML report in a real headless Chromium (Debian's, driven by Playwright): the graph and
every step are visible, clicking a node scrolls to its step, and a hostile trace runs no script."""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from srcscan.render import render

DATA = Path(__file__).parent / "data"
CHROMIUM = os.environ.get("SRCSCAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not installed ({CHROMIUM}); "
                       "apt-get install chromium to run the browser tests"),
]


def load(name: str) -> dict:
    return json.loads((DATA / f"trace-{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def open_page(browser, html_path: Path, width=1280, height=900):
    page = browser.new_page(viewport={"width": width, "height": height})
    events = {"dialogs": [], "requests": [], "errors": []}
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: events["requests"].append(r.url))
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.goto(html_path.as_uri())
    page.wait_for_load_state("load")
    return page, events


def in_viewport(page, selector: str) -> bool:
    return page.evaluate("""sel => { const r = document.querySelector(sel).getBoundingClientRect();
        return r.top >= -1 && r.top < window.innerHeight && r.height > 0; }""", selector)


def write(tmp_path: Path, name: str, trace: dict) -> Path:
    path = tmp_path / f"{name}.html"
    path.write_text(render(trace, "html"), encoding="utf-8")
    return path


def test_graph_and_steps_visible_and_nodes_jump_to_steps(browser, tmp_path):
    trace = load("sample")
    page, events = open_page(browser, write(tmp_path, "sample", trace))
    svg = page.locator("figure.graph svg")
    assert svg.count() == 1 and svg.is_visible()
    assert page.locator("figure.graph g.node").count() == len(trace["nodes"])
    for pi, p in enumerate(trace["paths"], 1):
        for si in range(1, len(p["nodes"]) + 1):
            step = page.locator(f"#p{pi}-s{si}")
            step.scroll_into_view_if_needed()
            assert step.is_visible(), f"step {pi}.{si} is not visible"
    page.screenshot(path=str(tmp_path / "report.png"), full_page=False)
    # click the sink node in the graph: the page scrolls to its first step
    sink = next(i for i, n in enumerate(trace["nodes"]) if n["id"] == "sink:log:LogRel")
    target = next(f"p{pi}-s{p['nodes'].index('sink:log:LogRel') + 1}" for pi, p in enumerate(trace["paths"], 1)
                  if "sink:log:LogRel" in p["nodes"])
    page.evaluate("window.scrollTo(0, 0)")
    assert not in_viewport(page, f"#{target}")
    page.locator(f"#node-n{sink}").scroll_into_view_if_needed()
    page.locator(f"#node-n{sink}").click()
    page.wait_for_function(f"location.hash === '#{target}'")
    assert in_viewport(page, f"#{target}")
    page.screenshot(path=str(tmp_path / "after-click.png"))
    # every node of the graph links to a step or its row in the node table
    hrefs = page.eval_on_selector_all("figure.graph g.node a", "els => els.map(a => a.getAttribute('xlink:href') || a.getAttribute('href'))")
    assert len(hrefs) == len(trace["nodes"])
    for h in hrefs:
        assert page.locator(h).count() == 1
    assert not events["dialogs"] and not events["errors"]
    assert all(u.startswith("file://") for u in events["requests"]), events["requests"]


def test_phone_width_has_no_page_level_horizontal_scroll(browser, tmp_path):
    page, _ = open_page(browser, write(tmp_path, "sample", load("sample")), width=390, height=844)
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 1
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)


def test_hostile_trace_runs_no_script(browser, tmp_path):
    trace = load("hostile")
    page, events = open_page(browser, write(tmp_path, "hostile", trace))
    page.wait_for_timeout(300)
    assert events["dialogs"] == [] and events["errors"] == []
    assert page.evaluate("document.querySelectorAll('script, img, iframe, object, embed, foreignObject').length") == 0
    assert page.evaluate("[...document.querySelectorAll('*')].flatMap(e => [...e.attributes]).filter(a => a.name.startsWith('on')).length") == 0
    body = page.inner_text("body")
    assert "</script><script>alert(1)</script>" in body and "<img src=x onerror=alert(1)>" in body
    assert "{{7*7}}" in body
    # clicking through every graph node and step link fires nothing either
    for a in page.locator("figure.graph g.node a").all()[:6]:
        a.click()
    assert events["dialogs"] == []
    assert all(u.startswith("file://") for u in events["requests"]), events["requests"]
    page.screenshot(path=str(tmp_path / "hostile.png"))


def test_fallback_layout_in_browser(browser, tmp_path, monkeypatch):
    monkeypatch.setenv("SRCSCAN_DOT", "/nonexistent/dot")
    trace = load("sample")
    page, _ = open_page(browser, write(tmp_path, "fallback", trace))
    assert page.locator("p.note").is_visible()
    assert page.locator("figure.graph g.node").count() == len(trace["nodes"])
    first = page.locator("figure.graph g.node a").first
    href = first.get_attribute("href")
    page.evaluate("window.scrollTo(0, 0)")
    first.click()
    page.wait_for_function(f"location.hash === {json.dumps(href)}")
    assert in_viewport(page, href)
    page.screenshot(path=str(tmp_path / "fallback.png"))


def test_hostile_source_tree_through_the_engine_runs_no_script(browser, tmp_path):
    from test_render_engine import engine_trace, write_hostile_tree

    trace = engine_trace(tmp_path, write_hostile_tree(tmp_path / "tree"))
    page, events = open_page(browser, write(tmp_path, "hostile-engine", trace))
    page.wait_for_timeout(300)
    assert events["dialogs"] == [] and events["errors"] == []
    assert page.evaluate("document.querySelectorAll('script, img, iframe, object, embed').length") == 0
    body = page.inner_text("body")
    assert "</script><script>alert(1)</script>" in body and "{{7*7}}" in body
    for a in page.locator("figure.graph g.node a").all():
        a.click()
    for link in page.locator("a.trac, li.step a").all()[:10]:
        if (link.get_attribute("href") or "").startswith("#"):
            link.click()
    assert events["dialogs"] == []
    assert all(u.startswith("file://") for u in events["requests"]), events["requests"]
    page.screenshot(path=str(tmp_path / "hostile-engine.png"), full_page=True)


def test_first_screen_shows_the_summary_and_the_chain_to_the_sink(browser, tmp_path):
    """At 1280x800, before any scrolling: the summary (sources, sinks, the fix) and the whole
    best chain, ending at a sink, are on screen."""
    import srcscan

    sample = Path(__file__).parent.parent / "srcscan" / "sample" / "tree"
    trace = srcscan.trace("cTscTicksPerSecond", src=str(sample), cache=False).to_json()
    page, events = open_page(browser, write(tmp_path, "first-screen", trace), width=1280, height=800)
    page.screenshot(path=str(tmp_path / "first-screen.png"))

    def on_first_screen(sel: str) -> bool:
        return page.evaluate("""sel => { const r = document.querySelector(sel).getBoundingClientRect();
            return r.height > 0 && r.top >= 0 && r.bottom <= window.innerHeight; }""", sel)

    assert on_first_screen("section.answer")
    assert on_first_screen("ol.chain li:last-child")
    assert page.locator("ol.chain li:last-child").get_attribute("class") == "c-sink"
    assert page.locator("ol.chain li:first-child").get_attribute("class") == "c-source"
    answer = page.inner_text("section.answer")
    assert "config key" in answer and "guest memory" in answer and "VBoxManage setextradata" in answer
    assert not events["errors"]
