"""Function recovery: how many function definitions srcscan's facts find, with the right name,
against an independent reference computed from the text alone.

Reference (no tree-sitter, no macros.toml): comments and strings are blanked, then every line
that is exactly ``{`` at column 0 closes a definition header: the lines above it back to a
blank line, a preprocessor line, or a line ending in ``;`` or ``}``. A header is a function
when it ends with a parameter list ``(...)`` (optionally followed by qualifiers) and holds no
top-level ``=``. Its name is read from the header's shape:

  ``type name(params)``                  -> name            (``VMMDECL(int) TMR3Init(PVM pVM)``)
  ``MACRO(name, ...)`` (nothing else)    -> name            (``FNIEMOP_DEF_1(iemOp_x, uint8_t, bRm)``)
  ``X_DECL(type, name)(params)``         -> X_name          (``PGM_BTH_DECL(int, Trap0eHandler)(...)``)
  ``type X_NAME(name)(params)``          -> X_name          (``DECLINLINE(int) PGM_GST_NAME(Walk)(...)``)
  ``Class::method(params)``              -> Class::method

Usage:
  python benchmarks/function_recovery.py /path/to/vbox/src/VBox/VMM            # after (queries/macros.toml)
  python benchmarks/function_recovery.py DIR --macros benchmarks/macros-minimal.toml   # before
  python benchmarks/function_recovery.py DIR --sample 50 --seed 8 --misses 30

Prints counts, percentages, the misses (reference definitions srcscan lost or misnamed) and a
random sample of reference definitions with srcscan's reading, to be checked by hand.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

SUFFIXES = (".c", ".cpp", ".h")
_IDENT = re.compile(r"[A-Za-z_]\w*(?:::~?[A-Za-z_]\w*)*")
_QUALIFIERS = {"const", "RT_NOEXCEPT", "RT_NOTHROW_DEF", "throw", "override", "noexcept"}
_NOT_FUNCTION = ("struct", "union", "enum", "typedef", "class", "namespace", "extern \"C\"")


# ----------------------------------------------------------------------------- reference

def blank_comments_and_strings(text: str) -> str:
    """Comments and string/char literals replaced by spaces; newlines kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "/" and text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c == "/" and text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("".join(ch if ch == "\n" else " " for ch in text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(c + " " * (j - i - 2) + c if j - i >= 2 else c)
            i = j
        else:
            j = i
            while j < n and text[j] not in "/\"'":
                j += 1
            out.append(text[i:j] if j > i else c)
            i = j if j > i else i + 1
    return "".join(out)


def _groups(header: str):
    """Top-level tokens of a header: identifiers, '(...)' groups (with their inner text), others."""
    toks = []
    i, n = 0, len(header)
    while i < n:
        c = header[i]
        if c.isspace():
            i += 1
        elif c == "(":
            depth, j = 0, i
            while j < n:
                if header[j] == "(":
                    depth += 1
                elif header[j] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            toks.append(("group", header[i + 1:j]))
            i = j + 1
        else:
            m = _IDENT.match(header, i)
            if m:
                toks.append(("id", m.group(0)))
                i = m.end()
            else:
                toks.append(("op", c))
                i += 1
    return toks


def _split_args(s: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        depth += ch == "("
        depth -= ch == ")"
        cur += ch
    out.append(cur.strip())
    return out


def _strip_suffix(macro: str) -> str:
    for suf in ("_DECL", "_NAME"):
        if macro.endswith(suf):
            return macro[: -len(suf)]
    return macro


def header_name(header: str) -> str | None:
    h = " ".join(header.split())
    if not h or h.startswith(_NOT_FUNCTION) or "=" in re.sub(r"\([^()]*\)", "", h):
        return None
    toks = _groups(h)
    while toks and toks[-1][0] == "id" and toks[-1][1] in _QUALIFIERS:
        toks.pop()
    if toks and toks[-1] == ("group", "") and len(toks) > 1 and toks[-2] == ("id", "throw"):
        toks = toks[:-2]
    if not toks or toks[-1][0] != "group":
        return None
    if len(toks) >= 3 and toks[-2][0] == "group" and toks[-3][0] == "id":
        # X_DECL(type, name)(params) or X_NAME(name)(params)
        args = _split_args(toks[-2][1])
        return f"{_strip_suffix(toks[-3][1])}_{args[-1]}"
    if len(toks) < 2 or toks[-2][0] != "id":
        return None
    name = toks[-2][1]
    before = [t for t in toks[:-2] if not (t[0] == "id" and t[1] in ("static", "inline"))]
    if not before and re.fullmatch(r"[A-Z][A-Z0-9_]+", name):
        # MACRO(name, ...) alone: a definition macro that supplies type and parameters
        args = _split_args(toks[-1][1])
        if len(args) >= 2 and args[-1].startswith("("):  # MACRO(type, name, (params))
            args = args[-2:]
        return args[0] if args and _IDENT.fullmatch(args[0]) else None
    if name in ("if", "while", "for", "switch", "return", "sizeof"):
        return None
    return name


def reference(path: Path) -> list[tuple[int, str]]:
    """(line of the opening brace, name) of each definition the heuristic finds."""
    text = blank_comments_and_strings(path.read_text(encoding="utf-8", errors="replace"))
    lines = text.split("\n")
    out = []
    for i, line in enumerate(lines):
        if not re.fullmatch(r"\{\s*", line):
            continue
        j = i - 1
        while j >= 0:
            s = lines[j].strip()
            if not s or s.startswith("#") or s.endswith((";", "}", "{")) or lines[j].startswith("}"):
                break
            j -= 1
        header = " ".join(lines[j + 1:i])
        name = header_name(header)
        if name:
            out.append((i + 1, name))
    return out


# ----------------------------------------------------------------------------- srcscan

def _srcscan(args: tuple[str, str, str | None]):
    path, rel, macros = args
    from srcscan.extract import facts, macros as mac
    from srcscan.datafiles import tomllib

    if macros is not None and not hasattr(_srcscan, "ex"):
        rw = mac.Rewriter(tomllib.loads(Path(macros).read_text()))
        _srcscan.ex = facts.Extractor(rewriter=rw)
    ex = getattr(_srcscan, "ex", None)
    data = Path(path).read_bytes()
    ff = ex.extract(rel, data) if ex is not None else facts.extract(rel, data)
    fns = [(f.name, f.line, f.end_line, f.ret_type, f.name_rule) for f in ff.functions]
    return rel, fns, ff.error_nodes, reference(Path(path))


def _same(ref: str, got: str) -> bool:
    return ref == got or got.rsplit("::", 1)[-1] == ref.rsplit("::", 1)[-1] and "::" in ref + got


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("src", help="folder to measure, e.g. <vbox>/src/VBox/VMM")
    ap.add_argument("--macros", help="use this macros.toml instead of queries/macros.toml (e.g. a minimal one)")
    ap.add_argument("--sample", type=int, default=50, help="random reference definitions to list for hand-checking")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--misses", type=int, default=40, help="misses to list")
    ap.add_argument("--json", action="store_true", help="print the numbers as JSON")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    a = ap.parse_args(argv)
    root = Path(a.src)
    paths = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
    t0 = time.perf_counter()
    work = [(str(p), p.relative_to(root).as_posix(), a.macros) for p in paths]
    with ProcessPoolExecutor(max_workers=max(1, a.jobs)) as pool:
        results = list(pool.map(_srcscan, work, chunksize=4))
    secs = time.perf_counter() - t0
    n_ref = found = named = typed = 0
    error_files = 0
    n_fns = 0
    misses = []
    rows = []
    for rel, fns, errors, ref in results:
        error_files += errors > 0
        n_fns += len(fns)
        for brace, name in ref:
            n_ref += 1
            cover = [f for f in fns if f[1] <= brace <= f[2] and brace - f[1] < 60]
            got = min(cover, key=lambda f: brace - f[1]) if cover else None
            ok = got is not None and _same(name, got[0])
            found += got is not None
            named += ok
            typed += ok and bool(got[3])
            rows.append((rel, brace, name, got))
            if not ok:
                misses.append((rel, brace, name, got[0] if got else None))
    res = {
        "files": len(paths), "files_with_errors": error_files, "reference_definitions": n_ref,
        "srcscan_functions": n_fns, "bodies_recovered": found, "right_name": named, "with_return_type": typed,
        "pct_bodies": round(100 * found / max(n_ref, 1), 2), "pct_right_name": round(100 * named / max(n_ref, 1), 2),
        "pct_return_type": round(100 * typed / max(n_ref, 1), 2), "seconds": round(secs, 1),
        "macros": a.macros or "queries/macros.toml",
    }
    if a.json:
        print(json.dumps(res, indent=2))
        return 0
    print(f"macros: {res['macros']}")
    print(f"files: {res['files']}  with ERROR nodes: {error_files}")
    print(f"reference definitions: {n_ref}  srcscan functions: {n_fns}")
    print(f"bodies recovered: {found} ({res['pct_bodies']}%)  right name: {named} ({res['pct_right_name']}%)  "
          f"right name + return type: {typed} ({res['pct_return_type']}%)")
    print(f"\nmisses ({len(misses)}, first {a.misses}):")
    for rel, brace, name, got in misses[: a.misses]:
        print(f"  {rel}:{brace}  reference {name!r}  srcscan {got!r}")
    rnd = random.Random(a.seed)
    print(f"\nrandom sample of {a.sample} reference definitions (check by hand: file:line, name, srcscan's reading):")
    for rel, brace, name, got in sorted(rnd.sample(rows, min(a.sample, len(rows)))):
        reading = f"{got[0]} -> {got[3]} [{got[4] or '-'}]" if got else "MISSING"
        print(f"  {rel}:{brace}  {name}  |  {reading}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
