"""Queries for editors: who am I, and the moderation queue."""

from __future__ import annotations

import strawberry

from cms.api.context import Info
from cms.api.permissions import IsEditor
from cms.api.types.comment import Comment
from cms.api.types.connection import Connection
from cms.api.types.editor import Editor
from cms.api.types.enums import CommentStatusEnum
from cms.enums import CommentStatus
from cms.services import comment_reads
from cms.services.pagination import PageRequest


@strawberry.type
class EditorQueries:
    @strawberry.field(description="The editor behind the request's token; null when anonymous.")
    def me(self, info: Info) -> Editor | None:
        return Editor.from_viewer(info.context.viewer)

    @strawberry.field(
        permission_classes=[IsEditor],
        description="Editors only: comments waiting for a decision, oldest first.",
    )
    async def moderation_queue(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        status: CommentStatusEnum | None = CommentStatus.PENDING,
    ) -> Connection[Comment]:
        request = PageRequest(first=first, after=after)
        page = await comment_reads.moderation_queue(status or CommentStatus.PENDING, request)
        return Connection.from_page(page, Comment.from_model)
