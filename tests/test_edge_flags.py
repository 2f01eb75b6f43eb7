"""What a trace says about each step's certainty (the ``indirect`` flag of an edge in the JSON,
``[indirect]`` in the text): a step through a container model is as certain as the code that
makes it; a virtual call that may reach one of several overrides is a guess."""
from pathlib import Path

import srcscan

FLOWS = Path(__file__).parent / "flows"


def _edges(start, file):
    doc = srcscan.trace(start, src=str(FLOWS / file), cache=False).to_json()
    return {(e["src"], e["dst"], e["via"]): e["indirect"] for e in doc["edges"]}


def test_a_container_load_is_not_a_guess():
    edges = _edges("roundTrip#0 (uIn)", "cxx_containers.cpp")
    loads = {k: v for k, v in edges.items() if k[2] == "back"}
    assert loads, edges
    assert not any(loads.values()), loads
    assert not any(edges.values()), edges


def test_a_virtual_call_among_overrides_is_a_guess():
    edges = _edges("anyCaller#1 (uAny)", "cxx_dispatch.cpp")
    calls = {k: v for k, v in edges.items() if k[0] == "param:anyCaller#1"}
    assert len(calls) == 4, edges  # Shape, ShapeA, ShapeB, ShapeD
    assert all(calls.values()), calls
    assert not any(v for k, v in edges.items() if k not in calls), edges  # inside each override: certain
