"""Requests per second of the frontend's queries against a real `cms serve`.

    .venv/bin/python bench/http_load.py --seconds 10 --connections 16

Seeds a fresh SQLite database with the demo article and 200 generated posts,
starts `cms serve` on a free loopback port, and drives it with a bounded number of
concurrent HTTP/1.1 connections for a fixed time (loopback only; the load stops by
itself). The load generator shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from bench.articles import articles  # noqa: E402

SEED_SLUG = "ketamine-therapy-can-change-your-life-work-with-a-therapist-today"
OPERATIONS = ROOT / "schema" / "operations"
CASES = {
    "post page": ((OPERATIONS / "post-page.graphql").read_text(), {"slug": SEED_SLUG}),
    "feed (10 posts)": ((OPERATIONS / "feed.graphql").read_text(), {}),
    "search": ((OPERATIONS / "search.graphql").read_text(), {"q": "garden river"}),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cms(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "cms", *args], env=env, cwd=ROOT, check=True)


async def drive(url: str, query: str, variables: dict, seconds: float, connections: int):
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=connections)
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:

        async def worker() -> None:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await client.post(url, json={"query": query, "variables": variables})
                response.raise_for_status()
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(worker() for _ in range(connections)))
    return len(latencies) / seconds, latencies


def main(seconds: float, connections: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for n, text in articles(200):
            (folder / f"a{n}.txt").write_text(text, encoding="utf-8")
        env = {**os.environ, "CMS_DATABASE_URL": f"sqlite://{folder / 'bench.sqlite3'}"}
        env["CMS_PORT"] = str(free_port())
        env.pop("CMS_DEBUG", None)
        cms(env, "migrate")
        cms(env, "seed")
        cms(env, "import", *(str(p) for p in folder.glob("a*.txt")))
        server = subprocess.Popen(
            [sys.executable, "-m", "cms", "serve"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{env['CMS_PORT']}/graphql"
        try:
            for _ in range(100):
                try:
                    httpx.get(url.replace("/graphql", "/healthz"), timeout=1)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            print(f"{connections} connections, {seconds:.0f} s each, one uvicorn worker, SQLite")
            print(f"{'query':<18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
            for name, (query, variables) in CASES.items():
                rate, latencies = asyncio.run(drive(url, query, variables, seconds, connections))
                p50 = statistics.median(latencies) * 1000
                p99 = statistics.quantiles(latencies, n=100)[98] * 1000
                print(f"{name:<18} {rate:>8.0f} {p50:>8.1f} {p99:>8.1f}")
        finally:
            server.terminate()
            server.wait(timeout=20)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    arguments = parser.parse_args()
    main(arguments.seconds, arguments.connections)
