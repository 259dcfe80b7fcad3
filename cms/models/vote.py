"""Readers' votes on comments: one per visitor and comment, +1 or -1."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields, timezone
from tortoise.models import Model

if TYPE_CHECKING:
    from cms.models.comment import Comment


class CommentVote(Model):
    id = fields.IntField(primary_key=True)
    comment: fields.ForeignKeyRelation[Comment] = fields.ForeignKeyField(
        "cms.Comment", related_name="votes", on_delete=fields.CASCADE
    )
    comment_id: int
    visitor_id = fields.CharField(max_length=128)
    value = fields.SmallIntField()
    created_at = fields.DatetimeField(default=timezone.now)

    class Meta:
        table = "comment_vote"
        unique_together = (("comment", "visitor_id"),)
