"""Likes: idempotent per visitor, counted by an atomic update in the same transaction.

The same transaction adds the like to the post's bucket of the day (`services/activity`);
an unlike takes it back from the day the like was given.
"""

from __future__ import annotations

from tortoise import timezone
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from cms.models import Post
from cms.principal import Viewer
from cms.services import activity
from cms.services.engagement import Engagement, clean_visitor_id
from cms.services.read_statements import timestamp
from cms.services.stats import PostStats, publish_stats, stats_of
from cms.services.visibility import require_visible_post

# `like` is an SQL keyword, hence the quotes; both SQLite and PostgreSQL take this form.
_INSERT_LIKE = (
    'INSERT INTO "like" (post_id, visitor_id, created_at) VALUES ({}, {}, {}) '
    "ON CONFLICT (post_id, visitor_id) DO NOTHING RETURNING id"
)
_DELETE_LIKE = 'DELETE FROM "like" WHERE post_id = {} AND visitor_id = {} RETURNING created_at'


async def like_post(
    viewer: Viewer, post_id: int, visitor_id: str, client_ip: str, engagement: Engagement
) -> PostStats:
    """Like a post once per visitor; liking again changes nothing and is not an error.

    Raises BAD_USER_INPUT (visitor id), RATE_LIMITED (per client address) and NOT_FOUND
    (the post does not exist or the viewer may not see it).
    """
    visitor_id = clean_visitor_id(visitor_id)
    await engagement.rate_limits.hit("like", client_ip)
    await require_visible_post(viewer, post_id)
    async with in_transaction("default") as connection:
        dialect = connection.capabilities.dialect
        marks = ("$1", "$2", "$3") if dialect == "postgres" else ("?", "?", "?")
        now = timezone.now()
        inserted = await connection.execute_query_dict(
            _INSERT_LIKE.format(*marks), [post_id, visitor_id, now]
        )
        if inserted:
            await (
                Post.filter(id=post_id).using_db(connection).update(like_count=F("like_count") + 1)
            )
            await activity.record_activity(
                post_id,
                activity.utc_day(now),
                likes=1,
                window_days=engagement.limits.trending_window_days,
            )
    stats = await stats_of(post_id, engagement.views, visitor_id, liked=True)
    if inserted:
        await publish_stats(engagement.events, stats, liked_by=visitor_id)
    return stats


async def unlike_post(
    viewer: Viewer, post_id: int, visitor_id: str, client_ip: str, engagement: Engagement
) -> PostStats:
    """Take a visitor's like back; idempotent like `like_post`, with the same errors."""
    visitor_id = clean_visitor_id(visitor_id)
    await engagement.rate_limits.hit("like", client_ip)
    await require_visible_post(viewer, post_id)
    async with in_transaction("default") as connection:
        marks = ("$1", "$2") if connection.capabilities.dialect == "postgres" else ("?", "?")
        deleted = await connection.execute_query_dict(
            _DELETE_LIKE.format(*marks), [post_id, visitor_id]
        )
        removed = len(deleted)
        if removed:
            await (
                Post.filter(id=post_id)
                .using_db(connection)
                .update(like_count=F("like_count") - removed)
            )
            for row in deleted:
                await activity.take_back_like(
                    post_id,
                    timestamp(row["created_at"]),
                    engagement.limits.trending_window_days,
                )
    stats = await stats_of(post_id, engagement.views, visitor_id, liked=False)
    if removed:
        await publish_stats(engagement.events, stats, liked_by=visitor_id)
    return stats
