"""Live updates over graphql-transport-ws: new comments and counts of one post."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id
from cms.api.types.comment import Comment
from cms.api.types.stats import PostStats
from cms.services import comments, stats


@strawberry.type
class EngagementSubscriptions:
    @strawberry.subscription(
        description="Newly approved comments of one post (editors: every new comment)."
    )
    async def comment_added(
        self, info: Info, post_id: strawberry.ID
    ) -> AsyncGenerator[Comment, None]:
        context = info.context
        pk = decode_id(post_id, "Post", "postId")
        async for comment in comments.watch_comments(context.viewer, pk, context.runtime.events):
            # One context serves the whole connection: each event reads fresh relations.
            context.refresh_loaders()
            yield Comment.from_model(comment)

    @strawberry.subscription(
        description=(
            "Like, view and comment counts of one post whenever they change "
            "(first the current counts). With visitorId, viewerHasLiked follows that visitor."
        )
    )
    async def post_stats(
        self, info: Info, post_id: strawberry.ID, visitor_id: str | None = None
    ) -> AsyncGenerator[PostStats, None]:
        context = info.context
        pk = decode_id(post_id, "Post", "postId")
        runtime = context.runtime
        async for current in stats.watch_stats(
            context.viewer, pk, runtime.events, runtime.views, visitor_id
        ):
            yield PostStats.from_stats(current)
