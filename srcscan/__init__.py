"""srcscan: where does this value come from, and where does it go?

    >>> import srcscan
    >>> t = srcscan.trace("cTscTicksPerSecond")          # the bundled sample tree
    >>> t.to_json()["paths"][0]["nodes"]
"""
__version__ = "0.1.0"

__all__ = ["trace", "analyse_sources", "use_models", "taint_doc", "__version__"]


def __getattr__(name):  # lazy: `import srcscan` stays cheap for the CLI
    if name in ("trace", "analyse_sources", "use_models", "taint_doc"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'srcscan' has no attribute {name!r}")
