"""Per-client rate limits (moving windows of the `limits` library), in memory or Redis."""

from __future__ import annotations

import math
import time
from typing import Literal

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

from cms.errors import RateLimited
from cms.settings import Limits

Action = Literal["comment", "like", "view"]

_WHAT = {"comment": "comments", "like": "likes", "view": "views"}


class RateLimits:
    """`hit(action, client)` counts one request and raises RateLimited past the limit."""

    def __init__(self, limits: Limits, redis_url: str | None = None, prefix: str = "cms:") -> None:
        self._items: dict[str, RateLimitItem] = {
            "comment": parse(limits.comment_rate),
            "like": parse(limits.like_rate),
            "view": parse(limits.view_rate),
        }
        self._storage: Storage
        if redis_url:
            uri = "async+" + redis_url if not redis_url.startswith("async+") else redis_url
            self._storage = RedisStorage(
                uri, implementation="redispy", key_prefix=f"{prefix}limits"
            )
        else:
            self._storage = MemoryStorage()
        self._limiter = MovingWindowRateLimiter(self._storage)

    async def hit(self, action: Action, client: str) -> None:
        item = self._items[action]
        if await self._limiter.hit(item, action, client):
            return
        stats = await self._limiter.get_window_stats(item, action, client)
        retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        raise RateLimited(
            f"Too many {_WHAT[action]} from your address (at most {item}); "
            f"try again in {retry_after} seconds.",
            retry_after_s=retry_after,
        )
