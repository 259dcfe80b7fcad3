"""Per-client rate limits (moving windows of the `limits` library), in memory or Redis.

With Redis the windows are shared by every instance; while Redis is unavailable each
process keeps its own windows in memory, so limits still hold (per instance).
"""

from __future__ import annotations

import math
import time
from typing import Literal

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import Redis

from cms.errors import RateLimited
from cms.services.redis_guard import RedisGuard, RedisUnavailable
from cms.settings import Limits

Action = Literal["comment", "like", "view", "report", "reaction", "vote"]

_WHAT = {
    "comment": "comments",
    "like": "likes",
    "view": "views",
    "report": "reports",
    "reaction": "reactions",
    "vote": "votes",
}


class RateLimits:
    """`hit(action, client)` counts one request and raises RateLimited past the limit."""

    def __init__(
        self,
        limits: Limits,
        redis: Redis | None = None,
        prefix: str = "cms:",
        guard: RedisGuard | None = None,
    ) -> None:
        self._items: dict[str, RateLimitItem] = {
            "comment": parse(limits.comment_rate),
            "like": parse(limits.like_rate),
            "view": parse(limits.view_rate),
            "report": parse(limits.report_rate),
            "reaction": parse(limits.reaction_rate),
            "vote": parse(limits.vote_rate),
        }
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared: MovingWindowRateLimiter | None = None
        self._guard = guard or RedisGuard()
        if redis is not None:
            # The process's own pool: its size and timeouts hold for rate limits too.
            storage = RedisStorage(
                "async+redis://",
                implementation="redispy",
                key_prefix=f"{prefix}limits",
                connection_pool=redis.connection_pool,  # type: ignore[arg-type]
            )
            self._shared = MovingWindowRateLimiter(storage)

    async def hit(self, action: Action, client: str) -> None:
        item = self._items[action]
        shared = self._shared
        try:
            if shared is None:
                raise RedisUnavailable
            reset_at = await self._guard.call(lambda: _refused_until(shared, item, action, client))
        except RedisUnavailable:
            reset_at = await _refused_until(self._local, item, action, client)
        if reset_at is None:
            return
        retry_after = max(1, math.ceil(reset_at - time.time()))
        raise RateLimited(
            f"Too many {_WHAT[action]} from your address (at most {item}); "
            f"try again in {retry_after} seconds.",
            retry_after_s=retry_after,
        )


async def _refused_until(
    limiter: MovingWindowRateLimiter, item: RateLimitItem, action: str, client: str
) -> float | None:
    """Count one hit; None when allowed, else when the window frees a place (epoch seconds)."""
    if await limiter.hit(item, action, client):
        return None
    return (await limiter.get_window_stats(item, action, client)).reset_time
