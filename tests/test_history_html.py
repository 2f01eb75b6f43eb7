"""bisect / history / diff --format html: the timeline lists every flip with its svn number and
flow diff, the bisect result is highlighted, hostile commit data renders inert, and the page
works in a real headless Chromium (browser test)."""
from __future__ import annotations

import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from histories import FLOW_LINES, IDENT, SVN_UUID, SVN_URL, make_history, sample_tree_files
from srcscan.cli import main
from srcscan.errors import UsageError
from srcscan.render.history_html import render

SYM = "cTscTicksPerSecond"
FLIPS = {10: "const", 14: "cfg", 28: "const"}  # non-monotone: 28 returns to 10's flow
CALLS = ("ret:TMCpuTicksPerSecond", "field:GIMKVM.cTscTicksPerSecond")
CFG_SRC = "source:cfgm:/?/TscHz"
HOSTILE = "</script><script>alert(1)</script> <img src=x onerror=alert(1)> {{7*7}}"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


class El:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, attrs, parent, [], []

    @property
    def classes(self) -> set:
        return set((self.attrs.get("class") or "").split())

    def raw(self) -> str:
        return "".join(c if isinstance(c, str) else c.raw() for c in self.parts)

    def text(self) -> str:
        return " ".join(self.raw().split())

    def iter(self):
        yield self
        for c in self.children:
            yield from c.iter()

    def find_all(self, tag=None, cls=None):
        return [e for e in self.iter() if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)]

    def by_id(self, ident):
        return next((e for e in self.iter() if e.attrs.get("id") == ident), None)


class Tree(HTMLParser):
    """A small DOM: every element with its attributes, children and text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = self.cur = El("#root", {})
        self.all: list[El] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        el = El(tag, dict(attrs), self.cur)
        self.all.append(el)
        self.cur.children.append(el)
        self.cur.parts.append(el)
        if tag not in VOID:
            self.cur = el

    def handle_startendtag(self, tag, attrs):
        el = El(tag, dict(attrs), self.cur)
        self.all.append(el)
        self.cur.children.append(el)

    def handle_endtag(self, tag):
        el = self.cur
        while el is not self.root and el.tag != tag:
            el = el.parent
        if el is not self.root:
            self.cur = el.parent

    def handle_data(self, data):
        self.cur.parts.append(data)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """One history with three flips (one back to an earlier flow), and the HTML of history,
    bisect and diff over it."""
    tmp = tmp_path_factory.mktemp("hhtml")
    h = make_history(tmp / "repo", n=32, flips=FLIPS, base=sample_tree_files())
    c = h.commits
    out = {"hist": h, "tmp": tmp}
    mp = pytest.MonkeyPatch()
    mp.setenv("SRCSCAN_CACHE", str(tmp / "cache"))
    try:
        for name, argv in (
            ("history", ["history", SYM, "--range", f"r{c[0].svn}..r{c[-1].svn}"]),
            ("bisect", ["bisect", SYM, "--good", f"r{c[0].svn}", "--bad", f"r{c[-1].svn}"]),
            ("diff", ["diff", SYM, f"r{c[0].svn}", f"r{c[14].svn}"]),
        ):
            path = tmp / f"{name}.html"
            assert main([*argv, "--src", str(h.path), "--format", "html", "-o", str(path)]) == 0
            out[name] = path
    finally:
        mp.undo()
    return out


def check_inert(html: str) -> Tree:
    """No element the page does not make itself: no <script>, <img>, <iframe>, no on*
    attribute, no link outside the page and VirtualBox's Trac."""
    t = Tree(html)
    for el in t.all:
        assert el.tag not in {"script", "img", "iframe", "object", "embed", "svg", "form", "link", "base"}, el.tag
        for name, value in el.attrs.items():
            assert not name.startswith("on"), f"event handler {name} on <{el.tag}>"
            if name in ("href", "src"):
                assert (value or "").startswith(("#", "https://www.virtualbox.org/")), value
    return t


def edge_texts(li: El, cls: str) -> list[str]:
    return [e.text() for e in li.find_all("li", cls) if "edge" in e.classes]


