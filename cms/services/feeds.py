"""What the Atom feed and the sitemap list: published posts only, read without the ORM.

The feed is the public feed's first page; its version is a hash of those rows. The
sitemap's version is `sitemap_state`, one aggregate that changes whenever the sitemap
would (a post published, edited, unpublished or deleted), so a client's copy is
revalidated without reading the posts; the sitemap itself is read in keyset batches
along `post_live_feed_idx`, never as one big result.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

from tortoise import timezone

from cms.principal import ANONYMOUS
from cms.services.pagination import PageRequest
from cms.services.posts import PostQuery, list_posts
from cms.services.read_statements import LIVE, Statement, fetch, optional_timestamp, timestamp
from cms.services.records import PostRecord

FEED_SIZE = 50
# The sitemap protocol's limit for one file.
SITEMAP_MAX_URLS = 50_000
SITEMAP_BATCH = 1000

# For a live post feed_at is its published_at, so `feed_at <= ?` keeps the count on the
# partial index alone; the latest change to any post is one probe of post_updated_idx.
_STATE = Statement(
    "SELECT COUNT(*), COALESCE(SUM(id), 0), MAX(feed_at), "
    "(SELECT MAX(updated_at) FROM post {indexed_by:post_updated_idx}) "
    f"FROM post {{indexed_by:post_live_feed_idx}} WHERE {LIVE} AND feed_at <= ?"
)
_BATCH_SQL = (
    "SELECT slug, updated_at, feed_at, id FROM post {{indexed_by:post_live_feed_idx}} "
    f"WHERE {LIVE} AND published_at <= ?{{bound}} ORDER BY feed_at DESC, id DESC LIMIT ?"
)
_FIRST_BATCH = Statement(_BATCH_SQL.format(bound=""))
_NEXT_BATCH = Statement(_BATCH_SQL.format(bound=" AND (feed_at, id) < (?, ?)"))


@dataclass(frozen=True)
class Version:
    """A fingerprint of what a document lists, and when the newest change was made (an
    edit or a publication)."""

    tag: str
    last_modified: datetime | None


def _version(parts: object, times: list[datetime | None]) -> Version:
    changes = [t for t in times if t is not None]
    tag = hashlib.sha256(str(parts).encode()).hexdigest()[:32]
    return Version(tag, max(changes) if changes else None)


@dataclass(frozen=True)
class SitemapEntry:
    slug: str
    updated_at: datetime


async def sitemap_state(now: datetime | None = None) -> Version:
    """Counts every published post on the partial index (PostgreSQL may rightly read the
    table instead: the sitemap lists them all anyway)."""
    ((count, id_sum, published, updated),) = await fetch(_STATE, now or timezone.now())
    return _version(
        (count, id_sum, published, updated),
        [optional_timestamp(published), optional_timestamp(updated)],
    )


async def newest_posts(limit: int = FEED_SIZE) -> tuple[list[PostRecord], Version]:
    """The newest published posts, newest first (the public feed's first page)."""
    page = await list_posts(ANONYMOUS, PostQuery(), PageRequest(first=limit))
    parts = [(post.id, post.updated_at, post.published_at) for post in page.items]
    times = [t for post in page.items for t in (post.updated_at, post.published_at)]
    return page.items, _version(parts, times)


async def sitemap_entries(
    limit: int = SITEMAP_MAX_URLS, batch: int = SITEMAP_BATCH, now: datetime | None = None
) -> AsyncIterator[list[SitemapEntry]]:
    """Published posts, newest first, `batch` at a time, at most `limit` in all."""
    now = now or timezone.now()
    rows = await fetch(_FIRST_BATCH, now, min(batch, limit))
    left = limit
    while rows:
        yield [SitemapEntry(slug, timestamp(updated)) for slug, updated, _, _ in rows]
        left -= len(rows)
        if len(rows) < batch or left <= 0:
            return
        # The last row's stored values bound the next batch, as the database compares them.
        _, _, feed_at, last_id = rows[-1]
        rows = await fetch(_NEXT_BATCH, now, feed_at, last_id, min(batch, left))
