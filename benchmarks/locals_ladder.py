"""Time against repetitions for one local assigned many times in one function (issue 32):
reaching definitions must stay near-linear in the function's length.

For every construct, one function is built at each length of a doubling ladder, parsed, and
its flow graph built (``graph.flow.build_graph``, where reaching definitions run). Printed
side by side: seconds for the graph, and microseconds per repetition (flat when the cost
grows linearly).

    python benchmarks/locals_ladder.py                 # 1000 .. 8000 repetitions
(past 8,192 control keywords in one block, extract/nesting.py leaves the block out with a
warning: those rows say so)
    python benchmarks/locals_ladder.py --max 16000 --kinds check-return,switch
"""
from __future__ import annotations

import argparse
import gc
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

# a return-on-error macro of the common shape (a generic name: no project's code)
ASSERT_MACRO = "#define CHECK_RC_RETURN(rc, ret) do { if ((rc) < 0) return (ret); } while (0)\n"


def c_source(kind: str, n: int) -> str:
    body = {
        # rc = g(a + i); if (rc < 0) return rc;   (the error-check idiom, flat)
        "check-return": "".join(f"    rc = g(a + {i});\n    if (rc < 0)\n        return rc;\n" for i in range(n)),
        # the same through a do { if ... } while (0) macro
        "macro-return": "".join(f"    rc = g(a + {i});\n    CHECK_RC_RETURN(rc, rc);\n" for i in range(n)),
        # a switch of n cases, each assigning the local
        "switch": "    switch (a)\n    {\n" + "".join(f"        case {i}: rc = g({i}); break;\n" for i in range(n))
                  + "    }\n",
        # the idiom inside a loop: every use also sees the previous round's definitions
        "loop": "    for (int i = 0; i < a; i++)\n    {\n"
                + "".join(f"        rc = g(a + {i});\n        if (rc < 0)\n            return rc;\n" for i in range(n))
                + "    }\n",
        # each definition under its own condition: a use sees all of them (the answer is big)
        "guarded": "".join(f"    if (a == {i})\n        rc = g({i});\n" for i in range(n)),
    }[kind]
    head = ASSERT_MACRO if kind == "macro-return" else ""
    return head + "int g(int);\nint f(int a)\n{\n    int rc = 0;\n" + body + "    return rc;\n}\n"


KINDS = ["check-return", "macro-return", "switch", "loop", "guarded"]


def run_one(kind: str, n: int) -> tuple[float, float, str]:
    from srcscan.extract.nesting import extract_bounded
    from srcscan.graph.flow import build_graph
    from srcscan.graph.program import Program

    data = c_source(kind, n).encode()
    t0 = time.perf_counter()
    ff = extract_bounded("a.c", data, "k")
    t1 = time.perf_counter()
    b = build_graph(Program({"a.c": ff}))
    t2 = time.perf_counter()
    what = f"{b.g.number_of_nodes()} nodes, {b.g.number_of_edges()} edges"
    if ff.skipped:  # past a nesting limit (extract/nesting.py): the block is left out with a warning
        what += f"; skipped: {ff.skipped[0]}"
    return t1 - t0, t2 - t1, what


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min", type=int, default=1000)
    ap.add_argument("--max", type=int, default=8000)
    ap.add_argument("--kinds", default=",".join(KINDS))
    ap.add_argument("--timeout", type=float, default=120.0, help="stop a kind's ladder once one step took longer")
    args = ap.parse_args()
    print(f"{'kind':<14}{'reps':>7}{'parse s':>9}{'graph s':>9}{'graph us/rep':>14}  graph")
    for kind in args.kinds.split(","):
        n = args.min
        while n <= args.max:
            gc.collect()
            parse, graph, what = run_one(kind, n)
            print(f"{kind:<14}{n:>7}{parse:>9.2f}{graph:>9.2f}{graph / n * 1e6:>14.1f}  {what}", flush=True)
            if graph > args.timeout:
                print(f"{kind:<14}  (stopped: over {args.timeout:.0f} s)")
                break
            n *= 2


if __name__ == "__main__":
    main()
