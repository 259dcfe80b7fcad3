"""Threaded, moderated comments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields, timezone
from tortoise.indexes import Index
from tortoise.models import Model

from cms.enums import CommentStatus

if TYPE_CHECKING:
    from cms.models.post import Post


class Comment(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "cms.Post", related_name="comments", on_delete=fields.CASCADE
    )
    post_id: int
    parent: fields.ForeignKeyNullableRelation[Comment] = fields.ForeignKeyField(
        "cms.Comment", related_name="replies", null=True, on_delete=fields.CASCADE
    )
    parent_id: int | None
    depth = fields.IntField(default=0, db_default=0)
    author = fields.CharField(max_length=80)
    body = fields.TextField()
    html = fields.TextField()
    status = fields.CharEnumField(CommentStatus, max_length=16, default=CommentStatus.PENDING)
    created_at = fields.DatetimeField(default=timezone.now)
    # A hash of the client's address: rate limits and moderation, never shown.
    client_key = fields.CharField(max_length=64, default="", db_default="")
    # APPROVED with every ancestor APPROVED: what the public sees (services/threads.py).
    is_public = fields.BooleanField(default=False, db_default=False)
    # What the duplicate rule compares: a hash of the body as the rules read it.
    fingerprint = fields.CharField(max_length=64, default="", db_default="")
    # Listed in an article's text: an import may edit or remove it; readers' comments
    # (written here) it never touches.
    imported = fields.BooleanField(default=False, db_default=False)
    # Distinct visitors who reported it (comment_report), moved by atomic updates.
    report_count = fields.IntField(default=0, db_default=0)
    # Readers' votes (comment_vote), moved by atomic updates: score = upvotes - downvotes.
    score = fields.IntField(default=0, db_default=0)
    upvotes = fields.IntField(default=0, db_default=0)
    downvotes = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "comment"
        indexes = (
            # A post's top-level thread (parent_id IS NULL) in order, without reading others'.
            # Replies use comment_reply_idx, partial (parent_id IS NOT NULL), from migration
            # 0004: no planner can then read top-level comments through it.
            Index(
                fields=("post_id", "parent_id", "is_public", "created_at", "id"),
                name="comment_thread_idx",
            ),
            # The same thread ordered TOP (score, id); replies: comment_reply_top_idx,
            # partial like comment_reply_idx (migration 0015).
            Index(
                fields=("post_id", "parent_id", "is_public", "score", "id"),
                name="comment_top_idx",
            ),
            Index(fields=("status", "created_at", "id"), name="comment_queue_idx"),
            # The duplicate rule: the same fingerprint on a post within a window.
            Index(fields=("post_id", "fingerprint", "created_at"), name="comment_duplicate_idx"),
        )