def test_history_timeline_lists_every_flip(pages):
    h, html = pages["hist"], pages["history"].read_text(encoding="utf-8")
    t = check_inert(html)
    assert t.root.find_all("script") == [] and html.count("<style>") == 1  # self-contained
    changed = [li for li in t.root.find_all("li", "changed") if "rev" in li.classes]
    assert len(changed) == len(FLIPS)
    for li, k in zip(changed, sorted(FLIPS)):
        svn = h.commits[k].svn
        head = li.find_all("div", "rev-head")[0]
        assert f"r{svn}" in head.text() and h.commits[k].id[:12] in head.text()
        assert f"VMM: change {k}" in li.text()
        assert f"https://www.virtualbox.org/changeset/{svn}/vbox" in [a.attrs.get("href") for a in head.find_all("a")]
    calls = f"{CALLS[0]} \u2192 {CALLS[1]}"
    r10, r14, r28 = changed
    assert any(calls in x for x in edge_texts(r10, "removed")) and not edge_texts(r10, "added")
    assert any(CFG_SRC in x for x in edge_texts(r14, "added")) and "Nodes added" in r14.text()
    assert any(CFG_SRC in x for x in edge_texts(r28, "removed"))
    # evidence: file:line linked to Trac at the revision that has the edge, and the code line
    svn9, svn14 = h.commits[9].svn, h.commits[14].svn
    removed = r10.find_all("li", "removed")[0]
    assert "pKvm->cTscTicksPerSecond = TMCpuTicksPerSecond(pVM);" in removed.text()
    hrefs = [a.attrs["href"] for a in removed.find_all("a")]
    assert any(u.startswith(f"https://www.virtualbox.org/browser/vbox/trunk/src/VBox/VMM/VMMR3/GIMKvm.cpp?rev={svn9}#L")
               for u in hrefs), hrefs
    added = r14.find_all("li", "added")[0]
    assert any(f"?rev={svn14}#L" in a.attrs["href"] for a in added.find_all("a"))
    assert "model" in added.text().lower()  # the edge kind
    # non-monotone: the third flip goes back to the first one's flow
    assert f"back to the flow of r{h.commits[10].svn}" in r28.text()
    # the summary: symbol, range, counts, parsed vs reused; every revision in the range is listed
    summary = t.root.find_all("dl", "summary")[0].text()
    for s in (SYM, f"r{h.commits[0].svn}", f"r{h.commits[-1].svn}", "31 candidate revisions", "parsed", "reused",
              "3 revisions where the flow changed"):
        assert s in summary, s
    text = t.root.text()
    assert all(f"r{c.svn}" in text for c in h.commits)
    toc = t.root.find_all("nav", "toc")[0]
    assert [a.attrs["href"] for a in toc.find_all("a")] == [f"#{li.attrs['id']}" for li in changed]



def test_changes_by_kind_agree_with_the_timeline(pages):
    """The by-kind view: per kind (appeared, disappeared, statement, guard, rename) how many
    edges, in which revisions (links to their change), and the edges themselves; the counts
    are the timeline's."""
    h, t = pages["hist"], check_inert(pages["history"].read_text(encoding="utf-8"))
    changed = [li for li in t.root.find_all("li", "changed") if "rev" in li.classes]
    table = t.root.find_all("table", "by-kind")[0]
    rows = {tr.attrs["class"][2:]: tr for tr in table.find_all("tr") if tr.attrs.get("class", "").startswith("k-")}
    assert list(rows) == ["appeared", "disappeared", "statement", "guard", "rename"]
    for kind, cls in (("appeared", "added"), ("disappeared", "removed")):
        cells = rows[kind].find_all("td")
        per_rev = {li.attrs["id"]: len(edge_texts(li, cls)) for li in changed if edge_texts(li, cls)}
        assert int(cells[0].text()) == sum(per_rev.values()) > 0, kind
        assert [a.attrs["href"] for a in cells[1].find_all("a")] == [f"#{i}" for i in per_rev], kind
        listed = t.root.by_id(f"kind-{kind}").find_all("li")
        assert len(listed) == sum(per_rev.values())
    # the first flip (calls -> const) only removed edges: it is a disappeared revision, not an appeared one
    r10 = changed[0].attrs["id"]
    assert f"#{r10}" in [a.attrs["href"] for a in rows["disappeared"].find_all("a")]
    assert f"#{r10}" not in [a.attrs["href"] for a in rows["appeared"].find_all("a")]
    assert f"{CALLS[0]} \u2192 {CALLS[1]}" in t.root.by_id("kind-disappeared").text()
    assert f"r{h.commits[10].svn}" in rows["disappeared"].text()

def test_bisect_result_highlighted_with_warnings(pages):
    h, t = pages["hist"], check_inert(pages["bisect"].read_text(encoding="utf-8"))
    found = [li for li in t.root.find_all("li", "found")]
    assert len(found) == 1 and f"r{h.commits[10].svn}" in found[0].text()
    assert "first changed revision" in found[0].text()
    assert any(CALLS[0] in x for x in edge_texts(found[0], "removed"))
    result = t.root.by_id("result")
    assert "First changed revision" in result.text() and f"r{h.commits[10].svn}" in result.text()
    assert result.find_all("a")[0].attrs["href"] == f"#{found[0].attrs['id']}"
    warnings = t.root.find_all("ul", "warnings")[0].text()
    assert "also changed" in warnings  # the other flips of the non-monotone range
    assert "bound" in t.root.find_all("dl", "summary")[0].text()
    roles = {b.text() for b in t.root.find_all("span", "role")}
    assert roles == {"good", "bad"}


