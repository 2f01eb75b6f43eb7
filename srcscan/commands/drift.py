"""srcscan drift: how fast a guest clock drifts because of the TSC frequency it is told, and the fix."""
from __future__ import annotations

import json

from .. import cli
from ..logs.drift import Drift, fix_lines, group_thousands, load_config, read_dmesg, scan_log
from ..errors import NotFound, UsageError
from ..logs.vboxlog import open_log, printable
from ..util import note

NAME = "drift"
HELP = "guest clock drift from the TSC frequency in VBox.log, and the setextradata fix"
DESCRIPTION = """\
Read the TSC frequency VirtualBox tells the guest from VBox.log (the TM cTSCTicksPerSecond
line, and the KVM system-time struct's u32TscScale/i8TscShift where the log has it,
recomputed into a frequency), compare it with what the TSC really does (--actual-hz, or a
guest's dmesg), and print the error in ppm, seconds lost or gained per minute, hour and
day, and the VBoxManage command that sets the right frequency.

Which lines are read, and the fix's wording, live in queries/models/drift.toml.

examples:
  srcscan drift VBox.log --actual-hz 3400109000
  srcscan drift VBox.log --guest-dmesg dmesg.txt --format json
"""


def register(p) -> None:
    p.add_argument("log", metavar="VBOX_LOG", help="the VM's VBox.log (- for stdin; .gz is fine)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--actual-hz", metavar="HZ", help="the real TSC frequency in Hz (3400109000, 3.400109e9, 3400.109MHz)")
    g.add_argument("--guest-dmesg", metavar="FILE",
                   help="dmesg of a guest that measures the TSC (tsc: Detected N MHz, TSC freq read from hypervisor, "
                        "tsc: Refined TSC clocksource calibration)")
    cli.add_output_options(p, ["text", "json"])


def parse_hz(text: str) -> int:
    t = text.strip().lower().replace(" ", "").replace("_", "")
    mult = 1
    for suffix, m in (("ghz", 10 ** 9), ("mhz", 10 ** 6), ("khz", 10 ** 3), ("hz", 1)):
        if t.endswith(suffix):
            t, mult = t[: -len(suffix)], m
            break
    try:
        hz = float(t) * mult
    except ValueError:
        raise UsageError(f"--actual-hz {text!r}: not a frequency (try 3400109000 or 3400.109MHz)") from None
    if not 1e3 <= hz <= 1e12:
        raise UsageError(f"--actual-hz {text!r}: {hz:g} Hz is not a plausible TSC frequency")
    return int(round(hz))


def _duration(seconds: float) -> str:
    s = abs(seconds)
    if s < 120:
        return f"{s:.2f} s"
    if s < 7200:
        return f"{s / 60:.1f} min ({s:.0f} s)"
    return f"{s / 3600:.2f} h ({s:.0f} s)"


def analyse(args) -> dict:
    cfg = load_config()
    actual_hz = parse_hz(args.actual_hz) if args.actual_hz is not None else None  # reject bad options first
    dmesg = read_dmesg(args.guest_dmesg, cfg) if args.guest_dmesg else None
    log = open_log(args.log)
    found = scan_log(log, cfg)
    if found.ignored_count:
        more = f" (and {found.ignored_count - len(found.ignored)} more)" if found.ignored_count > len(found.ignored) else ""
        note(f"warning: {args.log}: {found.ignored_count} TSC line(s) ignored: {'; '.join(found.ignored)}{more}")
    if not found.told and not found.kvm:
        raise NotFound(f"{args.log}: no TSC frequency line found "
                       f"(looked for {cfg['told'].get('what', 'the told-frequency line')} and the KVM system-time struct)")
    res: dict = {"log": args.log, "version": found.version, "revision": found.revision, "vm_name": found.vm_name,
                 "layout": log.layout.describe(), "notes": [], "told": None, "kvm": None, "actual": None,
                 "drift": None, "fix": None}
    notes = res["notes"]
    told_values = found.told_values()
    if found.told:
        last = found.told[-1]
        res["told"] = {"hz": int(last.value), "expr": cfg["told"].get("expr"), "log_line": last.lineno,
                       "time": last.time, "text": last.text, "values": told_values}
        if len(told_values) > 1:
            notes.append("the log prints different told frequencies: " + ", ".join(group_thousands(v) for v in told_values)
                         + f" Hz; using the last one (line {last.lineno})")
    if found.kvm:
        k = found.kvm[-1]
        pairs = sorted({(x.scale, x.shift) for x in found.kvm})
        res["kvm"] = {"scale": k.scale, "shift": k.shift, "hz": k.hz, "log_line": k.lineno, "time": k.time,
                      "khz_printed": k.khz, "structs": len(found.kvm), "distinct": [list(p) for p in pairs]}
        if len(pairs) > 1:
            notes.append(f"the VCPUs were given {len(pairs)} different (scale, shift) pairs; using the last")
        if res["told"]:
            ppm = (k.hz / res["told"]["hz"] - 1) * 1e6
            res["kvm"]["ppm_vs_told"] = ppm
            if abs(ppm) > 1:
                notes.append(f"values disagree: the KVM system-time struct (u32TscScale={k.scale:#x} "
                             f"i8TscShift={k.shift}) means {group_thousands(k.hz)} Hz, {ppm:+.1f} ppm off the "
                             f"cTSCTicksPerSecond line; the guest's clock follows the struct")
    guest_hz = res["kvm"]["hz"] if res["kvm"] and (not res["told"] or abs(res["kvm"]["ppm_vs_told"]) > 1) \
        else res["told"]["hz"]
    res["guest_hz"] = guest_hz
    if dmesg is not None:
        actual_hz = dmesg.hz
        res["actual"] = {"hz": dmesg.hz, "from": "guest dmesg", "file": args.guest_dmesg, "line": dmesg.lineno,
                         "text": dmesg.text}
        if dmesg.kvm_clock and abs(dmesg.hz / guest_hz - 1) < 50e-6:
            notes.append("this dmesg comes from a kvm-clock guest, which is told its TSC frequency: it repeats the "
                         "told value instead of measuring the real one; use a dmesg from a guest that measures "
                         "(VMware, Hyper-V, bare metal) or --actual-hz")
    elif actual_hz is not None:
        res["actual"] = {"hz": actual_hz, "from": "--actual-hz"}
    if actual_hz is not None:
        d = Drift(guest_hz, actual_hz)
        res["drift"] = d.to_json()
        command, caveats, warnings = fix_lines(cfg, found.vm_name, actual_hz)
        res["fix"] = {"command": command, "hz": actual_hz, "cfgm_key": cfg["fix"].get("cfgm_key"),
                      "caveats": caveats, "warnings": warnings}
    return res


