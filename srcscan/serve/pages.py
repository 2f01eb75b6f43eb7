"""The explorer's pages: the trace page (the HTML report with links: every node to its own
trace, every place to the source view), search with did-you-mean, the source view with the
trace's steps highlighted, diff/history (the history report), progress and errors. Plain
functions from data to HTML, run in the rendering pool; everything from the tree is escaped
by Jinja or Pygments."""
from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from urllib.parse import quote, urlencode

from ..datafiles import load_toml
from ..render import html as report
from .state import Params

SCRIPT = "serve.js"  # /static/serve.js
MAX_SOURCE_BYTES = 2 * 1024 * 1024  # the source view refuses larger files (one line of error instead)


def url(path: str, query) -> str:
    """A same-site link; every value percent-encoded (no quote or angle bracket survives)."""
    q = urlencode(list(query), quote_via=quote, safe="")
    return path + ("?" + q if q else "")


class Links:
    """What the report's links point at when it is a page of the explorer."""

    click_note = "trace it (the trace re-centres on the node you click)"

    def __init__(self, p: Params):
        self.p = p

    def node(self, nid: str) -> str:
        return url("/trace", replace(self.p, symbol=nid, to="").query())

    def source(self, file: str, line=None) -> str | None:
        if not file:
            return None
        q = [("path", file)] + ([("line", str(line))] if line else []) + self.p.query()
        return url("/source", q) + (f"#L-{int(line)}" if isinstance(line, int) else "")


@lru_cache(maxsize=1)
def exclusive_names() -> list[str]:
    """Preprocessor names offered as one-click toggles (queries/config.toml, data not code)."""
    return [n for group in load_toml("config.toml").get("exclusive", []) for n in group]


def rev_options(revs) -> list[dict]:
    out = []
    for r in revs:
        value = str(r.svn) if r.id is None and r.svn is not None else r.id
        when = (r.date or "")[:10]
        subject = (r.subject or "")[:60]
        out.append({"value": value, "label": " ".join(x for x in (r.label(), when, subject) if x)})
    return out


def nav(ex, p: Params, revs, page: str = "trace") -> dict:
    """The bar above every page: the trace form, configuration toggles, revision picker."""
    toggles = []
    for name in exclusive_names():
        on = name in p.defines
        defines = tuple(d for d in p.defines if d != name) if on else \
            tuple(d for d in p.defines if d not in exclusive_names()) + (name,)
        toggles.append({"label": f"-D {name}", "on": on, "href": url("/trace", replace(p, defines=defines).query())})
    any_cfg = replace(p, defines=tuple(d for d in p.defines if d not in exclusive_names()))
    toggles.append({"label": "every #if branch", "on": not any(d in exclusive_names() for d in p.defines),
                    "href": url("/trace", any_cfg.query())})
    options = rev_options(revs) if revs is not None else None
    listed = {o["value"] for o in options or []}
    ctx = {"p": p, "kind": ex.kind, "root": ex.root, "toggles": toggles, "revs": options,
           "current_rev": p.rev[:12] if p.rev else "", "current_listed": p.rev in listed,
           "newest_label": "youngest revision" if ex.kind == "svn" else "files on disk",
           "search_href": url("/search", [("symbol", p.symbol)] + ([("rev", p.rev)] if p.rev else [])),
           "api_href": url("/api/trace", p.query()) if page in ("trace", "paths") else None,
           "diff_href": None, "history_href": None}
    if ex.kind in ("git", "svn") and p.symbol:
        base = [("symbol", p.symbol)] + [("D", d) for d in p.defines] + [("U", u) for u in p.undefs] + \
               ([("direction", p.direction)] if p.direction != "both" else [])
        older = _older(options or [], p.rev)
        newer = p.rev or (options[0]["value"] if options else "")
        if older and newer:
            ctx["diff_href"] = url("/diff", base + [("rev1", older), ("rev2", newer)])
        if options and len(options) > 1:
            ctx["history_href"] = url("/history", base + [("rev1", options[-1]["value"]), ("rev2", options[0]["value"])])
    return ctx


