"""Known guest-to-host bound fixes: does `srcscan taint` report the faulty sink unchecked in the
import before the fix, and checked (or gone) in the import after it?

    python benchmarks/taint_known.py --repo /path/to/pop-os-virtualbox.git [--out DIR] [--json FILE]

Each case below is a public fix of VirtualBox device code whose change is visible between two
pop-os/virtualbox upstream imports ("New upstream version X-dfsg"; found by that subject, never by
commit id). For each release the device file, the headers named in the case and the public
include/ tree are exported to OUT/<case>-<version>/ (reused when .export-commit names the same
commit), then `srcscan taint --format json` runs on it in a subprocess. The finding at the faulty
sink is the one whose sink is in the case's function and whose sink code (or sink model) holds the
case's pattern: the patterns below are written from the diff, srcscan never sees them.

Columns: advisory, device file, releases, finding before / after (`unchecked #rank`, `checked`,
`gone`), rank = the finding's place among that device file's unchecked findings (1 first), and
`ok` when before is unchecked and after is checked or gone. A miss is printed with its cause
(see docs/commands/taint.md "Known misses").
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

DEV = "src/VBox/Devices/"
# what the VMSVGA3D device file needs beside it to build its state structs
SVGA3D_EXTRA = [DEV + "Graphics/" + f for f in ("DevVGA-SVGA.cpp", "DevVGA-SVGA.h", "DevVGA-SVGA3d.h",
                                                 "DevVGA-SVGA3d-internal.h", "DevVGA.h", "vmsvga")]

# advisory: where the fix is public; the CVE named only where a public write-up names the code.
CASES = [
    {"id": "vdma-blt", "advisory": "CVE-2018-2698 (SSD advisory: VDMA blit)", "before": "5.2.4", "after": "5.2.6",
     "file": DEV + "Graphics/DevVGA_VDMA.cpp", "extra": [DEV + "Graphics/DevVGA.h"],
     "function": "vboxVDMACmdExecBltPerform", "pattern": r"memcpy\s*\(pvDstSurf \+ cbOff"},
    {"id": "vdma-blt-lines", "advisory": "CVE-2018-2698 (SSD advisory: VDMA blit, line loop)", "before": "5.2.4",
     "after": "5.2.6", "file": DEV + "Graphics/DevVGA_VDMA.cpp", "extra": [DEV + "Graphics/DevVGA.h"],
     "function": "vboxVDMACmdExecBltPerform", "pattern": r"memcpy\s*\(pvDstStart, pvSrcStart, cbDstLine"},
    {"id": "vdma-bpb", "advisory": "CVE-2018-2698 (SSD advisory: VDMA BPB transfer)", "before": "5.2.4",
     "after": "5.2.6", "file": DEV + "Graphics/DevVGA_VDMA.cpp", "extra": [DEV + "Graphics/DevVGA.h"],
     "function": "vboxVDMACmdExecBpbTransfer", "pattern": r"pvRam\+pTransfer->Src\.offVramBuf"},
    {"id": "svga3d-transform", "advisory": "Oracle CPU Jul 2019 (6.0.10): VMSVGA3D transform type", "before": "6.0.8",
     "after": "6.0.10", "file": DEV + "Graphics/DevVGA-SVGA3d-ogl.cpp",
     "extra": SVGA3D_EXTRA,
     "function": "vmsvga3dSetTransform", "pattern": r"aTransformState\[type\]"},
    {"id": "e1k-fallback", "advisory": "E1000 0day (full disclosure, Nov 2018): fallback TX segment bound (6.0.6)",
     "before": "6.0.4", "after": "6.0.6", "file": DEV + "Network/DevE1000.cpp", "extra": [],
     "function": "e1kFallbackAddSegment", "pattern": r"PDMDevHlpPhysRead"},
    {"id": "ohci-buf", "advisory": "Oracle CPU Apr 2019 (6.0.6): OHCI TD buffer", "before": "6.0.4", "after": "6.0.6",
     "file": DEV + "USB/DevOHCI.cpp", "extra": [],
     "function": "ohciR3RhXferCompleteGeneralURB|ohciR3PhysWrite\\w*", "pattern": r"aVecs\[0\]|PhysWrite"},
    {"id": "svga3d-light", "advisory": "Oracle CPU Jul 2019 (6.0.10): VMSVGA3D light index", "before": "6.0.8",
     "after": "6.0.10", "file": DEV + "Graphics/DevVGA-SVGA3d-ogl.cpp",
     "extra": SVGA3D_EXTRA,
     "function": "vmsvga3dSetLightEnabled", "pattern": r"aLightData\[index\]"},
    {"id": "e1k-pcss", "advisory": "Oracle CPU Oct 2019 (6.0.14): E1000 RX checksum start", "before": "6.0.12",
     "after": "6.0.14", "file": DEV + "Network/DevE1000.cpp", "extra": [],
     "function": "e1kHandleRxPacket", "pattern": r"e1kCSum16\s*\(rxPacket \+"},
    {"id": "hda-sd", "advisory": "Oracle CPU Oct 2019 (6.0.14): HDA codec stream id", "before": "6.0.12",
     "after": "6.0.14", "file": DEV + "Audio/HDACodec.cpp", "extra": [DEV + "Audio/HDACodec.h", DEV + "Audio/DevHDA.h",
                                                                     DEV + "Audio/DevHDACommon.h"],
     "function": "vrbProcSetStreamId", "pattern": r"uSD"},
    {"id": "buslogic-param", "advisory": "Oracle CPU Jan 2021 (6.1.18): BusLogic command parameters",
     "before": "6.1.16", "after": "6.1.18", "file": DEV + "Storage/DevBusLogic.cpp", "extra": [],
     "function": "buslogicRegisterWrite", "pattern": r"aCommandBuffer\[pThis->iParameter"},
    {"id": "vboxscsi-read", "advisory": "RWCTF 2021 / secret.club VirtualBox 6.1 escape: VBoxSCSI read string",
     "before": "6.1.16", "after": "6.1.18", "file": DEV + "Storage/VBoxSCSI.cpp", "extra": [DEV + "Storage/VBoxSCSI.h"],
     "function": "vboxscsiReadString", "pattern": r"memcpy|pbBuf"},
    {"id": "svga-width", "advisory": "Oracle CPU Apr 2021 (6.1.20): VMSVGA mode width/height/bpp",
     "before": "6.1.18", "after": "6.1.20", "file": DEV + "Graphics/DevVGA-SVGA.cpp",
     "extra": [DEV + "Graphics/DevVGA-SVGA.h", DEV + "Graphics/DevVGA.h"],
     "function": "vmsvgaHCUpdatePitch|vmsvga\\w*", "pattern": r"uWidth|cbScanline"},
]


def _git(repo: str, *args: str) -> str:
    return subprocess.run(["git", f"--git-dir={repo}", *args], check=True, capture_output=True, text=True).stdout


def release_commit(repo: str, version: str) -> str:
    out = _git(repo, "log", "--all", "--format=%H %ct %s", "--grep", f"upstream version {version}-dfsg",
               "--grep", f"Upstream version {version}-dfsg")
    rows = [ln.split(" ", 2) for ln in out.splitlines() if re.search(rf"version {re.escape(version)}-dfsg\b", ln)]
    if not rows:
        raise SystemExit(f"taint_known: no import of {version} in {repo}")
    return max(rows, key=lambda r: int(r[1]))[0]


def export(repo: str, commit: str, paths: list[str], dest: Path) -> None:
    mark = dest / ".export-commit"
    if mark.exists() and mark.read_text().strip() == commit:
        return
    dest.mkdir(parents=True, exist_ok=True)
    have = set(_git(repo, "ls-tree", "-r", "--name-only", commit, "--", *paths).split())
    arch = subprocess.Popen(["git", f"--git-dir={repo}", "archive", commit, *sorted(have)], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    subprocess.run(["tar", "-x", "-C", str(dest)], stdin=arch.stdout, check=True)
    arch.wait()  # (a blob left out of a partial mirror is skipped)
    mark.write_text(commit + "\n")


def run_taint(tree: Path) -> tuple[dict, float]:
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "srcscan", "taint", "--src", str(tree), "--format", "json"],
                         capture_output=True, text=True)
    secs = time.perf_counter() - t0
    if out.returncode not in (0, 1):
        raise SystemExit(f"taint_known: srcscan taint failed on {tree}: {out.stderr.strip().splitlines()[-1:]}")
    return json.loads(out.stdout), secs


def at_sink(doc: dict, case: dict) -> dict | None:
    """The finding at the case's faulty sink: unchecked first (as the answer ranks them)."""
    fn, pat = re.compile(rf"^(?:{case['function']})$"), re.compile(case["pattern"])
    for f in doc["findings"]:
        s = f["sink"]
        if (s.get("file") or "").endswith(case["file"]) and fn.match(s.get("function") or "") and \
                (pat.search(s.get("code") or "") or pat.search(s.get("model") or "")):
            return f
    return None


