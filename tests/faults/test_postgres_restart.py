"""PostgreSQL restarted under load: readers and likers see coded errors while it is down,
never a trace; the server answers again as soon as it is back, and no like is lost."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

from tests.processes import Server, postgres_cluster, run_cms
from tests.seed_article import SEED_SLUG

PAGE = f'{{ post(slug: "{SEED_SLUG}") {{ id title likeCount sections {{ heading }} }} }}'
LIKE = "mutation($id: ID!, $v: String!) { likePost(postId: $id, visitorId: $v) { likeCount } }"
WORKERS = 6
# Each phase runs until this many requests were answered (or PHASE_LIMIT_S passed), so a
# slow machine sends as many as a fast one.
PHASE_REQUESTS = 60
PHASE_LIMIT_S = 30


async def _worker(
    http: httpx.AsyncClient,
    url: str,
    post_id: str,
    name: int,
    stop: asyncio.Event,
    outcomes: Counter[str],
    liked: set[str],
) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        visitor = f"visitor-{name}-{n}"
        like = n % 2 == 0
        body: dict[str, Any] = (
            {"query": LIKE, "variables": {"id": post_id, "v": visitor}} if like else {"query": PAGE}
        )
        try:
            response = await http.post(f"{url}/graphql", json=body, timeout=10)
        except httpx.TransportError:
            outcomes["transport error"] += 1
            continue
        outcomes[f"HTTP {response.status_code}"] += 1
        answer = response.json()
        for error in answer.get("errors", []):
            outcomes[error.get("extensions", {}).get("code", "uncoded")] += 1
            outcomes["message: " + error["message"]] += 1
        if like and not answer.get("errors"):
            liked.add(visitor)
        await asyncio.sleep(0.01)


async def _until_answered(outcomes: Counter[str], stop: asyncio.Event) -> None:
    deadline = time.monotonic() + PHASE_LIMIT_S
    while outcomes["HTTP 200"] < PHASE_REQUESTS and time.monotonic() < deadline:  # noqa: ASYNC110 - polls a counter
        await asyncio.sleep(0.05)
    stop.set()


async def test_postgres_restarted_under_load(tmp_path: Path) -> None:
    with postgres_cluster() as cluster:
        env = {
            "CMS_DATABASE_URL": cluster.url,
            "CMS_LIKE_RATE": "100000/minute",
            "CMS_RESPONSE_CACHE_TTL": "0",
        }
        run_cms(["migrate"], env)
        run_cms(["seed"], env)
        server = Server(env, tmp_path / "server.log")
        try:
            async with httpx.AsyncClient() as http:
                page = (await http.post(f"{server.url}/graphql", json={"query": PAGE})).json()
                post_id = page["data"]["post"]["id"]
                likes_before = page["data"]["post"]["likeCount"]
                stop = asyncio.Event()
                up: Counter[str] = Counter()
                down: Counter[str] = Counter()
                liked: set[str] = set()
                workers = [
                    asyncio.create_task(_worker(http, server.url, post_id, n, stop, up, liked))
                    for n in range(WORKERS)
                ]
                await _until_answered(up, stop)
                await asyncio.gather(*workers)

                await asyncio.to_thread(cluster.stop)
                stop = asyncio.Event()
                workers = [
                    asyncio.create_task(_worker(http, server.url, post_id, n, stop, down, liked))
                    for n in range(WORKERS)
                ]
                await _until_answered(down, stop)
                ready_while_down = await http.get(f"{server.url}/readyz")
                await asyncio.gather(*workers)

                await asyncio.to_thread(cluster.start)
                back = time.monotonic()
                while True:
                    answer = (await http.post(f"{server.url}/graphql", json={"query": PAGE})).json()
                    if "errors" not in answer:
                        break
                    assert time.monotonic() - back < 10, answer
                    await asyncio.sleep(0.05)
                answering_after = time.monotonic() - back
                ready_after = await http.get(f"{server.url}/readyz")
                final = (await http.post(f"{server.url}/graphql", json={"query": PAGE})).json()
        finally:
            server.stop()
        output = server.output()

    assert up["HTTP 200"] >= PHASE_REQUESTS
    assert set(up) == {"HTTP 200"}, up
    assert down["HTTP 200"] >= PHASE_REQUESTS
    assert {key for key in down if not key.startswith("message: ")} == {"HTTP 200", "INTERNAL"}
    assert [key for key in down if key.startswith("message: ")] == [
        "message: The database is not answering; try again in a moment."
    ]
    assert ready_while_down.status_code == 503
    assert ready_after.status_code == 200
    assert answering_after < 5
    assert final["data"]["post"]["likeCount"] == likes_before + len(liked)
    assert "Traceback" not in output