def test_diff_page(pages):
    h, t = pages["hist"], check_inert(pages["diff"].read_text(encoding="utf-8"))
    revs = [li for li in t.root.find_all("li") if "rev" in li.classes]
    assert len(revs) == 2 and f"r{h.commits[0].svn}" in revs[0].text() and f"r{h.commits[14].svn}" in revs[1].text()
    assert any(CALLS[0] in x for x in edge_texts(revs[1], "removed"))
    assert any(CFG_SRC in x for x in edge_texts(revs[1], "added"))
    assert "the flows differ" in t.root.text()


def _hostile_history(tmp: Path):
    """A history whose last commits carry hostile subjects, bodies, authors and code."""
    h = make_history(tmp / "evil", n=4, base=sample_tree_files())
    gim = h.path / "src/VBox/VMM/VMMR3/GIMKvm.cpp"
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "LC_ALL": "C",
           "GIT_AUTHOR_NAME": "<img src=x onerror=alert(1)> {{7*7}} </script><script>alert(1)</script>",
           "GIT_AUTHOR_EMAIL": IDENT[1], "GIT_COMMITTER_NAME": IDENT[0], "GIT_COMMITTER_EMAIL": IDENT[1],
           "GIT_AUTHOR_DATE": "1420400000 +0000", "GIT_COMMITTER_DATE": "1420400000 +0000"}
    line = f'    CFGMR3QueryU64(pCfg, "{HOSTILE}", &pKvm->cTscTicksPerSecond);'
    for i, code in enumerate((line, FLOW_LINES["calls"])):
        text = gim.read_text()
        gim.write_text(text.replace(FLOW_LINES["calls"], code) if i == 0 else text.replace(line, code))
        msg = f"{HOSTILE}\n\n{HOSTILE}\n\ngit-svn-id: {SVN_URL}@{56000 + i} {SVN_UUID}\n"
        subprocess.run(["git", "commit", "-q", "-a", "-m", msg], cwd=h.path, env=env, check=True, capture_output=True)
    return h