def describe(f: dict | None) -> str:
    if f is None:
        return "gone"
    return "checked" if f["checked"] else f"unchecked #{f['rank']}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repo", default="/work/.mirror/pop-os+virtualbox/repo", help="bare pop-os/virtualbox mirror")
    ap.add_argument("--out", default=os.environ.get("TAINT_KNOWN_OUT", "/tmp/taint_known"),
                    help="where the releases are exported (never inside a git worktree)")
    ap.add_argument("--cases", nargs="*", help="case ids (default: all)")
    ap.add_argument("--json", help="write the rows as JSON here")
    args = ap.parse_args(argv)
    rows, cache = [], {}
    for case in CASES:
        if args.cases and case["id"] not in args.cases:
            continue
        got = {}
        for side in ("before", "after"):
            ver = case[side]
            dest = Path(args.out) / f"{Path(case['file']).stem}-{ver}"
            key = (str(dest), case["file"])
            if key not in cache:
                commit = release_commit(args.repo, ver)
                export(args.repo, commit, [case["file"], *case["extra"], "include/VBox", "include/iprt"], dest)
                cache[key] = run_taint(dest)
            doc, secs = cache[key]
            f = at_sink(doc, case)
            un = sum(1 for x in doc["findings"] if not x["checked"] and (x["sink"]["file"] or "").endswith(case["file"]))
            got[side] = {"finding": f and {k: f[k] for k in ("id", "checked", "rank", "steps")} | {
                "sink": f["sink"]["model"], "line": f["sink"]["line"], "source": f["source"]["model"]},
                "state": describe(f), "unchecked_in_file": un, "seconds": round(secs, 2)}
        ok = got["before"]["state"].startswith("unchecked") and not got["after"]["state"].startswith("unchecked")
        rows.append({"case": case["id"], "advisory": case["advisory"], "file": case["file"][len(DEV):],
                     "releases": f"{case['before']} -> {case['after']}", **got, "ok": ok})
    hdr = f"{'advisory':<58} {'device file':<26} {'releases':<17} {'before':<14} {'after':<14} {'rank':>9} ok"
    print(hdr)
    print("-" * len(hdr))
    for r in rows:
        b = r["before"]
        rank = f"{b['finding']['rank']}/{b['unchecked_in_file']}" if b["finding"] and b["finding"]["rank"] else "-"
        print(f"{r['advisory'][:58]:<58} {r['file'][:26]:<26} {r['releases']:<17} {b['state']:<14} "
              f"{r['after']['state']:<14} {rank:>9} {'yes' if r['ok'] else 'MISS'}")
    hits = sum(r["ok"] for r in rows)
    adv = {r["advisory"].split(" (")[0] for r in rows if r["ok"]}
    print(f"\n{hits}/{len(rows)} fixes seen (before unchecked, after checked or gone); "
          f"{len(adv)} distinct advisories")
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
