"""An automated accessibility check of srcscan serve's pages: axe-core (from npm, pinned in
tests/axe/package.json; `npm ci` there) run in a real headless Chromium through Playwright on
the home, search, trace, paths, source, where, taint, progress and history pages of the sample
tree and of a generated git history. No serious or critical violation (WCAG 2 A/AA rules and
axe's best practices). Skipped, saying why, when axe-core is not installed locally; .ci/run
installs it."""
from __future__ import annotations

import time
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")

from histories import make_history  # noqa: E402
from servehelp import running  # noqa: E402
from srcscan.serve import Explorer  # noqa: E402
from test_browser import CHROMIUM, browser  # noqa: E402,F401 (the module-scoped Chromium fixture)

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
SYMBOL = "cTscTicksPerSecond"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not installed ({CHROMIUM})"),
    pytest.mark.skipif(not AXE.exists(), reason=f"axe-core is not installed: (cd tests/axe && npm ci) puts it at {AXE}"),
]
BAD = ("serious", "critical")


@pytest.fixture(scope="module")
def context(browser):
    # axe is injected as a script of the page: the explorer's CSP (script-src 'self') would
    # refuse it, so this context alone bypasses it
    ctx = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def violations(context, url: str) -> list[str]:
    page = context.new_page()
    try:
        r = page.goto(url)
        assert r.status in (200, 202, 404), (url, r.status)  # 404: the error page
        page.add_script_tag(path=str(AXE))
        got = page.evaluate("""() => axe.run(document, {resultTypes: ['violations'],
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    finally:
        page.close()
    return [f"{v['id']} ({v['impact']}): {v['help']}; e.g. {v['nodes'][0]['target']} {v['nodes'][0]['html'][:160]}"
            for v in got["violations"] if v["impact"] in BAD]


@pytest.fixture(scope="module")
def sample_url(tmp_path_factory):
    with running(Explorer(cache_dir=str(tmp_path_factory.mktemp("cache")), jobs=1, env={}), page_wait=60) as url:
        yield url


@pytest.mark.parametrize("path", ["/", "/search?symbol=cTscTicks", f"/trace?symbol={SYMBOL}", f"/paths?symbol={SYMBOL}",
                                  "/source?path=src%2FVBox%2FVMM%2FVMMR3%2FGIMKvm.cpp&symbol=" + SYMBOL,
                                  "/where?name=u32TscScale", "/files?dir=src%2FVBox%2FVMM", "/taint",
                                  "/trace?symbol=no_such_value"])
def test_no_serious_violation_on_the_sample(context, sample_url, path):
    assert violations(context, sample_url + path) == []


def test_no_serious_violation_on_history_and_progress(context, tmp_path):
    """The history and diff pages of a small generated git history, and the progress page
    the explorer answers while it works on them."""
    hist = make_history(tmp_path / "repo", n=4, flips={2: "const"})
    first, last = hist.commits[0].id, hist.commits[-1].id
    with running(Explorer(src=[str(hist.path)], no_cache=True, jobs=1, env={}), page_wait=0.01) as url:
        for path in (f"/history?symbol={SYMBOL}&rev1={first}&rev2={last}",
                     f"/diff?symbol={SYMBOL}&rev1={hist.commits[1].id}&rev2={hist.commits[2].id}"):
            page = context.new_page()
            status = page.goto(url + path).status
            if path.startswith("/history"):
                assert status == 202 and page.locator("ul.progress").count() == 1
                assert violations(context, url + path) == []  # the progress page (the answer is not ready yet)
            deadline = time.monotonic() + 300
            while status != 200 and time.monotonic() < deadline:
                page.wait_for_timeout(500)
                status = page.goto(url + path).status
            page.close()
            assert status == 200, path
            assert violations(context, url + path) == []
