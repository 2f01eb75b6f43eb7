"""The slice and path search over a flow graph: which nodes a user's symbol names, the one
rule deciding which edge a path may take next (cost, control tail, may-alias tail, calling
context), and the cheapest-path trees (upstream, downstream) built with it."""
from __future__ import annotations

import difflib

from ..errors import UsageError
from ..graph import store as graphstore
from ..graph.compact import EDGE_COST

MAX_SLICE = 4000
MAX_TERMINALS = 12  # sources/sinks a slice's leaves are extended to
TERMINALS_PER_LEAF = 3


def match_nodes(g: "graphstore.CompactGraph | graphstore.SqliteGraph", symbol: str, ignore_case: bool = False) -> list[str]:
    """Nodes a user's symbol names: a bare name (cTscTicksPerSecond), Struct.field, func(),
    func:local, func:param, func#N (a function's parameter N, file-static ones too), a model
    key (cfgm:/TM/TSCTicksPerSecond) or a node id."""
    if not symbol or not symbol.strip():
        raise UsageError("empty symbol")
    s = symbol.strip()
    if s in g:
        return [s]
    got = sorted(set(g.find(s, ignore_case)))
    if got:
        return got
    norm = (lambda x: x.casefold()) if ignore_case else (lambda x: x)
    fn, colon, name = s.rpartition(":")
    if colon and fn and name.isidentifier():  # func:param (a parameter is named func#N otherwise)
        return sorted(n for n in g.find(name, ignore_case)
                      if n.startswith("param:") and norm(_param_function(n)) == norm(fn))
    fn, hash_, pos = s.rpartition("#")
    if hash_ and fn and pos.isdigit():  # func#N of a file-static function (its id holds the file)
        g.find(fn, ignore_case)  # (an on-demand graph builds the functions of that name)
        return sorted(n for n in _param_nodes(g) if norm(n.rsplit(":", 1)[-1]) == norm(f"{fn}#{pos}"))
    return []


def _param_function(nid: str) -> str:
    """``param:a.c:helper#0`` / ``param:f#1`` -> the function's name."""
    return nid.rsplit(":", 1)[-1].rsplit("#", 1)[0]


def _param_nodes(g) -> list[str]:
    of_kind = getattr(g, "nodes_of_kind", None)
    if of_kind is not None:
        return of_kind("param")
    return [n for n in g.g.nodes if n.startswith("param:")]  # a graph built on demand (its networkx graph)


def suggestions(g: "graphstore.CompactGraph | graphstore.SqliteGraph", symbol: str, n: int = 5) -> list[str]:
    """Close names for an unknown symbol, best first: the same name in another case, names it is
    the beginning of (shortest first), names of the same owner (``GIMKVM.x`` for ``GIMKVM.y``,
    ``func:x`` for ``func:y``), then names a few edits away."""
    cands = sorted(g.all_names())
    low = symbol.casefold()
    ci = [c for c in cands if c.casefold() == low and c != symbol]
    prefix = sorted((c for c in cands if c.startswith(symbol) and c != symbol), key=lambda c: (len(c), c))
    owner = next((symbol.rsplit(sep, 1)[0] for sep in (".", ":") if sep in symbol), None)
    same = [c for c in cands if owner and c != symbol and (c.startswith(owner + ".") or c.startswith(owner + ":"))]
    same = difflib.get_close_matches(symbol, same, n=n, cutoff=0.0) if same else []
    close = difflib.get_close_matches(symbol, cands, n=n, cutoff=0.6)
    return list(dict.fromkeys(ci + prefix[:n] + same + close))[:n]