def render_text(r: dict) -> str:
    out = []
    head = f"{r['log']}: "
    head += f"VirtualBox {r['version']}" + (f" r{r['revision']}" if r.get("revision") else "") if r["version"] \
        else "VirtualBox version not found"
    head += f", VM {r['vm_name']!r}" if r["vm_name"] else ""
    out.append(printable(head))
    if r["told"]:
        t = r["told"]
        out.append(f"told to the guest:  {group_thousands(t['hz']):>17} Hz  ({t['expr']}, line {t['log_line']})")
    if r["kvm"]:
        k = r["kvm"]
        agree = ""
        if "ppm_vs_told" in k:
            agree = " - agrees" if abs(k["ppm_vs_told"]) <= 1 else " - DISAGREES"
            agree += f" ({k['ppm_vs_told'] + 0.0:+.3f} ppm)".replace("-0.000", "+0.000")
        out.append(f"  KVM system time:  {group_thousands(k['hz']):>17} Hz  (u32TscScale={k['scale']:#x} "
                   f"i8TscShift={k['shift']}, line {k['log_line']}){agree}")
    if r["actual"]:
        a = r["actual"]
        src = a["from"] + (f" {a['file']}:{a['line']}: {a['text']}" if a.get("file") else "")
        out.append(printable(f"actual:             {group_thousands(a['hz']):>17} Hz  ({src})"))
    d = r["drift"]
    if d:
        if d["direction"] == "exact":
            out.append("the guest clock runs at the right rate: nothing to fix")
        else:
            word = "loses" if d["direction"] == "slow" else "gains"
            out.append(f"guest clock runs {d['direction'].upper()} by {abs(d['percent']):.3f} % "
                       f"({abs(d['ppm']):,.1f} ppm)".replace(",", " "))
            out.append(f"  {d['guest_seconds_per_minute']:.2f} s of guest time per real minute")
            e = d["error_seconds"]
            out.append(f"  {word} {_duration(e['minute'])} per minute, {_duration(e['hour'])} per hour, "
                       f"{_duration(e['day'])} per day")
    else:
        out.append("actual frequency unknown: give --actual-hz HZ or --guest-dmesg FILE for the drift and the fix")
    for n in r["notes"]:
        out.append(printable(f"note: {n}"))
    f = r["fix"]
    if f and d and d["direction"] != "exact":
        out.append("")
        out.append("fix (tell the guest the real frequency):")
        out.append(printable("  " + f["command"]))
        for c in f["caveats"]:
            out.append(printable(f"  - {c}"))
        for w in f["warnings"]:
            out.append(printable(f"  warning: {w}"))
    return "\n".join(out) + "\n"


def run(args) -> int:
    res = analyse(args)
    text = json.dumps(res, indent=2, ensure_ascii=True) + "\n" if args.format == "json" else render_text(res)
    cli.emit(text, args.output)
    return 0
