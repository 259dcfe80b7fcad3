"""Per-post daily counts (UTC days), kept as views are flushed and likes and comments happen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from cms.models.post import Post


class PostActivity(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "cms.Post", related_name="activity", on_delete=fields.CASCADE
    )
    post_id: int
    day = fields.DateField()
    views = fields.IntField(default=0, db_default=0)
    likes = fields.IntField(default=0, db_default=0)
    comments = fields.IntField(default=0, db_default=0)
    reactions = fields.IntField(default=0, db_default=0)
    # Views from user agents known as crawlers: never in `views` nor in `post.view_count`.
    bot_views = fields.IntField(default=0, db_default=0)

    class Meta:
        table = "post_activity"
        unique_together = (("post", "day"),)
        # Editors' rankings read every post's buckets of a range of days.
        indexes = (Index(fields=("day", "post_id"), name="post_activity_day_idx"),)
