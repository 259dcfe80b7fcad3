"""Purges from commands that write content: running servers drop what changed from
their caches (through Redis, when CMS_REDIS_URL is set) and the CDN is told."""

from __future__ import annotations

from collections.abc import Iterable

from cms.runtime import redis_client
from cms.services import cache_purge
from cms.services.cdn_purge import CdnPurger
from cms.services.events import RedisBroker
from cms.settings import Settings


def post_keys(post_ids: Iterable[int]) -> list[str]:
    """Everything a changed post (its fields, sections, comments) may show in."""
    keys: set[str] = set()
    for post_id in post_ids:
        keys.update(cache_purge.post_changed_keys(post_id))
        keys.add(cache_purge.comments_key(post_id))
    return sorted(keys)


async def purge(settings: Settings, keys: Iterable[str]) -> None:
    """Tell the servers on CMS_REDIS_URL (returning once they confirm) and the CDN at
    CMS_CDN_PURGE_URL (returning once it accepted or every attempt failed)."""
    wanted = sorted(set(keys))
    if not wanted:
        return
    if settings.redis_url:
        redis = redis_client(settings.redis_url, settings)
        broker = RedisBroker(redis, settings.redis_prefix)
        # This process hears its own purge too: it confirms it like any other.
        listener = cache_purge.PurgeListener(broker)
        try:
            await broker.start()
            await listener.start()
            await cache_purge.purge(broker, wanted)
        finally:
            await listener.stop()
            await broker.stop()
            await redis.aclose()
    if settings.cdn_purge_url:
        cdn = CdnPurger(settings.cdn_purge_url, settings.cdn_purge_token)
        await cdn.start()
        try:
            cdn.enqueue(wanted)
            await cdn.idle()
        finally:
            await cdn.stop()
