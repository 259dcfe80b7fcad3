"""The Comment type."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from cms.api import cache_keys
from cms.api.context import Info
from cms.api.extensions.cost import LIST_LENGTH
from cms.api.types.connection import Connection
from cms.api.types.enums import (
    CommentOrderEnum,
    CommentStatusEnum,
    HoldReasonEnum,
    VoteValueEnum,
)
from cms.api.types.reaction import ReactionCount, kind_count, reactions_of
from cms.enums import CommentOrder
from cms.errors import NotFound
from cms.services.engagement import clean_visitor_id
from cms.services.pagination import PageRequest
from cms.services.votes import VALUES, Vote

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
    score: int = strawberry.field(description="Readers' upvotes minus downvotes.")
    upvotes: int
    downvotes: int
    post_id: strawberry.Private[int]
    parent_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, comment: Any) -> Comment:
        cache_keys.shows_comments(comment.post_id)
        return cls(
            id=comment.id,
            author=comment.author,
            body=comment.body,
            html=comment.html,
            status=comment.status,
            created_at=comment.created_at,
            score=comment.score,
            upvotes=comment.upvotes,
            downvotes=comment.downvotes,
            post_id=comment.post_id,
            parent_id=comment.parent_id,
        )

    @strawberry.field(
        description="Editors only (null for anyone else): why the comment was held for "
        "moderation, kept after the decision; empty when it never was."
    )
    async def held_because(self, info: Info) -> list[HoldReasonEnum] | None:
        if not info.context.viewer.is_editor:
            return None
        return await info.context.loaders.hold_reasons_by_comment_id.load(self.id)

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

    @strawberry.field(
        description="Readers' reactions by configured kind, every kind listed; with "
        "`visitorId`, `viewerReacted` says which are that visitor's.",
        metadata={LIST_LENGTH: kind_count},
    )
    async def reactions(self, info: Info, visitor_id: str | None = None) -> list[ReactionCount]:
        loaders = info.context.loaders
        return await reactions_of(
            info,
            self.id,
            visitor_id,
            loaders.reaction_counts_by_comment_id,
            loaders.visitor_reactions_by_comment_id,
        )

    @strawberry.field(description="This visitor's vote on the comment (NONE when none).")
    async def viewer_vote(self, info: Info, visitor_id: str) -> VoteValueEnum:
        key = (self.id, clean_visitor_id(visitor_id))
        vote = await info.context.loaders.visitor_vote_by_comment_id.load(key)
        return VALUES[Vote(vote)]

    @strawberry.field(description="Replies, oldest first unless `orderBy` says otherwise.")
    async def replies(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        order_by: CommentOrderEnum = CommentOrder.OLDEST,
    ) -> Connection[Comment]:
        loaders = info.context.loaders
        page = await loaders.reply_page_by_comment_id.load(
            (self.id, PageRequest(first=first, after=after), order_by)
        )
        return Connection.from_page(
            page, Comment.from_model, lambda: loaders.reply_total_by_comment_id.load(self.id)
        )
