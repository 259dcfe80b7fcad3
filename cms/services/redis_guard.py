"""Redis trouble, noticed once: the shared adapters fall back to this process meanwhile.

Every Redis-backed adapter (views, rate limits, events) runs its commands through one
`RedisGuard` per process. When a command fails because Redis cannot be reached (refused,
timed out, no free connection), the guard logs one warning for the outage and raises
`RedisUnavailable`, which the adapter answers from its in-process fallback. While Redis
is down, one command a `retry_s` tries it again and the others fall back at once, so
requests do not queue behind connection timeouts; the first command that succeeds ends
the outage (logged too).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.exceptions import RedisError

log = logging.getLogger("cms.redis")

T = TypeVar("T")

# What "Redis cannot answer" looks like: redis-py's errors and the socket's own.
TROUBLE: tuple[type[BaseException], ...] = (RedisError, OSError)


class RedisUnavailable(Exception):
    """Redis did not answer (or is being skipped during an outage): use the fallback."""


class RedisGuard:
    """Whether Redis answers, as the last commands found; one warning per outage."""

    def __init__(self, retry_s: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self._retry_s = retry_s
        self._clock = clock
        self._down_since: float | None = None
        self._next_try = 0.0
        # Counts outages begun and ended: a command's outcome only moves the state when
        # nothing changed since it started (a reply sent before a crash is no recovery).
        self._epoch = 0

    async def call(self, command: Callable[[], Awaitable[T]]) -> T:
        """Run `command`; RedisUnavailable when Redis fails it or is being skipped."""
        if self._down_since is not None and self._clock() < self._next_try:
            raise RedisUnavailable
        epoch = self._epoch
        try:
            result = await command()
        except TROUBLE as error:
            self.failed(error, epoch)
            raise RedisUnavailable from error
        self.succeeded(epoch)
        return result

    def failed(self, error: BaseException, epoch: int | None = None) -> None:
        """Redis failed a command (begun in `epoch`, else just now): an outage begins."""
        if epoch is not None and epoch != self._epoch:
            return
        now = self._clock()
        self._next_try = now + self._retry_s
        if self._down_since is None:
            self._down_since = now
            self._epoch += 1
            log.warning(
                "Redis is unavailable (%s); until it answers, views are counted, rate limits "
                "kept and events delivered by this process alone",
                type(error).__name__,
            )

    def succeeded(self, epoch: int | None = None) -> None:
        """Redis answered a command (begun in `epoch`, else just now): the outage ends."""
        if self._down_since is None or (epoch is not None and epoch != self._epoch):
            return
        log.warning(
            "Redis answers again after %.1f s; views, rate limits and events are shared again",
            self._clock() - self._down_since,
        )
        self._down_since = None
        self._epoch += 1
