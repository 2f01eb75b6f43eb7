"""The semantic mutant catalogue (scripts/mutants/*.toml, docs/testing.md) stays live: every
mutant's old snippet is found exactly once in its module, so an engine change that moves the
code it breaks fails here (re-snip the entry) instead of silently dropping a check."""
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import mutation_catalogue as mc  # noqa: E402


def test_no_catalogue_entry_is_stale():
    entries = mc.load()
    assert len(entries) >= 100
    lines = []
    assert mc.check(entries, ROOT, out=lines.append) == 0, [s for s in lines if ": stale" in s]
    assert len({e.id for e in entries}) == len(entries)  # ids name one mutant each


def test_a_stale_entry_is_reported():
    """The check itself: a snippet that is no longer in its module counts as stale."""
    entry = mc.load()[0]
    stale = dataclasses.replace(entry, old=entry.old + "\n# no longer in the module")
    lines = []
    assert mc.check([stale], ROOT, out=lines.append) == 1
    assert ": stale (0 matches):" in lines[0]
