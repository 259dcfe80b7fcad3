"""View buffers: de-duplication per visitor and window, pending counts, batched flushes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from cms.enums import PostStatus
from cms.errors import NotFound
from cms.models import Post
from cms.principal import ANONYMOUS
from cms.runtime import Runtime
from cms.services.views import MemoryViewBuffer, RedisViewBuffer, ViewBuffer, record_view
from cms.settings import Limits, Settings
from tests.factories import make_post


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture(params=["memory", "redis"])
def buffer(request: pytest.FixtureRequest, db: str) -> ViewBuffer:
    if request.param == "memory":
        return MemoryViewBuffer(window_s=1800)
    redis = request.getfixturevalue("redis")
    return RedisViewBuffer(redis, request.getfixturevalue("redis_prefix"), window_s=1800)


async def view_counts(*posts: Post) -> list[int]:
    return [(await Post.get(id=post.id)).view_count for post in posts]


async def test_a_visitor_counts_once_per_post_and_pending_counts_wait_for_the_flush(
    buffer: ViewBuffer,
) -> None:
    first, second, quiet = await make_post(), await make_post(), await make_post()

    counted = [
        await buffer.record(first.id, "a"),
        await buffer.record(first.id, "a"),
        await buffer.record(first.id, "b"),
        await buffer.record(second.id, "a"),
    ]
    pending = await buffer.pending([first.id, second.id, quiet.id])
    stored_before = await view_counts(first, second, quiet)
    written = await buffer.flush()

    assert counted == [True, False, True, True]
    assert pending == {first.id: 2, second.id: 1}
    assert stored_before == [0, 0, 0]
    assert written == 3
    assert await view_counts(first, second, quiet) == [2, 1, 0]
    assert await buffer.pending([first.id, second.id]) == {}
    assert await buffer.flush() == 0


async def test_a_visitor_counts_again_after_the_window(db: str) -> None:
    now = [1000.0]
    buffer = MemoryViewBuffer(window_s=1800, clock=lambda: now[0])
    post = await make_post()

    await buffer.record(post.id, "a")
    now[0] += 1799
    inside = await buffer.record(post.id, "a")
    now[0] += 2
    after = await buffer.record(post.id, "a")

    assert (inside, after) == (False, True)
    assert await buffer.pending([post.id]) == {post.id: 2}


async def test_redis_windows_expire_too(redis: Redis, redis_prefix: str) -> None:
    buffer = RedisViewBuffer(redis, redis_prefix, window_s=1)

    await buffer.record(1, "a")
    await asyncio.sleep(1.05)

    assert await buffer.record(1, "a") is True


async def test_instances_sharing_redis_count_a_visitor_once_and_either_flushes(
    db: str, redis: Redis, redis_prefix: str
) -> None:
    one = RedisViewBuffer(redis, redis_prefix, window_s=1800)
    two = RedisViewBuffer(redis, redis_prefix, window_s=1800)
    post = await make_post()

    counted = [await one.record(post.id, "a"), await two.record(post.id, "a")]
    await two.record(post.id, "b")
    seen_by_one = await one.pending([post.id])
    written = await one.flush() + await two.flush()

    assert counted == [True, False]
    assert seen_by_one == {post.id: 2}
    assert written == 2
    assert await view_counts(post) == [2]


async def test_views_stay_pending_while_a_flush_is_in_flight(buffer: ViewBuffer) -> None:
    post = await make_post()
    await buffer.record(post.id, "a")
    flush = asyncio.create_task(buffer.flush())
    await asyncio.sleep(0)
    during = await buffer.pending([post.id])
    await flush

    assert during == {post.id: 1}
    assert await view_counts(post) == [1]
    assert await buffer.pending([post.id]) == {}


async def test_record_view_counts_visitors_or_client_addresses_of_visible_posts(db: str) -> None:
    runtime = Runtime(Settings(database_url=db, limits=Limits(view_rate="1000/minute")))
    post = await make_post()
    draft = await make_post(status=PostStatus.DRAFT)
    engagement = runtime.engagement

    await record_view(ANONYMOUS, post.id, "a", "203.0.113.1", engagement)
    await record_view(ANONYMOUS, post.id, None, "203.0.113.1", engagement)
    await record_view(ANONYMOUS, post.id, None, "203.0.113.1", engagement)
    stats = await record_view(ANONYMOUS, post.id, None, "203.0.113.2", engagement)
    with pytest.raises(NotFound):
        await record_view(ANONYMOUS, draft.id, "a", "203.0.113.1", engagement)

    assert stats.view_count == 3
    assert await runtime.views.pending([post.id, draft.id]) == {post.id: 3}


async def test_stopping_the_runtime_flushes_what_is_buffered(db: str) -> None:
    runtime = Runtime(Settings(database_url=db, limits=Limits(view_flush_interval_s=3600)))
    post = await make_post()
    await runtime.start()
    await runtime.views.record(post.id, "a")

    await runtime.stop()

    assert await view_counts(post) == [1]


async def test_the_background_task_flushes_in_batches(db: str) -> None:
    runtime = Runtime(Settings(database_url=db, limits=Limits(view_flush_interval_s=0.05)))
    post = await make_post()
    await runtime.start()
    try:
        await runtime.views.record(post.id, "a")
        await runtime.views.record(post.id, "b")
        for _ in range(100):
            if await view_counts(post) == [2]:
                break
            await asyncio.sleep(0.02)
        assert await view_counts(post) == [2]
    finally:
        await runtime.stop()


async def test_a_batch_abandoned_by_a_dead_instance_is_written_by_the_next_flush(
    db: str, redis: Redis, redis_prefix: str
) -> None:
    post = await make_post()
    buffer = RedisViewBuffer(redis, redis_prefix, window_s=1800)
    stale = f"{redis_prefix}views:batch:{int(time.time()) - 3600}:dead"
    await redis.hset(stale, str(post.id), 3)
    await redis.sadd(f"{redis_prefix}views:flushing", stale)
    seen_while_stranded = await buffer.pending([post.id])

    written = await buffer.flush()

    assert seen_while_stranded == {post.id: 3}
    assert written == 3
    assert await view_counts(post) == [3]
    assert await buffer.pending([post.id]) == {}
