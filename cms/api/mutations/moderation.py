"""Editor mutations on comments: moderate, delete; ban and unban commenters."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id, encode_id
from cms.api.permissions import IsEditor
from cms.api.types.ban import Ban
from cms.api.types.comment import Comment
from cms.api.types.enums import CommentStatusEnum
from cms.services import bans, moderation


@strawberry.input(description="At least one of author and clientOfCommentId.")
class BanInput:
    author: str | None = strawberry.field(
        default=None, description="An author name (compared ignoring case and accents)."
    )
    client_of_comment_id: strawberry.ID | None = strawberry.field(
        default=None, description="Bans the client (address) that wrote this comment."
    )
    reason: str | None = strawberry.field(default=None, description="At most 200 characters.")
    expires_in: int | None = strawberry.field(
        default=None, description="Seconds from now (60 to ten years); null: until lifted."
    )


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

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="New comments by this author or from this client are held (BANNED).",
    )
    async def ban_commenter(self, info: Info, input: BanInput) -> Ban:
        new = bans.NewBan(
            author=input.author,
            client_of_comment_id=decode_id(
                input.client_of_comment_id, "Comment", "clientOfCommentId"
            )
            if input.client_of_comment_id is not None
            else None,
            reason=input.reason,
            expires_in_s=input.expires_in,
        )
        return Ban.from_model(await bans.ban_commenter(info.context.viewer, new), datetime.now(UTC))

    @strawberry.mutation(permission_classes=[IsEditor], description="Lifts a ban.")
    async def unban(self, info: Info, id: strawberry.ID) -> strawberry.ID:
        pk = decode_id(id, "Ban")
        await bans.unban(info.context.viewer, pk)
        return strawberry.ID(encode_id("Ban", pk))
