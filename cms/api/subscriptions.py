"""Live updates over graphql-transport-ws: new comments and counts of one post; for
editors, moderation and post changes."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id
from cms.api.permissions import IsEditor
from cms.api.types.comment import Comment
from cms.api.types.moderation_event import ModerationEvent
from cms.api.types.post import Post
from cms.api.types.stats import PostStats
from cms.services import comments, moderation_events, post_events, stats


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


@strawberry.type
class EditorSubscriptions:
    @strawberry.subscription(
        permission_classes=[IsEditor],
        description=(
            "Editors only: comments held for moderation, readers' reports and other "
            "decisions, on every instance, as they are committed."
        ),
    )
    async def moderation_events(self, info: Info) -> AsyncGenerator[ModerationEvent, None]:
        context = info.context
        async for news in moderation_events.watch_moderation(
            context.viewer, context.runtime.events
        ):
            context.refresh_loaders()
            yield ModerationEvent.from_news(news)

    @strawberry.subscription(
        permission_classes=[IsEditor],
        description="Editors only: each post as it goes live (publishPost, an import).",
    )
    async def post_published(self, info: Info) -> AsyncGenerator[Post, None]:
        async for post in _changed_posts(info, published_only=True):
            yield post

    @strawberry.subscription(
        permission_classes=[IsEditor],
        description=(
            "Editors only: each post as an editor changes it (fields, status, sections, "
            "stories, a restore or an import), as it then is."
        ),
    )
    async def post_updated(self, info: Info) -> AsyncGenerator[Post, None]:
        async for post in _changed_posts(info, published_only=False):
            yield post


async def _changed_posts(info: Info, *, published_only: bool) -> AsyncGenerator[Post, None]:
    context = info.context
    async for post_id in post_events.watch_posts(
        context.viewer, context.runtime.events, published_only=published_only
    ):
        context.refresh_loaders()
        post = await context.loaders.post_by_id.load(post_id)
        if post is not None:  # deleted since
            yield Post.from_model(post)
