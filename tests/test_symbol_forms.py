"""The spellings of a start symbol that name a function's parameter: ``func#N``, ``func:name``
(also for a file-static function, whose node id holds its file) and the node id itself all
start the same trace; a name the function has no parameter of is not found."""
from pathlib import Path

import pytest

import srcscan
from srcscan.errors import NotFound

FLOWS = Path(__file__).parent / "flows"


def _downstream(symbol, file):
    doc = srcscan.trace(symbol, src=str(FLOWS / file), cache=False).to_json()
    return doc["start"], sorted(n["id"] for n in doc["nodes"])


@pytest.mark.parametrize("file,by_pos,by_name", [
    ("summaries.c", "sumCallerA#0", "sumCallerA:uA"),        # an extern function
    ("summaries.c", "viaLocals#0", "viaLocals:u"),           # a file-static one: param:summaries.c:viaLocals#0
])
def test_parameter_by_position_and_by_name_agree(file, by_pos, by_name):
    a, b = _downstream(by_pos, file), _downstream(by_name, file)
    assert a == b
    assert len(a[1]) > 1  # the trace went somewhere


def test_a_name_that_is_no_parameter_is_not_found():
    with pytest.raises(NotFound):
        srcscan.trace("viaLocals:uNope", src=str(FLOWS / "summaries.c"), cache=False)


def test_an_unknown_name_suggests_the_five_closest(capsys):
    """A prefix of many names: the error line offers five of them, the shortest first."""
    from srcscan import cli

    src = FLOWS / "summaries.c"
    names = sorted({w for w in src.read_text().replace(",", " ").replace(";", " ").split() if w.startswith("g_u")},
                   key=lambda w: (len(w), w))
    assert len(names) > 5
    assert cli.main(["trace", "g_u", "--src", str(src), "--no-cache"]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    offered = err.split("did you mean: ", 1)[1].rstrip("?").split(", ")
    assert offered == names[:5], err


def test_an_unknown_member_suggests_the_owners_other_names(capsys):
    """``Struct.nosuch`` offers that struct's fields, ``func:nosuch`` that function's locals,
    however far their spelling is from the name typed."""
    from srcscan import cli

    src = FLOWS / "summaries.c"
    for typed, offered in (("VALS.uNoSuchFieldHere", "VALS.f"), ("mkCaller:uNoSuchLocal", "mkCaller:r")):
        assert cli.main(["trace", typed, "--src", str(src), "--no-cache"]) == 1
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert offered in err.split("did you mean: ", 1)[1].rstrip("?").split(", "), err
