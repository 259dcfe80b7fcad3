"""Queries for editors: who am I, the moderation queue, and differences between revisions."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id
from cms.api.permissions import IsEditor
from cms.api.types.ban import Ban
from cms.api.types.comment import Comment
from cms.api.types.connection import Connection
from cms.api.types.editor import Editor
from cms.api.types.enums import CommentStatusEnum, HoldReasonEnum
from cms.api.types.revision_diff import RevisionDiff
from cms.enums import CommentStatus
from cms.services import bans, comment_reads, holds, revision_diffs
from cms.services.pagination import PageRequest


@strawberry.type
class EditorQueries:
    @strawberry.field(description="The editor behind the request's token; null when anonymous.")
    def me(self, info: Info) -> Editor | None:
        return Editor.from_viewer(info.context.viewer)

    @strawberry.field(
        permission_classes=[IsEditor],
        description="Editors only: comments waiting for a decision, oldest first; with "
        "`reason`, only those held for it.",
    )
    async def moderation_queue(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        status: CommentStatusEnum | None = CommentStatus.PENDING,
        reason: HoldReasonEnum | None = None,
    ) -> Connection[Comment]:
        request = PageRequest(first=first, after=after)
        wanted = status or CommentStatus.PENDING
        if reason is not None:
            held = await holds.queue_of_reason(wanted, reason, request)
            return Connection.from_page(held, Comment.from_model)
        page = await comment_reads.moderation_queue(wanted, request)
        return Connection.from_page(page, Comment.from_model)

    @strawberry.field(
        permission_classes=[IsEditor],
        description="Editors only: bans, newest first, expired ones included.",
    )
    async def bans(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[Ban]:
        page = await bans.list_bans(info.context.viewer, PageRequest(first=first, after=after))
        now = datetime.now(UTC)
        return Connection.from_page(page, lambda ban: Ban.from_model(ban, now))

    @strawberry.field(
        permission_classes=[IsEditor],
        description="Editors only: what differs from the post as revision `from` kept it "
        "(before that revision's change) to the post as `to` kept it, or as it is now when "
        "`to` is left out. Both must be revisions of one post.",
    )
    async def revision_diff(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID | None = None,
    ) -> RevisionDiff:
        start = decode_id(from_, "Revision", "from")
        end = decode_id(to, "Revision", "to") if to is not None else None
        return RevisionDiff.of(await revision_diffs.revision_diff(info.context.viewer, start, end))
