"""srcscan: where does this value come from, and where does it go?

    >>> import srcscan
    >>> t = srcscan.trace("cTscTicksPerSecond")          # the bundled sample tree
    >>> t.to_json()["paths"][0]["nodes"]
"""
__version__ = "0.1.0"

from .api import analyse_sources, trace  # noqa: E402

__all__ = ["trace", "analyse_sources", "__version__"]
