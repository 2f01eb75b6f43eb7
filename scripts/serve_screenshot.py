"""Take docs/serve-trace.png: the explorer's trace page of cTscTicksPerSecond on the bundled
sample tree, in Debian's Chromium driven by Playwright (as the browser tests do).

    python scripts/serve_screenshot.py [--out docs/serve-trace.png]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "docs" / "serve-trace.png"))
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    a = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from servehelp import running
    from srcscan.serve import Explorer

    with running(Explorer(cache_dir=tempfile.mkdtemp(prefix="srcscan-shot-"), env={}), page_wait=120) as url, \
            sync_playwright() as p:
        b = p.chromium.launch(executable_path=a.chromium, args=["--no-sandbox", "--disable-gpu"])
        page = b.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(url + "/trace?symbol=cTscTicksPerSecond&to=u32TscScale")
        page.screenshot(path=a.out, full_page=False)
        b.close()
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
