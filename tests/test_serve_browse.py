"""The explorer as a code browser (issue 31), without a browser: ranked search over values and
files, the file browser, and the skip link every page starts with."""
from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")

from srcscan.query.find import rank, rank_files  # noqa: E402
from test_serve import check_inert_page, client, sample  # noqa: E402,F401  (sample is a fixture)

TICK_NAMES = ["cTicks", "pcTicks", "cTrapTicks", "cToR0Ticks", "cTotalTicks", "uTicks", "cTscTicksPerSecond",
              "cTSCTicksPerSecond", "u32TscScale"]


def test_ranking_puts_prefixes_before_close_spellings():
    got = [(h.name, h.how) for h in rank(TICK_NAMES, "cTscTicks")]
    assert got[:2] == [("cTscTicksPerSecond", "prefix"), ("cTSCTicksPerSecond", "prefix (other case)")]
    assert {h.how for h in rank(TICK_NAMES, "cTscTicks")[2:]} == {"close spelling"}
    assert [h.name for h in rank(TICK_NAMES, "tscticks", "substring")] == ["cTscTicksPerSecond", "cTSCTicksPerSecond"]
    assert rank(TICK_NAMES, "cTicks")[0].how == "exact"
    assert [h.name for h in rank(TICK_NAMES, r"^u\d+", "regex")] == ["u32TscScale"]


def test_a_pattern_that_backtracks_for_ever_is_refused():
    from srcscan.errors import UsageError

    with pytest.raises(UsageError, match="repeated group"):
        rank(TICK_NAMES, "(a+)+$", "regex")
    with pytest.raises(UsageError, match="regex"):
        rank(TICK_NAMES, "([", "regex")


def test_files_rank_by_base_name():
    paths = ["src/VBox/VMM/VMMR3/GIMKvm.cpp", "src/VBox/VMM/include/GIMKvmInternal.h", "src/VBox/VMM/VMMR3/TM.cpp"]
    assert [h.name for h in rank_files(paths, "GIMKvm")] == paths[:2]
    assert [h.name for h in rank_files(paths, "VMMR3/TM")] == [paths[2]]


@pytest.fixture(scope="module")
def c(sample):  # noqa: F811
    return client(sample)


def _links(html: str, cls: str) -> list[tuple[str, str]]:
    block = re.search(rf'<(?:ol|ul) class="{cls}">(.*?)</(?:ol|ul)>', html, re.S)
    if not block:
        return []
    return [(unescape(h), re.sub("<[^>]+>", "", t)) for h, t in re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(.*?)</a>',
                                                                         block.group(1))]


def test_prefix_search_finds_the_value_first(c):
    r = c.get("/search", params={"symbol": "cTscTicks"})
    assert r.status_code == 200
    names = _links(r.text, "names")
    assert names and names[0][1] == "cTscTicksPerSecond" and names[0][0] == "/trace?symbol=cTscTicksPerSecond"
    assert "prefix" in r.text and "No value named" not in r.text
    check_inert_page(r.text)


def test_search_finds_files_and_their_source_opens(c):
    r = c.get("/search", params={"symbol": "GIMKvm", "mode": "substring"})
    files = _links(r.text, "files")
    assert any(t.endswith("VMMR3/GIMKvm.cpp") for _, t in files)
    href = next(h for h, t in files if t.endswith("VMMR3/GIMKvm.cpp"))
    src = c.get(href)
    assert src.status_code == 200 and "u32TscScale" in src.text


def test_file_browser_reaches_a_file(c):
    top = c.get("/files")
    assert top.status_code == 200
    dirs = _links(top.text, "dirs")
    assert ("/files?dir=src", "src/") in dirs
    page = c.get("/files", params={"dir": "src/VBox/VMM/VMMR3"})
    files = _links(page.text, "files")
    href = next(h for h, t in files if t == "TM.cpp")
    assert href == "/source?path=src%2FVBox%2FVMM%2FVMMR3%2FTM.cpp"
    assert c.get(href).status_code == 200
    check_inert_page(page.text)


