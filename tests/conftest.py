import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "srcscan" / "sample" / "tree"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    """Every test gets its own fact cache and no progress bars."""
    monkeypatch.setenv("SRCSCAN_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("SRCSCAN_NO_PROGRESS", "1")
    monkeypatch.setenv("SRCSCAN_NO_BACKGROUND", "1")  # no detached graph builds (pytest -s on a terminal)
    monkeypatch.delenv("SRCSCAN_SRC", raising=False)


@pytest.fixture(scope="session")
def sample_trace():
    import srcscan

    return srcscan.trace("cTscTicksPerSecond", cache=False).to_json()


def real_tree():
    d = os.environ.get("SRCSCAN_VBOX_SRC")
    if not d:
        pytest.skip("set SRCSCAN_VBOX_SRC to a VirtualBox checkout to run tests on the real tree")
    return d
