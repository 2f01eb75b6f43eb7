"""The flow graph frozen for tracing: ``CompactGraph`` (integer adjacency lists, node
attributes in a table, evidence kept apart) and the read-only API it shares with the cached
``SqliteGraph`` (store.py): successors/predecessors, edges by kind, ``g.nodes[n]``, degrees,
``edges_among``, ``evidence_many``, ``find``, ``all_names``, ``nodes_of_kind``, ``subgraph_nx``."""
from __future__ import annotations

from typing import Iterator

NODE_FIELDS = ("kind", "label", "name", "owner", "file", "line", "ambiguous", "model")
KINDS = ("assign", "arg", "return", "out", "field-store", "field-load", "model", "through", "control", "summary",
         "alias-load", "alias-store", "alias", "const", "alias-arg")
# What a path prefers (lower is better): a data flow is a better explanation than a guess
# through an unknown call or through an object that may be another one (may-alias), which is
# better than a control dependence. The graph builder orders an edge's evidence by it, the
# tracer its paths.
EDGE_COST = {"control": 6, "through": 3, "alias-load": 4, "alias-store": 4, "alias": 4, "alias-arg": 4}
_KCODE = {k: i for i, k in enumerate(KINDS)}


class _Nodes:
    """``g.nodes[n]``: a node's attributes as a dict."""

    def __init__(self, g):
        self._g = g

    def __getitem__(self, n: str) -> dict:
        return self._g.attrs_of(n)

    def __contains__(self, n) -> bool:
        return n in self._g

    def __len__(self) -> int:
        return self._g.number_of_nodes()


def names_node(want: str, nid: str, kind: str | None, label: str | None, name: str | None, norm) -> bool:
    """Whether a user's symbol (already ``norm``-alised) names this node: its name (not for
    sources/sinks), its label, or its id without the kind prefix."""
    return (norm(name or "") == want and kind not in ("source", "sink")) or norm(label or "") == want or \
        norm(nid.split(":", 1)[-1]) == want


class GraphView:
    """What every read-only form of the flow graph shares, on top of its own ``edges_among``."""

    @property
    def nodes(self) -> "_Nodes":
        """``g.nodes[n]``; made on use, so a graph holds no reference cycle (it is freed as
        soon as it is dropped, even with the cyclic GC off or frozen)."""
        return _Nodes(self)

    def subgraph_nx(self, keep: set[str]):
        """A networkx DiGraph of the nodes in ``keep`` (for algorithms networkx has)."""
        import networkx as nx

        h = nx.DiGraph()
        h.add_nodes_from(sorted(keep))
        h.add_edges_from(sorted(self.edges_among(keep)))  # path enumeration independent of storage order
        return h


class CompactGraph(GraphView):
    def __init__(self, ids: list[str], attrs: list[tuple], succ: list[list[tuple[int, int]]],
                 evidence: dict[tuple[int, int], list] | None = None):
        self.ids = ids
        self.attrs = attrs
        self.succ = succ
        self.index = {n: i for i, n in enumerate(ids)}
        self.pred: list[list[tuple[int, int]]] = [[] for _ in ids]
        for u, lst in enumerate(succ):
            for v, k in lst:
                self.pred[v].append((u, k))
        self._evidence = evidence if evidence is not None else {}

    # ---------------------------------------------------------------- building
    @staticmethod
    def from_networkx(g) -> "CompactGraph":
        ids = list(g.nodes())
        index = {n: i for i, n in enumerate(ids)}
        attrs = [tuple(d.get(f) for f in NODE_FIELDS) for _, d in g.nodes(data=True)]
        succ: list[list[tuple[int, int]]] = [[] for _ in ids]
        ev: dict[tuple[int, int], list] = {}
        for u, nbrs in g.adj.items():  # not g.edges: its cached view makes a reference cycle
            ui = index[u]
            for v, d in nbrs.items():
                vi = index[v]
                succ[ui].append((vi, _KCODE[d["kind"]]))
                ev[(ui, vi)] = d["evidence"]
        return CompactGraph(ids, attrs, succ, ev)

    # ---------------------------------------------------------------- queries
    def __contains__(self, n) -> bool:
        return n in self.index

    def attrs_of(self, n: str) -> dict:
        return dict(zip(NODE_FIELDS, self.attrs[self.index[n]]))

    def successors(self, n: str) -> Iterator[str]:
        ids = self.ids
        return (ids[v] for v, _ in self.succ[self.index[n]])

    def predecessors(self, n: str) -> Iterator[str]:
        ids = self.ids
        return (ids[u] for u, _ in self.pred[self.index[n]])

    def out_edges_kind(self, n: str) -> Iterator[tuple[str, str]]:
        ids = self.ids
        return ((ids[v], KINDS[k]) for v, k in self.succ[self.index[n]])

    def in_edges_kind(self, n: str) -> Iterator[tuple[str, str]]:
        ids = self.ids
        return ((ids[u], KINDS[k]) for u, k in self.pred[self.index[n]])

    def kind(self, n: str) -> str:
        return self.attrs[self.index[n]][0]

    def find(self, want: str, ignore_case: bool) -> list[str]:
        """Nodes whose name (not for sources/sinks), label or id without its prefix is ``want``."""
        norm = (lambda x: x.casefold()) if ignore_case else (lambda x: x)
        w = norm(want)
        return [n for n, a in zip(self.ids, self.attrs) if names_node(w, n, a[0], a[1], a[2], norm)]

    def all_names(self) -> set[str]:
        return {a[2] for a in self.attrs if a[2]} | {a[1] for a in self.attrs if a[1]}

    def nodes_of_kind(self, kind: str) -> list[str]:
        return [n for n, a in zip(self.ids, self.attrs) if a[0] == kind]

    def out_degree(self, n: str) -> int:
        return len(self.succ[self.index[n]])

    def in_degree(self, n: str) -> int:
        return len(self.pred[self.index[n]])

    def number_of_nodes(self) -> int:
        return len(self.ids)

    def number_of_edges(self) -> int:
        return sum(len(s) for s in self.succ)

    def edges_among(self, keep: set[str]) -> Iterator[tuple[str, str]]:
        idx = self.index
        ks = {idx[n] for n in keep if n in idx}
        for u in ks:
            for v, _ in self.succ[u]:
                if v in ks:
                    yield self.ids[u], self.ids[v]

    def evidence_of(self, u: int, v: int) -> list:
        return self._evidence.get((u, v), [])

    def evidence_many(self, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], list]:
        """Evidence of many edges (each a list of places, the first the one shown)."""
        idx = self.index
        return {(u, v): self.evidence_of(idx[u], idx[v]) for u, v in pairs}
