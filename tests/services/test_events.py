"""Brokers: local fan-out, and Redis pub/sub between instances."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from cms.services.events import LocalBroker, RedisBroker


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def test_every_subscriber_of_a_channel_gets_each_message_in_order() -> None:
    broker = LocalBroker()

    async with (
        broker.subscribe("stats:1") as one,
        broker.subscribe("stats:1") as two,
        broker.subscribe("stats:2") as other,
    ):
        await broker.publish("stats:1", {"n": 1})
        await broker.publish("stats:1", {"n": 2})
        received = [await one.next(), await one.next(), await two.next(), await two.next()]
        assert other.waiting == 0
        assert broker.subscriber_count("stats:1") == 2

    assert received == [{"n": 1}, {"n": 2}, {"n": 1}, {"n": 2}]
    assert broker.subscriber_count("stats:1") == 0


async def test_a_message_published_on_one_instance_reaches_subscribers_of_another(
    redis: Redis, redis_prefix: str
) -> None:
    publisher, listener = RedisBroker(redis, redis_prefix), RedisBroker(redis, redis_prefix)
    stranger = RedisBroker(redis, redis_prefix + "elsewhere:")
    for broker in (publisher, listener, stranger):
        await broker.start()
    try:
        async with (
            listener.subscribe("comments:7") as heard,
            stranger.subscribe("comments:7") as not_heard,
        ):
            await publisher.publish("comments:7", {"id": 1, "body": "Hi"})
            await publisher.publish("comments:8", {"id": 2})
            message = await asyncio.wait_for(heard.next(), 2)
            await asyncio.sleep(0.1)
            assert not_heard.waiting == 0
            assert heard.waiting == 0
    finally:
        for broker in (publisher, listener, stranger):
            await broker.stop()

    assert message == {"id": 1, "body": "Hi"}
