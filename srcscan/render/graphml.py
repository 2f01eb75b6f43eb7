"""GraphML through networkx's writer, for yEd, Gephi, Cytoscape and networkx itself. Node ids
are the trace's node ids and edge keys its edge ids; list-valued fields (guards, preproc,
observed values) are JSON strings, since GraphML attributes are scalars.
``networkx.read_graphml(path, force_multigraph=True)`` gives back the same graph."""
from __future__ import annotations

from ._common import to_networkx

FORMAT = "graphml"


def render(trace: dict, **options) -> str:
    import networkx as nx

    return "\n".join(nx.generate_graphml(to_networkx(trace), prettyprint=True)) + "\n"
