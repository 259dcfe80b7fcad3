"""Moderating comments: a status change or a deletion moves `post.comment_count` atomically.

`comment_count` counts public comments (APPROVED under APPROVED ancestors, replies
included), so it changes only when one becomes public or stops being, in the same
transaction as the change that moved it.
"""

from __future__ import annotations

from typing import cast

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from cms.enums import CommentStatus, ModerationEventKind, WebhookEventType
from cms.errors import NotFound
from cms.models import Comment, Post
from cms.principal import Viewer
from cms.services import cache_purge, outbox
from cms.services.access import require_editor
from cms.services.comments import set_comment_status
from cms.services.engagement import Engagement
from cms.services.moderation_events import publish_moderation
from cms.services.stats import publish_stats, stats_of


async def moderate_comment(
    viewer: Viewer, comment_id: int, status: CommentStatus, engagement: Engagement
) -> Comment:
    """Set the comment's status (an editor's decision); see `comments.set_comment_status`."""
    editor = require_editor(viewer)
    return await set_comment_status(comment_id, status, engagement=engagement, decided_by=editor)


async def _thread_ids(comment_id: int) -> list[int]:
    """The comment and every reply below it, at any depth."""
    found, frontier = [comment_id], [comment_id]
    while frontier:
        replies = Comment.filter(parent_id__in=frontier).values_list("id", flat=True)
        frontier = cast(list[int], await replies)
        found += frontier
    return found


async def delete_comment(viewer: Viewer, comment_id: int, engagement: Engagement) -> None:
    """Delete the comment and its replies; the count drops by the approved ones removed."""
    editor = require_editor(viewer)
    async with in_transaction("default"):
        comment = await Comment.filter(id=comment_id).first()
        if comment is None:
            raise NotFound("No comment has this id: it may have been deleted.")
        # Locking the post serialises this with status changes in the thread, so the
        # approved rows counted here are the ones deleted.
        await Post.filter(id=comment.post_id).select_for_update().first()
        ids = await _thread_ids(comment.id)
        await outbox.comment_event(WebhookEventType.COMMENT_DELETED, comment)
        approved = await Comment.filter(id__in=ids, is_public=True).count()
        await Comment.filter(id__in=ids).delete()
        if approved:
            await Post.filter(id=comment.post_id).update(
                comment_count=F("comment_count") - approved
            )
    await publish_moderation(engagement.events, ModerationEventKind.DELETED, comment, editor)
    if approved:
        await publish_stats(engagement.events, await stats_of(comment.post_id, engagement.views))
        await cache_purge.purge(engagement.events, [cache_purge.comments_key(comment.post_id)])
