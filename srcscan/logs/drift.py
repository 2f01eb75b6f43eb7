"""Guest clock drift from a wrong TSC frequency: the maths, and the inputs read from
VBox.log and a guest's dmesg (patterns in ``queries/models/drift.toml``).

A guest that is *told* the TSC runs at ``told`` Hz while it really runs at ``actual`` Hz
counts ``actual / told`` guest seconds per real second. A kvm-clock guest does not even
see ``told`` directly: it gets a system-time struct and computes
``ns = ((tsc << shift  or  tsc >> -shift) * scale) >> 32``, so the frequency it assumes is
``1e9 * 2**32 / (scale * 2**shift)`` (``kvm_hz``); ``kvm_scale_shift`` is the forward
direction, the same integer steps the hypervisor takes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import UsageError
from ..util import shell_command, shell_quote  # noqa: F401 (shell_quote: part of this module's interface)

NS_PER_SEC = 1_000_000_000


# --------------------------------------------------------------------------- maths

def kvm_scale_shift(hz: int) -> tuple[int, int]:
    """(u32TscScale, i8TscShift) for a TSC frequency: shift the frequency into
    (1e9, 2e9], then scale = (1e9 << 32) / frequency, as 32-bit integers."""
    if hz <= 0:
        raise ValueError("frequency must be positive")
    f, shift = int(hz), 0
    while f > 2 * NS_PER_SEC:
        f >>= 1
        shift -= 1
    lo = f & 0xFFFFFFFF
    while lo <= NS_PER_SEC:
        lo <<= 1
        shift += 1
    return ((NS_PER_SEC << 32) // lo) & 0xFFFFFFFF, shift


def kvm_hz(scale: int, shift: int) -> float:
    """The TSC frequency a guest assumes from a system-time struct (scale, shift)."""
    if scale <= 0:
        raise ValueError("u32TscScale must be positive")
    return NS_PER_SEC * 2.0 ** 32 / (scale * 2.0 ** shift)


MIN_HZ, MAX_HZ = 1e3, 1e12  # a TSC frequency outside this is a damaged or forged number


def plausible_hz(hz: float) -> bool:
    return MIN_HZ <= hz <= MAX_HZ


def kvm_problem(scale: int, shift: int) -> str | None:
    """Why a (u32TscScale, i8TscShift) pair read from a log cannot be a real struct, or None."""
    if not 0 < scale <= 0xFFFFFFFF:
        return f"u32TscScale={_short(hex(scale))} is not a 32-bit value above 0"
    if not -128 <= shift <= 127:
        return f"i8TscShift={_short(str(shift))} is not an 8-bit value"
    hz = kvm_hz(scale, shift)
    if not plausible_hz(hz):
        return f"u32TscScale={scale:#x} i8TscShift={shift} means {hz:.3g} Hz, not a plausible TSC frequency"
    return None


def _short(s: str, limit: int = 40) -> str:
    return s if len(s) <= limit else s[:limit - 1] + "\u2026"


@dataclass
class Drift:
    told_hz: float
    actual_hz: float

    @property
    def ratio(self) -> float:
        """Guest seconds per real second."""
        return self.actual_hz / self.told_hz

    @property
    def ppm(self) -> float:
        """Rate error in parts per million; negative: the guest clock is slow."""
        return (self.ratio - 1.0) * 1e6

    @property
    def direction(self) -> str:
        return "slow" if self.ratio < 1 else "fast" if self.ratio > 1 else "exact"

    def guest_seconds(self, real_seconds: float) -> float:
        return real_seconds * self.ratio

    def error_seconds(self, real_seconds: float) -> float:
        """Seconds lost (negative) or gained (positive) in ``real_seconds`` of real time."""
        return real_seconds * (self.ratio - 1.0)

    def to_json(self) -> dict:
        return {"told_hz": self.told_hz, "actual_hz": self.actual_hz, "ratio": self.ratio, "ppm": self.ppm,
                "percent": self.ppm / 1e4, "direction": self.direction,
                "guest_seconds_per_minute": self.guest_seconds(60),
                "error_seconds": {"minute": self.error_seconds(60), "hour": self.error_seconds(3600),
                                  "day": self.error_seconds(86400)}}


# --------------------------------------------------------------------------- inputs

def load_config(doc: dict | None = None) -> dict:
    """drift.toml with its regexes compiled; a bad pattern is a one-line error."""
    if doc is None:
        from ..datafiles import load_toml

        doc = load_toml("models/drift.toml")
    cfg = dict(doc)
    try:
        for sect, key in (("told", "patterns"), ("kvm", "patterns"), ("log", "version"), ("log", "vm_name"),
                          ("dmesg", "patterns")):
            cfg.setdefault(sect, {})
            cfg[sect] = dict(cfg[sect])
            cfg[sect][key + "_re"] = [re.compile(p) for p in cfg[sect].get(key, [])]
    except re.error as e:
        raise UsageError(f"queries/models/drift.toml: bad pattern in [{sect}] {key}: {e}") from e
    for sect in ("told", "kvm"):
        pre = cfg[sect].get("prefilter", [])
        if not isinstance(pre, list) or not all(isinstance(x, str) and x for x in pre):
            raise UsageError(f"queries/models/drift.toml: [{sect}] prefilter must be a list of non-empty strings")
        cfg[sect]["prefilter"] = tuple(pre)
    if "fix" not in cfg or "command" not in cfg["fix"]:
        raise UsageError("queries/models/drift.toml: [fix] needs a command template")
    return cfg


def parse_number(text: str) -> int:
    """'3 478 274 491', '3478274491', '0xcf5241bb', '-1' -> int."""
    t = text.strip().replace(" ", "")
    return int(t, 16) if t[:2].lower() == "0x" else int(t)


@dataclass
class Seen:
    value: int | float
    lineno: int
    time: str | None
    text: str


@dataclass
class KvmSeen:
    scale: int
    shift: int
    cpu: int | None
    khz: int | None
    lineno: int
    time: str | None
    text: str

    @property
    def hz(self) -> float:
        return kvm_hz(self.scale, self.shift)


@dataclass
class LogFindings:
    told: list[Seen] = field(default_factory=list)
    kvm: list[KvmSeen] = field(default_factory=list)
    version: str | None = None
    revision: str | None = None
    vm_name: str | None = None
    MAX_KEPT = 256  # per list: bounded memory on endless logs

    ignored: list[str] = field(default_factory=list)  # lines whose numbers make no sense
    ignored_count: int = 0

    def ignore(self, lineno: int, why: str) -> None:
        self.ignored_count += 1
        if len(self.ignored) < 3:
            self.ignored.append(f"line {lineno}: {why}; line ignored")

    def told_values(self) -> list[int]:
        return sorted({int(s.value) for s in self.told})


def scan_log(lines, cfg: dict) -> LogFindings:
    """Read what drift needs from an iterable of vboxlog.LogLine."""
    out = LogFindings()
    told_re, kvm_re = cfg["told"]["patterns_re"], cfg["kvm"]["patterns_re"]
    told_pre, kvm_pre = cfg["told"].get("prefilter", ()), cfg["kvm"].get("prefilter", ())
    ver_re, name_re = cfg["log"]["version_re"], cfg["log"]["vm_name_re"]
    for ln in lines:
        text = ln.text
        if out.version is None:
            for r in ver_re:
                m = r.search(text)
                if m:
                    out.version, out.revision = m.group("version"), m.groupdict().get("revision")
                    break
        if out.vm_name is None:
            for r in name_re:
                m = r.search(text)
                if m:
                    out.vm_name = m.group("name")
                    break
        # the prefilters (drift.toml) are a cheap skip for the other 99.9 % of lines
        for r in told_re if not told_pre or any(x in text for x in told_pre) else ():
            m = r.search(text)
            if m and len(out.told) < out.MAX_KEPT:
                hz = parse_number(m.group("hz"))
                if plausible_hz(hz):
                    out.told.append(Seen(hz, ln.lineno, ln.time, text))
                else:
                    out.ignore(ln.lineno, f"told frequency {_short(m.group('hz'))} Hz is not a plausible TSC frequency")
                break
        for r in kvm_re if not kvm_pre or any(x in text for x in kvm_pre) else ():
            m = r.search(text)
            if m and len(out.kvm) < out.MAX_KEPT:
                g = m.groupdict()
                seen = KvmSeen(parse_number(g["scale"]), int(g["shift"]), int(g["cpu"]) if g.get("cpu") else None,
                               int(g["khz"]) if g.get("khz") else None, ln.lineno, ln.time, text)
                why = kvm_problem(seen.scale, seen.shift)
                if why:
                    out.ignore(ln.lineno, why)
                else:
                    out.kvm.append(seen)
                break
    return out


@dataclass
class DmesgFinding:
    hz: int
    lineno: int
    text: str
    kvm_clock: bool  # the dmesg comes from a kvm-clock guest: its frequency is the told one


def read_dmesg(path: str, cfg: dict) -> DmesgFinding:
    """The best TSC frequency a guest's dmesg reports (first pattern that matches wins)."""
    try:
        with open(path, "rb") as f:
            data = f.read(16 * 1024 * 1024)
    except OSError as e:
        raise UsageError(f"cannot read: {e.strerror or e}", path=path) from e
    text = data.decode("utf-8", "replace")
    kvm_clock = any(k in text for k in cfg["dmesg"].get("kvm_clock", []))
    lines = text.splitlines()
    bad = None  # the first frequency that makes no sense (0 MHz, 27 digits): skipped
    for r in cfg["dmesg"]["patterns_re"]:
        for i, line in enumerate(lines):
            m = r.search(line)
            if m:
                g = m.groupdict()
                try:
                    if g.get("mhz"):
                        hz = float(g["mhz"]) * 1e6
                    elif g.get("khz"):
                        hz = float(g["khz"]) * 1000
                    else:
                        hz = float(parse_number(g["hz"]))
                except (ValueError, OverflowError, TypeError):
                    hz = float("nan")
                if not plausible_hz(hz):  # (NaN fails too)
                    shown = next(v for v in (g.get("mhz"), g.get("khz"), g.get("hz")) if v)
                    bad = bad or f"line {i + 1}: {_short(shown)} {'MHz' if g.get('mhz') else 'kHz' if g.get('khz') else 'Hz'} " \
                                 "is not a plausible TSC frequency"
                    continue
                return DmesgFinding(int(round(hz)), i + 1, line.strip(), kvm_clock)
    if bad:
        raise UsageError(f"no plausible TSC frequency found ({bad})", path=path)
    raise UsageError("no TSC frequency found (looked for 'tsc: Detected N MHz', 'TSC freq read from "
                     "hypervisor', 'tsc: Refined TSC clocksource calibration')", path=path)


