"""Listing rules of issue 27, round 4 (docs/objects.md): a listing made only of paths through a
may-alias guess shows the best GUESS_MIN of them and says how many more there are (--all lists
every one); with several start nodes, a path that passes another start node and takes a guess
is that start's own path with a guess added, and is not listed again."""
import srcscan
from srcscan.query.trace import GUESS_MIN
from srcscan.query.trace import trace as trace_query

N_GUESS = 8

# a value stored into a per-object struct (ITEM links to others of its type) and read back
# only through it: which item each reader reads is a guess, nothing else reaches a sink
GUESS_ONLY = "\n".join(
    ["typedef unsigned int uint32_t;",
     "typedef struct ITEM { struct ITEM *pNext; uint32_t uX; } ITEM;"]
    + [f"uint32_t g_uGuess{i};" for i in range(N_GUESS)]
    + ["void put(ITEM *pItem, uint32_t uVal)", "{", "    pItem->uX = uVal;", "}"]
    + [line for i in range(N_GUESS) for line in
       (f"void get{i}(ITEM *p)", "{", f"    g_uGuess{i} = p->uX;", "}")]) + "\n"

# BDLE is many objects (an array in STREAM); &Bdle escapes into bdleFill, so the local's field
# and the type's field are linked both ways (two start nodes for "BDLE.addr")
TWO_STARTS = """typedef unsigned int uint32_t;
typedef struct BDLE { uint32_t addr; uint32_t len; } BDLE;
typedef struct STREAM { BDLE aBdl[4]; uint32_t uCur; } STREAM;
uint32_t g_uOut;

static void bdleFill(BDLE *pBdle, uint32_t uAddr)
{
    pBdle->addr = uAddr;
}

void streamFetch(STREAM *pStream, uint32_t uAddr)
{
    BDLE Bdle;
    bdleFill(&Bdle, uAddr);
    g_uOut = Bdle.addr;
}
"""


def _down(doc):
    return [p for p in doc["paths"] if p["direction"] == "downstream"]


def _guesses(doc):
    kinds = {e["id"]: e["kind"] for e in doc["edges"]}
    return [p for p in _down(doc) if any(kinds[e] in ("alias-load", "alias", "control") for e in p["edges"])]


def test_a_listing_of_guesses_alone_shows_the_best_few(tmp_path):
    (tmp_path / "guess.c").write_text(GUESS_ONLY)
    tr = srcscan.trace("put#1", src=str(tmp_path), direction="down", cache=False)
    doc = tr.to_json()
    guesses = _guesses(doc)
    assert 1 <= len(guesses) <= GUESS_MIN
    assert doc["stats"]["paths_not_listed"]["downstream"] == N_GUESS - len(guesses)
    every = trace_query(tr.analysis, "put#1", direction="down", max_paths=None).to_json()
    assert len(_guesses(every)) == N_GUESS  # --all: every reader


def test_the_certain_part_of_a_guessed_path_is_listed_as_a_plain_path(tmp_path):
    (tmp_path / "guess.c").write_text(GUESS_ONLY)
    doc = srcscan.trace("put#1", src=str(tmp_path), direction="down", cache=False).to_json()
    kinds = {e["id"]: e["kind"] for e in doc["edges"]}
    certain = [p for p in _down(doc) if p["ends_at"] == "guess"]
    # the value is certainly in some item's uX (a store is no guess); which item a reader
    # reads is the guess, listed apart
    assert [p["nodes"][-1] for p in certain] == ["field:ITEM.uX"]
    assert not any(kinds[e] in ("alias-load", "alias", "control") for e in certain[0]["edges"])


# the twin: the condition is on a value a plain path already passes; nothing more to list
CONTROL_ON_PLAIN = """typedef unsigned int uint32_t;
uint32_t g_uPlain;
int g_fFlag;
void put(uint32_t uVal)
{
    uint32_t v = uVal + 1;
    g_uPlain = v;
    if (v > 3)
        g_fFlag = 1;
}
"""


def test_no_certain_part_is_listed_again_where_a_plain_path_passes(tmp_path):
    (tmp_path / "ctl.c").write_text(CONTROL_ON_PLAIN)
    doc = srcscan.trace("put#0", src=str(tmp_path), direction="down", cache=False).to_json()
    assert not [p for p in _down(doc) if p["ends_at"] == "guess"]
    assert any(p["nodes"][-1] == "global:g_uPlain" for p in _down(doc))


def test_a_path_through_another_start_and_a_guess_is_listed_once(tmp_path):
    (tmp_path / "bd.c").write_text(TWO_STARTS)
    doc = srcscan.trace("BDLE.addr", src=str(tmp_path), direction="up", cache=False).to_json()
    starts = [n["id"] for n in doc["nodes"] if n.get("role") == "start"]
    # the type's field, the local's field, and its version bdleFill writes back (graph/pversions.py)
    assert len(starts) == 3 and sum("@" in s for s in starts) == 1
    reaching = [p for p in doc["paths"] if "param:streamFetch#1" in p["nodes"]]
    assert len(reaching) == 1  # not once more through the other start
    assert not set(starts) <= set(reaching[0]["nodes"])
    # the twin: asked for the local's version alone, its path is listed
    local = next(s for s in starts if s.startswith("local:") and "@" in s)
    alone = srcscan.trace(local, src=str(tmp_path), direction="up", cache=False).to_json()
    assert any("param:streamFetch#1" in p["nodes"] for p in alone["paths"])
