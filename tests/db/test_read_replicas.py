"""Read replicas against a real streaming standby the test makes (`pg_basebackup` of its
own primary, on another free port): anonymous queries read the replica, editors and
mutations the primary; a client reads its own writes while the replica lags (replay
paused); a replica that goes away is replaced by the primary, logged once, and used again
once it answers."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from tortoise.backends.base.executor import EXECUTOR_CACHE

from cms.api.ids import encode_id
from cms.db.lifecycle import migrate
from cms.http.app import create_app
from cms.http.read_your_writes import COOKIE
from cms.models import Post
from cms.settings import Settings
from tests.conftest import _run_in_thread, graphql
from tests.factories import make_post, make_token
from tests.processes import PostgresCluster, Server, run_cms
from tests.seed_article import SEED_SLUG

pytestmark = pytest.mark.slow

PAGE = "query ($slug: String!) { post(slug: $slug) { title likeCount } }"
LIKE = 'mutation ($id: ID!) { likePost(postId: $id, visitorId: "reader-1") { likeCount } }'
SEED_PAGE = f'{{ post(slug: "{SEED_SLUG}") {{ id likeCount }} }}'
# totalCount is counted by the ORM (the router), the page by hand-written SQL.
COUNT = "{ posts(first: 1) { totalCount } }"
VIEW = 'mutation ($id: ID!) { recordView(postId: $id, visitorId: "reader-2") { postId } }'
DATABASE = "cms"
WAIT_S = 30


def _dsn(cluster: PostgresCluster) -> str:
    return f"postgresql://postgres@127.0.0.1:{cluster.port}/{DATABASE}"


def _url(cluster: PostgresCluster) -> str:
    return f"postgres://postgres@127.0.0.1:{cluster.port}/{DATABASE}"


async def _value(cluster: PostgresCluster, sql: str, *args: object) -> object:
    connection = await asyncpg.connect(_dsn(cluster))
    try:
        return await connection.fetchval(sql, *args)
    finally:
        await connection.close()


async def _until(check: object, what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not await check():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {WAIT_S} s for {what}")
        await asyncio.sleep(0.05)


async def caught_up(primary: PostgresCluster, standby: PostgresCluster) -> None:
    """Until the standby has replayed everything the primary wrote so far."""
    lsn = await _value(primary, "SELECT pg_current_wal_lsn()::text")

    async def replayed() -> bool:
        sql = "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn"
        return bool(await _value(standby, sql, lsn))

    await _until(replayed, "the standby to replay the primary's changes")


async def pause_replay(standby: PostgresCluster) -> None:
    """The standby keeps answering but applies nothing more: a replica that lags."""
    await _value(standby, "SELECT pg_wal_replay_pause()")

    async def paused() -> bool:
        return await _value(standby, "SELECT pg_get_wal_replay_pause_state()") == "paused"

    await _until(paused, "the standby to pause replay")


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[PostgresCluster, PostgresCluster]]:
    primary = PostgresCluster()
    try:
        primary.start()

        async def prepare() -> None:
            admin = await asyncpg.connect(f"postgresql://postgres@127.0.0.1:{primary.port}/")
            try:
                await admin.execute(f'CREATE DATABASE "{DATABASE}"')
            finally:
                await admin.close()
            await migrate(_url(primary))

        _run_in_thread(prepare)
        standby = PostgresCluster(standby_of=primary)
        try:
            standby.start()
            yield primary, standby
        finally:
            standby.remove()
    finally:
        primary.remove()


@pytest.fixture
async def replicated(
    clusters: tuple[PostgresCluster, PostgresCluster],
) -> AsyncIterator[tuple[PostgresCluster, PostgresCluster, Settings]]:
    """Both clusters up, the standby replaying and caught up; settings using both."""
    primary, standby = clusters
    if standby.process is None:
        standby.start()
    await _value(standby, "SELECT pg_wal_replay_resume()")
    await caught_up(primary, standby)
    EXECUTOR_CACHE.clear()
    settings = Settings(
        database_url=_url(primary),
        database_replica_urls=(_url(standby),),
        response_cache_ttl_s=0,
        secret_key="replica-test-secret",
    )
    yield primary, standby, settings
    if standby.process is not None:
        await _value(standby, "SELECT pg_wal_replay_resume()")


@asynccontextmanager
async def clients(settings: Settings, count: int) -> AsyncIterator[list[httpx.AsyncClient]]:
    """`count` HTTP clients (each with its own cookies) on one app, its lifespan running."""
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=("127.0.0.1", 123))
        made = [httpx.AsyncClient(transport=transport, base_url="http://testserver")]
        made += [
            httpx.AsyncClient(transport=transport, base_url="http://testserver")
            for _ in range(count - 1)
        ]
        try:
            yield made
        finally:
            for http in made:
                await http.aclose()


def _page(body: dict[str, object]) -> tuple[str, int]:
    post = body["data"]["post"]  # type: ignore[index]
    return post["title"], post["likeCount"]  # type: ignore[index]


async def test_anonymous_queries_read_the_replica_and_editors_the_primary(
    replicated: tuple[PostgresCluster, PostgresCluster, Settings],
) -> None:
    primary, standby, settings = replicated
    async with clients(settings, 1) as (http,):
        post = await make_post("Replicated")
        token = await make_token()
        await caught_up(primary, standby)
        await pause_replay(standby)
        counted = await graphql(http, COUNT)
        await Post.filter(id=post.id).update(title="Changed on the primary")
        await make_post("Only on the primary")

        anonymous = await graphql(http, PAGE, {"slug": post.slug})
        anonymous_count = await graphql(http, COUNT)
        editor = await graphql(http, PAGE, {"slug": post.slug}, token=token)
        editor_count = await graphql(http, COUNT, token=token)
        await _value(standby, "SELECT pg_wal_replay_resume()")
        await caught_up(primary, standby)
        replayed = await graphql(http, PAGE, {"slug": post.slug})
        replayed_count = await graphql(http, COUNT)

    total = counted["data"]["posts"]["totalCount"]
    assert _page(anonymous) == ("Replicated", 0)  # the replica, behind
    assert anonymous_count["data"]["posts"]["totalCount"] == total
    assert _page(editor) == ("Changed on the primary", 0)
    assert editor_count["data"]["posts"]["totalCount"] == total + 1
    assert _page(replayed) == ("Changed on the primary", 0)
    assert replayed_count["data"]["posts"]["totalCount"] == total + 1


async def test_a_client_reads_its_own_writes_while_the_replica_lags(
    replicated: tuple[PostgresCluster, PostgresCluster, Settings],
) -> None:
    primary, standby, settings = replicated
    # The response cache on, for long enough that only a bypass can show the new count.
    settings = dataclasses.replace(settings, response_cache_ttl_s=60)
    async with clients(settings, 3) as (liker, reader, forger):
        post = await make_post("Liked")
        await caught_up(primary, standby)
        await pause_replay(standby)
        before = await graphql(reader, PAGE, {"slug": post.slug})
        variables = {"id": encode_id("Post", post.id)}
        liked = await liker.post("/graphql", json={"query": LIKE, "variables": variables})
        viewed = await reader.post("/graphql", json={"query": VIEW, "variables": variables})

        own = await graphql(liker, PAGE, {"slug": post.slug})
        other = await graphql(reader, PAGE, {"slug": post.slug})
        forger.cookies.set(COOKIE, "99999999999.0123456789abcdef0123456789abcdef")
        forged = await graphql(forger, PAGE, {"slug": post.slug})

    assert liked.json() == {"data": {"likePost": {"likeCount": 1}}}
    assert COOKIE in liked.cookies
    assert "errors" not in viewed.json()
    assert COOKIE not in viewed.cookies  # page views pin nobody
    assert _page(before) == ("Liked", 0)
    assert _page(own) == ("Liked", 1)  # the primary, past the replica and the cache
    assert _page(other) == ("Liked", 0)  # everyone else: the lagging replica (or its cache)
    assert _page(forged) == ("Liked", 0)


async def test_a_replica_that_goes_away_is_replaced_by_the_primary_until_it_answers(
    replicated: tuple[PostgresCluster, PostgresCluster, Settings],
    caplog: pytest.LogCaptureFixture,
) -> None:
    primary, standby, settings = replicated
    caplog.set_level(logging.INFO, logger="cms.db.replica")
    async with clients(settings, 1) as (http,):
        post = await make_post("Before the outage")
        await caught_up(primary, standby)
        on_replica = await graphql(http, PAGE, {"slug": post.slug})  # opens its pool
        standby.stop()
        await Post.filter(id=post.id).update(title="Written during the outage")

        during = [await graphql(http, PAGE, {"slug": post.slug}) for _ in range(3)]
        ready_during = await http.get("/readyz")
        standby.start()
        await caught_up(primary, standby)
        await pause_replay(standby)
        await Post.filter(id=post.id).update(title="Not replayed yet")

        async def replica_again() -> bool:
            body = await graphql(http, PAGE, {"slug": post.slug})
            return _page(body) == ("Written during the outage", 0)

        await _until(replica_again, "reads to go to the replica again")
        ready_after = await http.get("/readyz")

    assert _page(on_replica) == ("Before the outage", 0)
    assert [_page(body) for body in during] == [("Written during the outage", 0)] * 3
    # Still ready: the primary answers the replica's reads.
    assert ready_during.status_code == 200
    assert ready_during.json() == {
        "status": "ok",
        "database": "ok",
        "migrations": "ok",
        "replicas": {"replica_0": "unreachable"},
    }
    assert ready_after.json()["replicas"] == {"replica_0": "ok"}
    lines = [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "cms.db.replica"]
    assert len(lines) == 2, lines
    assert lines[0][0] == "WARNING"
    assert lines[0][1].startswith("read replica replica_0 unavailable (")
    assert lines[0][1].endswith("): reading from the primary until it answers")
    assert lines[1][0] == "INFO"
    assert lines[1][1].startswith("read replica replica_0 answers again after ")


async def test_a_real_server_routes_reads_the_same_way(
    replicated: tuple[PostgresCluster, PostgresCluster, Settings], tmp_path: Path
) -> None:
    # uvicorn runs each request in its own task: the routing must hold there too.
    primary, standby, settings = replicated
    env = {
        "CMS_DATABASE_URL": settings.database_url,
        "CMS_DATABASE_REPLICA_URLS": ",".join(settings.database_replica_urls),
        "CMS_DATABASE_POOL_MIN": "1",
        "CMS_DATABASE_POOL_MAX": "3",
        "CMS_SECRET_KEY": "replica-test-secret",
        "CMS_RESPONSE_CACHE_TTL": "0",
    }
    run_cms(["seed"], env)
    await caught_up(primary, standby)
    await pause_replay(standby)
    server = Server(env, tmp_path / "server.log")
    try:
        async with (
            httpx.AsyncClient(base_url=server.url) as liker,
            httpx.AsyncClient(base_url=server.url) as reader,
        ):
            page = await graphql(reader, SEED_PAGE)
            post_id = page["data"]["post"]["id"]
            liked = await graphql(liker, LIKE, {"id": post_id})
            own = await graphql(liker, SEED_PAGE)
            other = await graphql(reader, SEED_PAGE)
    finally:
        server.stop()

    assert liked == {"data": {"likePost": {"likeCount": page["data"]["post"]["likeCount"] + 1}}}
    assert own["data"]["post"]["likeCount"] == liked["data"]["likePost"]["likeCount"]
    assert other["data"]["post"]["likeCount"] == page["data"]["post"]["likeCount"]
    assert "Traceback" not in server.output()
