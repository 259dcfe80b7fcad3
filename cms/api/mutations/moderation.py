"""Editor mutations on comments: moderate, delete."""

from __future__ import annotations

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id, encode_id
from cms.api.permissions import IsEditor
from cms.api.types.comment import Comment
from cms.api.types.enums import CommentStatusEnum
from cms.services import moderation


@strawberry.type
class ModerationMutations:
    @strawberry.mutation(permission_classes=[IsEditor])
    async def moderate_comment(
        self, info: Info, id: strawberry.ID, status: CommentStatusEnum
    ) -> Comment:
        pk = decode_id(id, "Comment")
        return Comment.from_model(
            await moderation.moderate_comment(
                info.context.viewer, pk, status, info.context.runtime.engagement
            )
        )

    @strawberry.mutation(
        permission_classes=[IsEditor], description="Deletes the comment and its replies."
    )
    async def delete_comment(self, info: Info, id: strawberry.ID) -> strawberry.ID:
        pk = decode_id(id, "Comment")
        await moderation.delete_comment(info.context.viewer, pk, info.context.runtime.engagement)
        return strawberry.ID(encode_id("Comment", pk))
