"""HTML report: self-contained, complete, inert on hostile input, graph fallback without dot."""
from __future__ import annotations

import json
import re
import shutil
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from srcscan.render import render

DATA = Path(__file__).parent / "data"


def load(name: str) -> dict:
    return json.loads((DATA / f"trace-{name}.json").read_text(encoding="utf-8"))


class Tags(HTMLParser):
    """Collects every start tag with its attributes, and the page's visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag

    def handle_data(self, data):
        self.text.append(data)


def parse(html: str) -> Tags:
    t = Tags()
    t.feed(html)
    t.close()
    return t


ALLOWED = {"html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "dl", "dt", "dd", "code",
           "span", "a", "b", "br", "ul", "ol", "li", "nav", "section", "p", "figure", "figcaption", "div", "pre",
           "table", "thead", "tbody", "tr", "th", "td", "footer", "main", "details", "summary", "input", "label",
           # inline SVG (allow-listed by srcscan.render._svg)
           "svg", "g", "title", "path", "polygon", "polyline", "ellipse", "circle", "rect", "line", "text", "tspan",
           "defs", "marker"}


def check_inert(html: str) -> Tags:
    tags = parse(html)
    for tag, attrs in tags.tags:
        assert tag in ALLOWED, f"unexpected element <{tag}>"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"
            if name in ("href", "xlink:href"):
                assert value.startswith("#") or value.startswith("https://www.virtualbox.org/"), value
            assert name != "src", f"<{tag} src> would fetch something"
    assert "<script" not in html.lower()
    return tags


def test_sample_summary_graph_and_steps():
    trace = load("sample")
    html = render(trace, "html")
    tags = check_inert(html)
    text = " ".join(" ".join(tags.text).split())
    assert "cTscTicksPerSecond" in text and "u32TscScale" in text
    assert "r82968" in text and "2 sources" in text and "2 sinks" in text and "7 paths" in text
    assert "/home/user/src/vbox" in text
    # the graph: one inline SVG laid out by dot (or the fallback), one group per node, clickable
    assert html.count("<svg") == 1
    nodes = [a for t, a in tags.tags if t == "g" and "node" in (a.get("class") or "").split()]
    assert len(nodes) == len(trace["nodes"])
    links = [a for t, a in tags.tags if t == "a" and (a.get("xlink:href") or a.get("href", "")).startswith("#p")]
    assert len({a.get("xlink:href") or a.get("href") for a in links}) >= len(trace["nodes"]) - 1
    # every path, every step, with its number and anchor
    ids = {a.get("id") for _, a in tags.tags}
    for pi, p in enumerate(trace["paths"], 1):
        assert f"path-{pi}" in ids
        for si in range(1, len(p["nodes"]) + 1):
            assert f"p{pi}-s{si}" in ids
            assert f"{pi}.{si}" in text
    # Pygments-highlighted code, guards, preprocessor conditions, model override, observed value
    assert 'class="hl"' in html and '<span class="n">' in html
    assert "if (rc == VERR_CFGM_VALUE_NOT_FOUND)" in text
    assert "#if IN_RING3" in text
    assert 'VBoxManage setextradata "VM" "VBoxInternal/TM/TSCTicksPerSecond" <Hz>' in text
    assert "3478274491" in text
    # Trac links at the svn revision and line
    assert ('href="https://www.virtualbox.org/browser/vbox/trunk/src/VBox/VMM/VMMR3/GIMKvm.cpp?rev=82968#L311"'
            in html)
    assert 'href="https://www.virtualbox.org/changeset/82968/vbox"' in html


def test_self_contained_and_printable():
    html = render(load("sample"), "html")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<(link|img|iframe|object|embed)\b", html)
    assert "@import" not in html and not re.search(r"url\((?!#)", html)
    assert "@media print" in html and 'name="viewport"' in html


def test_no_trac_links_without_svn_number():
    trace = load("sample")
    trace["source"]["revision"]["svn"] = None
    html = render(trace, "html")
    assert "virtualbox.org/browser" not in html and "svn number unknown" in html


def test_hostile_trace_is_inert_text():
    trace = load("hostile")
    html = render(trace, "html")
    tags = check_inert(html)
    text = "".join(tags.text)
    # the payloads are there, as text
    assert "</script><script>alert(1)</script>" in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "{{7*7}}" in text
    assert not any(t == "img" for t, _ in tags.tags)


@pytest.mark.parametrize("dot", ["/nonexistent/dot", "/bin/false"])
def test_fallback_layout_without_dot(monkeypatch, dot):
    monkeypatch.setenv("SRCSCAN_DOT", dot)
    trace = load("hostile")
    html = render(trace, "html")
    tags = check_inert(html)
    text = " ".join(tags.text)
    assert "simple layered layout" in text
    assert ("was not found" in text) if dot.startswith("/nonexistent") else ("failed" in text)
    nodes = [a for t, a in tags.tags if t == "g" and a.get("class") == "node"]
    assert len(nodes) == len(trace["nodes"])
    assert all(a.get("id", "").startswith("node-n") for a in nodes)


def test_simple_layout_handles_cycles_and_empty():
    trace = load("sample")
    trace["edges"].append(dict(trace["edges"][0], id="e99", src=trace["edges"][0]["dst"], dst=trace["edges"][0]["src"]))
    assert "<svg" in render(trace, "html", layout="simple")
    empty = dict(load("sample"), nodes=[], edges=[], paths=[], start=[])
    assert "No paths." in render(empty, "html", layout="simple")


@pytest.mark.skipif(not shutil.which("dot"), reason="Graphviz dot is not installed")
def test_render_time_sample():
    trace = load("sample")
    render(trace, "html")  # warm up imports
    t0 = time.perf_counter()
    render(trace, "html")
    assert time.perf_counter() - t0 < 2.0


def test_svg_allow_list_drops_active_content():
    import xml.etree.ElementTree as ET

    from srcscan.render._svg import sanitize

    svg = ET.fromstring(
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">'
        '<script>alert(1)</script><foreignObject><div>x</div></foreignObject>'
        '<a xlink:href="javascript:alert(1)"><text onclick="alert(1)">t</text></a>'
        '<a xlink:href="#p1-s1"><rect style="fill:url(http://x/y)" width="1" height="1"/></a></svg>')
    out = ET.tostring(sanitize(svg), encoding="unicode")
    assert "script" not in out and "foreignObject" not in out and "alert" not in out and "http://x" not in out
    assert "#p1-s1" in out


def test_big_trace_draws_only_the_nodes_on_paths():
    trace = load("sample")
    base = trace["nodes"][0]
    trace["nodes"] += [dict(base, id=f"x{i}", label=f"extra{i}") for i in range(300)]
    trace["edges"][0]["evidence"] = [{"file": "a.c", "line": 1}] + [{"file": "b.c", "line": i, "function": "f"}
                                                                     for i in range(1, 12)]
    html = render(trace, "html", layout="simple")
    tags = check_inert(html)
    assert len([a for t, a in tags.tags if t == "g" and a.get("class") == "node"]) == 14
    assert "extra7" not in html and "The trace holds 314 nodes" in html
    assert "seen at 11 more places" in html and "and 3 more" in html
