"""srcscan serve without a browser (Starlette's TestClient): the routes answer what the CLI
answers, the Host check stops DNS rebinding, only GET gets through, no path outside the
served files can be read, a hostile tree comes out escaped, and shared work runs once."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
import time
import warnings

import pytest

pytest.importorskip("starlette", reason="the serve extra is not installed")
with warnings.catch_warnings():  # Starlette 1.x prefers httpx2 for its TestClient; httpx works the same
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient  # noqa: E402

from srcscan.cli import main  # noqa: E402
from srcscan.serve import Explorer, make_app  # noqa: E402
from srcscan.serve.app import host_ok, allowed_hosts  # noqa: E402
from test_render_engine import write_hostile_tree  # noqa: E402
from test_render_html import ALLOWED, parse  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
BASE = "http://127.0.0.1:8765"
SYMBOL = "cTscTicksPerSecond"


SERVE_TAGS = ALLOWED | {"nav", "form", "label", "input", "select", "option", "button", "main", "link", "ol", "ul",
                       "li", "p", "span", "a", "div", "b", "pre"}


OUR_SCRIPT = '<script src="/static/serve.js" defer></script>'


def check_inert_page(html: str) -> None:
    """No element beyond the report's and the explorer's own, no event handler, no link off
    the site (but Trac), no script but the explorer's own file (once, empty, same origin)."""
    assert html.count(OUR_SCRIPT) == 1
    html = html.replace(OUR_SCRIPT, "")
    tags = parse(html)
    for tag, attrs in tags.tags:
        assert tag in SERVE_TAGS, f"unexpected element <{tag}>"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"event handler {name} on <{tag}>"
            if name in ("href", "xlink:href", "action"):
                assert value.startswith(("/", "#", "https://www.virtualbox.org/")) and not value.startswith("//"), value
            assert name != "src", f"<{tag} src> would fetch something"
    assert "<script" not in html.lower()


def client(ex, **options) -> TestClient:
    return TestClient(make_app(ex, host="127.0.0.1", port=8765, **{"page_wait": 60, **options}), base_url=BASE)


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    ex = Explorer(cache_dir=str(tmp_path_factory.mktemp("cache")), jobs=1, env={})
    yield ex
    ex.close()


@pytest.fixture(scope="module")
def c(sample):
    return client(sample)


