"""Mutation testing of srcscan's core modules: break the code in small ways and check that a
fast test fails. A mutant no test notices (a *survivor*) is behaviour nothing checks.

    python scripts/mutation.py --module sources/snapshot.py --sample 60
    python scripts/mutation.py --module graph/program.py --budget 600 --tests tests/test_program.py
    python scripts/mutation.py --list --module graph/flow.py      # the mutants, not run
    python scripts/mutation.py --catalogue [--module slicing]     # the semantic catalogue (scripts/mutants/)

Mutations (on the module's syntax tree; docstrings and annotations are left alone):
comparisons flipped (``==``/``!=``, ``<``/``>=``, ``in``/``not in``, ``is``/``is not``),
``and``/``or`` swapped, ``not`` dropped, ``+``/``-`` and ``*``/``//`` swapped, numbers
changed (n -> n + 1, 1 -> 0), ``True``/``False`` swapped, short identifier-like strings
emptied, and statements dropped (replaced by ``pass``).

Each mutant is written into a private copy of the package (the working tree is never
touched) and the module's fast tests run against it with ``pytest -x`` under a time limit
(a hang counts as killed, reported apart). ``--sample N`` runs a random sample (``--seed``),
``--budget S`` stops after S seconds. Prints the mutation score and every survivor with its
line. Not part of CI: run it on demand (docs/testing.md).
"""
from __future__ import annotations

import argparse
import ast
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "srcscan"

# The fast tests that exercise each core module (override with --tests).
TESTS = {
    "sources/snapshot.py": ["tests/test_snapshot.py", "tests/test_reindex.py", "tests/test_gitsnap.py"],
    "graph/program.py": ["tests/test_program.py", "tests/test_trace_sample.py", "tests/test_flows.py"],
    "graph/flow.py": ["tests/test_flows.py", "tests/test_trace_sample.py", "tests/test_models.py",
                      "tests/test_demand.py", "tests/test_control_tail.py"],
    "query/slicing.py": ["tests/test_flows.py", "tests/test_trace_sample.py", "tests/test_stats_whynot.py",
                         "tests/test_control_tail.py", "tests/test_lazy_scope.py", "tests/test_symbol_forms.py",
                         "tests/test_path_ends.py", "tests/test_context_check.py", "tests/test_flow_slices.py"],
    "extract/facts.py": ["tests/test_facts.py", "tests/test_flows.py", "tests/test_trace_sample.py"],
    "graph/summary.py": ["tests/test_flows.py", "tests/test_flow_slices.py"],
    "graph/locals.py": ["tests/test_flows.py", "tests/test_flow_slices.py", "tests/test_local_versions.py"],
    "graph/access.py": ["tests/test_flows.py", "tests/test_flow_slices.py", "tests/test_edge_flags.py"],
    "graph/unions.py": ["tests/test_flows.py", "tests/test_flow_slices.py"],
    "extract/ppcond.py": ["tests/test_flows.py"],
}

_CMP_FLIP = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE,
             ast.LtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}
_BIN_SWAP = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.FloorDiv, ast.FloorDiv: ast.Mult}
_SYM = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.GtE: ">=", ast.Gt: ">", ast.LtE: "<=", ast.In: "in",
        ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not", ast.Add: "+", ast.Sub: "-", ast.Mult: "*",
        ast.FloorDiv: "//", ast.And: "and", ast.Or: "or"}


@dataclass
class Mutant:
    index: int  # position in the walk order of the module's tree
    kind: str
    line: int
    what: str


def _skipped(tree: ast.Module) -> set[int]:
    """ids of nodes never mutated: docstrings, annotations, __future__ imports."""
    skip: set[int] = set()

    def all_ids(n):
        skip.update(id(x) for x in ast.walk(n))

    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and \
                    isinstance(first.value.value, str):
                all_ids(first)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns is not None:
            all_ids(node.returns)
        if isinstance(node, ast.arg) and node.annotation is not None:
            all_ids(node.annotation)
        if isinstance(node, ast.AnnAssign):
            all_ids(node.annotation)
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            all_ids(node)
    return skip


def _droppable(node: ast.AST) -> bool:
    return isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Return, ast.Raise,
                             ast.If, ast.For, ast.While, ast.With, ast.Try, ast.Continue, ast.Break, ast.Delete))


