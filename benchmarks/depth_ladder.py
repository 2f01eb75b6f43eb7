"""Time against nesting depth, for each kind of nesting srcscan reads (issue 16).

For every kind, one input is built at each depth of a doubling ladder and read the way
srcscan reads it: C sources through the nesting guard and the extractor
(``extract.nesting.extract_bounded``), macro mentions through the rewriter, JSON through
``report``'s loader. Printed side by side: seconds, and seconds per 1000 levels (flat when
the cost grows linearly; past a limit the input is skipped with a warning, which is cheap).

    python benchmarks/depth_ladder.py            # depths 1000 .. 128000
    python benchmarks/depth_ladder.py --max 16000 --kinds parens,ifs
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))


def c_source(kind: str, d: int) -> str:
    body = {
        "parens": "    int x = " + "(" * d + "a" + ")" * d + ";\n",
        "calls": "    int x = " + "g(" * d + "a" + ")" * d + ";\n",
        "blocks": "    int x;\n" + "{" * d + "x = a;" + "}" * d + "\n",
        "if-blocks": "    int x;\n" + "if (a) {" * d + "x = a;" + "}" * d + "\n",
        "else-if": "    int x;\n" + "if (a) x = a; else " * d + "x = 1;\n",
        "loops": "    int x;\n" + "while (a) " * d + "x = a;\n",
        "ternary": "    int x = " + "a ? a : " * d + "1;\n",
        "assign": "    int x; x = " + "a = " * d + "1;\n",
        "binary": "    int x = " + "a + " * d + "1;\n",
        "ifs": "    int x;\n" + "#if A\n" * d + "x = a;\n" + "#endif\n" * d,
    }[kind]
    return "int g(int);\nint f(int a)\n{\n" + body + "    return x;\n}\n"


C_KINDS = ["parens", "calls", "blocks", "if-blocks", "else-if", "loops", "ternary", "assign", "binary", "ifs"]
KINDS = C_KINDS + ["macros", "json"]


def run_one(kind: str, d: int, tmp: str) -> tuple[float, str]:
    if kind in C_KINDS:
        from srcscan.extract.nesting import extract_bounded

        data = c_source(kind, d).encode()
        t = time.perf_counter()
        ff = extract_bounded("a.c", data)
        took = time.perf_counter() - t
        return took, "skipped" if ff.skipped else f"{len(ff.functions)} fn"
    if kind == "macros":  # unclosed macro calls, each one a fresh argument scan
        from srcscan.extract.macros import default_rewriter

        data = ("VMMDECL(" * d).encode()
        t = time.perf_counter()
        default_rewriter().apply(data)
        return time.perf_counter() - t, "rewritten"
    if kind == "json":
        from srcscan.commands.report import load_trace
        from srcscan.errors import UsageError

        p = os.path.join(tmp, "deep.json")
        with open(p, "w") as f:
            f.write("[" * d + "]" * d)
        t = time.perf_counter()
        try:
            load_trace(p)
            what = "loaded"
        except UsageError:
            what = "refused"
        return time.perf_counter() - t, what
    raise ValueError(kind)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min", type=int, default=1000)
    ap.add_argument("--max", type=int, default=128_000)
    ap.add_argument("--kinds", default=",".join(KINDS))
    a = ap.parse_args()
    sys.setrecursionlimit(100_000)  # as the command line runs
    gc.disable()
    depths = []
    d = a.min
    while d <= a.max:
        depths.append(d)
        d *= 2
    print(f"{'kind':<10}" + "".join(f"{d:>16}" for d in depths))
    print(f"{'':<10}" + "".join(f"{'s (s/1000)':>16}" for _ in depths))
    with tempfile.TemporaryDirectory() as tmp:
        for kind in a.kinds.split(","):
            cells = []
            for d in depths:
                took, what = run_one(kind, d, tmp)
                cells.append(f"{took:7.3f} ({took / d * 1000:5.3f})" + ("*" if what in ("skipped", "refused") else " "))
            print(f"{kind:<10}" + "".join(f"{c:>16}" for c in cells), flush=True)
    print("\n* past the limit: the block or file was skipped (or the JSON refused) with a warning")
    print("  limits: parentheses 16384, blocks 2048, #if groups 256, open constructs 512,\n"
          "          control keywords per top-level block 8192, statement 64 KiB, JSON 64")


if __name__ == "__main__":
    main()