def _older(options: list[dict], rev: str) -> str | None:
    """The revision listed just before ``rev`` (the newest but one when ``rev`` is the files on disk)."""
    values = [o["value"] for o in options]
    if not rev:
        return values[1] if len(values) > 1 else None
    if rev in values:
        i = values.index(rev)
        return values[i + 1] if i + 1 < len(values) else None
    return None


SHORT_STEPS = 60  # a trace with more steps than this gets the short page; its paths get a page of their own


def is_short(doc: dict, short_steps: int = SHORT_STEPS) -> bool:
    """Whether the trace page leaves the step-by-step paths and the node table to /paths."""
    return sum(len(p.get("edges") or []) + 1 for p in doc.get("paths") or []) > short_steps


def trace_page(ex, p: Params, doc: dict, revs, expand=(), show_all: bool = False, short_steps: int = SHORT_STEPS,
               full: bool = False) -> str:
    """The trace page: for a big trace (more than ``short_steps`` steps) the answer-first summary,
    the folded trees, the graph and a folded list of paths, each linking to /paths (``full``),
    the page that lists every path step by step and the node table."""
    short = not full and is_short(doc, short_steps)
    extra = {"nav": nav(ex, p, revs, "paths" if full else "trace"), "short": short, "full": full,
             "paths_href": url("/paths", p.query()), "trace_href": url("/trace", p.query())}
    return report.render(doc, links=Links(p), template="serve_trace.html.j2", extra=extra,
                         expand=expand, show_all=show_all)


def page(ex, p: Params, revs, page_name: str, title: str, **ctx) -> str:
    return report.template("serve_page.html.j2").render(nav=nav(ex, p, revs, page_name), page=page_name, title=title,
                                                        **ctx)


SEARCH_MODES = (("auto", "best"), ("prefix", "prefix"), ("substring", "substring"), ("fuzzy", "close spelling"),
                ("regex", "regex"))


def search_page(ex, p: Params, revs, found: dict | None) -> str:
    found = found or {"matches": [], "suggestions": []}
    rev = [("rev", p.rev)] if p.rev else []
    matches = [dict(m, href=url("/trace", replace(p, symbol=m["id"]).query()),
                    src_href=Links(p).source(m.get("file"), m.get("line"))) for m in found["matches"]]
    sugg = [{"name": s, "href": url("/search", replace(p, symbol=s).query())} for s in found["suggestions"]]
    names = [dict(n, href=url("/trace", replace(p, symbol=n["name"]).query()),
                  kinds_text=", ".join(f"{c} {k}" for k, c in n.get("kinds") or []))
             for n in found.get("names") or [] if n["name"] != p.symbol or not matches]
    files = [dict(f, href=url("/source", [("path", f["path"])] + rev)) for f in found.get("files") or []]
    mode = found.get("mode", "auto")
    modes = [{"value": m, "label": label, "on": m == mode,
              "href": url("/search", [("symbol", p.symbol), ("mode", m)] + rev)}
             for m, label in SEARCH_MODES]
    title = f"Search: {p.symbol}" if p.symbol else "Search"
    return page(ex, p, revs, "search", title, matches=matches, suggestions=sugg, names=names, files=files,
                modes=modes, all_href=url("/trace", p.query()), files_href=url("/files", rev))