# ---------------------------------------------------------------------- the path rule
#
# One rule decides which edge a path may take next, for trace, --to, why-not and history:
#
# - cost (graph.compact.EDGE_COST): a data flow is a better explanation than a guess through
#   an unknown call or a may-alias object, which is better than a control dependence;
# - control: followed only downstream, into the data written under the branch, and a path stops
#   there (CONTROL_TAIL 0: implicit flows fan out into unrelated data - locks, counters, policies -
#   and on through them); ``trace --control-tail N`` lets it take N more data steps;
# - may-alias: a load from (downstream) or store into (upstream) a field of a per-object struct
#   whose object cannot be told (alias-load / alias-store / alias edges) is taken, but a path
#   goes at most ALIAS_TAIL more steps after it (unless it starts at that field), and takes no
#   second guess: not from one such field straight into another (two guesses in a row), nor
#   a load from another may-alias field within those steps (a guessed value stored into a
#   guest register and read back by every instruction's emulation filled the slice);
# - calling context: a value that entered a function through an argument (``arg``
#   (or ``alias-arg``: an argument read from a may-alias location, the type's field standing
#   for an object the caller cannot name, is a call at its call site all the same) leaves it
#   only back to that call, through the call's ``summary`` edge, never through a ``return`` or
#   ``out`` edge to every caller, nor into the function's result node (whatever uses the result:
#   an assignment, a sink, another call's argument is at some caller); upstream, the mirror
#   image. Passing through global memory (a field, a global, a model) forgets the context. This
#   is two-phase slicing (Horwitz-Reps-Binkley) on the flow graph: phase 0 may still go up to
#   callers, phase 1 may not. A listed path is one the search took state by state (``_Tree.via``),
#   and a path extended past the slice's leaf to a source/sink is checked again (``realizable``):
#   benchmarks/context_check.py walks listed paths for violations.

CONTROL_TAIL = 0  # data steps after a control edge unless asked for more (trace --control-tail N)
ALIAS_TAIL = 3
_GLOBAL_KINDS = frozenset(("field", "global", "source", "sink"))
_ALIAS_OUT = {True: frozenset(("alias-load", "alias", "alias-arg")), False: frozenset(("alias-store", "alias"))}
# an argument read from a may-alias location (``alias-arg``: a callee handed an object whose
# identity is not known, entered from the type's field) is a call at its call site all the same
_ASCEND = {True: frozenset(("return", "out")), False: frozenset(("arg", "alias-arg"))}
_DESCEND = {True: frozenset(("arg", "alias-arg")), False: frozenset(("return", "out"))}


def step(state: tuple[int, int | None], kind: str, forward: bool, v_kind: str | None, control: bool = True,
         from_start: bool = False, tail: int = CONTROL_TAIL) -> tuple[int, int | None] | None:
    """The state after taking an edge of ``kind`` (in the search's direction) from a node in
    ``state`` = (phase, data steps left or None), or None when the path may not take it."""
    phase, left = state
    if left == 0:
        return None
    if kind == "control":
        if not control or not forward or left is not None:
            return None
        left = tail
    elif kind == "alias" and not from_start:
        return None  # from one guessed object straight into another: two guesses
    elif kind in _ALIAS_OUT[forward] and not from_start:
        if left is not None:
            return None  # a second guess on one path (after a guess, or a control step)
        left = ALIAS_TAIL
    elif left is not None:
        left -= 1
    # a function's result node is left only to its callers: reaching it (downstream) is going
    # up, whatever the edge that uses the result is (an assignment, a sink's or another call's
    # argument); reaching it upstream is going down into the function
    if kind in _ASCEND[forward] or (forward and v_kind == "return"):
        if phase:
            return None
    if kind in _DESCEND[forward] or (not forward and v_kind == "return"):
        phase = 1
    if v_kind in _GLOBAL_KINDS:
        phase = 0
    return phase, left


def _rank(state) -> tuple[int, int]:
    """Smaller is freer: phase 0 before 1, more steps left first (None: unlimited)."""
    return state[0], -(1 << 30 if state[1] is None else state[1])


def _dominated(new, old) -> bool:
    return new[0] >= old[0] and (old[1] is None or (new[1] is not None and new[1] <= old[1]))


