"""One row per post and visitor: what makes likes idempotent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from cms.models.post import Post


class Like(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "cms.Post", related_name="likes", on_delete=fields.CASCADE
    )
    post_id: int
    visitor_id = fields.CharField(max_length=128)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "like"
        unique_together = (("post", "visitor_id"),)
