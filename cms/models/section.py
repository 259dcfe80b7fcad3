"""Ordered sections of a post: heading plus Markdown body."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from cms.models.post import Post


class Section(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "cms.Post", related_name="sections", on_delete=fields.CASCADE
    )
    post_id: int
    position = fields.IntField()
    heading = fields.CharField(max_length=300, null=True)
    body = fields.TextField()
    # Rendered and sanitised from body at write time; never edited by hand.
    html = fields.TextField()
    # Where each top-level block of body begins: JSON [[line, offset in html], ...]
    # (cms.services.rendering.render_body); how stories are placed among the blocks.
    block_starts = fields.TextField(default="[]", db_default="[]")

    class Meta:
        table = "section"
        unique_together = (("post", "position"),)
