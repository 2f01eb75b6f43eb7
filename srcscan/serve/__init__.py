"""srcscan serve: a local, read-only web explorer over the same analysis, renderers and JSON
as the command line (a door, like cli.py and api.py).

    from srcscan.serve import Explorer, make_app
    app = make_app(Explorer(src=["/path/to/vbox"]), host="127.0.0.1", port=8765)

``state`` holds the sources, the analyses cached in memory and the shared work (one job per
key, however many requests ask for it); ``app`` the routes and the safety checks (Host
header, GET only, CSP); ``pages`` the page contexts.
"""
from __future__ import annotations

from .state import Explorer, Params  # noqa: F401


def make_app(explorer, host: str = "127.0.0.1", port: int = 8765, **options):
    """The Starlette application serving ``explorer`` (needs the ``serve`` extra)."""
    from .app import make_app as _make

    return _make(explorer, host=host, port=port, **options)
