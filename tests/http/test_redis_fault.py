"""Redis killed under load behind two real `cms serve` processes, then started again.

The test runs its own redis-server (never the shared one) and kills it with SIGKILL
while likes, views and reads are in flight through both instances: nothing answers
INTERNAL, reads keep working, `/readyz` names Redis; once Redis is back both
instances are ready again and every like is counted exactly once.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from cms.api.ids import encode_id
from cms.models import Like, Post
from tests.conftest import BROWSER
from tests.factories import make_post
from tests.processes import Servers
from tests.redis_server import RedisServer, free_port, running_redis_server

pytestmark = pytest.mark.slow

CMS = str(Path(sys.executable).parent / "cms")
LIKE = """
mutation Like($postId: ID!, $visitorId: String!) {
  likePost(postId: $postId, visitorId: $visitorId) { likeCount }
}
"""
VIEW = """
mutation View($postId: ID!, $visitorId: String) {
  recordView(postId: $postId, visitorId: $visitorId) { viewCount }
}
"""
READ = "query Read($id: ID!) { node(id: $id) { ... on Post { likeCount viewCount } } }"
# Likes (and as many views and reads) sent in each phase, half through each instance.
PER_PHASE = 40


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    yield from running_redis_server(tmp_path)


@pytest.fixture
def instances(db: str, redis_server: RedisServer, tmp_path: Path) -> Iterator[Servers]:
    """Two `cms serve` processes on one database and this test's Redis."""
    instances = Servers()
    for n in range(2):
        env = {
            **os.environ,
            "CMS_DATABASE_URL": db,
            "CMS_REDIS_URL": redis_server.url,
            "CMS_SECRET_KEY": "shared-by-both-instances",
            "CMS_HOST": "127.0.0.1",
            "CMS_PORT": str(free_port()),
            "CMS_LIKE_RATE": "100000/minute",
            "CMS_VIEW_RATE": "100000/minute",
            "CMS_VIEW_FLUSH_INTERVAL_S": "0.5",
            "CMS_RESPONSE_CACHE_TTL": "0",  # reads show the counts of the moment
            # A small pool, so the load also has to wait for connections.
            "CMS_REDIS_MAX_CONNECTIONS": "10",
        }
        log = (tmp_path / f"server-{n}.log").open("wb")
        instances.processes.append(
            subprocess.Popen([CMS, "serve"], env=env, cwd=tmp_path, stdout=log, stderr=log)
        )
        instances.urls.append(f"http://127.0.0.1:{env['CMS_PORT']}")
    try:
        yield instances
    finally:
        instances.stop()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    # A new connection per request: a kept-alive one the server closes as it is reused
    # would fail the request for reasons that have nothing to do with Redis.
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=0)
    async with httpx.AsyncClient(
        timeout=20, limits=limits, headers={"User-Agent": BROWSER}
    ) as client:
        yield client


async def wait_for(http: httpx.AsyncClient, url: str, status: int, seconds: float = 15) -> None:
    for _ in range(int(seconds * 10)):
        try:
            if (await http.get(f"{url}/readyz")).status_code == status:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    pytest.fail(f"{url}/readyz did not answer {status} within {seconds} s")


async def load(
    http: httpx.AsyncClient, urls: list[str], post_id: str, phase: str
) -> list[dict[str, Any]]:
    """PER_PHASE new likes, as many views and reads, alternating instances, all at once."""

    async def send(n: int, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        try:
            response = await http.post(
                f"{urls[n % 2]}/graphql", json={"query": query, "variables": variables}
            )
        except httpx.TransportError as error:  # reported with the other failures
            return {"status": type(error).__name__}
        return {"status": response.status_code, **response.json()}

    work = []
    for n in range(PER_PHASE):
        visitor = f"{phase}-{n}"
        work.append(send(n, LIKE, {"postId": post_id, "visitorId": visitor}))
        work.append(send(n + 1, VIEW, {"postId": post_id, "visitorId": visitor}))
        work.append(send(n, READ, {"id": post_id}))
    return list(await asyncio.gather(*work))


def failures(bodies: list[dict[str, Any]]) -> list[object]:
    return [b.get("errors") or b["status"] for b in bodies if b["status"] != 200 or "errors" in b]


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_two_instances_keep_answering_while_redis_is_killed_and_recover_when_it_is_back(
    instances: Servers,
    redis_server: RedisServer,
    http: httpx.AsyncClient,
    tmp_path: Path,
) -> None:
    urls = instances.urls
    post = await make_post()
    post_id = encode_id("Post", post.id)
    await asyncio.gather(*(wait_for(http, url, 200) for url in urls))

    before = await load(http, urls, post_id, "before")
    under_load = asyncio.create_task(load(http, urls, post_id, "killed"))
    await asyncio.sleep(0.05)
    redis_server.kill()
    killed = await under_load
    during = await load(http, urls, post_id, "during")
    ready_during = [(await http.get(f"{url}/readyz")) for url in urls]

    redis_server.start()
    await asyncio.gather(*(wait_for(http, url, 200) for url in urls))
    # Each instance tries Redis again at most once a second, on its next use of it.
    for n, url in enumerate(urls):
        for _ in range(100):
            if "Redis answers again" in (tmp_path / f"server-{n}.log").read_text():
                break
            await http.post(f"{url}/graphql", json={"query": READ, "variables": {"id": post_id}})
            await asyncio.sleep(0.1)
    after = await load(http, urls, post_id, "after")
    reads = [await http.post(f"{url}/graphql", json={"query": READ, "variables": {"id": post_id}})
             for url in urls]  # fmt: skip
    await asyncio.to_thread(instances.stop)  # SIGTERM: each flushes what it buffered
    logs = [(tmp_path / f"server-{n}.log").read_text() for n in range(2)]

    assert [failures(phase) for phase in (before, killed, during, after)] == [[], [], [], []]
    assert [(r.status_code, r.json()["redis"]) for r in ready_during] == [
        (503, "unreachable"),
        (503, "unreachable"),
    ]
    likes = 4 * PER_PHASE
    assert [r.json()["data"]["node"]["likeCount"] for r in reads] == [likes, likes]
    assert (await Post.get(id=post.id)).like_count == likes
    assert await Like.filter(post_id=post.id).count() == likes
    # Each visitor counts once at most; those of the outage (counted by the instance that
    # saw them) and after it are all stored. What Redis held when it was killed is lost.
    assert 2 * PER_PHASE <= (await Post.get(id=post.id)).view_count <= 4 * PER_PHASE
    for log in logs:
        assert log.count("Redis is unavailable") == 1, log
        assert log.count("Redis answers again") == 1, log
        assert "Traceback" not in log, log
