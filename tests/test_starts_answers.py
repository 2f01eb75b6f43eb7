"""Clear starts and complete answers (issue 30), through the command line: a name of many
owners is refused with the grouped list (unless --all-starts); a summary of several starts
gives one chain per start; no fix line for a config key srcscan could not tell; every text
view says how many paths it left out, --paths/--all list every one, and the summary names
every source and sink the slice reaches, listed or not."""
import json

import pytest

from srcscan.cli import main
from srcscan.datafiles import set_model_dirs


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch):
    monkeypatch.delenv("SRCSCAN_MODELS", raising=False)
    monkeypatch.delenv("SRCSCAN_SRC", raising=False)
    yield
    set_model_dirs([])


def run(capsys, *argv):
    rc = main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def _many_owners(tmp_path, n):
    t = tmp_path / "owners"
    t.mkdir()
    structs = "\n".join(f"typedef struct S{i} {{ unsigned fFlags; }} S{i};" for i in range(n))
    uses = "\n".join(f"void w{i}(S{i} *p, unsigned u) {{ p->fFlags = u; }}" for i in range(n))
    (t / "a.c").write_text(structs + "\n" + uses + "\n")
    return t


def test_a_name_of_many_owners_is_refused_with_the_owners_and_how_to_narrow(tmp_path, capsys):
    tree = _many_owners(tmp_path, 9)  # queries/config.toml [starts] max_owners = 8
    rc, out, err = run(capsys, "trace", "fFlags", "--src", str(tree), "--no-cache")
    lines = err.strip().splitlines()
    assert rc == 2 and out == ""
    i = next(k for k, ln in enumerate(lines) if ln.startswith("srcscan: error:"))
    assert lines[i] == "srcscan: error: fFlags names 9 values of 9 owners (more than 8); the owners follow"
    owners = lines[i + 1:i + 10]
    assert [ln.split()[0] for ln in owners] == sorted(f"S{k}" for k in range(9))
    assert all(ln.split()[1] == "1" for ln in owners)
    assert lines[-1].startswith("narrow it: STRUCT.fFlags (e.g. S0.fFlags)") and "--all-starts" in lines[-1]
    # a lazy scope refuses in its first round, before growing (no scope line: nothing was analysed)
    for k in range(20):  # files the first round does not read
        (tree / f"other{k}.c").write_text(f"int other{k}(int x) {{ return x + {k}; }}\n")
    rc, out, err = run(capsys, "trace", "fFlags", "--src", str(tree), "--no-cache", "--scope", "lazy")
    assert rc == 2 and "fFlags names 9 values of 9 owners" in err and "scope:" not in err
    # the narrowed name and --all-starts both trace
    rc, out, _ = run(capsys, "trace", "S3.fFlags", "--src", str(tree), "--no-cache")
    assert rc == 0 and "start:      S3.fFlags" in out
    rc, out, _ = run(capsys, "trace", "fFlags", "--src", str(tree), "--no-cache", "--all-starts")
    assert rc == 0
    assert "start:      9 values of 9 owners: S0.fFlags, S1.fFlags" in out
    # one chain per start, bounded by [summary] chains (6), the rest counted
    assert sum(ln.startswith("  chain:") for ln in out.splitlines()) == 6
    assert "+3 more starts' chains" in out


def test_few_owners_trace_with_one_chain_per_start(capsys):
    """The sample tree: cTscTicksPerSecond is a field of GIMHV and of GIMKVM. Each start has
    its chain; the KVM one also shows its second good answer, u32TscScale into guest memory."""
    rc, out, _ = run(capsys, "trace", "cTscTicksPerSecond", "--no-cache")
    assert rc == 0
    summary = out.split("\n\n")[1]
    chains = [block for block in summary.split("  chain:      ")[1:]]
    assert len(chains) == 2
    assert "GIMHV.cTscTicksPerSecond" in chains[0] and "GIMKVM.cTscTicksPerSecond" in chains[1]
    also = summary.split("  also:       ")[1]
    assert also.startswith("GIMKVM.cTscTicksPerSecond") and "GIMKVMSYSTEMTIME.u32TscScale" in also
    assert " ".join(also.split()).endswith("-> guest-memory:PGMPhysSimpleWriteGCPhys")


def test_no_fix_line_for_a_config_key_with_an_unknown_part(tmp_path, capsys):
    t = tmp_path / "q"
    t.mkdir()
    (t / "a.c").write_text('typedef struct CFGTEST { unsigned uEbx; } CFGTEST;\n'
                           'void rd(void *pNode, CFGTEST *p) { CFGMR3QueryU32(pNode, "ebx", &p->uEbx); }\n')
    rc, out, _ = run(capsys, "trace", "uEbx", "--src", str(t), "--no-cache")
    assert rc == 0 and "config key    /?/ebx" in out
    assert "VBoxManage" not in out and "fix:" not in out


def _wide(tmp_path):
    """62 short paths into distinct sinks and one longer one into a saved state."""
    t, m = tmp_path / "t", tmp_path / "m"
    t.mkdir()
    m.mkdir()
    calls = "\n".join(f"    Out{i}(p->uSeed);" for i in range(62))
    (t / "wide.c").write_text("typedef struct WIDE { unsigned uSeed; } WIDE;\nvoid fan(WIDE *p, void *pSSM) {\n"
                              "    unsigned a = p->uSeed;\n    unsigned b = a + 1;\n    unsigned c = b * 2;\n"
                              f"    SSMR3PutU32(pSSM, c);\n{calls}\n}}\n")
    (m / "out.toml").write_text('[[sink]]\nid = "export"\nfunctions = [' + ", ".join(f'"Out{i}"' for i in range(62))
                                + ']\n')
    return ["--src", str(t), "--models", str(m), "--no-cache"]


def test_text_says_what_it_left_out_and_the_summary_still_names_every_sink(tmp_path, capsys):
    args = _wide(tmp_path)
    rc, out, _ = run(capsys, "trace", "uSeed", *args)
    assert rc == 0
    assert "DOWNSTREAM: where the value goes (60 of 63 paths, 60 steps; 3 not listed: --all or --paths lists every one)" \
        in out
    assert "SSMR3PutU32" not in out.split("DOWNSTREAM")[1]  # the saved-state path is one of those left out
    assert "    saved state   saved-state:SSMR3PutU32  wide.c:6" in out  # ... yet the summary names it
    rc, out, _ = run(capsys, "trace", "uSeed", *args, "--all")
    assert "DOWNSTREAM: where the value goes (63 paths, 66 steps;" in out and "saved-state:SSMR3PutU32  [sink]" in out
    rc, out, _ = run(capsys, "trace", "uSeed", *args, "--paths")
    assert "DOWNSTREAM: where the value goes (63 paths)" in out
    assert sum(ln.startswith("  [") for ln in out.splitlines()) == 63
    rc, out, _ = run(capsys, "trace", "uSeed", *args, "--format", "json")
    doc = json.loads(out)
    assert doc["stats"]["paths"] == 60 and doc["stats"]["paths_not_listed"] == {"downstream": 3}


def test_html_and_markdown_say_what_they_left_out(tmp_path, capsys):
    args = _wide(tmp_path)
    rc, out, _ = run(capsys, "trace", "uSeed", *args, "--format", "markdown")
    assert "## Where it goes (60 of 63 paths)" in out and "_3 paths not listed: `srcscan trace` with `--all`" in out
    rc, out, _ = run(capsys, "trace", "uSeed", *args, "--format", "html")
    assert "(60 of 63 paths; 3 not listed: <code>srcscan trace</code> with <code>--all</code> lists every one)" in out
