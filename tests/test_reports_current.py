"""reports/ holds example reports of the sample tree; they must match what srcscan makes now.
Regenerate with: python scripts/regen_reports.py"""
from __future__ import annotations

import importlib.util
from pathlib import Path



REPO = Path(__file__).resolve().parent.parent


def test_reports_are_current():
    spec = importlib.util.spec_from_file_location("regen_reports", REPO / "scripts" / "regen_reports.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    bad = mod.stale()
    assert not bad, "reports/ is not current (run: python scripts/regen_reports.py): " + ", ".join(bad)
