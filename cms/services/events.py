"""Events for live subscribers: in-process, or through Redis pub/sub across instances.

Services publish after their transaction commits, so a subscriber never hears of a
row it cannot read yet. Messages are JSON-able dicts on channels named by
`comment_channel(post_id)` and `stats_channel(post_id)`.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from redis.asyncio import Redis

from cms.services.redis_guard import TROUBLE, RedisGuard, RedisUnavailable

log = logging.getLogger("cms.events")

Message = dict[str, Any]

# A subscriber that falls this far behind loses the oldest messages, not the process.
QUEUE_SIZE = 256


def comment_channel(post_id: int) -> str:
    return f"comments:{post_id}"


def stats_channel(post_id: int) -> str:
    return f"stats:{post_id}"


class Broker(Protocol):
    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def publish(self, channel: str, message: Message) -> int:
        """Send `message`; how many processes' subscriptions received it."""
        ...

    def subscribe(self, channel: str) -> contextlib.AbstractAsyncContextManager[Subscription]: ...


class Subscription:
    """Messages of one channel for one subscriber, in the order they were published."""

    def __init__(self) -> None:
        self._queue: asyncio.Queue[Message] = asyncio.Queue(QUEUE_SIZE)

    def deliver(self, message: Message) -> None:
        if self._queue.full():
            self._queue.get_nowait()
        self._queue.put_nowait(message)

    @property
    def waiting(self) -> int:
        """Messages delivered and not read yet."""
        return self._queue.qsize()

    async def next(self) -> Message:
        return await self._queue.get()

    def __aiter__(self) -> AsyncIterator[Message]:
        return self._messages()

    async def _messages(self) -> AsyncIterator[Message]:
        while True:
            yield await self._queue.get()


class LocalBroker:
    """Fan-out to the subscribers of this process."""

    def __init__(self) -> None:
        self._subscribers: dict[str, set[Subscription]] = defaultdict(set)

    async def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass

    async def publish(self, channel: str, message: Message) -> int:
        """1 when this process subscribes to `channel`, else 0."""
        return 1 if self.deliver(channel, message) else 0

    def subscriber_count(self, channel: str) -> int:
        return len(self._subscribers.get(channel, ()))

    def deliver(self, channel: str, message: Message) -> int:
        """Hand `message` to this process's subscribers of `channel`; how many there are."""
        subscriptions = tuple(self._subscribers.get(channel, ()))
        for subscription in subscriptions:
            subscription.deliver(message)
        return len(subscriptions)

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Subscription]:
        """Registered on entry (before the first await), so nothing published after is missed."""
        subscription = Subscription()
        self._subscribers[channel].add(subscription)
        try:
            yield subscription
        finally:
            subscribers = self._subscribers.get(channel)
            if subscribers is not None:
                subscribers.discard(subscription)
                if not subscribers:
                    del self._subscribers[channel]


class RedisBroker:
    """Publishes to Redis; one pattern subscription per process feeds its local subscribers.

    When the subscription's connection drops, the reader subscribes again as soon as
    Redis answers; subscribers stay subscribed meanwhile and hear the events of this
    process, which `publish` delivers directly while Redis is unavailable.
    """

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        guard: RedisGuard | None = None,
        *,
        reconnect_s: float = 1.0,
    ) -> None:
        self._redis = redis
        self._prefix = f"{prefix}events:"
        self._guard = guard or RedisGuard()
        self._reconnect_s = reconnect_s
        self._local = LocalBroker()
        self._reader: asyncio.Task[None] | None = None
        self._listening = asyncio.Event()
        self._first_attempt = asyncio.Event()

    @property
    def listening(self) -> bool:
        """Whether the Redis subscription is confirmed (events of other instances arrive)."""
        return self._listening.is_set()

    async def start(self, wait_s: float = 5.0) -> None:
        """Subscribe, waiting up to `wait_s` for Redis to confirm so events published once
        this returns are heard. Redis being unavailable does not stop the process: the
        reader keeps trying in the background."""
        self._reader = asyncio.create_task(self._read(), name="cms-events-reader")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._first_attempt.wait(), wait_s)

    async def stop(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
            self._reader = None

    async def publish(self, channel: str, message: Message) -> int:
        """How many processes' readers Redis handed it to (this one's included), or 1/0
        for this process alone while Redis is unavailable."""
        data = json.dumps(message)
        try:
            return int(
                await self._guard.call(
                    lambda: self._redis.publish(f"{self._prefix}{channel}", data)
                )
            )
        except RedisUnavailable:
            return 1 if self._local.deliver(channel, message) else 0

    def subscribe(self, channel: str) -> contextlib.AbstractAsyncContextManager[Subscription]:
        return self._local.subscribe(channel)

    async def _read(self) -> None:
        while True:
            pubsub: Any = self._redis.pubsub()
            try:
                await self._listen(pubsub)
            except TROUBLE as error:
                self._guard.failed(error)
                self._first_attempt.set()
            finally:
                self._listening.clear()
                with contextlib.suppress(*TROUBLE):
                    await pubsub.aclose()
            await asyncio.sleep(self._reconnect_s)

    async def _listen(self, pubsub: Any) -> None:
        await pubsub.psubscribe(f"{self._prefix}*")
        while True:
            message = await pubsub.get_message(ignore_subscribe_messages=False, timeout=1.0)
            if message is None:
                continue
            if message["type"] == "psubscribe":
                self._listening.set()
                self._first_attempt.set()
                self._guard.succeeded()
            elif message["type"] == "pmessage":
                self._deliver(message)

    def _deliver(self, message: Message) -> None:
        channel = message["channel"]
        if isinstance(channel, bytes):
            channel = channel.decode()
        try:
            self._local.deliver(channel[len(self._prefix) :], json.loads(message["data"]))
        except ValueError:
            log.warning("dropped a malformed event on %s", channel)