def taint_page(ex, p: Params, revs, doc: dict) -> str:
    """srcscan taint's findings, a table per device (the sink's file), unchecked first; every
    place links to the source view, every step of a path to its trace."""
    links = Links(p)
    rev = [("rev", p.rev)] if p.rev else []
    groups: dict[str, list] = {}
    for f in doc.get("findings") or []:
        sk, src = f["sink"], f["source"]
        view = dict(f, sink_href=links.source(sk.get("file"), sk.get("line")),
                    source_href=links.source(src.get("file"), src.get("line")),
                    steps_view=[dict(st, href=url("/trace", [("symbol", st["node"])] + rev) if st.get("node") else None,
                                     src_href=links.source(st.get("file"), st.get("line"))) for st in f.get("path") or []],
                    checks_view=[dict(c, href=links.source(c.get("file"), c.get("line"))) for c in f.get("checks") or []])
        groups.setdefault(sk.get("file") or "?", []).append(view)
    devices = [{"file": k, "findings": sorted(v, key=lambda f: (f["checked"], f.get("rank", 0))),
                "unchecked": sum(1 for f in v if not f["checked"])}
               for k, v in sorted(groups.items(), key=lambda kv: (-sum(1 for f in kv[1] if not f["checked"]), kv[0]))]
    return page(ex, p, revs, "taint", "Guest values reaching host sizes", devices=devices,
                summary=doc.get("summary") or {})


def files_page(ex, p: Params, revs, folder: str, paths: list[str]) -> str:
    """One folder of the served tree: its sub-folders (with file counts) and its files."""
    prefix = folder + "/" if folder else ""
    rev = [("rev", p.rev)] if p.rev else []
    subdirs: dict[str, int] = {}
    here = []
    for path in paths:
        if not path.startswith(prefix):
            continue
        rest = path[len(prefix):]
        if "/" in rest:
            d = rest.split("/", 1)[0]
            subdirs[d] = subdirs.get(d, 0) + 1
        else:
            here.append(path)
    if folder and not subdirs and not here:
        from ..errors import NotFound

        raise NotFound(f"{folder!r} is not a folder of the files served")
    crumbs = [{"name": "(top)", "href": url("/files", rev)}]
    acc = ""
    for part in folder.split("/") if folder else []:
        acc = f"{acc}/{part}" if acc else part
        crumbs.append({"name": part, "href": url("/files", [("dir", acc)] + rev)})
    dirs = [{"name": d + "/", "count": n, "href": url("/files", [("dir", prefix + d)] + rev)}
            for d, n in sorted(subdirs.items())]
    fls = [{"name": f.rsplit("/", 1)[-1], "href": url("/source", [("path", f)] + rev)} for f in sorted(here)]
    return page(ex, p, revs, "files", f"Files: {folder or '(top)'}", crumbs=crumbs, dirs=dirs, file_list=fls,
                total=len(paths))


def error_page(ex, p: Params, revs, message: str, suggestions=()) -> str:
    sugg = [{"name": s, "href": url("/trace", replace(p, symbol=s).query())} for s in suggestions]
    return page(ex, p, revs, "error", "Nothing to show", message=message, suggestions=sugg)


def progress_page(ex, p: Params, revs, doing: str, refresh: int = 1) -> str:
    return page(ex, p, revs, "progress", "Working", progress=ex.progress(), doing=doing, refresh=refresh)


def steps_in(doc: dict | None, path: str, p: Params) -> list[dict]:
    """The trace's steps whose evidence is in ``path``, each linked to its step on the trace page."""
    if not doc:
        return []
    edges = {e["id"]: e for e in doc.get("edges") or []}
    labels = {n["id"]: n.get("label") or n["id"] for n in doc.get("nodes") or []}
    out, seen = [], set()
    for pi, path_ in enumerate(doc.get("paths") or [], 1):
        for si, eid in enumerate(path_.get("edges") or [], 2):
            e = edges.get(eid) or {}
            if e.get("file") != path or not isinstance(e.get("line"), int) or eid in seen:
                continue
            seen.add(eid)
            out.append({"line": e["line"], "kind": e.get("kind"), "function": e.get("function"),
                        "src": labels.get(e.get("src"), e.get("src")), "dst": labels.get(e.get("dst"), e.get("dst")),
                        "step_href": url("/paths", p.query()) + f"#p{pi}-s{si}"})
    return sorted(out, key=lambda s: s["line"])


