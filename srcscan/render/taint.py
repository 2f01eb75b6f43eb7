"""Renderers of a taint answer (docs/taint-schema.md): text (the unchecked table first), JSON,
SARIF 2.1.0 (one result per finding with its codeFlow) and HTML. They never re-run analysis."""
from __future__ import annotations

import html
import json
from urllib.parse import quote

from .. import __version__
from ._common import one_line

SCHEMA = "srcscan-taint/1"
SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def _src(f: dict) -> str:
    s = f["source"]
    return s["model"]


def _place(d: dict) -> str:
    return f"{d.get('file') or '?'}:{d.get('line') or '?'}"


def _table(rows: list[list[str]], head: list[str]) -> list[str]:
    widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
    fmt = lambda r: "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()  # noqa: E731
    return [fmt(head)] + [fmt(r) for r in rows]


def render_text(doc: dict) -> str:
    fs = doc["findings"]
    un = [f for f in fs if not f["checked"]]
    ck = [f for f in fs if f["checked"]]
    s = doc["summary"]
    out = [f"UNCHECKED: guest values reaching a host size with no bound on the way: {len(un)} of {len(fs)} findings "
           f"({s['sources']} guest sources, {s['seconds']:.1f} s)"]
    if un:
        rows = [[str(i), f["sink"]["file"] or "?", f["sink"]["function"] or "?", f"{f['sink']['category']} "
                 f"{f['sink']['model'].split(':', 1)[-1]}", str(f["sink"]["line"]), _src(f), str(f["steps"])]
                for i, f in enumerate(un, 1)]
        out += ["  " + ln for ln in _table(rows, ["#", "device (file)", "function", "sink", "line", "source", "steps"])]
    if un:
        out += ["", "PATHS of the unchecked findings (source -> sink, one line a step):"]
    for i, f in enumerate(un, 1):
        out.append(f"  #{i} {f['sink']['category']} at {_place(f['sink'])} in {f['sink']['function']}: "
                   f"{one_line(f['sink'].get('code') or '')}")
        out.append(f"     from {_src(f)} ({_place(f['source'])})")
        for st in f["path"][0 if f["path"][0]["label"] != f["source"]["model"] else 1:]:
            out.append(f"     -> {st['label']}  [{st['kind']}]  {_place(st)}  {one_line(st.get('code') or '')}")
    if ck:
        out.append("")
        out.append(f"CHECKED: {len(ck)} findings bounded on the way (first check shown)")
        rows = [[f["sink"]["file"] or "?", f["sink"]["function"] or "?", f["sink"]["category"], str(f["sink"]["line"]),
                 _src(f), f"{f['checks'][0]['kind']} {_place(f['checks'][0])}: {one_line(f['checks'][0]['code'])}"]
                for f in ck]
        out += ["  " + ln for ln in _table(rows, ["device (file)", "function", "sink", "line", "source", "check"])]
    for w in doc.get("warnings", []):
        out.append(f"warning: {w}")
    return "\n".join(out) + "\n"


def render_json(doc: dict) -> str:
    return json.dumps(doc, indent=2) + "\n"


def _loc(d: dict, text: str | None = None) -> dict | None:
    if not d.get("file"):
        return None
    phys = {"artifactLocation": {"uri": quote(str(d["file"]).lstrip("/"), safe="/"), "uriBaseId": "SRCROOT"}}
    if isinstance(d.get("line"), int) and d["line"] >= 1:
        phys["region"] = {"startLine": d["line"]}
        if d.get("code"):
            phys["region"]["snippet"] = {"text": one_line(d["code"])}
    loc = {"physicalLocation": phys}
    if text:
        loc["message"] = {"text": one_line(text).replace("[", "\\[").replace("]", "\\]")}
    return loc


def render_sarif(doc: dict) -> str:
    rules: dict[str, dict] = {}
    results = []
    for f in doc["findings"]:
        cat = f["sink"]["category"]
        rid = "srcscan/taint/" + cat.replace(" ", "-")
        rules.setdefault(rid, {"id": rid, "name": cat.title().replace(" ", ""),
                               "shortDescription": {"text": f"guest-controlled value reaches a host {cat}"}})
        steps = [_loc(st, f"{st['label']} ({st['kind']})") for st in f["path"]]
        steps = [s for s in steps if s is not None]
        src_loc = _loc(f["source"], f"guest source {f['source']['model']}")
        if src_loc is not None:
            steps.insert(0, src_loc)
        checks = "; ".join(f"{c['kind']} at {c['file']}:{c['line']}" for c in f["checks"]) or "no check on the way"
        r = {"ruleId": rid, "level": "note" if f["checked"] else "error",
             "message": {"text": one_line(f"{f['source']['model']} reaches {f['sink']['model']} "
                                          f"({'checked' if f['checked'] else 'unchecked'}: {checks})")},
             "partialFingerprints": {"srcscanTaint/v1": f["id"]},
             "properties": {"checked": f["checked"], "steps": f["steps"], "checks": f["checks"]}}
        sink = _loc(f["sink"])
        if sink is not None:
            r["locations"] = [sink]
        if steps:
            r["codeFlows"] = [{"threadFlows": [{"locations": [{"location": s} for s in steps]}]}]
        results.append(r)
    sarif = {"$schema": SARIF_SCHEMA, "version": "2.1.0",
             "runs": [{"tool": {"driver": {"name": "srcscan", "version": __version__, "rules": list(rules.values())}},
                       "results": results}]}
    return json.dumps(sarif, indent=2) + "\n"


def render_html(doc: dict) -> str:
    e = html.escape
    fs = doc["findings"]
    rows = []
    for f in fs:
        path = "<br>".join(f"{e(st['label'])} <small>{e(_place(st))}</small>" for st in f["path"])
        checks = "<br>".join(f"{e(c['kind'])} {e(_place(c))}: <code>{e(c['code'])}</code>" for c in f["checks"]) or "none"
        rows.append(f"<tr class=\"{'checked' if f['checked'] else 'unchecked'}\"><td>{'checked' if f['checked'] else '<b>unchecked</b>'}</td>"
                    f"<td>{e(f['sink']['file'] or '')}</td><td>{e(f['sink']['function'] or '')}</td>"
                    f"<td>{e(f['sink']['category'])}<br><small>{e(f['sink']['model'])} :{f['sink']['line']}</small>"
                    f"<br><code>{e(f['sink'].get('code') or '')}</code></td>"
                    f"<td>{e(_src(f))}<br><small>{e(_place(f['source']))}</small></td><td>{f['steps']}</td>"
                    f"<td>{checks}</td><td><details><summary>path</summary>{path}</details></td></tr>")
    s = doc["summary"]
    return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>srcscan taint</title>"
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            "<style>body{font-family:sans-serif}td{vertical-align:top;padding:2px 6px;border-bottom:1px solid #ddd}"
            ".unchecked{background:#fff0f0}</style></head><body>"
            f"<h1>srcscan taint</h1><p>{s['unchecked']} unchecked of {s['findings']} findings from "
            f"{s['sources']} guest sources ({e(doc['source']['label'])})</p>"
            "<table><tr><th>status</th><th>device (file)</th><th>function</th><th>sink</th><th>source</th>"
            "<th>steps</th><th>checks</th><th>path</th></tr>" + "".join(rows) + "</table></body></html>\n")


RENDERERS = {"text": render_text, "json": render_json, "sarif": render_sarif, "html": render_html}
