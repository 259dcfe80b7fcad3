"""Moderation in the open: why a comment is held, readers' reports, and bans."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields, timezone
from tortoise.indexes import Index
from tortoise.models import Model

from cms.enums import CommentStatus, HoldReason

if TYPE_CHECKING:
    from cms.models.comment import Comment


class CommentHold(Model):
    """One reason a comment was held."""

    # The comment's status and creation time are copied here (kept in its moderation
    # transaction), so the queue of one reason walks one index in order.

    id = fields.IntField(primary_key=True)
    comment: fields.ForeignKeyRelation[Comment] = fields.ForeignKeyField(
        "cms.Comment", related_name="holds", on_delete=fields.CASCADE
    )
    comment_id: int
    reason = fields.CharEnumField(HoldReason, max_length=16)
    status = fields.CharEnumField(CommentStatus, max_length=16, default=CommentStatus.PENDING)
    created_at = fields.DatetimeField(default=timezone.now)

    class Meta:
        table = "comment_hold"
        unique_together = (("comment", "reason"),)
        indexes = (
            Index(fields=("reason", "status", "created_at", "comment_id"), name="comment_hold_idx"),
        )


class CommentReport(Model):
    """A reader's report of a comment: one per visitor and comment."""

    id = fields.IntField(primary_key=True)
    comment: fields.ForeignKeyRelation[Comment] = fields.ForeignKeyField(
        "cms.Comment", related_name="reports", on_delete=fields.CASCADE
    )
    comment_id: int
    visitor_id = fields.CharField(max_length=128)
    reason = fields.CharField(max_length=200, default="", db_default="")
    created_at = fields.DatetimeField(default=timezone.now)

    class Meta:
        table = "comment_report"
        unique_together = (("comment", "visitor_id"),)


class Ban(Model):
    """An author name or a client whose new comments are held (until `expires_at`)."""

    # A client is the keyed hash of its address its comments carry, never the address.

    id = fields.IntField(primary_key=True)
    author = fields.CharField(max_length=80, null=True)
    # `author` case-folded: what a new comment's author is compared with.
    author_key = fields.CharField(max_length=80, null=True)
    client_key = fields.CharField(max_length=64, null=True)
    reason = fields.CharField(max_length=200, default="", db_default="")
    created_by = fields.CharField(max_length=80, default="", db_default="")
    created_at = fields.DatetimeField(default=timezone.now)
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "ban"
        indexes = (
            Index(fields=("author_key", "expires_at"), name="ban_author_idx"),
            Index(fields=("client_key", "expires_at"), name="ban_client_idx"),
            Index(fields=("created_at", "id"), name="ban_list_idx"),
        )
