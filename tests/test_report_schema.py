"""`srcscan report` against the trace's JSON Schema (srcscan/render/trace-schema.json), issue 16.

Documents are generated from the schema itself (a small schema-to-strategy translation below:
hypothesis-jsonschema 0.23 installs but fails against current hypothesis, whose private
internals it uses), then one field is given a value of another type. Properties: srcscan's own type check agrees with a real JSON
Schema validator (jsonschema) on every document; a document it accepts renders in every
format; one it refuses is one UsageError line; nothing else (no TypeError, AttributeError,
RecursionError) ever escapes.
"""
from __future__ import annotations

import copy
import json
import os

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srcscan.cli import main
from srcscan.errors import UsageError
from srcscan.render import formats, render
from srcscan.render._common import check_trace, check_types, trace_schema

EXAMPLES = int(os.environ.get("SRCSCAN_FUZZ_EXAMPLES", "50"))
SCHEMA = trace_schema()
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])


def from_schema(schema: dict) -> st.SearchStrategy:
    """Documents valid under ``schema`` (the subset trace-schema.json uses: type, const,
    properties, required, items); optional properties may be absent, lists hold 0-3 items."""
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    types = schema.get("type", ["null", "boolean", "integer", "string"])
    types = [types] if isinstance(types, str) else types
    options = []
    for t in types:
        if t == "object":
            props = {k: from_schema(v) for k, v in (schema.get("properties") or {}).items()}
            req = set(schema.get("required", ()))
            options.append(st.fixed_dictionaries({k: v for k, v in props.items() if k in req},
                                                 optional={k: v for k, v in props.items() if k not in req}))
        elif t == "array":
            options.append(st.lists(from_schema(schema.get("items", {})), max_size=3))
        else:
            options.append({"string": st.text(max_size=8), "integer": st.integers(-2**40, 2**40),
                            "number": st.integers(-10, 10) | st.floats(allow_nan=False, allow_infinity=False),
                            "boolean": st.booleans(), "null": st.none()}[t])
    return st.one_of(options)


def _consistent(doc: dict) -> dict:
    """Make the generated ids hang together (edges between held nodes, paths along held
    edges, start among the nodes), so that the renderers, not the id check, see the document."""
    nodes = {n["id"]: n for n in doc["nodes"]}
    doc["nodes"] = list(nodes.values())
    ids = list(nodes)
    edges = {}
    for i, e in enumerate(doc["edges"]):
        if len(ids) >= 2:
            e["src"], e["dst"] = ids[i % len(ids)], ids[(i + 1) % len(ids)]
            edges.setdefault(e["id"], e)
    doc["edges"] = list(edges.values())
    doc["paths"] = [dict(p, nodes=[e["src"], e["dst"]], edges=[e["id"]]) for p, e in zip(doc["paths"], doc["edges"])]
    doc["start"] = [i for i in doc["start"] if i in nodes] or ids[:1]
    return doc


DOCS = from_schema(SCHEMA).map(_consistent)
ANY_JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
                        | st.text(max_size=6),
                        lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=4), kids, max_size=3),
                        max_leaves=6)


def _valid(doc) -> bool:
    try:
        jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft7Validator)
        return True
    except jsonschema.ValidationError:
        return False


def _places(doc, schema, at=()):
    """(path, ...) of every value in ``doc`` the schema says something about."""
    out = [at] if at else []
    if isinstance(doc, dict):
        for k, sub in (schema.get("properties") or {}).items():
            if k in doc:
                out += _places(doc[k], sub, at + (k,))
    elif isinstance(doc, list) and "items" in schema:
        for i, x in enumerate(doc):
            out += _places(x, schema["items"], at + (i,))
    return out


def _render_or_refuse(doc) -> str:
    """'ok' (rendered in every format) or 'refused' (one UsageError); anything else fails."""
    try:
        check_trace(doc, "t.json")
    except UsageError as e:
        assert "\n" not in str(e) and len(str(e)) < 1000
        return "refused"
    for fmt in formats():
        out = render(doc, fmt)
        assert isinstance(out, str)
    return "ok"


def test_schema_is_a_json_schema_and_fits_a_real_trace(tmp_path):
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    out = tmp_path / "t.json"
    assert main(["trace", "cTscTicksPerSecond", "--format", "json", "-o", str(out), "--no-cache"]) == 0
    doc = json.loads(out.read_text())
    jsonschema.validate(doc, SCHEMA, cls=jsonschema.Draft7Validator)
    assert check_types(doc, SCHEMA) is None
    assert _render_or_refuse(doc) == "ok"


@SETTINGS
@given(DOCS)
def test_documents_of_the_schema_pass_the_type_check_and_render_in_every_format(doc):
    assert check_types(doc, SCHEMA) is None
    assert _render_or_refuse(doc) == "ok"


@SETTINGS
@given(DOCS, st.data())
def test_a_wrong_type_anywhere_is_one_error_line(doc, data):
    places = _places(doc, SCHEMA)
    if not places:
        return
    path = data.draw(st.sampled_from(places))
    value = data.draw(ANY_JSON)
    bad = copy.deepcopy(doc)
    d = bad
    for k in path[:-1]:
        d = d[k]
    d[path[-1]] = value
    problem = check_types(bad, SCHEMA)
    assert (problem is None) == _valid(bad), (path, value, problem)  # agrees with jsonschema
    result = _render_or_refuse(bad)
    if problem is not None:
        assert result == "refused"


@pytest.mark.parametrize("fmt", ["text", "html", "json"])
def test_wrong_types_through_the_command_line(fmt, tmp_path, capsys):
    """The same through `srcscan report` from standard input: exit 2, one line, no traceback."""
    import io
    import sys

    out = tmp_path / "t.json"
    assert main(["trace", "cTscTicksPerSecond", "--format", "json", "-o", str(out), "--no-cache"]) == 0
    doc = json.loads(out.read_text())
    doc["nodes"][0]["values"] = {"value": 1}
    capsys.readouterr()
    stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(json.dumps(doc).encode()))
    try:
        code = main(["report", "-", "-f", fmt])
    finally:
        sys.stdin = stdin
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == "srcscan: error: <stdin>: not a valid srcscan trace: nodes[0].values: expected a list, got an object"