class _Tree(dict):
    """A cheapest-path tree (node -> the neighbour one step closer to a start) and the nodes
    where a path ends because its steps ran out (CONTROL_TAIL, ALIAS_TAIL)."""

    ends: frozenset = frozenset()
    left: dict = {}  # node -> data steps its path has left (None: unlimited)
    via: dict = {}  # (node, state) -> (node, state) one step closer to a start: the path taken
    state: dict = {}  # node -> the freest state it was reached in


def _bfs(g: "graphstore.CompactGraph | graphstore.SqliteGraph", starts: list[str], forward: bool, limit: int, control: bool = True,
         allowed: set[str] | dict | None = None, tail: int = CONTROL_TAIL) -> _Tree:
    """Cheapest-path tree under the path rule (``step``). A node first reached in a state that
    allows less (phase 1, or fewer steps left) is taken again when a freer path reaches it."""
    import heapq

    parent = _Tree()
    states: dict[str, list] = {}  # node -> states it was expanded in
    start_set = set(starts)
    best: dict[tuple[str, tuple], int] = {}
    # ties are broken by node id, never by the order edges were stored in: the same graph
    # built in another order (cached, or on demand) gives the same slice
    heap = sorted((0, s, _rank((0, None)), (0, None), None, None) for s in start_set)
    via: dict = {}
    nxt = g.out_edges_kind if forward else g.in_edges_kind
    if allowed is not None and hasattr(g, "known_edges_kind"):
        # a graph built on demand: inside a slice every edge is built already
        import functools

        nxt = functools.partial(g.known_edges_kind, forward)
    prefetch = getattr(g, "prefetch", None)  # a database-backed graph loads neighbours in batches
    kind_of = g.kind
    while heap and (len(parent) < limit):
        cost, u, _, st, par, par_st = heapq.heappop(heap)
        seen = states.get(u)
        if seen is not None:
            if any(_dominated(st, o) for o in seen):
                continue
            seen.append(st)
        else:
            states[u] = [st]
        via[(u, st)] = (par, par_st)
        if seen is None or not _on_chain(parent, par, u):
            parent[u] = par  # a freer state's path is the one its successors continue (no cycles)
        if st[1] == 0:
            continue
        if prefetch is not None:
            prefetch(u, heap, forward)
        from_start = u in start_set
        for v, kind in nxt(u):
            if allowed is not None and v not in allowed:
                continue
            ns = step(st, kind, forward, kind_of(v), control, from_start, tail)
            if ns is None:
                continue
            if v in states and any(_dominated(ns, o) for o in states[v]):
                continue
            c = cost + EDGE_COST.get(kind, 1)
            k = (v, ns)
            if c < best.get(k, 1 << 30):
                best[k] = c
                heapq.heappush(heap, (c, v, _rank(ns), ns, u, st))
    freest = {n: min(sts, key=_rank) for n, sts in states.items()}
    left = {n: st[1] for n, st in freest.items()}
    parent.ends = frozenset(n for n, b in left.items() if b == 0)
    parent.left = left
    parent.via = via
    parent.state = freest
    return parent


def _on_chain(parent: dict, n: str | None, u: str) -> bool:
    """Whether ``u`` is ``n`` or one of its ancestors in the tree."""
    steps = 0
    while n is not None and steps <= len(parent):
        if n == u:
            return True
        n = parent.get(n)
        steps += 1
    return False


def _budget_key(b: int | None) -> int:
    return 1 << 30 if b is None else b


def realizable(path: list[str], kind_of_edge, kind_of_node, control: bool = True, forward: bool = True,
               tail: int = CONTROL_TAIL) -> bool:
    """Whether a path (in flow order) obeys the path rule: ``kind_of_edge(u, v)`` gives each
    edge's kind, ``kind_of_node(n)`` each node's."""
    st = (0, None)
    seq = list(zip(path, path[1:])) if forward else [(v, u) for u, v in reversed(list(zip(path, path[1:])))]
    first = path[0] if forward else path[-1]
    for u, v in seq:
        e = (u, v) if forward else (v, u)
        st = step(st, kind_of_edge(*e), forward, kind_of_node(v), control, u == first, tail)
        if st is None:
            return False
    return True


