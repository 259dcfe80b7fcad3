"""The public mutations: likes, views and comments (rate-limited per client address)."""

from __future__ import annotations

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id
from cms.api.types.comment import Comment
from cms.api.types.stats import PostStats
from cms.services import comments, likes, reports, views


@strawberry.input
class AddCommentInput:
    post_id: strawberry.ID
    author: str
    body: str
    parent_id: strawberry.ID | None = None


@strawberry.type
class EngagementMutations:
    @strawberry.mutation(description="Idempotent per visitor: liking twice counts once.")
    async def like_post(self, info: Info, post_id: strawberry.ID, visitor_id: str) -> PostStats:
        context = info.context
        stats = await likes.like_post(
            context.viewer,
            decode_id(post_id, "Post", "postId"),
            visitor_id,
            context.client_ip,
            context.runtime.engagement,
        )
        return PostStats.from_stats(stats)

    @strawberry.mutation(description="Idempotent per visitor: unliking twice counts once.")
    async def unlike_post(self, info: Info, post_id: strawberry.ID, visitor_id: str) -> PostStats:
        context = info.context
        stats = await likes.unlike_post(
            context.viewer,
            decode_id(post_id, "Post", "postId"),
            visitor_id,
            context.client_ip,
            context.runtime.engagement,
        )
        return PostStats.from_stats(stats)

    @strawberry.mutation(
        description=(
            "Counts a visit once per visitor and post every 30 minutes (the client's "
            "address stands in when visitorId is null). Crawlers, known by their User-Agent, "
            "are counted apart and leave viewCount as it is."
        )
    )
    async def record_view(
        self, info: Info, post_id: strawberry.ID, visitor_id: str | None = None
    ) -> PostStats:
        context = info.context
        stats = await views.record_view(
            context.viewer,
            decode_id(post_id, "Post", "postId"),
            visitor_id,
            context.client_ip,
            context.runtime.engagement,
            user_agent=context.user_agent,
        )
        return PostStats.from_stats(stats)

    @strawberry.mutation(
        description="The new comment is PENDING or APPROVED according to the moderation rules."
    )
    async def add_comment(self, info: Info, input: AddCommentInput) -> Comment:
        context = info.context
        new = comments.NewComment(
            post_id=decode_id(input.post_id, "Post", "postId"),
            author=input.author,
            body=input.body,
            parent_id=decode_id(input.parent_id, "Comment", "parentId")
            if input.parent_id
            else None,
        )
        comment = await comments.add_comment(
            context.viewer, new, context.client_ip, context.runtime.engagement
        )
        return Comment.from_model(comment)

    @strawberry.mutation(
        description=(
            "Reports a comment for an editor to look at; once per visitor (reporting again "
            "changes nothing). Enough distinct reporters hold it for moderation: then, and "
            "for any comment the caller can no longer see, the answer is null. `reason` is "
            "at most 200 characters."
        )
    )
    async def report_comment(
        self, info: Info, id: strawberry.ID, visitor_id: str, reason: str | None = None
    ) -> Comment | None:
        context = info.context
        comment = await reports.report_comment(
            context.viewer,
            decode_id(id, "Comment"),
            visitor_id,
            reason,
            context.client_ip,
            context.runtime.engagement,
        )
        return Comment.from_model(comment) if comment else None