def _sites(tree: ast.Module) -> list[tuple[int, str, int, str]]:
    """(node index in walk order, kind, line, description) of every mutation."""
    skip = _skipped(tree)
    out = []
    for i, node in enumerate(ast.walk(tree)):
        if id(node) in skip:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for j, op in enumerate(node.ops):
                if type(op) in _CMP_FLIP:
                    out.append((i, f"cmp{j}", line, f"{_SYM[type(op)]} -> {_SYM[_CMP_FLIP[type(op)]]}"))
        elif isinstance(node, ast.BoolOp):
            out.append((i, "boolop", line, f"{_SYM[type(node.op)]} -> {'or' if isinstance(node.op, ast.And) else 'and'}"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            out.append((i, "not", line, "drop 'not'"))
        elif isinstance(node, ast.BinOp) and type(node.op) in _BIN_SWAP:
            out.append((i, "binop", line, f"{_SYM[type(node.op)]} -> {_SYM[_BIN_SWAP[type(node.op)]]}"))
        elif isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool):
                out.append((i, "const", line, f"{v} -> {not v}"))
            elif isinstance(v, int):
                out.append((i, "const", line, f"{v} -> {0 if v == 1 else v + 1}"))
            elif isinstance(v, str) and v and len(v) <= 24 and " " not in v:
                out.append((i, "const", line, f"{v!r} -> ''"))
        if _droppable(node) and not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
            out.append((i, "drop", line, f"drop {type(node).__name__.lower()} statement"))
    return out


def _mutate(source: str, index: int, kind: str) -> str:
    tree = ast.parse(source)
    target = next(n for i, n in enumerate(ast.walk(tree)) if i == index)
    if kind.startswith("cmp"):
        j = int(kind[3:])
        target.ops[j] = _CMP_FLIP[type(target.ops[j])]()
    elif kind == "boolop":
        target.op = ast.Or() if isinstance(target.op, ast.And) else ast.And()
    elif kind == "binop":
        target.op = _BIN_SWAP[type(target.op)]()
    elif kind == "const":
        v = target.value
        target.value = (not v) if isinstance(v, bool) else (0 if v == 1 else v + 1) if isinstance(v, int) else ""
    elif kind == "not":
        for parent in ast.walk(tree):
            for field, value in ast.iter_fields(parent):
                if value is target:
                    setattr(parent, field, target.operand)
                elif isinstance(value, list) and any(v is target for v in value):
                    value[[k for k, v in enumerate(value) if v is target][0]] = target.operand
    elif kind == "drop":
        repl = ast.Pass()
        for parent in ast.walk(tree):
            for field, value in ast.iter_fields(parent):
                if isinstance(value, list) and any(v is target for v in value):
                    value[[k for k, v in enumerate(value) if v is target][0]] = repl
    ast.fix_missing_locations(tree)
    return ast.unparse(tree)


def _equivalents() -> dict[tuple[str, str, str, str], str]:
    """(module, function, stripped source line, mutation) -> why, from scripts/operator_equivalents.toml."""
    path = ROOT / "scripts" / "operator_equivalents.toml"
    if not path.is_file():
        return {}
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib
    rows = tomllib.loads(path.read_text(encoding="utf-8")).get("equivalent", [])
    return {(r["module"], r.get("function", ""), r["code"].strip(), r["mutation"]): r["why"] for r in rows}


def _functions(tree: ast.Module) -> dict[int, str]:
    """line -> the innermost function (or class) around it ("" at module level)."""
    spans = sorted(((n.end_lineno - n.lineno, n.lineno, n.end_lineno, n.name) for n in ast.walk(tree)
                    if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))), reverse=True)
    out: dict[int, str] = {}
    for _, first, last, name in spans:  # widest first: an inner one overwrites its lines
        out.update((i, name) for i in range(first, last + 1))
    return out


def _copy_tree(dest: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "*.egg-info")
    for name in ("srcscan", "queries", "tests"):
        shutil.copytree(ROOT / name, dest / name, ignore=ignore)
    shutil.copy(ROOT / "pyproject.toml", dest / "pyproject.toml")


