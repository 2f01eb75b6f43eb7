"""Equal facts are equal bytes in every process (issue 34: a content-keyed store shared by
several machines): nothing in the encoded facts may follow Python's per-process hash seed."""
from __future__ import annotations

import os
import subprocess
import sys

CODE = r"""
import hashlib, sys
from pathlib import Path
from srcscan.extract.cache import encode
from srcscan.extract.nesting import extract_bounded
import srcscan.sample as sample
root = Path(sample.__file__).parent
for f in sorted(root.rglob("*.cpp"))[:6]:
    print(hashlib.sha1(encode(extract_bounded(str(f.relative_to(root)), f.read_bytes()))).hexdigest())
"""


def _digests(seed: str) -> str:
    env = {**os.environ, "PYTHONHASHSEED": seed}
    out = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


def test_the_same_file_encodes_to_the_same_bytes_whatever_the_hash_seed():
    first = _digests("1")
    assert first.count("\n") == 6
    assert _digests("2") == first and _digests("3") == first