@pytest.mark.parametrize("folder", ["../etc", "nowhere", "src/VBox/VMM/VMMR3/TM.cpp"])
def test_file_browser_refuses_what_is_not_a_folder_served(c, folder):
    r = c.get("/files", params={"dir": folder})
    assert r.status_code == 404 and "not a folder of the files served" in r.text


@pytest.mark.parametrize("params, code", [({"symbol": "x", "mode": "glob"}, 400),
                                          ({"symbol": "(a+)+$", "mode": "regex"}, 400)])
def test_bad_search_input_is_one_error(c, params, code):
    r = c.get("/search", params=params)
    assert r.status_code == code and r.text.count('class="error"') == 1


@pytest.mark.parametrize("path, params", [("/", {}), ("/search", {"symbol": "cTscTicks"}),
                                          ("/trace", {"symbol": "cTscTicksPerSecond"}),
                                          ("/source", {"path": "src/VBox/VMM/VMMR3/TM.cpp"}), ("/files", {})])
def test_every_page_starts_with_a_skip_link_to_its_main_part(c, path, params):
    html = c.get(path, params=params).text
    first = re.search(r"<a [^>]*href=\"([^\"]+)\"[^>]*>([^<]*)</a>", html)
    assert first.group(1) == "#main" and "skip" in first.group(2)
    assert re.search(r'<(main|section)[^>]* id="main"', html)


def test_identifiers_in_the_source_view_link_to_definition_and_references(c):
    r = c.get("/source", params={"path": "src/VBox/VMM/VMMR3/GIMKvm.cpp"})
    assert r.status_code == 200
    href = re.search(r'<a class="ident" href="(/where\?name=u32TscScale)">', r.text)
    assert href, "u32TscScale is not a link"
    assert not re.search(r'<a class="ident" href="/where\?name=(if|return|uint32_t)"', r.text)
    w = c.get(unescape(href.group(1)))
    assert w.status_code == 200
    defs, refs = _links(w.text, "defs"), _links(w.text, "refs")
    assert re.search(r"<code>GIMKVMSYSTEMTIME\.u32TscScale</code>", w.text)  # the value, by its label
    assert any(t == "trace this" and h.startswith("/trace?symbol=") for h, t in defs)
    writes = [t for _, t in refs if t.startswith("src/VBox/VMM/VMMR3/GIMKvm.cpp:")]
    assert writes and "u32TscScale =" in w.text  # the statement that computes it, with its place
    check_inert_page(w.text)
    assert c.get("/where", params={"name": "no_such_name"}).status_code == 404


def test_progress_reports_the_command_lines_counts(tmp_path):
    """The parse's k/n reach a watcher (what the explorer's progress page shows)."""
    from srcscan.extract.index import index
    from srcscan.sources.snapshot import resolve_sources
    from srcscan.util import watch_progress

    seen = []
    snap, _ = resolve_sources(None, env={})  # the bundled sample tree
    with watch_progress(lambda desc, done, total, unit: seen.append((desc, done, total, unit))):
        _, st = index(snap, None, jobs=1)
    assert seen[0] == ("parsing", 0, st.files, "file") and seen[-1] == ("parsing", st.files, st.files, "file")
    assert [s[1] for s in seen] == list(range(st.files + 1))
    index(snap, None, jobs=1)  # outside the block: nothing more is reported
    assert len(seen) == st.files + 1


def test_progress_page_shows_k_of_n_and_time_left(sample, monkeypatch):  # noqa: F811
    from srcscan.serve import pages

    monkeypatch.setattr(sample, "progress", lambda: [{"what": "files on disk", "status": "parsing 60 files",
                                                      "seconds": 3.0, "step": "parsing", "done": 12, "total": 60,
                                                      "unit": "file", "left": 12.0}])
    html = pages.progress_page(sample, pages.Params(symbol="x"), None, "tracing x")
    assert "parsing: <b>12/60</b> files, about 12 s left" in html and '<progress max="60" value="12">' in html


