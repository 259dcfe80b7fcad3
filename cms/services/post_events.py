"""Editors' live stream of posts: published, and changed in any way (fields, status,
sections, stories), on every instance (published after commit through the broker)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from cms.principal import Viewer
from cms.services import cache_purge
from cms.services.events import Broker
from cms.services.moderation_events import require_reader

POSTS_CHANNEL = "posts"


async def announce(events: Broker | None, post_id: int, *, published: bool = False) -> None:
    """Tell editors a post changed (`published`: it went live now), and purge what it
    changed from every cache; after commit. Without a broker (scripts, imports from the
    CLI) nobody is told."""
    if events is not None:
        await events.publish(POSTS_CHANNEL, {"post_id": post_id, "published": published})
        await cache_purge.purge(events, cache_purge.post_changed_keys(post_id))


async def watch_posts(
    viewer: Viewer, events: Broker, *, published_only: bool
) -> AsyncIterator[int]:
    """Ids of posts as they change (or only as they are published), for editors."""
    require_reader(viewer)
    async with events.subscribe(POSTS_CHANNEL) as subscription:
        async for message in subscription:
            if message.get("published") or not published_only:
                yield int(message["post_id"])
