"""Rate limits per action and client, in memory and in Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from cms.errors import RateLimited
from cms.services.rate_limits import RateLimits
from cms.settings import Limits

LIMITS = Limits(comment_rate="2/minute", like_rate="3/minute", view_rate="1/second")


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


@pytest.fixture(params=["memory", "redis"])
def rate_limits(request: pytest.FixtureRequest) -> RateLimits:
    if request.param == "memory":
        return RateLimits(LIMITS)
    redis = request.getfixturevalue("redis")
    return RateLimits(LIMITS, redis, request.getfixturevalue("redis_prefix"))


async def test_each_action_has_its_own_limit_per_client(rate_limits: RateLimits) -> None:
    for _ in range(2):
        await rate_limits.hit("comment", "a")
    for _ in range(3):
        await rate_limits.hit("like", "a")

    with pytest.raises(RateLimited) as comment:
        await rate_limits.hit("comment", "a")
    with pytest.raises(RateLimited) as like:
        await rate_limits.hit("like", "a")
    await rate_limits.hit("comment", "b")

    assert 1 <= comment.value.retry_after_s <= 60
    assert comment.value.extensions == {"retryAfter": comment.value.retry_after_s}
    assert "Too many comments" in comment.value.message
    assert "try again in" in like.value.message


async def test_instances_on_one_redis_share_the_window(redis: Redis, redis_prefix: str) -> None:
    one = RateLimits(LIMITS, redis, redis_prefix)
    two = RateLimits(LIMITS, redis, redis_prefix)
    await one.hit("comment", "a")
    await two.hit("comment", "a")

    with pytest.raises(RateLimited):
        await one.hit("comment", "a")


async def test_separate_prefixes_do_not_share_a_window(redis: Redis, redis_prefix: str) -> None:
    one = RateLimits(LIMITS, redis, redis_prefix)
    two = RateLimits(LIMITS, redis, redis_prefix + "other:")
    await one.hit("view", "a")

    await two.hit("view", "a")

    with pytest.raises(RateLimited):
        await one.hit("view", "a")
