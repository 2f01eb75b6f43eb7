"""Load on `srcscan serve` over loopback: 50 concurrent clients for 20 s over warm traces
(trace pages, /api/trace JSON and source views of a handful of values), after one cold pass.
Prints the cold times, then requests/s, p50/p95/p99 latency and errors. The server is a
separate process (`srcscan serve --port 0`), the clients one asyncio process with httpx.

    python benchmarks/bench_serve.py [--src TREE] [--clients 50] [--seconds 20] [--symbol NAME ...]

No assertions: the numbers go into the issue notes.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

SAMPLE_SYMBOLS = ["cTscTicksPerSecond", "u32TscScale", "GIMKVM.cTscTicksPerSecond", "TMCpuTicksPerSecond()",
                  "gimR3KvmUpdateSystemTime:u64TscFreq"]


def urls(symbols: list[str], source_file: str | None) -> list[str]:
    from urllib.parse import quote

    out = []
    for s in symbols:
        q = "symbol=" + quote(s, safe="")
        out += [f"/trace?{q}", f"/api/trace?{q}", f"/trace?{q}&D=IN_RING3"]
        if source_file:
            out.append(f"/source?path={quote(source_file, safe='')}&{q}")
    return out


async def one(client, url: str, lat: list, errors: list) -> None:
    t = time.perf_counter()
    try:
        r = await client.get(url)
        if r.status_code != 200:
            errors.append(f"{r.status_code} {url}")
    except Exception as e:  # connection refused, timeout: counted, not fatal
        errors.append(f"{type(e).__name__} {url}")
    lat.append(time.perf_counter() - t)


async def load(base: str, paths: list[str], clients: int, seconds: float) -> tuple[list, list, float]:
    import httpx

    lat: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        t0 = time.perf_counter()
        stop = t0 + seconds

        async def worker(i: int):
            k = i
            while time.perf_counter() < stop:
                await one(client, paths[k % len(paths)], lat, errors)
                k += 1

        await asyncio.gather(*(worker(i) for i in range(clients)))
        return lat, errors, time.perf_counter() - t0


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


@contextlib.contextmanager
def serving(cmd: list[str], env: dict, cwd: str | None = None):
    """Run `srcscan serve ... --port 0`; yield (its base URL, or None when it did not start;
    the process); stop it with Ctrl-C (killed if it does not stop)."""
    server = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=cwd)
    try:
        m = re.search(r"(http://\S+/)", server.stdout.readline())
        # (its later output is read and dropped, so a full pipe never blocks it)
        threading.Thread(target=server.stdout.read, daemon=True).start()
        yield (m.group(1).rstrip("/") if m else None), server
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--src", help="tree to serve (default: the bundled sample tree)")
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--symbol", action="append", help="values to trace (default: five of the sample tree)")
    ap.add_argument("--source-file", default="src/VBox/VMM/VMMR3/GIMKvm.cpp", help="file for the source view")
    a = ap.parse_args()
    symbols = a.symbol or SAMPLE_SYMBOLS
    cache = tempfile.mkdtemp(prefix="srcscan-bench-serve-")
    cmd = [sys.executable, "-m", "srcscan", "serve", "--port", "0", "--cache", cache] + (["--src", a.src] if a.src else [])
    env = dict(os.environ, SRCSCAN_SRC="") if not a.src else dict(os.environ)
    with serving(cmd, env, cwd=tempfile.gettempdir()) as (base, _):
        if base is None:
            print("the server did not start", file=sys.stderr)
            return 2
        paths = urls(symbols, a.source_file)

        async def cold():
            import httpx

            async with httpx.AsyncClient(base_url=base, timeout=600) as c:
                for p in paths:  # one pass: builds the analyses and renders every page once
                    t = time.perf_counter()
                    r = await c.get(p)
                    print(f"cold {r.status_code} {time.perf_counter() - t:7.3f} s  {p}")

        asyncio.run(cold())
        lat, errors, took = asyncio.run(load(base, paths, a.clients, a.seconds))
        print(f"\n{a.clients} clients, {took:.1f} s, {len(paths)} distinct warm URLs: {len(lat)} requests, "
              f"{len(lat) / took:.0f} req/s")
        print(f"latency p50 {pct(lat, 50) * 1000:.1f} ms  p95 {pct(lat, 95) * 1000:.1f} ms  "
              f"p99 {pct(lat, 99) * 1000:.1f} ms  max {max(lat) * 1000:.1f} ms  mean {statistics.fmean(lat) * 1000:.1f} ms")
        print(f"errors: {len(errors)}" + (f" (first: {errors[0]})" if errors else ""))
        return 0


if __name__ == "__main__":
    sys.exit(main())
