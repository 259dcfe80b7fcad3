"""Previous versions of posts, kept on every change: what changed and the whole post before it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from cms.enums import RevisionAction

if TYPE_CHECKING:
    from cms.models.post import Post


class Revision(Model):
    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "cms.Post", related_name="revisions", on_delete=fields.CASCADE
    )
    post_id: int
    # Null for a revision of the post itself; the section's id otherwise.
    section_id = fields.IntField(null=True)
    editor = fields.CharField(max_length=80)
    created_at = fields.DatetimeField(auto_now_add=True)
    action = fields.CharEnumField(
        RevisionAction, max_length=24, default=RevisionAction.POST_EDITED, db_default="POST_EDITED"
    )
    # The values before the update, by field name (only the fields that changed).
    previous: dict[str, object] = fields.JSONField()
    # The whole post before the change (cms.services.snapshots); null in revisions kept
    # before whole-post revisions existed.
    snapshot: dict[str, object] | None = fields.JSONField(null=True)

    class Meta:
        table = "revision"
