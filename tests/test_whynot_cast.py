"""A cast is never a call (issue 30): `(RTMSINTERVAL)(x)` reads to tree-sitter as a call through
a pointer; the value goes through it as an assignment, and why-not never blames it."""
import json

from srcscan.cli import main

SRC = """typedef unsigned int RTMSINTERVAL;
typedef struct T { unsigned cMs; unsigned uOther; } T;
void f(T *p, unsigned long long EndTS) { p->cMs = (RTMSINTERVAL)((EndTS + 500000) / 1000000); }
void g(T *p, unsigned long long uX) { unsigned v = (RTMSINTERVAL)(uX); p->uOther = 1; }
"""


def test_a_cast_is_an_assignment_not_an_indirect_call(tmp_path, capsys):
    (tmp_path / "a.c").write_text(SRC)
    assert main(["trace", "EndTS", "--src", str(tmp_path), "--no-cache", "--paths"]) == 0
    out = capsys.readouterr().out
    assert "    -> T.cMs  [field]\n       field-store at a.c:3 in f()" in out
    assert "indirect" not in out
    rc = main(["why-not", "uX", "T.uOther", "--src", str(tmp_path), "--no-cache", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert rc == 0 and doc["path_exists"] is False
    assert not [r for r in doc["reasons"] if r["kind"] in ("indirect-call", "external-function")]
    assert main(["why-not", "uX", "T.uOther", "--src", str(tmp_path), "--no-cache"]) == 0
    assert "  downstream of uX ends at: g:v" in capsys.readouterr().out  # a label, not local:a.c:g:v
