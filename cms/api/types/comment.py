"""The Comment type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from cms.api.context import Info
from cms.api.types.connection import Connection
from cms.api.types.enums import CommentStatusEnum
from cms.errors import NotFound
from cms.services.pagination import PageRequest

if TYPE_CHECKING:
    from cms.api.types.post import Post

PostRef = Annotated["Post", strawberry.lazy("cms.api.types.post")]


@strawberry.type
class Comment(relay.Node):
    id: relay.NodeID[int]
    author: str
    body: str
    html: str
    status: CommentStatusEnum
    created_at: datetime
    post_id: strawberry.Private[int]
    parent_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, comment: Any) -> Comment:
        return cls(
            id=comment.id,
            author=comment.author,
            body=comment.body,
            html=comment.html,
            status=comment.status,
            created_at=comment.created_at,
            post_id=comment.post_id,
            parent_id=comment.parent_id,
        )

    @strawberry.field
    async def post(self, info: Info) -> PostRef:
        from cms.api.types.post import Post

        post = await info.context.loaders.post_by_id.load(self.post_id)
        if post is None:  # unpublished since the parent was read
            raise NotFound("This post is no longer published.")
        return Post.from_model(post)

    @strawberry.field
    async def parent(self, info: Info) -> Comment | None:
        if self.parent_id is None:
            return None
        parent = await info.context.loaders.comment_by_id.load(self.parent_id)
        return Comment.from_model(parent) if parent else None

    @strawberry.field
    async def replies(
        self, info: Info, first: int | None = 20, after: str | None = None
    ) -> Connection[Comment]:
        loaders = info.context.loaders
        page = await loaders.reply_page_by_comment_id.load(
            (self.id, PageRequest(first=first, after=after))
        )
        return Connection.from_page(
            page, Comment.from_model, lambda: loaders.reply_total_by_comment_id.load(self.id)
        )
