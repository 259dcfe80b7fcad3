"""The app's own cost of an answer from memory, in-process: the CMS and the floor as ASGI apps.

    .venv/bin/python bench/app_cost.py                 # the 500-post site of `make bench`
    .venv/bin/python bench/app_cost.py --requests 5000

Calls each app directly with the benchmark's post page request, without a server or a
socket, alternately for a few rounds, and prints microseconds per request: the floor's
precomputed bytes against the CMS answering from its response cache. Over HTTP both add
the same server's cost, which on this machine varies with its neighbours more than
these figures do. (Executed answers are not compared here: one request at a time waits
on the database thread's hand-overs, which measures latency, not cost.)
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from asgi_lifespan import LifespanManager  # noqa: E402

from bench.documents import post_page_body  # noqa: E402
from bench.side_by_side import site  # noqa: E402
from bench.site import slug_of  # noqa: E402

App = Any


def _scope(path: str, body: bytes) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        # As `cms serve`'s protocol marks it: the server keeps the body deadline.
        "cms.body_deadline": True,
    }


async def per_request_us(app: App, path: str, body: bytes, requests: int) -> float:
    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    for _ in range(200):  # documents parsed, plans compiled, answers cached
        await app(_scope(path, body), receive, send)
    if sent[0].get("status") != 200:
        raise SystemExit(f"{path} answered {sent[0].get('status')}")
    started = time.perf_counter()
    for _ in range(requests):
        sent.clear()
        await app(_scope(path, body), receive, send)
    return (time.perf_counter() - started) / requests * 1e6


async def measure(requests: int, rounds: int) -> None:
    database = site(500)
    os.environ["CMS_DATABASE_URL"] = f"sqlite://{database}"
    from bench.floor import app as floor
    from cms.http.app import create_app
    from cms.settings import Settings

    body = post_page_body(slug_of(251))

    async def cms(requests: int) -> float:
        # One CMS app at a time: each opens the ORM's one global context.
        app = create_app(Settings.from_env({**os.environ, "CMS_RESPONSE_CACHE_TTL": "3600"}))
        async with LifespanManager(app) as running:
            return await per_request_us(running.app, "/graphql", body, requests)

    async with LifespanManager(floor) as f:
        print("µs per post page: floor bytes | cms cached | cms's own")
        for _ in range(rounds):
            bytes_us = await per_request_us(f.app, "/bytes", body, requests)
            cached_us = await cms(requests)
            print(f"{bytes_us:.1f} | {cached_us:.1f} | {cached_us - bytes_us:.1f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(measure(args.requests, args.rounds))


if __name__ == "__main__":
    main()
