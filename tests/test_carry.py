"""Answers carried from one revision to the next (issue 34, srcscan/query/carry.py): a
revision whose changed files cannot touch the flow takes the previous revision's answer
without a trace; one whose changed file writes the flow's field, defines a macro its
statements use, or holds it is traced. history gives the same changes either way."""
from __future__ import annotations

import pytest

from histories import git, make_history
from srcscan.extract.cache import FactCache
from srcscan.query.carry import can_carry
from srcscan.query.history import GitSource, Query, history

SYM = "cTscTicksPerSecond"
RESET = ("#include \"GIMKvmInternal.h\"\n"
         "void gimR3KvmReset(PGIMKVM pKvm)\n{\n    pKvm->cTscTicksPerSecond = 0;\n}\n")


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    h = make_history(tmp_path_factory.mktemp("c") / "r", n=6, flips={3: "const"})
    git(h.path, "checkout", "-q", "-f", "main")
    for name, text in (("src/VBox/VMM/VMMR3/Other.cpp", "int vmmR3Other(void) { return 1; }\n"),
                       ("src/VBox/VMM/VMMR3/GIMKvmReset.cpp", RESET),  # a new writer of the field
                       ("src/VBox/VMM/VMMR3/Other2.cpp", "int vmmR3Other2(void) { return 2; }\n")):
        (h.path / name).write_text(text)
        git(h.path, "add", name)
        git(h.path, "commit", "-q", "-m", f"add {name}")
    return h


def _history(repo, folder, monkeypatch, carry: bool, jobs=0):
    monkeypatch.setenv("SRCSCAN_HISTORY_CARRY", "1" if carry else "0")
    cache = FactCache(folder)
    try:
        return history(GitSource(repo.path), Query(SYM), "main~8", "main", cache, jobs, progress=False)
    finally:
        cache.close()


def _answer(res):
    return [c.after.revision.subject for c in res.changes], [p.fingerprint.digest() for p in res.evaluated]


@pytest.mark.parametrize("jobs", [0, 2])
def test_history_carries_answers_over_unrelated_files_and_traces_the_rest(repo, tmp_path, monkeypatch, jobs):
    off = _history(repo, tmp_path / "off", monkeypatch, False)
    on = _history(repo, tmp_path / "on", monkeypatch, True, jobs)
    assert _answer(on) == _answer(off)
    subjects = _answer(on)[0]
    assert any("GIMKvmReset" in s for s in subjects) and len(subjects) == 2  # the flip and the new writer
    # 8 revisions: the churn-only ones and the two unrelated new files are carried; the flip,
    # the new writer and the first revision are traced
    assert off.stats["answers_carried"] == 0 and on.stats["answers_carried"] >= 4


class _Snap:
    def __init__(self, files: dict):
        self._f = files

    def has(self, path):
        return path in self._f

    def read(self, path):
        return self._f[path].encode()

    def files(self):
        return [(p, str(hash(t))) for p, t in self._f.items()]


TJ = {"nodes": [{"id": "field:GIMKVM.cTscTicksPerSecond", "kind": "field", "name": SYM, "owner": "GIMKVM",
                 "file": "a.h"},
                {"id": "local:f:u", "kind": "local", "name": "u", "owner": "gimR3KvmUpdate", "file": "k.cpp"}],
      "edges": [{"src": "field:GIMKVM.cTscTicksPerSecond", "dst": "local:f:u", "kind": "assign", "file": "k.cpp",
                 "function": "gimR3KvmUpdate", "code": "uint64_t u = pKvm->cTscTicksPerSecond * TSC_MUL;",
                 "guards": [], "preproc": ["IN_RING3"]}]}


@pytest.mark.parametrize("text,carried", [
    ("int other(PVM pVM) { return pVM->x; }\n", True),  # shares only common names with the statements
    ("void g(PGIMKVM p) { p->cTscTicksPerSecond = 1; }\n", False),  # writes the field
    ("void h(void) { gimR3KvmUpdate(0); }\n", False),  # a new caller of a function on the slice
    ("#define TSC_MUL 3\n", False),  # a macro the slice's statement uses
    ("#undef IN_RING3\n", False),  # a condition of the slice
    ("typedef struct X { int a; } GIMKVM;\n", False),  # the type owning the field
    ("typedef GIMKVM *PGIMKVM;\n", False),  # a pointer type to it (how a local's field resolves)
    ("typedef int GIMKVMX;\n", True),
])
def test_what_a_changed_file_must_not_do(text, carried):
    old = _Snap({"a.h": "", "k.cpp": ""})
    new = _Snap({"a.h": "", "k.cpp": "", "new.h": text})
    assert can_carry(TJ, SYM, None, {"new.h"}, old, new) is carried
    # the same file removed: its old version is read
    assert can_carry(TJ, SYM, None, {"new.h"}, new, old) is carried
    # a file of the slice itself changed: never carried
    assert can_carry(TJ, SYM, None, {"k.cpp"}, old, old) is False


def test_no_carry_when_names_match_ignoring_case():
    old, new = _Snap({"a.h": ""}), _Snap({"a.h": "", "n.h": "int other;\n"})
    assert can_carry(TJ, SYM, None, {"n.h"}, old, new) is True
    assert can_carry(TJ, SYM, None, {"n.h"}, old, new, ignore_case=True) is False
