"""Moderating comments: a status change or a deletion moves `post.comment_count` atomically.

`comment_count` counts APPROVED comments (replies included), so it changes only when
a comment enters or leaves APPROVED, in the same transaction as that change.
"""

from __future__ import annotations

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from cms.enums import CommentStatus
from cms.errors import NotFound
from cms.models import Comment, Post
from cms.principal import Viewer
from cms.services.access import require_editor


async def _locked_comment(comment_id: int) -> Comment:
    comment = await Comment.filter(id=comment_id).select_for_update().first()
    if comment is None:
        raise NotFound("No comment has this id: it may have been deleted.")
    return comment


async def moderate_comment(viewer: Viewer, comment_id: int, status: CommentStatus) -> Comment:
    """Set the comment's status; setting the status it already has changes nothing."""
    require_editor(viewer)
    async with in_transaction():
        comment = await _locked_comment(comment_id)
        if comment.status == status:
            return comment
        delta = (status == CommentStatus.APPROVED) - (comment.status == CommentStatus.APPROVED)
        comment.status = status
        await comment.save(update_fields=["status"])
        if delta:
            await Post.filter(id=comment.post_id).update(comment_count=F("comment_count") + delta)
    return comment


async def _thread_ids(comment_id: int) -> list[int]:
    """The comment and every reply below it, at any depth."""
    found, frontier = [comment_id], [comment_id]
    while frontier:
        frontier = await Comment.filter(parent_id__in=frontier).values_list("id", flat=True)
        found += frontier
    return found


async def delete_comment(viewer: Viewer, comment_id: int) -> None:
    """Delete the comment and its replies; the count drops by the approved ones removed."""
    require_editor(viewer)
    async with in_transaction():
        comment = await _locked_comment(comment_id)
        ids = await _thread_ids(comment.id)
        approved = await Comment.filter(id__in=ids, status=CommentStatus.APPROVED).count()
        await Comment.filter(id__in=ids).delete()
        if approved:
            await Post.filter(id=comment.post_id).update(
                comment_count=F("comment_count") - approved
            )
