"""Surrogate keys: names for what a cached answer contains, and purges of them.

An anonymous answer is tagged with the keys of what it shows (`post:<id>`, its thread
`post:<id>:comments`, the lists `posts`, `tag:<slug>`, the feeds `feed` and `sitemap`);
a write, once committed, purges exactly the keys it touched, in every process's
response cache (the `cache:purge` channel of the events broker: Redis pub/sub across
workers and instances, in-process without Redis) and at the CDN (`cdn_purge.py`).

Likes, reactions, votes and views purge nothing: they happen all the time, each answer
carries the new counts to its reader, and `postStats` carries them live; cached counts
catch up within the cache's TTL.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable, Iterable
from typing import Protocol

from cms.services.events import Broker, Message

log = logging.getLogger("cms.cache")

PURGE_CHANNEL = "cache:purge"
# Each process that heard a purge answers here once its caches dropped the keys.
ACK_CHANNEL = "cache:purged"
# How long a write waits for every process to confirm its purge before answering.
ACK_WAIT_S = 2.0
# Which lists and feeds may change when a post changes: its presence (status, slug,
# schedule), its place (dates) or what it shows in them (title, excerpt, tags).
POSTS = "posts"
# Every anonymous answer, for a purge of everything (`cms load`).
SITE = "site"
FEED = "feed"
SITEMAP = "sitemap"
# Marks the purges this process publishes: it tells the CDN of its own only, once.
ORIGIN = secrets.token_hex(8)


def post_key(post_id: int) -> str:
    return f"post:{post_id}"


def comments_key(post_id: int) -> str:
    return f"post:{post_id}:comments"


def tag_key(slug: str) -> str:
    return f"tag:{slug}"


def post_changed_keys(post_id: int) -> list[str]:
    """What a change to a post (fields, status, sections, stories) may alter."""
    return [post_key(post_id), POSTS, FEED, SITEMAP]


async def purge(events: Broker | None, keys: Iterable[str], *, wait_s: float = ACK_WAIT_S) -> None:
    """Purge `keys` everywhere (after commit), returning once every process that heard
    the purge has dropped them (at most `wait_s`), so the next read anywhere is fresh.
    Without a broker (scripts without Redis) there is no running cache to tell."""
    wanted = sorted(set(keys))
    if events is None or not wanted:
        return
    purge_id = secrets.token_hex(8)
    async with events.subscribe(ACK_CHANNEL) as acks:
        heard_by = await events.publish(
            PURGE_CHANNEL, {"keys": wanted, "origin": ORIGIN, "id": purge_id}
        )
        confirmed = 0
        try:
            async with asyncio.timeout(wait_s):
                while confirmed < heard_by:
                    if (await acks.next()).get("id") == purge_id:
                        confirmed += 1
        except TimeoutError:
            log.warning(
                "%d of %d processes confirmed purging %s", confirmed, heard_by, " ".join(wanted)
            )


def purged_keys(message: Message) -> list[str]:
    """The keys of a purge message (nothing from a malformed one)."""
    keys = message.get("keys")
    if not isinstance(keys, list):
        return []
    return [key for key in keys if isinstance(key, str)]


def published_here(message: Message) -> bool:
    return message.get("origin") == ORIGIN


class TagPurger(Protocol):
    """Where purges go beyond this process's caches (a CDN)."""

    def enqueue(self, keys: list[str]) -> None: ...


class PurgeListener:
    """Applies every purge heard on the broker to this process's caches, confirms it,
    and hands this process's own purges to the CDN (so it is told once per write)."""

    def __init__(self, events: Broker, cdn: TagPurger | None = None) -> None:
        self._events = events
        self._cdn = cdn
        self._caches: list[Callable[[list[str]], int]] = []
        self._task: asyncio.Task[None] | None = None
        self._subscribed = asyncio.Event()

    def follow(self, cache_purge: Callable[[list[str]], int]) -> None:
        """Call `cache_purge(keys)` for every purge (a response cache's `purge`)."""
        self._caches.append(cache_purge)

    async def start(self) -> None:
        """Listen; returns once subscribed, so every purge published after is heard."""
        self._task = asyncio.create_task(self._listen(), name="cms-cache-purges")
        await self._subscribed.wait()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _listen(self) -> None:
        async with self._events.subscribe(PURGE_CHANNEL) as purges:
            self._subscribed.set()
            async for message in purges:
                keys = purged_keys(message)
                for cache in self._caches:
                    cache(keys)
                try:
                    await self._events.publish(ACK_CHANNEL, {"id": message.get("id")})
                except Exception:
                    log.exception("confirming a cache purge failed")
                if self._cdn is not None and published_here(message) and keys:
                    self._cdn.enqueue(keys)
