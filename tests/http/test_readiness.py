"""`/readyz` names each dependency that is not ready; `/healthz` stays up regardless.

With Redis down, reads and writes through GraphQL keep answering (no INTERNAL).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from tortoise.connection import get_connection

from cms.api.ids import encode_id
from cms.settings import Limits, Settings
from tests.conftest import app_client, error_codes, graphql
from tests.factories import make_post
from tests.redis_server import RedisServer, running_redis_server

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


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    yield from running_redis_server(tmp_path)


@pytest.fixture
def on_redis(settings: Settings, redis_server: RedisServer) -> Settings:
    limits = Limits(view_flush_interval_s=3600)
    return replace(settings, debug=False, redis_url=redis_server.url, limits=limits)


async def probes(http: httpx.AsyncClient) -> tuple[int, dict[str, object], int]:
    ready = await http.get("/readyz")
    return ready.status_code, ready.json(), (await http.get("/healthz")).status_code


async def test_readyz_names_redis_while_it_is_down_and_recovers_when_it_is_back(
    on_redis: Settings, redis_server: RedisServer
) -> None:
    async with app_client(on_redis) as http:
        before = await probes(http)
        redis_server.kill()
        during = await probes(http)
        redis_server.start()
        after = await probes(http)

    all_ok = {"status": "ok", "database": "ok", "migrations": "ok", "redis": "ok"}
    assert before == (200, all_ok, 200)
    assert during == (503, {**all_ok, "status": "unavailable", "redis": "unreachable"}, 200)
    assert after == (200, all_ok, 200)


async def test_likes_views_and_reads_answer_while_redis_is_down(
    on_redis: Settings, redis_server: RedisServer
) -> None:
    async with app_client(on_redis) as http:
        post = await make_post(like_count=2)
        post_id = encode_id("Post", post.id)
        redis_server.kill()
        bodies = [
            await graphql(http, LIKE, {"postId": post_id, "visitorId": "a"}),
            await graphql(http, VIEW, {"postId": post_id, "visitorId": "a"}),
            await graphql(http, VIEW, {"postId": post_id, "visitorId": "a"}),
            await graphql(http, READ, {"id": post_id}),
        ]

    assert [error_codes(body) for body in bodies] == [[], [], [], []]
    assert [body["data"] for body in bodies] == [
        {"likePost": {"likeCount": 3}},
        {"recordView": {"viewCount": 1}},
        {"recordView": {"viewCount": 1}},
        {"node": {"likeCount": 3, "viewCount": 1}},
    ]


@pytest.mark.parametrize("db_url", ["sqlite", "postgres"], indirect=True)
async def test_readyz_lists_migrations_the_database_has_not_applied(settings: Settings) -> None:
    async with app_client(settings) as http:
        connection = get_connection("default")
        _, rows = await connection.execute_query(
            "SELECT MAX(name) AS name FROM tortoise_migrations"
        )
        latest = rows[0]["name"]
        await connection.execute_query(
            "DELETE FROM tortoise_migrations WHERE name = "
            + ("?" if "sqlite" in settings.database_url else "$1"),
            [latest],
        )
        status, body, alive = await probes(http)

    assert (status, alive) == (503, 200)
    assert body == {
        "status": "unavailable",
        "database": "ok",
        "migrations": "pending",
        "pending": [latest],
    }
