"""Readers' reactions to posts and comments: one row per visitor and kind, and the
count of each kind, moved by atomic updates in the transaction that adds or removes one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields, timezone
from tortoise.models import Model

if TYPE_CHECKING:
    from cms.models.comment import Comment
    from cms.models.post import Post

# Kinds are configured (`CMS_REACTION_KINDS`), so they are stored as their names.
KIND_LENGTH = 32


class PostReaction(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "cms.Post", related_name="reactions", on_delete=fields.CASCADE
    )
    post_id: int
    kind = fields.CharField(max_length=KIND_LENGTH)
    visitor_id = fields.CharField(max_length=128)
    created_at = fields.DatetimeField(default=timezone.now)

    class Meta:
        table = "post_reaction"
        unique_together = (("post", "kind", "visitor_id"),)


class PostReactionCount(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "cms.Post", related_name="reaction_counts", on_delete=fields.CASCADE
    )
    post_id: int
    kind = fields.CharField(max_length=KIND_LENGTH)
    count = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "post_reaction_count"
        unique_together = (("post", "kind"),)


class CommentReaction(Model):
    id = fields.IntField(primary_key=True)
    comment: fields.ForeignKeyRelation[Comment] = fields.ForeignKeyField(
        "cms.Comment", related_name="reactions", on_delete=fields.CASCADE
    )
    comment_id: int
    kind = fields.CharField(max_length=KIND_LENGTH)
    visitor_id = fields.CharField(max_length=128)
    created_at = fields.DatetimeField(default=timezone.now)

    class Meta:
        table = "comment_reaction"
        unique_together = (("comment", "kind", "visitor_id"),)


class CommentReactionCount(Model):
    id = fields.IntField(primary_key=True)
    comment: fields.ForeignKeyRelation[Comment] = fields.ForeignKeyField(
        "cms.Comment", related_name="reaction_counts", on_delete=fields.CASCADE
    )
    comment_id: int
    kind = fields.CharField(max_length=KIND_LENGTH)
    count = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "comment_reaction_count"
        unique_together = (("comment", "kind"),)
