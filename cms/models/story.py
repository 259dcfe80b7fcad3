"""Stories: quoted first-hand accounts placed among a section's paragraphs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from cms.enums import StoryKind

if TYPE_CHECKING:
    from cms.models.post import Post
    from cms.models.section import Section


class Story(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "cms.Post", related_name="stories", on_delete=fields.CASCADE
    )
    post_id: int
    section: fields.ForeignKeyNullableRelation[Section] = fields.ForeignKeyField(
        "cms.Section", related_name="stories", null=True, on_delete=fields.SET_NULL
    )
    section_id: int | None
    # Its place among the section's body blocks: how many blocks come before it.
    position = fields.IntField(default=0)
    kind = fields.CharEnumField(StoryKind, max_length=16)
    name = fields.CharField(max_length=200)
    descriptor = fields.CharField(max_length=300, null=True)
    lead = fields.TextField()
    quote = fields.TextField()

    class Meta:
        table = "story"
        indexes = (
            Index(fields=("post_id", "position", "id"), name="story_post_idx"),
            Index(fields=("kind", "id"), name="story_kind_idx"),
        )
