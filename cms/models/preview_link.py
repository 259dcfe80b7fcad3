"""Preview links: a signed, expiring token that shows one post, whatever its status.

The token itself is signed (`cms.services.preview_tokens`); the row is what lets an editor
list and revoke it, and it goes with its post when the post is deleted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

if TYPE_CHECKING:
    from cms.models.post import Post


class PreviewLink(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "cms.Post", related_name="preview_links", on_delete=fields.CASCADE
    )
    post_id: int
    # The name of the token that made the link.
    created_by = fields.CharField(max_length=80)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Whole seconds: the token carries the same instant.
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)

    class Meta:
        table = "preview_link"
        indexes = (Index(fields=("post_id", "created_at", "id"), name="preview_link_post_idx"),)