def fix_lines(cfg: dict, vm: str | None, hz: int) -> tuple[str, list[str], list[str]]:
    """(command, caveats, warnings) for setting the TSC frequency the guest is told."""
    fix = cfg["fix"]
    warnings = []
    if vm is not None and _CONTROL.search(vm):
        warnings.append("the VM name in the log holds control characters; put yours in place of <VM name>")
        vm = None
    subst = {"vm": shell_quote(vm) if vm is not None else '"<VM name>"', "cfgm_key": fix.get("cfgm_key", ""), "hz": int(round(hz))}
    command = shell_command(fix["command"], **{**subst, "vm": vm if vm is not None else "<VM name>"})
    caveats = [c.format(**subst) for c in fix.get("caveats", [])]
    lo, hi = fix.get("min_hz"), fix.get("max_hz")
    if (lo is not None and hz < lo) or (hi is not None and hz > hi):
        warnings.append(f"{int(round(hz))} Hz is outside the range {fix.get('cfgm_key')} accepts ({lo}..{hi})")
    if vm is None:
        warnings.append("the VM name was not found in the log; put yours in place of <VM name>")
    return command, caveats, warnings


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
def group_thousands(n: float) -> str:
    """3478274491 -> '3 478 274 491' (the way VBox.log prints %'RU64)."""
    s = f"{int(round(n)):,}".replace(",", " ")
    return s