def test_api_trace_is_the_cli_json(c, tmp_path, capsys):
    r = c.get("/api/trace", params={"symbol": SYMBOL, "to": "u32TscScale"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    out = tmp_path / "cli.json"
    assert main(["trace", SYMBOL, "--to", "u32TscScale", "--format", "json", "-o", str(out), "--no-cache", "-j", "1"]) == 0
    capsys.readouterr()
    web, cli = r.json(), json.loads(out.read_text())
    for d in (web, cli):
        d["stats"].pop("seconds", None), d["stats"].pop("reused", None), d["stats"].pop("parsed", None)
        d["source"].pop("why", None)
    assert web == cli


def test_trace_page_links_every_node_to_its_trace(c):
    doc = c.get("/api/trace", params={"symbol": SYMBOL}).json()
    r = c.get("/trace", params={"symbol": SYMBOL})
    assert r.status_code == 200
    html = r.text
    for n in doc["nodes"]:
        href = "/trace?symbol=" + re.sub(r"[^A-Za-z0-9_.~-]", lambda m: "".join(f"%{b:02X}" for b in m.group().encode()), n["id"])
        assert href in html, n["id"]
    assert 'class="src" href="/source?path=src%2FVBox%2FVMM%2FVMMR3%2FTM.cpp' in html
    assert html.lower().count("<script") == html.count(OUR_SCRIPT) == 1 and "style=" not in html


def _trees(html: str) -> str:
    start = html.index('<section id="trees">')
    return html[start:html.index("</section>", start)]


def test_trace_page_leads_with_the_summary_and_trees_whose_steps_link(c):
    """The answer-first report inside the explorer: summary and trees above the graph, each
    tree step linked to its own trace and each of its places to the source view."""
    html = c.get("/trace", params={"symbol": SYMBOL}).text
    assert 'class="explorer"' in html and 'aria-label="summary"' in html
    assert html.index('aria-label="summary"') < html.index('<section id="trees">') < html.index('<section id="graph">')
    trees = _trees(html)
    steps = re.findall(r'<li class="tstep[^"]*">(.*?)(?=<li|</ul>)', trees, re.S)
    assert len(steps) > 5
    for st in steps:
        assert re.search(r'<a class="retrace" href="/trace\?symbol=[^"]+"', st), st[:200]
        assert 'class="src" href="/source?path=' in st, st[:200]
    assert 'href="/trace?symbol=source%3Acfgm%3A%2FTM%2FTSCTicksPerSecond"' in trees
    assert 'class="fold"' in trees and "srcscan serve --expand" in trees
    check_inert_page(html)


def test_serve_all_unfolds_the_trees(sample):
    folded = client(sample).get("/trace", params={"symbol": SYMBOL}).text
    unfolded = client(sample, show_all=True).get("/trace", params={"symbol": SYMBOL}).text
    assert 'class="fold"' in _trees(folded) and 'class="fold"' not in _trees(unfolded)
    assert "fan-out folded" in folded and "fan-out folded" not in unfolded
    graph = [h[h.index('<section id="graph">'):].split("</section>")[0] for h in (folded, unfolded)]
    in_graph = [len(set(re.findall(r'href="(/trace\?symbol=[^"]+)"', g))) for g in graph]
    assert in_graph[1] > in_graph[0] > 0  # the graph shows what the trees show unfolded


def test_node_link_recentres_and_keeps_the_configuration(c):
    r = c.get("/trace", params={"symbol": "GIMKVM.cTscTicksPerSecond", "D": "IN_RING3", "direction": "down"})
    assert r.status_code == 200
    assert "/trace?symbol=field%3AGIMKVM.cTscTicksPerSecond&amp;direction=down&amp;D=IN_RING3" in r.text
    doc = c.get("/api/trace", params={"symbol": "GIMKVM.cTscTicksPerSecond", "D": "IN_RING3", "direction": "down"}).json()
    assert doc["query"]["defines"] == ["IN_RING3"] and all(p["direction"] == "downstream" for p in doc["paths"])


def test_search_and_did_you_mean(c):
    r = c.get("/search", params={"symbol": SYMBOL})
    assert r.status_code == 200 and "GIMKVM.cTscTicksPerSecond" in r.text and "GIMHV.cTscTicksPerSecond" in r.text
    r = c.get("/search", params={"symbol": "cTscTicksPerSecnd"})  # a misspelling: close spellings, ranked
    assert "Values named" not in r.text and "close spelling" in r.text
    assert r.text.index('href="/trace?symbol=cTscTicksPerSecond"') < r.text.index('href="/trace?symbol=cTSCTicksPerSecond"')
    r = c.get("/trace", params={"symbol": "cTscTicksPerSecnd"})
    assert r.status_code == 404 and "no value named" in r.text and "Did you mean" in r.text
    assert c.get("/api/trace", params={"symbol": "nope_nothing"}).status_code == 404


def test_source_view_highlights_the_steps(c):
    r = c.get("/source", params={"path": "src/VBox/VMM/VMMR3/GIMKvm.cpp", "symbol": SYMBOL})
    assert r.status_code == 200
    doc = c.get("/api/trace", params={"symbol": SYMBOL}).json()
    lines = sorted({e["line"] for e in doc["edges"] if e.get("file") == "src/VBox/VMM/VMMR3/GIMKvm.cpp"})
    assert lines
    for line in lines:
        assert f'href="#L-{line}"' in r.text and f'id="L-{line}"' in r.text
    assert r.text.count('class="hll"') >= 1
    assert re.search(r'href="/paths\?symbol=cTscTicksPerSecond#p\d+-s\d+"', r.text)


@pytest.mark.parametrize("path", ["../../../../etc/passwd", "/etc/passwd", "src/VBox/VMM/../../../../../etc/passwd",
                                  "src/VBox/VMM/VMMR3/nothere.cpp", "queries/config.toml", "src\\..\\..\\etc\\passwd",
                                  "src/VBox/VMM/VMMR3/TM.cpp\0.txt"])
def test_no_path_outside_the_files_served(c, path):
    r = c.get("/source", params={"path": path})
    assert r.status_code in (400, 404) and "root:" not in r.text


@pytest.mark.parametrize("host,ok", [("127.0.0.1:8765", True), ("localhost:8765", True), ("[::1]:8765", True),
                                     ("localhost", True), ("evil.example", False), ("evil.example:8765", False),
                                     ("127.0.0.1.evil.example", False), ("localhost:9999", False), ("", False),
                                     ("localhost@evil.example", False), ("127.0.0.1:8765/x", False)])
def test_host_header_checked(c, host, ok):
    r = c.get("/", headers={"host": host})
    assert (r.status_code == 200) == ok, (host, r.status_code)
    assert "content-security-policy" in r.headers
    assert host_ok(host, allowed_hosts("127.0.0.1"), 8765) == ok


def test_only_get(c):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        r = c.request(method, "/trace", params={"symbol": SYMBOL})
        assert r.status_code == 405 and r.headers["allow"] == "GET, HEAD"
    assert c.head("/").status_code == 200
    assert c.post("/nowhere").status_code == 405 and c.request("OPTIONS", "/").status_code == 405


def test_csp_allows_only_the_explorers_own_script(c):
    csp = c.get("/trace", params={"symbol": SYMBOL}).headers["content-security-policy"]
    rules = dict((d.split() + [""])[:2] for d in csp.split("; "))
    assert rules["script-src"] == "'self'" and rules["connect-src"] == "'self'" and rules["default-src"] == "'none'"
    assert "unsafe" not in csp and "http" not in csp and "frame-ancestors 'none'" in csp
    js = c.get("/static/serve.js")
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert "innerHTML" not in js.text and "eval(" not in js.text and "http" not in js.text.split("*/", 1)[1]
    assert c.get("/static/other.js").status_code == 404


def test_bad_input_is_one_line(c):
    r = c.get("/trace", params={"symbol": "x" * 5000})
    assert r.status_code == 400 and "too long" in r.text and "Traceback" not in r.text
    r = c.get("/trace", params={"symbol": SYMBOL, "direction": "sideways"})
    assert r.status_code == 400
    r = c.get("/trace", params={"symbol": SYMBOL, "rev": "HEAD"})
    assert r.status_code == 400 and "no revisions" in r.text


def test_second_request_waits_for_the_first(tmp_path):
    """Eight clients ask for one cold trace at once: one analysis, one trace."""
    ex = Explorer(no_cache=True, jobs=1, env={})
    try:
        c = client(ex, page_wait=120)
        codes = []

        def get():
            codes.append(c.get("/trace", params={"symbol": "u32TscScale"}).status_code)

        threads = [threading.Thread(target=get) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        assert codes == [200] * 8
        assert ex.started == {"analyses": 1, "traces": 1}
        c.get("/trace", params={"symbol": "u32TscScale", "D": "IN_RING0"})
        assert ex.started == {"analyses": 2, "traces": 2}
    finally:
        ex.close()


def test_long_work_shows_progress(tmp_path):
    ex = Explorer(no_cache=True, jobs=1, env={})
    try:
        c = client(ex, page_wait=0)
        r = c.get("/trace", params={"symbol": SYMBOL})
        # without script the page reloads itself; with it, serve.js updates the list in place
        assert r.status_code == 202 and '<noscript><meta http-equiv="refresh" content="1"></noscript>' in r.text
        assert '<ul class="progress" aria-live="polite" data-refresh="1">' in r.text
        deadline = time.monotonic() + 60
        while r.status_code == 202 and time.monotonic() < deadline:
            time.sleep(0.2)
            r = c.get("/trace", params={"symbol": SYMBOL})
        assert r.status_code == 200 and "Where <code>cTscTicksPerSecond</code> comes from" in r.text
    finally:
        ex.close()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = write_hostile_tree(tmp_path_factory.mktemp("hostile") / "tree")
    ex = Explorer(src=[str(root)], no_cache=True, jobs=1, env={})
    yield ex, root
    ex.close()


def test_hostile_tree_is_escaped(hostile):
    ex, root = hostile
    c = client(ex)
    pages = [c.get("/trace", params={"symbol": SYMBOL}), c.get("/search", params={"symbol": SYMBOL}),
             c.get("/search", params={"symbol": "<img src=x onerror=alert(1)>"})]
    doc = c.get("/api/trace", params={"symbol": SYMBOL}).json()
    files = sorted({e["file"] for e in doc["edges"] if e.get("file")})
    assert any("<img" in f for f in files)
    pages += [c.get("/source", params={"path": f, "symbol": SYMBOL}) for f in files]
    for r in pages:
        assert r.status_code in (200, 404), r.status_code
        check_inert_page(r.text)
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in pages[0].text


def test_serve_command_prints_its_url_and_stops_on_ctrl_c(tmp_path):
    import signal

    proc = subprocess.Popen([sys.executable, "-m", "srcscan", "serve", "--port", "0", "--no-cache", "-j", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    try:
        line = proc.stdout.readline()
        m = re.match(r"srcscan serve: (http://127\.0\.0\.1:(\d+)/) ", line)
        assert m, line
        import httpx

        assert httpx.get(m.group(1) + "api/trace", params={"symbol": "u32TscScale"}, timeout=60).status_code == 200
        proc.send_signal(signal.SIGINT)
        assert proc.wait(20) == 0
        assert "Traceback" not in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_serve_command_bad_input(tmp_path, capsys):
    assert main(["serve", "--src", str(tmp_path / "nothing")]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    try:
        assert main(["serve", "--port", str(s.getsockname()[1]), "--no-cache"]) == 2
        assert "cannot listen" in capsys.readouterr().err
    finally:
        s.close()


def test_revisions_of_a_git_source(tmp_path):
    from histories import make_history

    hist = make_history(tmp_path / "repo", n=6, flips={3: "const"})
    ex = Explorer(src=[str(hist.path)], no_cache=True, jobs=1, env={})
    try:
        c = client(ex)
        assert ex.kind == "git"
        revs = c.get("/api/revisions").json()["revisions"]
        assert [r["id"] for r in revs] == [x.id for x in reversed(hist.commits)]
        old = hist.commits[1]
        r = c.get("/trace", params={"symbol": SYMBOL, "rev": f"r{old.svn}"})
        assert r.status_code == 200 and f'<option value="{old.id}" selected>' in r.text
        doc = c.get("/api/trace", params={"symbol": SYMBOL, "rev": f"r{old.svn}"}).json()
        assert doc["source"]["revision"]["id"] == old.id
        assert "TMCpuTicksPerSecond()" in {n["label"] for n in doc["nodes"]}
        new = c.get("/api/trace", params={"symbol": SYMBOL}).json()
        assert "TMCpuTicksPerSecond()" not in {n["label"] for n in new["nodes"]}
        r = c.get("/diff", params={"symbol": SYMBOL, "rev1": hist.commits[2].id, "rev2": hist.commits[3].id})
        assert r.status_code == 200 and "TMCpuTicksPerSecond" in r.text and r.text.count("<script") == 1
        assert c.get("/trace", params={"symbol": SYMBOL, "rev": "--output=/tmp/x"}).status_code == 400
        assert c.get("/trace", params={"symbol": SYMBOL, "rev": "nosuchref"}).status_code == 400
    finally:
        ex.close()


def test_a_tree_too_big_for_a_whole_graph_is_served_from_a_graph_built_on_demand(tmp_path, monkeypatch):
    """Above the size rule the server never builds the whole graph (it would not fit in memory
    for a whole checkout): its one analysis grows the graph as questions come, with the same
    answers as the whole graph gives."""
    import srcscan.query.lazy as lazy

    ex = Explorer(cache_dir=str(tmp_path / "whole"), jobs=1, env={})
    try:
        want = client(ex).get("/api/trace", params={"symbol": SYMBOL, "to": "u32TscScale"}).json()
    finally:
        ex.close()
    monkeypatch.setattr(lazy, "LAZY_AUTO_FILES", 3)
    ex = Explorer(cache_dir=str(tmp_path / "demand"), jobs=1, env={})
    try:
        c = client(ex)
        got = c.get("/api/trace", params={"symbol": SYMBOL, "to": "u32TscScale"}).json()
        up = c.get("/api/trace", params={"symbol": "u32TscScale", "direction": "up"})
        assert up.status_code == 200 and up.json()["paths"]
        assert ex.started["analyses"] == 1  # (both questions on the one growing graph)
    finally:
        ex.close()
    assert got["stats"]["scope"] == lazy.HUGE_FULL and want["stats"]["scope"] != lazy.HUGE_FULL
    for k in ("start", "nodes", "edges", "paths"):
        assert got[k] == want[k], k


def test_a_served_graph_built_on_demand_is_started_afresh_past_its_bound(tmp_path, monkeypatch):
    """The served graph of a tree too big for a whole graph grows with each question; past
    MAX_DEMAND_FUNCTIONS functions it is started afresh after the answer (the facts kept, no
    new analysis): a long-running server does not grow towards the whole graph, and the
    next answers are the same as from a graph that was never reset."""
    import srcscan.query.lazy as lazy
    import srcscan.serve.state as state

    monkeypatch.setattr(lazy, "LAZY_AUTO_FILES", 3)
    questions = [{"symbol": SYMBOL, "to": "u32TscScale"}, {"symbol": "u32TscScale", "direction": "up"},
                 {"symbol": SYMBOL, "direction": "down"}]
    answers = {}
    for bound in (10 ** 9, 0):
        monkeypatch.setattr(state, "MAX_DEMAND_FUNCTIONS", bound)
        ex = Explorer(cache_dir=str(tmp_path / f"c{bound}"), jobs=1, env={})
        try:
            c = client(ex)
            answers[bound] = [c.get("/api/trace", params=q).json() for q in questions]
            lane = next(iter(ex._lanes.values()))
            lane.pool.submit(lambda: None).result()  # (a reset runs as the lane's next job)
            a = lane.analysis.result()
            assert ex.started["analyses"] == 1
            assert getattr(a, "graph_resets", 0) == (len(questions) if bound == 0 else 0)
            if bound == 0:  # (nothing built since the last reset but what every graph starts with)
                assert a.graph.functions_built < a.graph.total_functions // 2
        finally:
            ex.close()
    for kept, reset in zip(answers[10 ** 9], answers[0]):
        for k in ("start", "nodes", "edges", "paths"):
            assert kept[k] == reset[k], k


# ------------------------------------------------------------------ trace --server


def _no_timing(doc: dict) -> dict:
    for k in ("seconds", "reused", "parsed"):
        doc["stats"].pop(k, None)
    doc["source"].pop("why", None)
    return doc


def test_trace_server_answers_what_a_local_trace_answers(tmp_path, capsys):
    """`trace --server URL` asks a running serve: the same JSON and text as the CLI's own
    trace, preprocessor options and --to travel with the question, and no path is exit 1."""
    from servehelp import running

    ex = Explorer(cache_dir=str(tmp_path / "cache"), jobs=1, env={})
    with running(ex) as url:
        got = {}
        for where, extra in (("server", ["--server", url]), ("local", ["--no-cache", "-j", "1"])):
            for fmt, opts in (("json", ["-D", "IN_RING3"]), ("text", ["--to", "u32TscScale"])):
                assert main(["trace", SYMBOL, *opts, "--format", fmt, *extra]) == 0
                cap = capsys.readouterr()
                got[where, fmt] = cap.out
            if where == "server":
                assert f"answered by the srcscan server at {url}" in cap.err
        server, local = (_no_timing(json.loads(got[w, "json"])) for w in ("server", "local"))
        assert server["query"]["defines"] == ["IN_RING3"] and server == local
        text = {w: got[w, "text"].rstrip().rsplit("\n", 1) for w in ("server", "local")}  # (last line: timing)
        assert text["server"][0] == text["local"][0] and "u32TscScale" in text["server"][0]
        assert main(["trace", SYMBOL, "--to", "nothere", "--server", url]) == 1
        assert "nothere" in capsys.readouterr().err


def test_trace_server_bad_input_is_one_line(tmp_path, capsys):
    """A wrong URL, options the server decides itself, nobody listening, and a server that
    answers something other than a trace: one error line and exit 2, never a traceback or
    a half-rendered report."""
    import http.server
    import socket

    answers = {"/garbage": b"<html>not json</html>", "/deep": b"[" * 5000 + b"]" * 5000,
               "/nottrace": json.dumps({"schema": "other", "nodes": [], "edges": [], "paths": []}).encode()}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = answers.get(self.path.split("/api/")[0], b"")
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *a):
            pass

    httpd = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    free = socket.socket()
    free.bind(("127.0.0.1", 0))
    closed = f"http://127.0.0.1:{free.getsockname()[1]}"
    free.close()
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    out = tmp_path / "report.html"
    try:
        for argv, words in ((["--server", "file:///etc/passwd"], "give the address"),
                            (["--server", base, "--src", str(tmp_path)], "leave out --src"),
                            (["--server", base, "--scope", "lazy"], "leave out --scope"),
                            (["--server", closed], "could not reach"),
                            (["--server", base + "/garbage"], "not a JSON trace"),
                            (["--server", base + "/deep"], "nested"),
                            (["--server", base + "/nottrace"], "not a srcscan trace")):
            code = main(["trace", SYMBOL, *argv, "--format", "html", "-o", str(out)])
            err = capsys.readouterr().err
            assert code == 2 and words in err, (argv, err)
            assert "Traceback" not in err and len(err.strip().splitlines()) == 1
            assert not out.exists()
    finally:
        httpd.shutdown()


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """A tree holding a file symlink to a file outside it, a folder symlink out of it, and a
    symlink that stays inside (the last one is served)."""
    base = tmp_path_factory.mktemp("linked")
    outside = base / "outside"
    outside.mkdir()
    (outside / "secret.c").write_text("int gSecret = 42; /* SECRET-OUTSIDE */\n")
    tree = base / "tree"
    tree.mkdir()
    (tree / "a.c").write_text("int gValue;\nvoid set(int v)\n{\n    int w = v * 2;\n    gValue = w;\n}\n")
    (tree / "leak.c").symlink_to(outside / "secret.c")
    (tree / "dir").symlink_to(outside)
    (tree / "inner").mkdir()
    (tree / "inner" / "same.c").symlink_to(tree / "a.c")
    ex = Explorer(src=[str(tree)], cache_dir=str(base / "cache"), jobs=1, env={})
    yield client(ex)
    ex.close()


@pytest.mark.parametrize("path", ["leak.c", "dir/secret.c"])
def test_a_symlink_out_of_the_tree_is_not_served(linked, path):
    r = linked.get("/source", params={"path": path})
    assert r.status_code == 404 and "SECRET-OUTSIDE" not in r.text


def test_a_symlink_inside_the_tree_is_served(linked):
    r = linked.get("/source", params={"path": "inner/same.c"})
    assert r.status_code == 200 and "gValue" in r.text
