"""Long-lived parts of a running process, built once from settings and shared by requests."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass, field

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError

from cms.services import activity, scheduled_posts
from cms.services.cache_purge import PurgeListener
from cms.services.cdn_purge import CdnPurger
from cms.services.engagement import Engagement
from cms.services.events import Broker, LocalBroker, RedisBroker
from cms.services.preview_links import PreviewLinks
from cms.services.preview_tokens import PreviewSigner
from cms.services.rate_limits import RateLimits
from cms.services.redis_guard import TROUBLE, RedisGuard
from cms.services.tokens import UsageClock
from cms.services.views import MemoryViewBuffer, RedisViewBuffer, ViewBuffer
from cms.services.webhook_delivery import DeliveryTask
from cms.services.webhook_sender import HttpSender
from cms.settings import Settings

log = logging.getLogger("cms.runtime")


def redis_client(url: str, settings: Settings) -> Redis:
    """A client on its own bounded pool: past `redis_max_connections` a command waits up
    to `redis_pool_timeout_s` for a free connection instead of failing at once."""
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=settings.redis_max_connections,
        timeout=settings.redis_pool_timeout_s,
        socket_connect_timeout=settings.redis_timeout_s,
        socket_timeout=settings.redis_timeout_s,
        # A pooled connection Redis dropped (a restart) is opened again once, unnoticed;
        # a timeout is not retried (the command may have run).
        retry=Retry(NoBackoff(), 1, supported_errors=(ConnectionError,)),
    )
    return Redis.from_pool(pool)


@dataclass
class Runtime:
    """What lives for the life of the app: settings and shared engagement machinery.

    Without `redis_url` everything is in this process; with it, view counts, rate-limit
    windows and subscription events are shared by every instance on that Redis, through
    one bounded pool whose commands wait for a free connection rather than fail. While
    Redis is unavailable they fall back to this process (see `services/redis_guard.py`).
    """

    settings: Settings
    # When each API token's last use was last written, so it is written once a minute.
    token_usage: UsageClock = field(default_factory=UsageClock)
    redis: Redis | None = field(init=False, default=None)
    redis_guard: RedisGuard = field(init=False, default_factory=RedisGuard)
    engagement: Engagement = field(init=False)
    # Applies purges to this process's response caches; tells the CDN of its own writes.
    purges: PurgeListener = field(init=False)
    cdn: CdnPurger | None = field(init=False, default=None)
    preview_links: PreviewLinks = field(init=False)
    _flusher: asyncio.Task[None] | None = field(init=False, default=None)
    # Sends webhook deliveries (settings.webhooks); None when turned off or stopped.
    _webhooks: DeliveryTask | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        settings, limits = self.settings, self.settings.limits
        prefix = settings.redis_prefix
        views: ViewBuffer
        events: Broker
        guard = self.redis_guard
        if settings.redis_url:
            self.redis = redis_client(settings.redis_url, settings)
            views = RedisViewBuffer(
                self.redis, prefix, limits.view_window_s, guard, limits.trending_window_days
            )
            events = RedisBroker(self.redis, prefix, guard)
        else:
            views = MemoryViewBuffer(
                limits.view_window_s, trending_days=limits.trending_window_days
            )
            events = LocalBroker()
        # Unset: a key for this process only (set CMS_SECRET_KEY when running several, and
        # for preview links that outlive a restart).
        secret = settings.secret_key.encode() if settings.secret_key else secrets.token_bytes(32)
        self.preview_links = PreviewLinks(PreviewSigner.from_secret(secret), settings.preview_url)
        self.engagement = Engagement(
            limits=limits,
            rate_limits=RateLimits(limits, self.redis, prefix, guard),
            views=views,
            events=events,
            secret=secret,
        )
        if settings.cdn_purge_url:
            self.cdn = CdnPurger(settings.cdn_purge_url, settings.cdn_purge_token)
        self.purges = PurgeListener(events, self.cdn)

    @property
    def views(self) -> ViewBuffer:
        return self.engagement.views

    @property
    def events(self) -> Broker:
        return self.engagement.events

    async def redis_answers(self) -> bool | None:
        """Whether Redis answers a PING now; None when the process runs without Redis."""
        if self.redis is None:
            return None
        try:
            return bool(await asyncio.wait_for(self.redis.ping(), self.settings.redis_timeout_s))
        except TROUBLE:
            return False

    async def start(self) -> None:
        """Start background work; called by the app's lifespan after the database opens."""
        await self.events.start()
        if self.cdn is not None:
            await self.cdn.start()
        await self.purges.start()
        self._flusher = asyncio.create_task(self._flush_views(), name="cms-view-flusher")
        hooks = self.settings.webhooks
        if hooks.enabled:
            self._webhooks = DeliveryTask(hooks, HttpSender(hooks.timeout_s))
            self._webhooks.start()

    async def stop(self) -> None:
        """Stop background work and flush what is buffered; called before the database closes."""
        if self._webhooks is not None:
            await self._webhooks.stop()
            self._webhooks = None
        if self._flusher is not None:
            self._flusher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._flusher
            self._flusher = None
        await self.purges.stop()
        try:
            await self.views.flush()
        finally:
            if self.cdn is not None:
                await self.cdn.stop()
            await self.events.stop()
            if self.redis is not None:
                await self.redis.aclose()

    async def _flush_views(self) -> None:
        """Every `view_flush_interval_s`: buffered views to the database, scheduled posts
        whose time has come to PUBLISHED, and trending scores now and then."""
        limits = self.settings.limits
        interval = limits.view_flush_interval_s
        loop = asyncio.get_running_loop()
        refresh_due = loop.time()
        while True:
            await asyncio.sleep(interval)
            try:
                await self.views.flush()
            except Exception:
                # Counts stay buffered and are retried at the next tick.
                log.exception("flushing buffered views failed")
            try:
                await scheduled_posts.publish_due(self.events)
            except Exception:
                # The posts stay SCHEDULED (they already read as published) until a tick works.
                log.exception("publishing scheduled posts failed")
            if loop.time() >= refresh_due:
                # Days leave the trending window without any activity to refresh them.
                try:
                    await activity.refresh_trending(limits.trending_window_days)
                    refresh_due = loop.time() + limits.trending_refresh_interval_s
                except Exception:
                    log.exception("recomputing trending scores failed")