def _tree_paths(g, tree: dict[str, str | None], start: str, forward: bool, want: str, limit: int,
                tail: int = CONTROL_TAIL):
    """One path per leaf of the cheapest-path tree, so every node of the slice is on some
    path; a leaf that is not a source/sink is extended along the cheapest way on to one
    (a value that reaches guest memory through a struct already reached another way).
    Paths are ranked (plain data paths before those through a guess or a condition, then
    ending at a source/sink first, then shorter) and only the best ``limit`` are built."""
    has_child = {p for p in tree.values() if p is not None}
    depth: dict[str, int] = {}

    def dep(n):
        d, m, trail = 0, n, []
        while m is not None and m not in depth:
            trail.append(m)
            m = tree[m]
        d = depth[m] if m is not None else -1
        for x in reversed(trail):
            d += 1
            depth[x] = d
        return depth[n]

    terms = sorted(n for n in tree if g.kind(n) == want)[:MAX_TERMINALS]
    ends = getattr(tree, "ends", frozenset())
    left = getattr(tree, "left", {})
    inner = {n for n in tree if n not in ends}  # a value reached through a condition goes no further
    hops = [_bfs(g, [t], not forward, MAX_SLICE, control=False, allowed=inner) for t in terms]
    hop_depth = []
    for hop in hops:
        hd: dict[str, int] = {}
        for n in hop:
            d, m = 0, n
            while hop.get(m) is not None and d < 40:
                m, d = hop[m], d + 1
            hd[n] = d
        hop_depth.append(hd)
    ranked = []
    for leaf in tree:
        if leaf in has_child or leaf == start:
            continue
        base = dep(leaf)
        # a path through a guess (may-alias) or a condition has a limited tail: such paths rank
        # after every plain data path
        guessed = left.get(leaf) is not None
        if g.kind(leaf) == want:
            ranked.append((guessed, 0, base, leaf, -1))
            continue
        room = _budget_key(left.get(leaf))  # a path through a control edge has few steps left
        ext = sorted((hd[leaf], i) for i, hd in enumerate(hop_depth)
                     if 0 < hd.get(leaf, 0) <= room)[:TERMINALS_PER_LEAF]
        if ext:
            ranked += [(guessed, 0, base + d, leaf, i) for d, i in ext]
        else:
            ranked.append((guessed, 1, base, leaf, -1))
    ranked += _certain_prefixes(tree, start, has_child, left, dep)
    ranked.sort()
    seen = set()
    for _, _, _, leaf, hi in ranked:
        if len(seen) >= limit:
            break
        chain = list(reversed(_walk_back(tree, leaf)))  # start .. leaf (in search order)
        if hi >= 0:
            hop, on, n, plain = hops[hi], set(chain), leaf, list(chain)
            while hop.get(n) is not None and hop[n] not in on and len(chain) < 60:
                n = hop[n]
                chain.append(n)
                on.add(n)
            # the way on was searched from the source/sink, in a state of its own: the whole path
            # must still obey the rule (not enter a function at one call and leave at another)
            if not _obeys(g, chain, forward, tail):
                chain = plain
        if not _obeys(g, chain, forward, tail):
            continue
        kind = g.kind(chain[-1])
        end_deg = g.out_degree(chain[-1]) if forward else g.in_degree(chain[-1])
        why = want if kind == want else ("control" if left.get(chain[-1]) is not None else
                                         "guess" if hi == PREFIX else
                                         ("leaf" if forward else "root") if end_deg == 0 else "cut")
        path = chain if forward else list(reversed(chain))
        key = tuple(path)
        if key not in seen:
            seen.add(key)
            yield path, why


PREFIX = -2  # (a ranked entry that is the certain part of a path going on through a guess)