def _run_tests(copy: Path, tests: list[str], timeout: float) -> tuple[str, float]:
    env = {**os.environ, "PYTHONPATH": str(copy), "PYTHONDONTWRITEBYTECODE": "1", "SRCSCAN_NO_PROGRESS": "1"}
    # the fast suite's selection (docs/testing.md): a mutant must be killed by what runs on every change
    cmd = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
           "-m", "not browser and not real and not slow", *tests]
    t = time.perf_counter()
    try:
        p = subprocess.run(cmd, cwd=copy, env=env, capture_output=True, text=True, timeout=timeout,
                           start_new_session=True)
    except subprocess.TimeoutExpired:
        return "timeout", time.perf_counter() - t
    dt = time.perf_counter() - t
    if p.returncode == 0:
        return "survived", dt
    if p.returncode in (1, 2):  # failed, or could not even be collected (the module does not import)
        return "killed", dt
    return f"error (pytest exit {p.returncode}: {(p.stdout + p.stderr).strip().splitlines()[-1:]})", dt


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--module", action="append", metavar="PATH",
                    help="module under srcscan/ to mutate, e.g. sources/snapshot.py (repeatable); with "
                         "--catalogue, the catalogue files to run (slicing, query/slicing.py)")
    ap.add_argument("--catalogue", action="store_true",
                    help="run the semantic mutant catalogue (scripts/mutants/*.toml) instead of operator mutants")
    ap.add_argument("--tests", nargs="+", metavar="TEST", help="test files to run (default: the module's fast tests)")
    ap.add_argument("--sample", type=int, default=0, metavar="N", help="run a random sample of N mutants per module")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--budget", type=float, default=0, metavar="SECONDS", help="stop starting mutants after this long")
    ap.add_argument("--list", action="store_true", help="list the mutants and exit")
    args = ap.parse_args(argv)
    if args.catalogue:
        return _catalogue(args)
    if not args.module:
        ap.error("give --module (or --catalogue)")

    t0 = time.perf_counter()
    totals = {"killed": 0, "timeout": 0, "survived": 0, "error": 0, "equivalent": 0}
    equivalent = _equivalents()
    with tempfile.TemporaryDirectory(prefix="srcscan-mutation-") as tmp:
        copy = Path(tmp)
        _copy_tree(copy)
        for module in args.module:
            rel = module.removeprefix("srcscan/")
            src_path = PKG / rel
            if not src_path.is_file():
                ap.error(f"--module {module}: no such module under srcscan/")
            original = src_path.read_text(encoding="utf-8")
            sites = [Mutant(i, k, line, what) for i, k, line, what in _sites(ast.parse(original))]
            owner = _functions(ast.parse(original))
            lines = original.splitlines()
            if args.list:
                for m in sites:
                    print(f"srcscan/{rel}:{m.line}: {m.what}")
                print(f"{len(sites)} mutants")
                continue
            chosen = sites
            if args.sample and args.sample < len(sites):
                chosen = sorted(random.Random(args.seed).sample(sites, args.sample), key=lambda m: (m.line, m.index))
            tests = args.tests or TESTS.get(rel)
            if not tests:
                ap.error(f"--module {module}: no default tests; give --tests")
            tests = [t for t in tests if (ROOT / t.split("::")[0]).exists()]
            target = copy / "srcscan" / rel
            # the unmutated module, unparsed as the mutants are: the tests must pass on it
            target.write_text(ast.unparse(ast.parse(original)), encoding="utf-8")
            state, base = _run_tests(copy, tests, timeout=900)
            if state != "survived":
                print(f"srcscan/{rel}: the tests do not pass on the unmutated module ({state}); skipped")
                totals["error"] += 1
                continue
            limit = max(20.0, 3 * base)
            print(f"srcscan/{rel}: {len(chosen)} of {len(sites)} mutants; tests {' '.join(tests)} "
                  f"({base:.1f} s unmutated, limit {limit:.0f} s each)", flush=True)
            counts = {"killed": 0, "timeout": 0, "survived": 0, "error": 0, "equivalent": 0}
            survivors = []
            for n, m in enumerate(chosen, 1):
                if args.budget and time.perf_counter() - t0 > args.budget:
                    print(f"  budget of {args.budget:.0f} s used: {len(chosen) - n + 1} mutants not run")
                    break
                code = lines[m.line - 1].strip() if 0 < m.line <= len(lines) else ""
                why = equivalent.get((rel, owner.get(m.line, ""), code, m.what))
                if why is not None:  # listed as unable to change behaviour: not run, not scored
                    counts["equivalent"] += 1
                    print(f"  [{n}/{len(chosen)}] equivalent        line {m.line}: {m.what} ({why})", flush=True)
                    continue
                target.write_text(_mutate(original, m.index, m.kind), encoding="utf-8")
                state, dt = _run_tests(copy, tests, limit)
                key = state if state in counts and state != "equivalent" else "error"
                counts[key] += 1
                print(f"  [{n}/{len(chosen)}] {state:8} {dt:5.1f} s  line {m.line}: {m.what}", flush=True)
                if key == "survived":
                    survivors.append(f"srcscan/{rel}:{m.line}: {m.what}    | {code}")
                elif key == "error":
                    print(f"      {state}")
            target.write_text(original, encoding="utf-8")
            run = counts["killed"] + counts["timeout"] + counts["survived"]
            score = 100.0 * (counts["killed"] + counts["timeout"]) / run if run else 0.0
            print(f"srcscan/{rel}: mutation score {score:.1f}% ({counts['killed']} killed, {counts['timeout']} "
                  f"timed out, {counts['survived']} survived, {counts['error']} errors; {counts['equivalent']} "
                  f"equivalent, not run: scripts/operator_equivalents.toml)")
            for s in survivors:
                print(f"  survivor: {s}")
            for k in totals:
                totals[k] += counts[k]
    if not args.list:
        run = totals["killed"] + totals["timeout"] + totals["survived"]
        if len(args.module) > 1 and run:
            print(f"total: mutation score {100.0 * (run - totals['survived']) / run:.1f}% over {run} mutants "
                  f"({time.perf_counter() - t0:.0f} s)")
    return 0


def _catalogue(args) -> int:
    sys.path.insert(0, str(ROOT / "scripts"))
    import mutation_catalogue as mc

    entries = mc.load(modules=args.module)
    if not entries:
        print("no catalogue entries match --module", file=sys.stderr)
        return 2
    if args.list:
        return 1 if mc.check(entries, ROOT) else 0
    with tempfile.TemporaryDirectory(prefix="srcscan-catalogue-") as tmp:
        _copy_tree(Path(tmp))
        mc.run(entries, Path(tmp), ROOT, _run_tests, budget=args.budget)
    return 0


if __name__ == "__main__":
    sys.exit(main())