_IDENT_SPAN = None


def link_identifiers(html: str, names, p: Params) -> str:
    """Pygments' HTML with every name token that names a value of the graph made a link to its
    definitions and references (/where). Only whole identifier tokens are touched, so the
    escaping Pygments did stands."""
    import re

    global _IDENT_SPAN
    if _IDENT_SPAN is None:
        _IDENT_SPAN = re.compile(r'<span class="(n|nf|nc|nv|na|nl|nx)">([A-Za-z_][A-Za-z0-9_]*)</span>')
    rev = [("rev", p.rev)] if p.rev else []

    def sub(m):
        name = m.group(2)
        if name not in names:
            return m.group(0)
        return f'<a class="ident" href="{url("/where", [("name", name)] + rev)}">{m.group(0)}</a>'
    return _IDENT_SPAN.sub(sub, html)


def where_page(ex, p: Params, revs, name: str, got: dict) -> str:
    rev = [("rev", p.rev)] if p.rev else []
    links = Links(p)
    defs = [dict(d, trace_href=url("/trace", [("symbol", d["id"])] + rev),
                 src_href=links.source(d.get("file"), d.get("line"))) for d in got["defs"]]
    refs = [dict(x, src_href=links.source(x["file"], x["line"])) for x in got["refs"]]
    if not defs:
        from ..errors import NotFound

        raise NotFound(f"no value named {name!r}")
    return page(ex, p, revs, "where", f"Where {name} is defined and used", name=name, defs=defs, refs=refs,
                more=got.get("more", 0), trace_all=url("/trace", [("symbol", name)] + rev))


def source_page(ex, p: Params, revs, path: str, data: bytes, doc: dict | None, names=frozenset()) -> str:
    from markupsafe import Markup
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import CppLexer

    steps = steps_in(doc, path, p)
    if len(data) > MAX_SOURCE_BYTES:
        return error_page(ex, p, revs, f"{path}: larger than {MAX_SOURCE_BYTES // (1024 * 1024)} MB; not shown")
    text = data.decode("utf-8", "replace").replace("\0", "\ufffd")
    fmt = HtmlFormatter(nowrap=False, linenos="inline", lineanchors="L", anchorlinenos=True,
                        hl_lines=sorted({s["line"] for s in steps}), cssclass="code", wrapcode=True)
    code = Markup(link_identifiers(highlight(text, CppLexer(stripnl=False, ensurenl=True), fmt), names, p))
    return page(ex, p, revs, "source", path, code=code, steps=steps, size=text.count("\n") + 1)


def history_page(ex, p: Params, revs, doc: dict) -> str:
    from ..render.history_html import build_context

    ctx = build_context(doc)
    ctx["nav"] = nav(ex, p, revs, "history")
    return report.template("serve_history.html.j2").render(**ctx)


@lru_cache(maxsize=4)
def stylesheet(name: str) -> str | None:
    """The site's CSS, built once from the report's files (no inline style on any page)."""
    from pathlib import Path

    folder = Path(report.__file__).parent / "templates"
    pyg = report._pygments()[2]
    code = _code_css()
    parts = {"report.css": ["report.css", "serve.css"], "history.css": ["report.css", "history.css", "serve.css"]}
    if name not in parts:
        return None
    return "\n".join((folder / f).read_text(encoding="utf-8") for f in parts[name]) + "\n" + pyg + "\n" + code


@lru_cache(maxsize=2)
def script(name: str) -> str | None:
    """The explorer's one optional script (keys and type-ahead); no page needs it."""
    from pathlib import Path

    if name != SCRIPT:
        return None
    return (Path(report.__file__).parent / "templates" / SCRIPT).read_text(encoding="utf-8")


def _code_css() -> str:
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style="default").get_style_defs(".code")