def _certain_prefixes(tree, start: str, has_child: set, left: dict, dep) -> list[tuple]:
    """A path that goes on only through a may-alias guess or a control step is also a path up
    to its last certain node (ends_at "guess"): what is known is listed as a plain data path,
    the guess after it in the guesses' small share. Not when a plain path passes that node
    already (its value is shown there)."""
    plain_on = set()
    for leaf in tree:
        if leaf not in has_child and left.get(leaf) is None:
            n, steps = leaf, 0
            while n is not None and n not in plain_on and steps <= len(tree):
                plain_on.add(n)
                n, steps = tree.get(n), steps + 1
    out, done = [], set()
    for leaf in tree:
        if leaf in has_child or leaf == start or left.get(leaf) is None:
            continue
        chain = list(reversed(_walk_back(tree, leaf)))  # start .. leaf
        k = 0
        while k + 1 < len(chain) and left.get(chain[k + 1]) is None:
            k += 1
        n = chain[k]
        if k > 0 and n not in plain_on and n not in done:
            done.add(n)
            out.append((False, 1, dep(n), n, PREFIX))
    return out


def _obeys(g, chain: list[str], forward: bool, tail: int = CONTROL_TAIL) -> bool:
    """Whether a path in search order (start first) obeys the path rule."""
    kinds: dict[tuple[str, str], str] = {}

    def kind(u: str, v: str) -> str:
        if (u, v) not in kinds:
            nxt = g.known_edges_kind if hasattr(g, "known_edges_kind") else None
            edges = nxt(True, u) if nxt is not None else g.out_edges_kind(u)
            kinds.update(((u, w), k) for w, k in edges)
        return kinds.get((u, v), "assign")

    path = chain if forward else list(reversed(chain))
    return realizable(path, kind, g.kind, True, forward, tail) and not sibling_hop(path)


def _whole_of(nid: str) -> str:
    """``local:a.c:f:s@2`` -> ``local:a.c:f:s`` (a local's versions are one variable)."""
    head, at, ver = nid.rpartition("@")
    return head if at and ver.isdigit() else nid


def sibling_hop(path: list[str]) -> bool:
    """Whether a path goes from a field of a local struct (or array) into the whole variable
    and straight out of it into another of its fields: ``s.len = ..`` is part of ``s``, and
    ``s`` written as a whole reaches each field, but the value stored into one field is not
    what another field holds (``a[i].ctl_len`` is not ``a[i].addr``)."""
    for a, b, c in zip(path, path[1:], path[2:]):
        if a == c or not b.startswith("local:"):
            continue
        w = _whole_of(b)
        if a.startswith((w + ".", w + "[].")) and c.startswith((w + ".", w + "[].")):
            return True
    return False


def through_guess(g, path: list[str], forward: bool) -> bool:
    """Whether a path (in flow order) takes a may-alias guess: downstream a load from (upstream
    a store into) a field whose object cannot be told."""
    nxt = g.known_edges_kind if hasattr(g, "known_edges_kind") else None
    for u, v in zip(path, path[1:]):
        edges = nxt(True, u) if nxt is not None else g.out_edges_kind(u)
        if any(w == v and k in _ALIAS_OUT[forward] for w, k in edges):
            return True
    return False


def _walk_back(tree: dict[str, str | None], end: str) -> list[str]:
    """The path from ``end`` back to a start (end first): the one the search took to reach
    ``end`` in its freest state, step by step in the state each node had on it (a node's
    parent in the tree may belong to another state's path: following it could enter a function
    through one call and leave it through another)."""
    via, state = getattr(tree, "via", None), getattr(tree, "state", None)
    if via and state and end in state:
        path, at = [end], (end, state[end])
        while True:
            par = via.get(at)
            if par is None or par[0] is None:
                break
            path.append(par[0])
            at = par
        if len(set(path)) == len(path):
            return path
    path = [end]
    while tree[path[-1]] is not None and len(path) <= len(tree):
        path.append(tree[path[-1]])
    return path
