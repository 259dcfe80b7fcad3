"""Buffered view counts: a visitor counts once per post per window, written in batches.

A view costs no database write: it is de-duplicated and counted in a buffer (this
process's memory, or Redis so instances share it) and a background task owned by
the runtime adds the buffered counts to `post.view_count` and to the post's bucket of
the day (`services/activity.py`) in one transaction. Until then, `pending()` is what a
reader adds to the stored count. Views from crawlers (`services/bots.py`) are counted
apart: only in the bucket's `bot_views`, never in `view_count`. While Redis is
unavailable the Redis buffer counts in this process's memory and flushes that, so
views are still counted (de-duplicated per instance only) and reads still answer.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

from redis.asyncio import Redis
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from cms.models import Post
from cms.principal import Viewer
from cms.services import activity, bots
from cms.services.engagement import Engagement, clean_visitor_id
from cms.services.redis_guard import RedisGuard, RedisUnavailable
from cms.services.stats import PostStats, publish_stats, stats_of
from cms.services.visibility import require_visible_post

log = logging.getLogger("cms.views")
# A flush batch still in flight after this long belongs to an instance that died.
ABANDONED_AFTER_S = 600


class ViewBuffer(Protocol):
    async def record(self, post_id: int, visitor_key: str, *, bot: bool = False) -> bool:
        """Count a view unless this visitor was counted for this post within the window
        (a bot's view apart from people's)."""
        ...

    async def pending(self, post_ids: Iterable[int]) -> dict[int, int]:
        """Views counted but not yet in the database, by post (posts without any omitted)."""
        ...

    def pending_here(self, post_id: int) -> int | None:
        """`pending` for one post at once, when this process holds every buffered view
        (memory); None when they must be asked for (Redis)."""
        ...

    async def flush(self) -> int:
        """Add buffered views to the database; the number of views written (bots' too)."""
        ...


async def write_views(
    counts: Mapping[int, int],
    bot_counts: Mapping[int, int] | None = None,
    *,
    trending_days: int = activity.DEFAULT_WINDOW_DAYS,
) -> None:
    """One transaction: `view_count = view_count + n` for each post, and every post's
    bucket of today (bots there only), its trending score refreshed; deleted posts ignored."""
    bot_counts = bot_counts or {}
    if not counts and not bot_counts:
        return
    async with in_transaction("default"):
        for post_id, n in sorted(counts.items()):
            await Post.filter(id=post_id).update(view_count=F("view_count") + n)
        await activity.record_views(counts, bot_counts, activity.utc_day(), trending_days)


class MemoryViewBuffer:
    """For one process: views of its own requests, lost only if the process is killed."""

    def __init__(
        self,
        window_s: int,
        clock: Callable[[], float] = time.monotonic,
        trending_days: int = activity.DEFAULT_WINDOW_DAYS,
    ) -> None:
        self._window_s = window_s
        self._clock = clock
        self._trending_days = trending_days
        self._seen: dict[tuple[int, str], float] = {}
        self._pending: Counter[int] = Counter()
        self._flushing: Counter[int] = Counter()
        self._bots: Counter[int] = Counter()
        self._next_prune = 0.0

    async def record(self, post_id: int, visitor_key: str, *, bot: bool = False) -> bool:
        now = self._clock()
        self._prune(now)
        key = (post_id, f"bot:{visitor_key}" if bot else visitor_key)
        if self._seen.get(key, 0.0) > now:
            return False
        self._seen[key] = now + self._window_s
        (self._bots if bot else self._pending)[post_id] += 1
        return True

    async def pending(self, post_ids: Iterable[int]) -> dict[int, int]:
        counts: dict[int, int] = {}
        for post_id in post_ids:
            n = self._pending.get(post_id, 0) + self._flushing.get(post_id, 0)
            if n:
                counts[post_id] = n
        return counts

    def pending_here(self, post_id: int) -> int:
        return self._pending.get(post_id, 0) + self._flushing.get(post_id, 0)

    async def flush(self) -> int:
        if not self._pending and not self._bots:
            return 0
        # Still counted by pending() until the transaction commits.
        batch, self._pending = self._pending, Counter()
        bot_batch, self._bots = self._bots, Counter()
        self._flushing.update(batch)
        try:
            await write_views(batch, bot_batch, trending_days=self._trending_days)
        except BaseException:
            self._pending.update(batch)
            self._bots.update(bot_batch)
            raise
        finally:
            self._flushing.subtract(batch)
            self._flushing = +self._flushing
        return sum(batch.values()) + sum(bot_batch.values())

    def _prune(self, now: float) -> None:
        if now < self._next_prune:
            return
        self._next_prune = now + 60.0
        self._seen = {key: until for key, until in self._seen.items() if until > now}


# Atomically move the pending hash aside for one flusher and remember it as in flight.
_START_FLUSH = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('RENAME', KEYS[1], KEYS[2])
redis.call('SADD', KEYS[3], KEYS[2])
return 1
"""

# Pending plus in-flight counts of the posts in ARGV.
_PENDING = """
local totals = {}
local keys = redis.call('SMEMBERS', KEYS[2])
table.insert(keys, KEYS[1])
for i = 1, #ARGV do totals[i] = 0 end
for _, key in ipairs(keys) do
  local values = redis.call('HMGET', key, unpack(ARGV))
  for i = 1, #ARGV do totals[i] = totals[i] + tonumber(values[i] or 0) end
end
return totals
"""


# Bots' views are fields `bot:<post id>` of the same hash, so one flush writes both.
_BOT = "bot:"


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


class RedisViewBuffer:
    """Shared by every instance on one Redis: de-duplication and counts survive restarts.

    Commands run through `guard`; when Redis is unavailable, views are counted in a
    `MemoryViewBuffer` of this process, which every flush writes first.
    """

    def __init__(
        self,
        redis: Redis,
        prefix: str,
        window_s: int,
        guard: RedisGuard | None = None,
        trending_days: int = activity.DEFAULT_WINDOW_DAYS,
    ) -> None:
        self._redis = redis
        self._guard = guard or RedisGuard()
        self._trending_days = trending_days
        self._local = MemoryViewBuffer(window_s, trending_days=trending_days)
        self._window_s = window_s
        self._prefix = f"{prefix}views:"
        self._pending_key = f"{self._prefix}pending"
        self._flushing_set = f"{self._prefix}flushing"
        self._start_flush = redis.register_script(_START_FLUSH)
        self._pending_script = redis.register_script(_PENDING)

    async def record(self, post_id: int, visitor_key: str, *, bot: bool = False) -> bool:
        try:
            return await self._guard.call(lambda: self._record(post_id, visitor_key, bot))
        except RedisUnavailable:
            return await self._local.record(post_id, visitor_key, bot=bot)

    async def _record(self, post_id: int, visitor_key: str, bot: bool) -> bool:
        kind = _BOT if bot else ""
        seen = f"{self._prefix}seen:{post_id}:{kind}{visitor_key}"
        if not await self._redis.set(seen, 1, nx=True, ex=self._window_s):
            return False
        # Should this fail, the view is counted in memory instead: seen, and counted once.
        await self._redis.hincrby(self._pending_key, f"{kind}{post_id}", 1)
        return True

    def pending_here(self, post_id: int) -> None:
        return None  # other instances' views are in Redis

    async def pending(self, post_ids: Iterable[int]) -> dict[int, int]:
        ids = [str(post_id) for post_id in post_ids]
        if not ids:
            return {}
        counts = await self._local.pending(int(pid) for pid in ids)
        try:
            totals = await self._guard.call(
                lambda: self._pending_script(keys=[self._pending_key, self._flushing_set], args=ids)
            )
        except RedisUnavailable:
            # What Redis holds is out of reach: readers see the stored count and ours.
            return counts
        for pid, n in zip(ids, totals, strict=True):
            if int(n):
                counts[int(pid)] = counts.get(int(pid), 0) + int(n)
        return counts

    async def flush(self) -> int:
        written = await self._local.flush()
        try:
            return written + await self._flush_shared()
        except RedisUnavailable:
            # Batches already moved aside stay in flight (still counted by pending());
            # they are written once Redis answers and they count as abandoned.
            return written

    async def _flush_shared(self) -> int:
        written = await self._recover_abandoned()
        batch_key = f"{self._prefix}batch:{int(time.time())}:{uuid.uuid4().hex}"
        keys = [self._pending_key, batch_key, self._flushing_set]
        if not await self._guard.call(lambda: self._start_flush(keys=keys)):
            return written
        return written + await self._write_batch(batch_key)

    async def _write_batch(self, batch_key: str) -> int:
        raw = await self._guard.call(lambda: self._redis.hgetall(batch_key))
        fields = {_text(name): int(n) for name, n in raw.items()}
        batch = {int(name): n for name, n in fields.items() if not name.startswith(_BOT)}
        bot_batch = {
            int(name.removeprefix(_BOT)): n for name, n in fields.items() if name.startswith(_BOT)
        }
        try:
            await write_views(batch, bot_batch, trending_days=self._trending_days)
        except BaseException:
            await self._finish(batch_key, put_back=fields)
            raise
        await self._finish(batch_key)
        return sum(batch.values()) + sum(bot_batch.values())

    async def _recover_abandoned(self) -> int:
        """Write batches whose flusher died mid-way (older than ABANDONED_AFTER_S)."""
        written = 0
        for raw_key in await self._guard.call(lambda: self._redis.smembers(self._flushing_set)):
            key = raw_key.decode() if isinstance(raw_key, bytes) else str(raw_key)
            started = key.removeprefix(f"{self._prefix}batch:").split(":", 1)[0]
            if started.isdigit() and time.time() - int(started) > ABANDONED_AFTER_S:
                log.warning("writing views of an abandoned flush batch %s", key)
                written += await self._write_batch(key)
        return written

    async def _finish(self, batch_key: str, put_back: Mapping[str, int] | None = None) -> None:
        async def finish() -> None:
            async with self._redis.pipeline(transaction=True) as pipe:
                for name, n in (put_back or {}).items():
                    pipe.hincrby(self._pending_key, name, n)
                pipe.delete(batch_key)
                pipe.srem(self._flushing_set, batch_key)
                await pipe.execute()

        await self._guard.call(finish)


async def record_view(
    viewer: Viewer,
    post_id: int,
    visitor_id: str | None,
    client_ip: str,
    engagement: Engagement,
    user_agent: str | None = None,
) -> PostStats:
    """Count a view of a post the viewer can see, at most once per visitor per window.

    Without a visitor id the client's address stands for the visitor. A crawler's view
    (by `user_agent`) leaves `viewCount` as it is and counts in the day's `bot_views`. Raises
    BAD_USER_INPUT, RATE_LIMITED and NOT_FOUND like `likes.like_post`.
    """
    visitor = clean_visitor_id(visitor_id) if visitor_id is not None else None
    await engagement.rate_limits.hit("view", client_ip)
    await require_visible_post(viewer, post_id)
    key = f"v:{visitor}" if visitor else f"c:{engagement.client_key(client_ip)}"
    bot = bots.is_bot(user_agent)
    counted = await engagement.views.record(post_id, key, bot=bot)
    stats = await stats_of(post_id, engagement.views, visitor)
    if counted and not bot:
        await publish_stats(engagement.events, stats)
    return stats
