"""srcscan index: parse a tree into the fact cache (no trace)."""
from __future__ import annotations

import json

from .. import cli

NAME = "index"
HELP = "parse sources into the fact cache ahead of traces"
DESCRIPTION = """Parse every C/C++ file of the sources into the fact cache, in parallel, keeping
nothing in memory, so that later traces, bisects and log mappings start warm. Files seen
before (same content) are not parsed again.

examples:
  srcscan index --src ~/vbox
  srcscan index --src ~/vbox --whole-tree -j 2 --format json"""


def register(p) -> None:
    cli.add_source_options(p)
    cli.add_output_options(p, ["text", "json"])


def run(args) -> int:
    from ..errors import UsageError
    from ..index import index

    if args.no_cache:
        raise UsageError("srcscan index fills the cache; --no-cache makes it pointless")
    snap, why = cli.open_sources(args)
    cache = cli.open_cache(args)
    try:
        _, st = index(snap, cache, args.jobs, keep=False)
    finally:
        cache.close()
    doc = {**st.to_json(), "cache": str(cache.path), "warnings": st.warnings}
    if args.format == "json":
        text = json.dumps(doc, indent=2)
    else:
        mb = st.bytes_parsed / 1e6
        rate = f", {mb / st.seconds:.1f} MB/s" if st.seconds and mb else ""
        text = (f"{st.files} files: {st.parsed} parsed ({mb:.1f} MB), {st.reused} already cached; "
                f"{st.seconds:.1f} s{rate}\ncache: {cache.path}")
        text += "".join(f"\nwarning: {w}" for w in st.warnings)
    cli.emit(text, args.output)
    return 0
