"""JSON: the trace as documented in docs/trace-schema.md."""
from __future__ import annotations

import json

FORMAT = "json"


def render(trace: dict, **options) -> str:
    return json.dumps(trace, indent=2, ensure_ascii=False) + "\n"
