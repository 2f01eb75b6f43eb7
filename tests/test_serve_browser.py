"""srcscan serve in a real headless Chromium (Debian's, driven by Playwright) on the sample
tree: search, open a trace, click a node and get its trace, toggle -D IN_RING3, open the
source view at a step, switch revision on a generated git history; a hostile tree stays inert
(no dialog, no request off the site, no script error)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")

from histories import make_history  # noqa: E402
from servehelp import running  # noqa: E402
from srcscan.serve import Explorer  # noqa: E402
from test_browser import CHROMIUM, browser  # noqa: E402,F401 (the module-scoped Chromium fixture)
from test_render_engine import write_hostile_tree  # noqa: E402

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not installed ({CHROMIUM})"),
]
SYMBOL = "cTscTicksPerSecond"


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory):
    with running(Explorer(cache_dir=str(tmp_path_factory.mktemp("cache")), jobs=1, env={}), page_wait=60) as url:
        yield url


def new_page(browser, base: str):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    events = {"dialogs": [], "offsite": [], "errors": [], "console": []}
    page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith(base) else events["offsite"].append(r.url))
    page.on("pageerror", lambda e: events["errors"].append(str(e)))
    page.on("console", lambda m: events["console"].append(m.text))
    return page, events


def start_of(page) -> str:
    """The start node the summary names (the dd after "Start")."""
    return page.locator("xpath=//dl[contains(@class,'summary')]/dt[normalize-space()='Start']"
                        "/following-sibling::dd[1]/code[1]").inner_text()


def test_search_trace_click_toggle_source(browser, sample_url):
    page, events = new_page(browser, sample_url)
    page.goto(sample_url + "/")
    # search: the form's value field, then pick one of the matches
    page.fill("input[name=symbol]", SYMBOL)
    page.click("button[type=submit]")
    assert "/trace?" in page.url and page.locator("h1").inner_text().startswith("Where")
    page.click("text=search")
    page.locator("ul.matches a", has_text="GIMKVM.cTscTicksPerSecond").click()
    assert "symbol=field%3AGIMKVM.cTscTicksPerSecond" in page.url
    assert start_of(page) == "GIMKVM.cTscTicksPerSecond"
    # click a node of the graph: the trace re-centres on it
    node = page.locator("figure.graph a[*|href*='u32TscScale']").first
    node.scroll_into_view_if_needed()
    node.click()
    page.wait_for_load_state("load")
    assert "u32TscScale" in page.url
    assert start_of(page) == "GIMKVMSYSTEMTIME.u32TscScale"
    assert page.locator("figure.graph svg").is_visible()
    # toggle -D IN_RING3: the same value, one configuration
    page.click("a.toggle:has-text('-D IN_RING3')")
    assert "D=IN_RING3" in page.url and "u32TscScale" in page.url
    assert page.locator("a.toggle.on").inner_text() == "-D IN_RING3"
    assert page.input_value("input[name=D]") == "IN_RING3"
    # the steps are on the paths page (a big trace's page is short); open the source view at a
    # step: the line is there, highlighted and in view
    page.click("a.all-paths")
    assert "/paths?" in page.url and "D=IN_RING3" in page.url
    link = page.locator("li.step a.src").first
    href = link.get_attribute("href")
    line = int(re.search(r"#L-(\d+)", href).group(1))
    link.click()
    page.wait_for_load_state("load")
    assert "/source?" in page.url
    target = page.locator(f"#L-{line}")
    assert target.count() == 1
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < 900
    assert page.locator("div.source .hll").count() >= 1
    page.locator("ol.steps-here a", has_text="step in the trace").first.click()
    assert "/paths?" in page.url
    assert not events["dialogs"] and not events["offsite"] and not events["errors"], events


def test_switch_revision_on_a_git_history(browser, tmp_path):
    hist = make_history(tmp_path / "repo", n=6, flips={3: "const"})
    with running(Explorer(src=[str(hist.path)], no_cache=True, jobs=1, env={}), page_wait=60) as url:
        page, events = new_page(browser, url)
        page.goto(url + "/trace?symbol=" + SYMBOL)
        labels = [n.text_content() for n in page.locator("figure.graph g.node title").all()]
        assert not any("TMCpuTicksPerSecond" in t for t in labels)  # newest: a constant
        old = hist.commits[1]
        page.select_option("select[name=rev]", old.id)
        page.click("button[type=submit]")
        page.wait_for_load_state("load")
        assert f"rev={old.id}" in page.url
        assert page.locator("select[name=rev]").input_value() == old.id
        labels = [n.text_content() for n in page.locator("figure.graph g.node title").all()]
        assert any("TMCpuTicksPerSecond" in t for t in labels)  # then: from TMCpuTicksPerSecond()
        assert f"r{old.svn}" in page.locator("nav.explorer").inner_text()
        page.click("text=diff with the previous revision")
        page.wait_for_load_state("load")
        assert "/diff?" in page.url and "differs" in page.locator("h1").inner_text()
        assert not events["dialogs"] and not events["offsite"] and not events["errors"], events


def test_hostile_tree_renders_inert(browser, tmp_path):
    root = write_hostile_tree(tmp_path / "tree")
    with running(Explorer(src=[str(root)], no_cache=True, jobs=1, env={}), page_wait=60) as url:
        page, events = new_page(browser, url)
        page.goto(url + "/trace?symbol=" + SYMBOL)
        assert page.locator("figure.graph svg").is_visible()
        assert "</script><script>alert(1)</script>" in page.locator("#paths").inner_text()
        page.locator("li.step a.src").first.click()
        page.wait_for_load_state("load")
        assert "/source?" in page.url and "</script><script>alert(1)</script>" in page.locator("div.source").inner_text()
        page.goto(url + "/search?symbol=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E")
        assert "<img src=x onerror=alert(1)>" in page.locator("main").inner_text()
        assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
        assert page.evaluate("[...document.scripts].map(s => s.getAttribute('src'))") == ["/static/serve.js"]
        assert not events["dialogs"] and not events["offsite"] and not events["errors"], events


def test_code_browser_by_keyboard_and_without_script(browser, sample_url):
    """Issue 31: the first Tab stop skips to the summary; prefix search finds the value first;
    a file is reached from the file browser; identifiers link to their definition; the same
    pages work with JavaScript disabled."""
    page, events = new_page(browser, sample_url)
    page.goto(sample_url + "/trace?symbol=" + SYMBOL)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").startswith("skip")
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")
    assert page.evaluate("document.querySelector(':target').getAttribute('aria-label')") == "summary"
    # the home page's find box has the focus: type a prefix, the value comes first
    page.goto(sample_url + "/")
    assert page.evaluate("document.activeElement.name") == "symbol"
    page.keyboard.type("cTscTicks")
    page.keyboard.press("Enter")
    assert page.locator("ol.names li a").first.inner_text() == "cTscTicksPerSecond"
    # the file browser down to a file, then an identifier to its definition and uses
    page.goto(sample_url + "/files")
    for part in ("src/", "VBox/", "VMM/", "VMMR3/"):
        page.locator("ul.dirs a", has_text=part).first.click()
    page.locator("ul.files a", has_text="GIMKvm.cpp").click()
    assert "/source?path=src%2FVBox%2FVMM%2FVMMR3%2FGIMKvm.cpp" in page.url
    page.locator("a.ident", has_text="u32TscScale").first.click()
    assert "/where?name=u32TscScale" in page.url and page.locator("ul.refs li").count() >= 1
    assert not events["errors"] and not events["offsite"] and not events["dialogs"]
    ctx = browser.new_context(java_script_enabled=False)
    nojs = ctx.new_page()
    for path in ("/search?symbol=cTscTicks", "/files?dir=src", "/where?name=u32TscScale", "/trace?symbol=" + SYMBOL):
        r = nojs.goto(sample_url + path)
        assert r.status == 200 and nojs.locator("#main").count() == 1, path
    ctx.close()


IN_SUMMARY = "!!(document.activeElement && document.activeElement.closest('section.answer'))"


def test_keyboard_reaches_the_summary_of_a_big_trace_in_five_stops(browser, sample_url):
    """The short page of a big trace: Tab, Enter on the skip link, Tab: a link of the summary,
    named by what it shows."""
    page, events = new_page(browser, sample_url)
    page.goto(sample_url + "/trace?symbol=" + SYMBOL)
    assert page.locator("#paths").count() == 0 and page.locator("a.all-paths").count() == 1  # the short page
    stops = 0
    while stops < 5 and not page.evaluate(IN_SUMMARY):
        page.keyboard.press("Tab")
        stops += 1
        if page.evaluate("document.activeElement.getAttribute('href')") == "#main":
            page.keyboard.press("Enter")
    assert page.evaluate(IN_SUMMARY) and stops <= 5, stops
    name = page.evaluate("document.activeElement.getAttribute('aria-label') || document.activeElement.textContent")
    assert name.startswith("source of the start ") and re.search(r": \S+:\d+$", name), name
    # the full list of paths is a page of its own, reached from the short one
    page.click("a.all-paths")
    page.wait_for_url("**/paths?**")
    page.wait_for_load_state("load")
    assert page.locator("li.step").count() > 100
    assert not events["errors"] and not events["offsite"], events


def test_keys_and_type_ahead_from_the_optional_script(browser, sample_url):
    page, events = new_page(browser, sample_url)
    page.goto(sample_url + "/paths?symbol=" + SYMBOL)
    page.keyboard.press("j")
    page.keyboard.press("j")
    second = page.evaluate("document.activeElement.id")
    page.keyboard.press("k")
    assert (second, page.evaluate("document.activeElement.id")) == ("p1-s2", "p1-s1")
    assert page.locator("li.key-current").count() == 1
    page.keyboard.press("j")
    node = page.locator("#p1-s2 a.retrace").get_attribute("href")
    page.keyboard.press("t")
    page.wait_for_url("**" + node)
    assert start_of(page) != "" and "/trace?" in page.url
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.name") == "symbol"
    # type-ahead on the home page's find field: names that start with what is typed. The API's
    # own answer first (a server still busy with the trace above answers late, not wrongly;
    # and a wrong answer shows here, not as a timeout of the page)
    page.goto(sample_url + "/")
    rev = page.evaluate("() => { const f = document.querySelector('select[name=rev], input[name=rev]');"
                        " return f && f.value ? '&rev=' + encodeURIComponent(f.value) : ''; }")
    r = page.request.get(sample_url + "/api/search?mode=prefix&symbol=cTscTi" + rev, timeout=120_000)
    assert r.ok and r.json()["names"][0]["name"] == "cTscTicksPerSecond", r.text()[:300]
    page.keyboard.type("cTscTi")
    page.wait_for_selector("input[data-suggested]", state="attached", timeout=120_000)
    # (the answer for the whole prefix: an earlier keystroke's answer may have come first)
    page.wait_for_function("() => [...document.querySelectorAll('datalist option')]"
                           ".some(o => o.value.toLowerCase().startsWith('ctscti'))", timeout=120_000)
    options = page.eval_on_selector_all("datalist option", "os => os.map(o => o.value)")
    assert options[0] == "cTscTicksPerSecond" and all(o.lower().startswith("ctscti") for o in options), options
    # "t" on a focused identifier of the source view traces it
    page.goto(sample_url + "/source?path=src%2FVBox%2FVMM%2FVMMR3%2FGIMKvm.cpp")
    page.locator("a.ident", has_text="u32TscScale").first.focus()
    page.keyboard.press("t")
    page.wait_for_url("**/trace?symbol=u32TscScale")
    assert not events["errors"] and not events["offsite"] and not events["dialogs"], events


def test_every_page_works_with_javascript_disabled(browser, sample_url):
    ctx = browser.new_context(java_script_enabled=False)
    page = ctx.new_page()
    for path in ("/", "/trace?symbol=" + SYMBOL, "/paths?symbol=" + SYMBOL, "/taint",
                 "/source?path=src%2FVBox%2FVMM%2FVMMR3%2FTM.cpp"):
        r = page.goto(sample_url + path)
        assert r.status == 200 and page.locator("#main").count() == 1, path
    page.goto(sample_url + "/")
    page.fill("main input[name=symbol]", "cTscTicks")
    page.press("main input[name=symbol]", "Enter")
    page.wait_for_selector("ol.names li a")
    assert page.locator("ol.names li a").first.inner_text() == "cTscTicksPerSecond"
    page.goto(sample_url + "/trace?symbol=" + SYMBOL)
    page.click("a.all-paths")
    page.wait_for_url("**/paths?**")
    page.wait_for_load_state("load")
    assert page.locator("li.step").count() > 100
    ctx.close()


def test_progress_page_updates_in_place_then_shows_the_answer(browser):
    """With script on, the <noscript> refresh is off: serve.js polls the page and loads the
    answer when it is ready (the test never reloads)."""
    with running(Explorer(no_cache=True, jobs=1, env={}), page_wait=0) as url:
        page, events = new_page(browser, url)
        r = page.goto(url + "/trace?symbol=" + SYMBOL)
        assert r.status == 202 and page.locator("ul.progress[aria-live=polite]").count() == 1
        page.wait_for_selector("section.answer", timeout=120_000)
        assert start_of(page) and "/trace?symbol=" + SYMBOL in page.url
        assert not events["errors"] and not events["offsite"], events


def test_type_ahead_asks_again_while_the_server_is_still_working(browser, sample_url):
    # a server still reading the tree answers 503; the suggestions come once it has the answer
    page, events = new_page(browser, sample_url)
    busy = {"left": 2}

    def first_busy(route):
        if busy["left"]:
            busy["left"] -= 1
            route.fulfill(status=503, content_type="application/json", body='{"error": "still working; ask again"}')
        else:
            route.continue_()
    page.goto(sample_url + "/")
    # the real answer made first (with the page's revision), so the retried search is not also
    # waiting for a server that is slow in a full run (the earlier type-ahead test's lesson)
    rev = page.evaluate("() => { const f = document.querySelector('select[name=rev], input[name=rev]');"
                        " return f && f.value ? '&rev=' + encodeURIComponent(f.value) : ''; }")
    r = page.request.get(sample_url + "/api/search?mode=prefix&symbol=cTscTi" + rev, timeout=120_000)
    assert r.ok, r.text()[:300]
    page.route("**/api/search?*", first_busy)
    page.keyboard.type("cTscTi")
    page.wait_for_function("() => [...document.querySelectorAll('datalist option')]"
                           ".some(o => o.value === 'cTscTicksPerSecond')", timeout=120_000)
    assert busy["left"] == 0 and not events["errors"], events