def test_taint_findings_per_device_link_to_their_places(c):
    r = c.get("/taint")
    assert r.status_code == 200
    html = r.text
    assert "1 unchecked of 2 findings" in html and "DevMiniDisk.cpp" in html
    first = html.index('<tr class="unchecked">')
    assert first < html.index('<tr class="checked">')  # unchecked first
    assert "/source?path=src%2FVBox%2FDevices%2FStorage%2FDevMiniDisk.cpp&amp;line=28" in html  # the sink
    assert "early exit" in html  # the checked one says how
    check_inert_page(html)
    assert c.get("/").text.count('href="/taint"') == 1


def test_a_big_trace_gets_a_short_page_and_its_paths_one_of_their_own(c, sample):  # noqa: F811
    """The sample's trace of cTscTicksPerSecond (31 paths, 140 steps) is past the short page's
    bound: its page keeps the summary, the folded trees and the graph, lists the paths folded,
    and leaves the steps and the node table to /paths, where every step is."""
    short = c.get("/trace", params={"symbol": "cTscTicksPerSecond"}).text
    full = c.get("/paths", params={"symbol": "cTscTicksPerSecond"}).text
    doc = c.get("/api/trace", params={"symbol": "cTscTicksPerSecond"}).json()
    assert 'aria-label="summary"' in short and '<section id="trees">' in short and 'class="fold"' in short
    assert '<section id="paths">' not in short and '<section id="nodes">' not in short
    assert 'class="all-paths" href="/paths?symbol=cTscTicksPerSecond"' in short
    toc = re.findall(r'<a href="(/paths\?symbol=cTscTicksPerSecond#path-\d+)"', short)
    assert len(toc) == len(doc["paths"])
    # a tree's step goes to its first step on the paths page, and that step is there
    tree_steps = set(re.findall(r'<a href="/paths\?symbol=cTscTicksPerSecond#(p\d+-s\d+)">', short))
    assert tree_steps and all(f'id="{a}"' in full for a in tree_steps)
    for pi, p in enumerate(doc["paths"], 1):
        assert f'id="p{pi}-s{len(p["nodes"])}"' in full
    assert short.count("<a ") * 3 < full.count("<a ") and len(short) * 2 < len(full)
    # a small trace keeps its steps on its own page
    small = client(sample, short_steps=10_000).get("/trace", params={"symbol": "cTscTicksPerSecond"}).text
    assert '<section id="paths">' in small and "/paths?" not in small.split('<section id="graph">')[0]
    check_inert_page(short)


def test_source_links_are_named_by_what_they_show(c):
    """No run of links all named "source": each says whose source it is and where."""
    full = c.get("/paths", params={"symbol": "cTscTicksPerSecond"}).text
    links = re.findall(r'<a class="src" href="([^"]+)"([^>]*)>source</a>', full)
    assert len(links) > 50
    labels = [re.search(r'aria-label="([^"]+)"', attrs).group(1) for _, attrs in links]
    step_labels = [x for x in labels if x.startswith("source of step ")]
    assert re.fullmatch(r"source of step 1\.2: src/VBox/VMM/\S+:\d+", step_labels[0])
    for href, label in zip((unescape(h) for h, _ in links), labels):
        file, _, line = label.rsplit(": ", 1)[1].rpartition(":")
        assert f"line={line}" in href and quote(file, safe="") in href
    assert len(set(labels)) > len(labels) // 2
    trace_it = re.findall(r'<a class="retrace" href="[^"]+" aria-label="([^"]+)">trace it</a>', full)
    assert trace_it and all(x.startswith("trace ") and len(x) > 7 for x in trace_it)