def test_hostile_commits_render_inert(tmp_path, monkeypatch):
    monkeypatch.setenv("SRCSCAN_CACHE", str(tmp_path / "cache"))
    h = _hostile_history(tmp_path)
    out = tmp_path / "evil.html"
    assert main(["history", SYM, "--src", str(h.path), "--range", f"r{h.commits[0].svn}..r56001",
                 "--format", "html", "-o", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    t = check_inert(html)
    text = t.root.text()
    assert "</script><script>alert(1)</script>" in text and "<img src=x onerror=alert(1)>" in text
    assert "{{7*7}}" in text and "onerror=alert(1)" in text
    assert "r56000" in text and "r56001" in text
    # the hostile string also reached node ids and the code line: still text
    assert any("alert(1)" in x for li in t.root.find_all("li", "changed") for x in edge_texts(li, "added") +
               edge_texts(li, "removed"))


def test_hostile_document_renders_inert():
    """Fields git cannot carry (angle brackets in authors, svn numbers that are strings, ids
    with quotes): rendered straight from a hostile history document."""
    rev = {"id": '"><script>alert(1)</script>', "svn": '1"><script>alert(1)</script>', "date": HOSTILE,
           "author": HOSTILE, "subject": HOSTILE}
    rev2 = {**rev, "svn": 7}
    edge = {"src": HOSTILE, "dst": HOSTILE, "kind": HOSTILE, "via": HOSTILE, "file": f"a/{HOSTILE}.cpp",
            "line": '1" onmouseover="alert(1)', "code": HOSTILE, "function": HOSTILE, "guards": [HOSTILE]}
    change = {"revision": rev2, "before": rev, "value_before": HOSTILE, "value_after": HOSTILE, "fingerprint": HOSTILE,
              "diff": {"nodes_added": [HOSTILE], "nodes_removed": [HOSTILE], "edges_added": [edge],
                       "edges_removed": [{**edge, "line": 3}]}}
    doc = {"schema": "srcscan-history/1", "tool": {"version": HOSTILE}, "command": "bisect",
           "query": {"symbol": HOSTILE, "to": HOSTILE, "path": [HOSTILE, HOSTILE], "direction": HOSTILE,
                     "predicate": HOSTILE},
           "source": {"kind": HOSTILE, "root": HOSTILE, "scope": [HOSTILE],
                      "svn_url": "https://www.virtualbox.org/svn/vbox/trunk", "remotes": [HOSTILE]},
           "range": {"good": rev, "bad": rev2, "candidates": HOSTILE}, "found": change, "changes": [change],
           "evaluations": [{"revision": rev, "fingerprint": "a", "value": HOSTILE, "missing": HOSTILE,
                            "same_files_as": HOSTILE},
                           {"revision": rev2, "fingerprint": "b", "value": HOSTILE}],
           "stats": {"evaluations": HOSTILE, "files_parsed": HOSTILE, "files_reused": HOSTILE},
           "warnings": [HOSTILE]}
    html = render(doc)
    t = check_inert(html)
    hrefs = [a.attrs.get("href") for a in t.root.find_all("a")]
    assert "https://www.virtualbox.org/changeset/7/vbox" in hrefs
    assert not any("changeset/1" in (h or "") for h in hrefs)  # a string svn number makes no link
    assert t.root.text().count("alert(1)") > 10 and "{{7*7}}" in t.root.text()
    with pytest.raises(UsageError, match="not a srcscan history"):
        render({"schema": "srcscan-trace/1"})


# --- a real browser ------------------------------------------------------------------------

CHROMIUM = os.environ.get("SRCSCAN_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium is not installed ({CHROMIUM})")
def test_timeline_in_browser(pages, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    h = pages["hist"]
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        try:
            for name, width, height in (("history", 1280, 900), ("history", 390, 844), ("bisect", 1280, 900)):
                page = b.new_page(viewport={"width": width, "height": height})
                events = {"dialogs": [], "requests": [], "errors": []}
                page.on("dialog", lambda d: (events["dialogs"].append(d.message), d.dismiss()))
                page.on("request", lambda r: events["requests"].append(r.url))
                page.on("pageerror", lambda e: events["errors"].append(str(e)))
                page.goto(pages[name].as_uri())
                page.wait_for_load_state("load")
                changed = page.locator("ol.timeline > li.rev.changed")
                want = sorted(FLIPS) if name == "history" else [10]
                assert changed.count() == len(want)
                for i, k in enumerate(want):
                    li = changed.nth(i)
                    li.scroll_into_view_if_needed()
                    assert li.is_visible() and f"r{h.commits[k].svn}" in li.inner_text()
                    assert li.locator("li.edge").first.is_visible()
                if name == "bisect":
                    assert page.locator("li.rev.found").is_visible()
                    page.locator("#result a").first.click()
                    assert page.evaluate("location.hash") == "#" + page.locator("li.rev.found").get_attribute("id")
                if width < 500:  # phone width: nothing wider than the screen
                    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(tmp_path / f"{name}-{width}.png"), full_page=True)
                assert not events["dialogs"] and not events["errors"]
                assert all(u.startswith("file://") for u in events["requests"]), events["requests"]
                page.close()
        finally:
            b.close()
    assert (tmp_path / "history-1280.png").stat().st_size > 10_000


@pytest.mark.parametrize("repository, linked", [("https://www.virtualbox.org/svn/vbox/trunk", True),
                                                 ("file:///srv/svn/trunk", False), (None, False)])
def test_no_change_and_svn_only_revisions(repository, linked):
    """A bisect that found nothing, over svn revisions (no git ids): the page says so and
    links every revision to its changeset when its repository is one queries/config.toml
    links (VirtualBox's); a user's own svn repository gets no virtualbox.org links."""
    revs = [{"id": None, "svn": n, "date": "2015-01-01T00:00:00+00:00", "author": "dev",
             "subject": f"change {n}"} for n in (2, 5, 9)]
    doc = {"schema": "srcscan-history/1", "command": "bisect", "query": {"symbol": SYM, "predicate": "changed"},
           "source": {"kind": "svn", "root": "file:///srv/svn/trunk", "svn_url": repository, "remotes": []},
           "range": {"good": revs[0], "bad": revs[-1], "candidates": 7}, "found": None, "changes": [],
           "evaluations": [{"revision": r, "fingerprint": "f", "value": "f", "nodes": 3, "edges": 2} for r in revs],
           "stats": {"evaluations": 2, "bound": 5, "files_parsed": 4, "files_reused": 4, "seconds": 0.1},
           "warnings": ["the flow fingerprint is the same at both ends"]}
    t = check_inert(render(doc))
    assert "No change found" in t.root.by_id("result").text()
    hrefs = {a.attrs.get("href") for a in t.root.find_all("a")}
    if linked:
        assert {f"https://www.virtualbox.org/changeset/{n}/vbox" for n in (2, 5, 9)} <= hrefs
    else:
        assert not any("virtualbox.org" in (h or "") for h in hrefs) and "r5" in t.root.text()
    assert not t.root.find_all("li", "changed") and "same at both ends" in t.root.text()
    assert "50% from the fact cache" in t.root.text()
