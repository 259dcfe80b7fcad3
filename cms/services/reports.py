"""Readers' reports: one per visitor and comment; enough distinct reporters hold an
approved comment for an editor (PENDING, held for REPORTS)."""

from __future__ import annotations

from tortoise import timezone
from tortoise.transactions import in_transaction

from cms.enums import CommentStatus, HoldReason, ModerationEventKind
from cms.models import Comment, Post
from cms.principal import Viewer
from cms.services import cache_purge, holds
from cms.services.bans import short_reason
from cms.services.comments import move_status
from cms.services.engagement import Engagement, clean_visitor_id
from cms.services.moderation_events import publish_moderation
from cms.services.stats import publish_stats, stats_of
from cms.services.visibility import can_see_comment, require_visible_comment

_INSERT_REPORT = (
    "INSERT INTO comment_report (comment_id, visitor_id, reason, created_at) "
    "VALUES ({}, {}, {}, {}) ON CONFLICT (comment_id, visitor_id) DO NOTHING RETURNING id"
)
_COUNT_REPORT = (
    "UPDATE comment SET report_count = report_count + 1 WHERE id = {} RETURNING report_count"
)


async def report_comment(
    viewer: Viewer,
    comment_id: int,
    visitor_id: str,
    reason: str | None,
    client_ip: str,
    engagement: Engagement,
) -> Comment | None:
    """Report a comment once per visitor; reporting again changes nothing.

    The report that brings the distinct reporters to `comment_report_threshold` holds
    an APPROVED comment (exactly once, however many arrive at the same time). Returns
    the comment as the viewer may still see it: None once it is held. Raises
    BAD_USER_INPUT (visitor id, reason), RATE_LIMITED (per client address) and
    NOT_FOUND (a comment the viewer cannot see).
    """
    visitor_id = clean_visitor_id(visitor_id)
    reason = short_reason(reason)
    await engagement.rate_limits.hit("report", client_ip)
    comment = await require_visible_comment(viewer, comment_id)
    threshold = engagement.limits.comment_report_threshold
    held, delta = False, 0
    async with in_transaction("default") as connection:
        # The post row first, as every moderation does: decisions and reports of one
        # thread take their turns, and the comment row is read as it is now.
        await Post.filter(id=comment.post_id).using_db(connection).select_for_update().first()
        postgres = connection.capabilities.dialect == "postgres"
        marks = ("$1", "$2", "$3", "$4") if postgres else ("?",) * 4
        inserted = await connection.execute_query_dict(
            _INSERT_REPORT.format(*marks), [comment_id, visitor_id, reason, timezone.now()]
        )
        if inserted:
            rows = await connection.execute_query_dict(
                _COUNT_REPORT.format("$1" if postgres else "?"), [comment_id]
            )
            count = int(rows[0]["report_count"])
            current = await Comment.filter(id=comment_id).using_db(connection).first()
            if current is not None and threshold and count == threshold:
                moved = None
                if current.status == CommentStatus.APPROVED:
                    moved = await move_status(current, CommentStatus.PENDING, connection)
                if moved is not None:
                    current.status, (current.is_public, delta) = CommentStatus.PENDING, moved
                    held = True
                await holds.record_holds(current, [HoldReason.REPORTS], connection)
            comment = current or comment
    if inserted:
        await publish_moderation(engagement.events, ModerationEventKind.REPORTED, comment)
    if held:
        await publish_moderation(engagement.events, ModerationEventKind.HELD, comment)
    if delta:
        await publish_stats(engagement.events, await stats_of(comment.post_id, engagement.views))
        await cache_purge.purge(engagement.events, [cache_purge.comments_key(comment.post_id)])
    return comment if can_see_comment(viewer, comment) else None
