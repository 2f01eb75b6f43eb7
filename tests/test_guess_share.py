"""Listed paths through a may-alias guess or a control step keep a small share of a listing
that has plain data paths (issue 27): a value stored into many plain places and also read
back through a per-object struct (which object: a guess) and deciding a branch lists its
plain paths first, at most max(2, listed/10) guesses and control steps, and says how many
paths were left out; --all (max_paths=None) lists every one."""
import srcscan
from srcscan.query.trace import trace as trace_query

N_PLAIN = 30
N_GUESS = 12

CODE = "\n".join(
    ["typedef unsigned int uint32_t;",
     "typedef struct ITEM { struct ITEM *pNext; uint32_t uX; } ITEM;"]
    + [f"uint32_t g_uOut{i};" for i in range(N_PLAIN)]
    + [f"uint32_t g_uGuess{i};" for i in range(N_GUESS)]
    + ["int g_fFlag0, g_fFlag1, g_fFlag2;",
       "void put(ITEM *pItem, uint32_t uVal)", "{"]
    + [f"    g_uOut{i} = uVal + {i};" for i in range(N_PLAIN)]
    + ["    pItem->uX = uVal;"]
    + [f"    if (uVal > {i}) g_fFlag{i} = 1;" for i in range(3)]
    + ["}"]
    + [line for i in range(N_GUESS) for line in
       (f"void get{i}(ITEM *p)", "{", f"    g_uGuess{i} = p->uX;", "}")]) + "\n"


def _kinds(doc: dict) -> tuple[int, int]:
    edges = {e["id"]: e for e in doc["edges"]}
    paths = [p for p in doc["paths"] if p["direction"] == "downstream"]
    # (the certain part of the guessed paths, uVal into some item's uX, is one plain path more)
    assert sum(1 for p in paths if p["ends_at"] == "guess") == 1
    paths = [p for p in paths if p["ends_at"] != "guess"]
    odd = sum(1 for p in paths if any(edges[e]["kind"] in ("alias-load", "alias", "control") for e in p["edges"]))
    return len(paths) - odd, odd


def test_guesses_and_control_steps_keep_a_small_share(tmp_path):
    (tmp_path / "share.c").write_text(CODE)
    doc = srcscan.trace("put#1", src=str(tmp_path), direction="down", cache=False).to_json()
    plain, odd = _kinds(doc)
    assert plain == N_PLAIN  # every plain store
    assert 1 <= odd <= max(2, plain // 9)
    assert doc["stats"]["paths_not_listed"]["downstream"] == N_GUESS + 3 - odd
    assert any("not listed" in w for w in doc["warnings"])


def test_all_lists_every_guess_and_control_step(tmp_path):
    (tmp_path / "share.c").write_text(CODE)
    tr = srcscan.trace("put#1", src=str(tmp_path), direction="down", cache=False)
    every = trace_query(tr.analysis, "put#1", direction="down", max_paths=None).to_json()
    plain, odd = _kinds(every)
    assert plain == N_PLAIN and odd == N_GUESS + 3


GUESSES_ONLY = "\n".join(
    ["typedef unsigned int uint32_t;",
     "typedef struct ITEM { struct ITEM *pNext; uint32_t uX; } ITEM;"]
    + [f"uint32_t g_uGuess{i};" for i in range(N_GUESS)]
    + ["void put(ITEM *pItem, uint32_t uVal)", "{", "    pItem->uX = uVal;", "}"]
    + [line for i in range(N_GUESS) for line in
       (f"void get{i}(ITEM *p)", "{", f"    g_uGuess{i} = p->uX;", "}")]) + "\n"


def test_a_listing_of_guesses_alone_shows_the_best_two(tmp_path):
    """With no plain data path beyond the certain part (uVal into some item's uX), the reader
    sees that part and the best two guesses of which item is read back, not all twelve: the
    rest are counted as not listed."""
    (tmp_path / "only.c").write_text(GUESSES_ONLY)
    doc = srcscan.trace("put#1", src=str(tmp_path), direction="down", cache=False).to_json()
    plain, odd = _kinds(doc)
    assert (plain, odd) == (0, 2)
    assert doc["stats"]["paths_not_listed"]["downstream"] == N_GUESS - 2
