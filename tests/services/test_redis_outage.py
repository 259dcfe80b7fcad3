"""While Redis is down the engagement services fall back to the process, never failing.

Each test runs its own redis-server and kills it (SIGKILL, nothing persisted), so the
fallbacks meet a real refused connection, not a mock.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from cms.errors import RateLimited
from cms.models import Comment, Like, Post
from cms.principal import ANONYMOUS
from cms.runtime import Runtime, redis_client
from cms.services.comments import NewComment, add_comment
from cms.services.events import RedisBroker
from cms.services.likes import like_post
from cms.services.views import record_view
from cms.settings import Limits, Settings
from tests.factories import make_post
from tests.redis_server import RedisServer, running_redis_server

CLIENT = "203.0.113.7"
PREFIX = "outage:"
# Past the guard's pause between attempts, so the next command tries Redis again.
GUARD_RETRY_S = 1.1


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    yield from running_redis_server(tmp_path)


@pytest.fixture
async def runtime(db: str, redis_server: RedisServer) -> AsyncIterator[Runtime]:
    limits = Limits(
        like_rate="3/minute",
        comment_rate="1000/minute",
        hold_first_comment=False,
        view_flush_interval_s=3600,
    )
    settings = Settings(
        database_url=db, redis_url=redis_server.url, redis_prefix=PREFIX, limits=limits
    )
    runtime = Runtime(settings)
    await runtime.start()
    yield runtime
    await runtime.stop()


def redis_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "cms.redis"]


async def test_views_are_counted_read_and_flushed_while_redis_is_down_and_shared_once_back(
    runtime: Runtime, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    post = await make_post()
    caplog.set_level(logging.WARNING, logger="cms.redis")
    redis_server.kill()

    during = [
        (await record_view(ANONYMOUS, post.id, visitor, CLIENT, runtime.engagement)).view_count
        for visitor in ("b", "b", "c")
    ]
    written_during = await runtime.views.flush()
    stored_during = (await Post.get(id=post.id)).view_count

    redis_server.start()
    await asyncio.sleep(GUARD_RETRY_S)
    after = await record_view(ANONYMOUS, post.id, "d", CLIENT, runtime.engagement)
    in_redis = await runtime.views.pending([post.id])
    written_after = await runtime.views.flush()

    assert during == [1, 1, 2]
    assert (written_during, stored_during) == (2, 2)
    assert after.view_count == 3
    assert in_redis == {post.id: 1}
    assert written_after == 1
    assert (await Post.get(id=post.id)).view_count == 3
    # One warning for the outage, one when it ends: not one per request.
    warnings = redis_warnings(caplog)
    assert len(warnings) == 2, warnings
    assert warnings[0].startswith("Redis is unavailable (ConnectionError)")
    assert warnings[1].startswith("Redis answers again after ")


async def test_likes_and_comments_are_written_and_rate_limited_in_memory_while_redis_is_down(
    runtime: Runtime, redis_server: RedisServer
) -> None:
    post = await make_post()
    redis_server.kill()

    likes = [
        (await like_post(ANONYMOUS, post.id, f"v{n}", CLIENT, runtime.engagement)).like_count
        for n in range(3)
    ]
    with pytest.raises(RateLimited) as refused:
        await like_post(ANONYMOUS, post.id, "v3", CLIENT, runtime.engagement)
    new = NewComment(post_id=post.id, author="Ana", body="Still here.")
    comment = await add_comment(ANONYMOUS, new, CLIENT, runtime.engagement)

    assert likes == [1, 2, 3]
    assert 1 <= refused.value.retry_after_s <= 60
    assert await Like.filter(post_id=post.id).count() == 3
    stored = await Post.get(id=post.id)
    assert (stored.like_count, stored.comment_count) == (3, 1)
    assert await Comment.filter(post_id=post.id).values_list("id", flat=True) == [comment.id]


async def test_the_shared_window_is_used_again_once_redis_is_back(
    runtime: Runtime, redis_server: RedisServer
) -> None:
    post = await make_post()
    redis_server.kill()
    await like_post(ANONYMOUS, post.id, "during", CLIENT, runtime.engagement)
    redis_server.start()
    await asyncio.sleep(GUARD_RETRY_S)

    # The fresh Redis window allows 3 more, whatever the process counted meanwhile.
    for n in range(3):
        await like_post(ANONYMOUS, post.id, f"after-{n}", CLIENT, runtime.engagement)
    with pytest.raises(RateLimited):
        await like_post(ANONYMOUS, post.id, "one-too-many", CLIENT, runtime.engagement)

    assert (await Post.get(id=post.id)).like_count == 4


async def test_subscribers_stay_subscribed_through_an_outage_and_hear_other_instances_again(
    redis_server: RedisServer,
) -> None:
    # Two instances: each with its own pool, as the runtime makes it.
    clients = [redis_client(redis_server.url, Settings()) for _ in range(2)]
    here, there = (RedisBroker(client, PREFIX, reconnect_s=0.1) for client in clients)
    await here.start()
    await there.start()
    try:
        async with here.subscribe("stats:1") as subscription:
            await there.publish("stats:1", {"n": 1})
            before = await asyncio.wait_for(subscription.next(), 5)
            redis_server.kill()
            await asyncio.sleep(0.3)
            listening_during = here.listening
            await here.publish("stats:1", {"n": 2})  # this instance's own event
            during = await asyncio.wait_for(subscription.next(), 5)

            redis_server.start()
            for _ in range(100):
                if here.listening:
                    break
                await asyncio.sleep(0.05)
            await asyncio.sleep(GUARD_RETRY_S)
            await there.publish("stats:1", {"n": 3})
            after = await asyncio.wait_for(subscription.next(), 5)
    finally:
        for broker in (here, there):
            await broker.stop()
        for client in clients:
            await client.aclose()

    assert (before, during, after) == ({"n": 1}, {"n": 2}, {"n": 3})
    assert listening_during is False


async def test_the_runtime_starts_while_redis_is_down(db: str, redis_server: RedisServer) -> None:
    redis_server.kill()
    runtime = Runtime(Settings(database_url=db, redis_url=redis_server.url, redis_prefix=PREFIX))
    await runtime.start()
    try:
        answers = await runtime.redis_answers()
        post = await make_post()
        views = await record_view(ANONYMOUS, post.id, "a", CLIENT, runtime.engagement)
    finally:
        await runtime.stop()

    assert answers is False
    assert views.view_count == 1
    assert (await Post.get(id=post.id)).view_count == 1  # flushed on stop
