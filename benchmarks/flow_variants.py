"""How many annotated flows srcscan finds, and how many forbidden ones it reports, over the
annotated flow files (tests/flows) and generated variants of them.

    python benchmarks/flow_variants.py [--variants 20] [--seed 1] [--verbose]

Each variant of a flow file applies, at random (seeded), some of these rewrites, which keep
the program's meaning and so every annotation:

- rename: every name the file declares (functions, parameters, locals, structs, fields,
  globals, typedefs) gets a prefix, in the code and in the annotations alike; names of
  modelled APIs (queries/models), status-code types and names (queries/config.toml [status])
  and C/C++ words are kept;
- nest: each function body is wrapped in one more block;
- split: the type declarations move into a header of their own (types resolved across files);
- pad: blank lines and comments are inserted, so every line number moves.

Every `flow here` / `no flow here` line is then asked through the public API exactly as a user
asks it (`srcscan.trace(A, to=B)`), and the script prints per file and overall: flows found
(recall) and forbidden flows reported (false alarms). `known miss` and `why-not` lines are
counted apart. No assertions: the numbers go into issue notes.
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import srcscan  # noqa: E402
from srcscan.errors import NotFound  # noqa: E402
from srcscan.extract.facts import extract  # noqa: E402
from srcscan.graph.apimodels import load_models  # noqa: E402

FLOWS = ROOT / "tests" / "flows"
LINE = re.compile(r"//\s*(flow here|no flow here|known miss|why-not)\s*(?:\[([^\]]*)\])?:\s*(.+?)\s*->\s*(.+)$")
WORDS = set("""auto break case char const continue default do double else enum extern float for goto if inline
int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile
while class public private protected virtual new delete this template typename namespace using bool true false
std vector uint64_t uint32_t uint16_t uint8_t int64_t int32_t int8_t size_t NULL nullptr main""".split())


def declared_names(path: Path) -> set[str]:
    ff = extract(path.name, path.read_bytes())
    names = set()
    for fn in ff.functions:
        names.add(fn.name.rsplit("::", 1)[-1])
        names.update(p.name for p in fn.params)
        names.update(n.split("@", 1)[0] for n in fn.locals)
    for st in ff.structs:
        if not st.name.startswith("<"):
            names.add(st.name)
        names.update(f.name for f in st.fields if not f.name.startswith("<"))
    names.update(g.name for g in ff.globals)
    names.update(t.name for t in ff.typedefs)
    m = load_models()
    modelled = (set(m.sources) | set(m.sinks) | set(m.propagators) | set(m.handles) | m.container_store
                | m.container_load | set(m.slot_handles) | set(m.slot_sources) | {f.split(".")[1] for f in m.sink_fields}
                | {f.split(".")[0] for f in m.sink_fields})
    from srcscan.datafiles import load_toml

    status = load_toml("config.toml").get("status", {})  # status-code types and names are data too
    modelled |= set(status.get("types", ())) | set(status.get("names", ()))
    return {n for n in names if n and n not in WORDS and n not in modelled and re.fullmatch(r"[A-Za-z_]\w*", n)}


def rename(text: str, names: set[str], prefix: str) -> str:
    """A prefix, not a suffix: macros that paste a suffix onto a name (CTX_SUFF(PTMTIMER) is
    PTMTIMERR3) still name the renamed declaration."""
    if not names:
        return text
    pat = re.compile(r"\b(" + "|".join(sorted(map(re.escape, names), key=len, reverse=True)) + r")\b")
    return pat.sub(lambda m: prefix + m.group(1), text)


def nest(text: str) -> str:
    """One more block around each function body: a line that is just '{' after a line that
    ends a function header, up to its matching '}' at column 0."""
    out, lines, i = [], text.split("\n"), 0
    while i < len(lines):
        ln = lines[i]
        if ln == "{" and i > 0 and lines[i - 1].rstrip().endswith(")"):
            out += ["{", "    {"]
            i += 1
            while i < len(lines) and lines[i] != "}":
                out.append(lines[i])
                i += 1
            out += ["    }", "}"]
            i += 1
            continue
        out.append(ln)
        i += 1
    return "\n".join(out)


def pad(text: str, rnd: random.Random) -> str:
    out = []
    for ln in text.split("\n"):
        if not ln.startswith((" ", "\t", "//", "#")) and ln and rnd.random() < 0.3:
            out.append("/* moved down */")
            out.append("")
        out.append(ln)
    return "\n".join(out)


def split(text: str) -> tuple[str, str]:
    """(header, body): top-level typedefs and struct/union/class declarations go to the header."""
    head, body, lines, i = [], [], text.split("\n"), 0
    while i < len(lines):
        ln = lines[i]
        if ln.startswith(("typedef ", "struct ", "union ", "class ")) and not ln.rstrip().endswith(")"):
            block = [ln]
            depth = ln.count("{") - ln.count("}")
            while (depth > 0 or not block[-1].rstrip().endswith(";")) and i + 1 < len(lines):
                i += 1
                block.append(lines[i])
                depth += lines[i].count("{") - lines[i].count("}")
            head += block
        else:
            body.append(ln)
        i += 1
    return "\n".join(head) + "\n", '#include "types.h"\n' + "\n".join(body)


def variant(path: Path, rnd: random.Random, k: int, folder: Path) -> list[Path]:
    text = path.read_text()
    if rnd.random() < 0.8:
        names = declared_names(path)
        # a name a macro pastes a context suffix onto (CTX_SUFF(pTimers) is pTimersR3) goes too
        names |= {n[:-2] for n in names if n[-2:] in ("R3", "R0", "RC") and re.search(rf"\b{n[:-2]}\b", text)}
        text = rename(text, names, f"v{k}_")
    if rnd.random() < 0.5:
        text = nest(text)
    if rnd.random() < 0.5:
        text = pad(text, rnd)
    folder.mkdir(parents=True)
    if rnd.random() < 0.5 and path.suffix == ".c":
        head, body = split(text)
        (folder / "types.h").write_text(head)
        (folder / path.name).write_text(body)
        return [folder / path.name, folder / "types.h"]
    (folder / path.name).write_text(text)
    return [folder / path.name]


def annotations(text: str):
    for i, ln in enumerate(text.splitlines(), 1):
        m = LINE.search(ln)
        if m:
            yield i, m.group(1), m.group(2) or "", m.group(3).strip(), re.sub(r"\s*\(.*\)\s*$", "", m.group(4)).strip() \
                if m.group(1) == "known miss" else m.group(4).strip()


def options(text: str):
    d, u, keep, control = [], [], False, True
    toks = text.split()
    for j, t in enumerate(toks):
        if t in ("-D", "--define"):
            d.append(toks[j + 1])
        elif t in ("-U", "--undef"):
            u.append(toks[j + 1])
        elif t == "--keep-if0":
            keep = True
        elif t == "--no-control":
            control = False
    return d, u, keep, control


def check(files: list[Path]) -> list[tuple[str, bool]]:
    """(marker, path found) of every flow annotation of the first file."""
    out, analyses = [], {}
    for _, marker, opts, a, b in annotations(files[0].read_text()):
        if marker == "why-not":
            marker, b = "no flow here", b.rpartition(" : ")[0].strip()
        d, u, keep, control = options(opts)
        key = (tuple(d), tuple(u), keep, control)
        if key not in analyses:
            analyses[key] = srcscan.analyse_sources([str(f) for f in files], defines=d, undefs=u, keep_if0=keep,
                                                    control=control, cache=False)
        try:
            tr = srcscan.trace(a, analysis=analyses[key], to=b, defines=d, undefs=u, keep_if0=keep, control=control)
            found = any(p["direction"] == "to" for p in tr.paths)
        except NotFound:
            found = False
        out.append((marker, found))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", type=int, default=20, help="generated variants per flow file (default 20)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--verbose", action="store_true", help="print every miss and false alarm")
    args = ap.parse_args(argv)
    rnd = random.Random(args.seed)
    t0 = time.perf_counter()
    rows, total = [], {"flow": [0, 0], "none": [0, 0], "miss": [0, 0], "variants": 0}
    with tempfile.TemporaryDirectory() as tmp:
        for path in sorted(p for p in FLOWS.iterdir() if p.suffix in (".c", ".cpp")):
            counts = {"flow": [0, 0], "none": [0, 0], "miss": [0, 0]}
            for k in range(args.variants + 1):  # variant 0: the file itself
                files = [path] if k == 0 else variant(path, rnd, k, Path(tmp) / f"{path.stem}-{k}")
                if k:
                    total["variants"] += 1
                for (marker, found), ann in zip(check(files), annotations(files[0].read_text())):
                    slot = {"flow here": "flow", "no flow here": "none", "known miss": "miss"}[marker]
                    counts[slot][0] += 1
                    counts[slot][1] += found
                    if args.verbose and found != (slot == "flow"):
                        print(f"  {files[0].relative_to(tmp) if k else path.name}:{ann[0]}: {marker}: "
                              f"{ann[3]} -> {ann[4]}: {'found' if found else 'not found'}")
            for key in counts:
                total[key][0] += counts[key][0]
                total[key][1] += counts[key][1]
            rows.append((path.name, counts))
    print(f"{'file':24} {'flows found':>14} {'forbidden reported':>20} {'known misses found':>20}")
    for name, c in rows:
        print(f"{name:24} {c['flow'][1]:>6}/{c['flow'][0]:<7} {c['none'][1]:>9}/{c['none'][0]:<10} "
              f"{c['miss'][1]:>9}/{c['miss'][0]:<10}")
    f, n = total["flow"], total["none"]
    print(f"overall over {len(rows)} files and {total['variants']} generated variants: flows found "
          f"{f[1]}/{f[0]} ({f[1] / max(f[0], 1):.1%}), forbidden flows reported {n[1]}/{n[0]} "
          f"({n[1] / max(n[0], 1):.1%}); {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
