"""The guard: one warning per outage, a pause between attempts, late replies ignored."""

from __future__ import annotations

import asyncio
import logging

import pytest
from redis.exceptions import ConnectionError

from cms.services.redis_guard import RedisGuard, RedisUnavailable


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def refused() -> int:
    raise ConnectionError("Connection refused")


async def answered() -> int:
    return 1


def messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage().split(" (")[0].split(" after")[0] for r in caplog.records]


async def test_an_outage_is_logged_once_and_redis_is_tried_again_once_a_pause(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="cms.redis")
    clock = Clock()
    guard = RedisGuard(retry_s=1.0, clock=clock)
    tried: list[str] = []

    async def counted() -> int:
        tried.append("answered")
        return 1

    for _ in range(5):
        with pytest.raises(RedisUnavailable):
            await guard.call(refused)
    with pytest.raises(RedisUnavailable):
        await guard.call(counted)  # within the pause: not tried
    clock.now += 1.5
    answer = await guard.call(counted)

    assert answer == 1
    assert tried == ["answered"]
    assert messages(caplog) == ["Redis is unavailable", "Redis answers again"]


async def test_a_reply_from_before_the_outage_does_not_end_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="cms.redis")
    clock = Clock()
    guard = RedisGuard(retry_s=1.0, clock=clock)
    release = asyncio.Event()

    async def slow() -> int:
        await release.wait()
        return 1

    in_flight = asyncio.create_task(guard.call(slow))
    await asyncio.sleep(0)
    with pytest.raises(RedisUnavailable):
        await guard.call(refused)
    release.set()
    late = await in_flight
    with pytest.raises(RedisUnavailable):
        await guard.call(answered)  # still in the outage's pause

    assert late == 1
    assert messages(caplog) == ["Redis is unavailable"]
