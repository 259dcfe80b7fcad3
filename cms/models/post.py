"""Posts and their tags."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from cms.enums import PostStatus

if TYPE_CHECKING:
    from cms.models.comment import Comment
    from cms.models.section import Section
    from cms.models.story import Story


class Tag(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=64, unique=True)

    class Meta:
        table = "tag"


class Post(Model):
    id = fields.IntField(primary_key=True)
    slug = fields.CharField(max_length=200, unique=True)
    title = fields.CharField(max_length=300)
    excerpt = fields.TextField(default="")
    status = fields.CharEnumField(PostStatus, max_length=16, default=PostStatus.DRAFT)
    published_at = fields.DatetimeField(null=True)
    # Once public, the slug is in links: a later rename keeps it unless asked.
    was_published = fields.BooleanField(default=False, db_default=False)
    # What feeds sort by: published_at once set, else created_at (keyset cursors need no NULLs).
    feed_at = fields.DatetimeField()
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    like_count = fields.IntField(default=0, db_default=0)
    view_count = fields.IntField(default=0, db_default=0)
    comment_count = fields.IntField(default=0, db_default=0)
    # Weighted activity of the last days (`services/activity.py`), what TRENDING sorts by.
    trending_score = fields.IntField(default=0, db_default=0)
    # Title, excerpt and section text joined, for the full-text indexes.
    search_text = fields.TextField(default="")
    tags: fields.ManyToManyRelation[Tag] = fields.ManyToManyField(
        "cms.Tag", related_name="posts", through="post_tag", on_delete=fields.CASCADE
    )

    sections: fields.ReverseRelation[Section]
    stories: fields.ReverseRelation[Story]
    comments: fields.ReverseRelation[Comment]

    class Meta:
        table = "post"
        indexes = (
            Index(fields=("status", "feed_at", "id"), name="post_feed_idx"),
            Index(fields=("like_count", "id"), name="post_likes_idx"),
            Index(fields=("view_count", "id"), name="post_views_idx"),
            # The latest change to any post, for the feeds' ETag (one index probe).
            Index(fields=("updated_at",), name="post_updated_idx"),
            Index(fields=("trending_score", "id"), name="post_trending_idx"),
        )
