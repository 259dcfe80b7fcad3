"""Likes: idempotent per visitor, exact counts, visibility and rate limits."""

from __future__ import annotations

import asyncio

import pytest

from cms.enums import PostStatus
from cms.errors import InvalidInput, NotFound, RateLimited
from cms.models import Like, Post
from cms.principal import ANONYMOUS
from cms.runtime import Runtime
from cms.services.likes import like_post, unlike_post
from cms.settings import Limits, Settings
from tests.factories import make_post

CLIENT = "203.0.113.7"


@pytest.fixture
def runtime(db: str) -> Runtime:
    return Runtime(Settings(database_url=db, limits=Limits(like_rate="1000/minute")))


async def like_count(post: Post) -> int:
    return (await Post.get(id=post.id)).like_count


async def test_liking_twice_counts_once(runtime: Runtime) -> None:
    post = await make_post(like_count=3)

    first = await like_post(ANONYMOUS, post.id, "visitor-a", CLIENT, runtime.engagement)
    second = await like_post(ANONYMOUS, post.id, " visitor-a ", CLIENT, runtime.engagement)

    assert (first.like_count, second.like_count) == (4, 4)
    assert second.viewer_has_liked is True
    assert await like_count(post) == 4
    assert await Like.filter(post_id=post.id).values_list("visitor_id", flat=True) == ["visitor-a"]


async def test_unliking_removes_the_like_once_and_unliking_again_changes_nothing(
    runtime: Runtime,
) -> None:
    post = await make_post()
    await like_post(ANONYMOUS, post.id, "visitor-a", CLIENT, runtime.engagement)
    await like_post(ANONYMOUS, post.id, "visitor-b", CLIENT, runtime.engagement)

    first = await unlike_post(ANONYMOUS, post.id, "visitor-a", CLIENT, runtime.engagement)
    second = await unlike_post(ANONYMOUS, post.id, "visitor-a", CLIENT, runtime.engagement)

    assert (first.like_count, second.like_count) == (1, 1)
    assert second.viewer_has_liked is False
    assert await like_count(post) == 1
    assert await Like.filter(post_id=post.id).values_list("visitor_id", flat=True) == ["visitor-b"]


async def test_a_post_the_public_cannot_see_cannot_be_liked(runtime: Runtime) -> None:
    posts = [await make_post(status=s) for s in (PostStatus.DRAFT, PostStatus.ARCHIVED)]

    for post in posts:
        with pytest.raises(NotFound):
            await like_post(ANONYMOUS, post.id, "visitor-a", CLIENT, runtime.engagement)

    assert [await like_count(post) for post in posts] == [0, 0]
    assert not await Like.exists()


async def test_a_visitor_id_must_be_1_to_128_characters(runtime: Runtime) -> None:
    post = await make_post()

    for visitor_id in ("", "   ", "x" * 129):
        with pytest.raises(InvalidInput) as raised:
            await like_post(ANONYMOUS, post.id, visitor_id, CLIENT, runtime.engagement)
        assert raised.value.field == "visitorId"

    assert await like_count(post) == 0


async def test_likes_past_the_rate_limit_of_a_client_are_refused_and_not_counted(
    db: str,
) -> None:
    runtime = Runtime(Settings(database_url=db, limits=Limits(like_rate="3/minute")))
    post = await make_post()
    for n in range(3):
        await like_post(ANONYMOUS, post.id, f"visitor-{n}", CLIENT, runtime.engagement)

    with pytest.raises(RateLimited) as raised:
        await like_post(ANONYMOUS, post.id, "visitor-9", CLIENT, runtime.engagement)
    other = await like_post(ANONYMOUS, post.id, "visitor-8", "198.51.100.1", runtime.engagement)

    assert 1 <= raised.value.retry_after_s <= 60
    assert other.like_count == 4
    assert not await Like.exists(post_id=post.id, visitor_id="visitor-9")


async def test_concurrent_likes_and_unlikes_of_one_visitor_count_once(runtime: Runtime) -> None:
    post = await make_post()
    engagement = runtime.engagement

    await asyncio.gather(
        *(like_post(ANONYMOUS, post.id, "double-click", CLIENT, engagement) for _ in range(20))
    )
    liked = await like_count(post)
    await asyncio.gather(
        *(unlike_post(ANONYMOUS, post.id, "double-click", CLIENT, engagement) for _ in range(20))
    )

    assert liked == 1
    assert await like_count(post) == 0
    assert not await Like.exists(post_id=post.id)
