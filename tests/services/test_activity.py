"""Daily buckets: kept exact by view flushes, likes and comments; trending scores; bots apart."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from redis.asyncio import Redis

from cms.enums import CommentStatus
from cms.models import Like, Post, PostActivity
from cms.principal import ANONYMOUS
from cms.runtime import Runtime
from cms.services import activity
from cms.services.comments import NewComment, add_comment, set_comment_status
from cms.services.likes import like_post, unlike_post
from cms.services.views import MemoryViewBuffer, RedisViewBuffer, record_view, write_views
from cms.settings import Limits, Settings
from tests.factories import make_post

CLIENT = "203.0.113.9"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
COUNTS = ("views", "likes", "comments", "reactions", "bot_views")


@pytest.fixture
def runtime(db: str) -> Runtime:
    limits = Limits(like_rate="1000/minute", view_rate="1000/minute", comment_rate="1000/minute")
    return Runtime(Settings(database_url=db, limits=limits))


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def buckets(post: Post) -> dict[date, tuple[int, ...]]:
    rows = await PostActivity.filter(post_id=post.id).order_by("day").values("day", *COUNTS)
    return {row["day"]: tuple(row[name] for name in COUNTS) for row in rows}


async def stored(post: Post) -> tuple[int, int, int]:
    row = await Post.get(id=post.id)
    return row.view_count, row.like_count, row.trending_score


async def test_each_flush_adds_its_views_to_todays_bucket_exactly(db: str) -> None:
    buffer = MemoryViewBuffer(window_s=1800)
    first, second, quiet = await make_post(), await make_post(), await make_post()
    today = activity.utc_day()

    for visitor in ("a", "b", "c"):
        await buffer.record(first.id, visitor)
    await buffer.record(second.id, "a")
    await buffer.flush()
    await buffer.record(first.id, "d")
    await buffer.flush()

    assert await buckets(first) == {today: (4, 0, 0, 0, 0)}
    assert await buckets(second) == {today: (1, 0, 0, 0, 0)}
    assert await buckets(quiet) == {}
    assert await stored(first) == (4, 0, 4)


async def test_concurrent_flushes_of_two_instances_lose_no_view(
    db: str, redis: Redis, redis_prefix: str
) -> None:
    post = await make_post()
    instances = [RedisViewBuffer(redis, redis_prefix, window_s=1800) for _ in range(2)]

    for start in range(0, 200, 10):  # ten at a time, as requests of two instances come
        await asyncio.gather(
            *(instances[i % 2].record(post.id, f"visitor-{i}") for i in range(start, start + 10))
        )
        if start == 100:
            await asyncio.gather(*(buffer.flush() for buffer in instances))
    await asyncio.gather(*(buffer.flush() for buffer in instances))

    assert await buckets(post) == {activity.utc_day(): (200, 0, 0, 0, 0)}
    assert (await stored(post))[0] == 200


async def test_concurrent_upserts_of_one_bucket_are_atomic(db: str) -> None:
    """Many transactions racing to create and then add to the same (post, day) row."""
    post = await make_post()

    await asyncio.gather(*(write_views({post.id: 3}, {post.id: 1}) for _ in range(40)))

    assert await buckets(post) == {activity.utc_day(): (120, 0, 0, 0, 40)}
    assert await stored(post) == (120, 0, 120)


async def test_views_of_a_post_deleted_before_the_flush_are_dropped(db: str) -> None:
    post, kept = await make_post(), await make_post()
    await post.delete()

    await write_views({post.id: 2, kept.id: 1})

    assert await PostActivity.filter(post_id=post.id).count() == 0
    assert await buckets(kept) == {activity.utc_day(): (1, 0, 0, 0, 0)}


async def test_a_crawler_view_counts_apart_and_leaves_view_count_as_it_was(
    runtime: Runtime,
) -> None:
    post = await make_post()
    engagement = runtime.engagement

    bot = await record_view(ANONYMOUS, post.id, "a", CLIENT, engagement, user_agent=GOOGLEBOT)
    bot_again = await record_view(ANONYMOUS, post.id, "a", CLIENT, engagement, GOOGLEBOT)
    person = await record_view(ANONYMOUS, post.id, "a", CLIENT, engagement, user_agent=FIREFOX)
    await runtime.views.flush()

    assert (bot.view_count, bot_again.view_count, person.view_count) == (0, 0, 1)
    assert await buckets(post) == {activity.utc_day(): (1, 0, 0, 0, 1)}
    assert await stored(post) == (1, 0, 1)


async def test_likes_count_on_their_day_and_an_unlike_takes_back_from_the_day_of_the_like(
    runtime: Runtime,
) -> None:
    post = await make_post()
    engagement = runtime.engagement
    today = activity.utc_day()
    for visitor in ("a", "b", "c"):
        await like_post(ANONYMOUS, post.id, visitor, CLIENT, engagement)
    # "old" liked three days ago, as its bucket says.
    old_day = today - timedelta(days=3)
    like = await Like.create(post_id=post.id, visitor_id="old")
    await Like.filter(id=like.id).update(created_at=like.created_at - timedelta(days=3))
    await Post.filter(id=post.id).update(like_count=4)
    await activity.record_activity(post.id, old_day, likes=1)

    await unlike_post(ANONYMOUS, post.id, "a", CLIENT, engagement)
    await unlike_post(ANONYMOUS, post.id, "a", CLIENT, engagement)
    await unlike_post(ANONYMOUS, post.id, "old", CLIENT, engagement)

    assert await buckets(post) == {old_day: (0, 0, 0, 0, 0), today: (0, 2, 0, 0, 0)}
    assert await stored(post) == (0, 2, 10)


async def test_an_unlike_of_a_like_older_than_the_buckets_leaves_them_at_zero(
    runtime: Runtime,
) -> None:
    post = await make_post()
    await like_post(ANONYMOUS, post.id, "a", CLIENT, runtime.engagement)
    await PostActivity.filter(post_id=post.id).delete()  # as if liked before migration 0010

    await unlike_post(ANONYMOUS, post.id, "a", CLIENT, runtime.engagement)

    assert await buckets(post) == {}
    assert await stored(post) == (0, 0, 0)


async def test_comments_count_on_the_day_they_become_public(runtime: Runtime) -> None:
    post = await make_post()
    engagement = runtime.engagement
    # The first comment from a client waits for an editor; the next is approved.
    held = await add_comment(ANONYMOUS, NewComment(post.id, "Ann", "First!"), CLIENT, engagement)
    pending = await buckets(post)
    await set_comment_status(held.id, CommentStatus.APPROVED, engagement=engagement)
    await add_comment(ANONYMOUS, NewComment(post.id, "Ann", "Second."), CLIENT, engagement)
    await set_comment_status(held.id, CommentStatus.REJECTED, engagement=engagement)

    assert held.status == CommentStatus.PENDING
    assert pending == {}
    assert await buckets(post) == {activity.utc_day(): (0, 0, 2, 0, 0)}
    assert (await Post.get(id=post.id)).comment_count == 1


async def test_record_activity_takes_reactions_for_the_day_asked(db: str) -> None:
    post = await make_post()
    yesterday = activity.utc_day() - timedelta(days=1)

    await activity.record_activity(post.id, yesterday, reactions=2)
    await activity.record_activity(post.id, yesterday, reactions=1, views=4)

    assert await buckets(post) == {yesterday: (4, 0, 0, 3, 0)}
    assert (await stored(post))[2] == 4 + 3 * 3


async def test_scores_weigh_the_window_and_old_days_leave_it_at_the_periodic_refresh(
    db: str,
) -> None:
    old, recent, quiet = await make_post(), await make_post(), await make_post()
    today = activity.utc_day()
    await activity.record_activity(old.id, today - timedelta(days=6), views=10, likes=1)
    await activity.record_activity(old.id, today - timedelta(days=9), views=500)
    await activity.record_activity(recent.id, today, comments=1, reactions=1)
    before = [(await stored(p))[2] for p in (old, recent, quiet)]

    await activity.refresh_trending(7, today=today + timedelta(days=1))

    assert before == [10 + 5, 10 + 3, 0]
    assert [(await stored(p))[2] for p in (old, recent, quiet)] == [0, 13, 0]
