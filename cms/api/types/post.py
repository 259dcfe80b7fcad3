"""The Post type."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from cms.api import cache_keys
from cms.api.context import Info
from cms.api.extensions.cost import LIST_LENGTH
from cms.api.permissions import IsEditor
from cms.api.types.activity import bucket_count
from cms.api.types.connection import Connection
from cms.api.types.enums import ActivityIntervalEnum, CommentOrderEnum, PostStatusEnum
from cms.api.types.reaction import ReactionCount, kind_count, reactions_of
from cms.enums import ActivityInterval, CommentOrder
from cms.services.activity_reads import ActivityRange
from cms.services.article_export import article_text
from cms.services.pagination import PageRequest
from cms.services.visibility import effective_status

if TYPE_CHECKING:
    from cms.api.types.activity import ActivityBucket
    from cms.api.types.comment import Comment
    from cms.api.types.revision import Revision
    from cms.api.types.section import Section
    from cms.api.types.story import Story

SectionRef = Annotated["Section", strawberry.lazy("cms.api.types.section")]
StoryRef = Annotated["Story", strawberry.lazy("cms.api.types.story")]
CommentRef = Annotated["Comment", strawberry.lazy("cms.api.types.comment")]
RevisionRef = Annotated["Revision", strawberry.lazy("cms.api.types.revision")]
BucketRef = Annotated["ActivityBucket", strawberry.lazy("cms.api.types.activity")]


@strawberry.type
class Post(relay.Node):
    id: relay.NodeID[int]
    slug: str
    title: str
    excerpt: str
    status: PostStatusEnum
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    like_count: int
    stored_view_count: strawberry.Private[int]
    comment_count: int = strawberry.field(
        description="Approved comments only, and only where every comment above is approved too."
    )

    @classmethod
    def from_model(cls, post: Any) -> Post:
        cache_keys.shows_post(post.id)
        return cls(
            id=post.id,
            slug=post.slug,
            title=post.title,
            excerpt=post.excerpt,
            status=effective_status(post),
            published_at=post.published_at,
            created_at=post.created_at,
            updated_at=post.updated_at,
            like_count=post.like_count,
            stored_view_count=post.view_count,
            comment_count=post.comment_count,
        )

    @strawberry.field(
        description="Views in the database plus those still buffered.", graphql_type=int
    )
    def view_count(self, info: Info) -> int | Awaitable[int]:
        # At once when this process buffers every view; graphql-core awaits the rest.
        views = info.context.loaders.views
        here = views.pending_here(self.id) if views is not None else 0
        if here is not None:
            return self.stored_view_count + here
        return self._buffered_view_count(info)

    async def _buffered_view_count(self, info: Info) -> int:
        pending = await info.context.loaders.pending_views_by_post_id.load(self.id)
        return self.stored_view_count + pending

    @strawberry.field
    async def tags(self, info: Info) -> list[str]:
        return await info.context.loaders.tags_by_post_id.load(self.id)

    @strawberry.field(
        description="In reading order; the lead (text before the first heading) has heading null."
    )
    async def sections(self, info: Info) -> list[SectionRef]:
        from cms.api.types.section import Section

        rows = await info.context.loaders.sections_by_post_id.load(self.id)
        return [Section.from_model(row) for row in rows]

    @strawberry.field(description="Every story of the post, in reading order.")
    async def stories(self, info: Info) -> list[StoryRef]:
        from cms.api.types.story import Story

        rows = await info.context.loaders.stories_by_post_id.load(self.id)
        return [Story.from_model(row) for row in rows]

    @strawberry.field(
        description="The post rendered back into the plain-text article format it can be "
        "imported from."
    )
    async def text(self, info: Info) -> str:
        loaders = info.context.loaders
        sections, stories, comments, tags, pending = await asyncio.gather(
            loaders.sections_by_post_id.load(self.id),
            loaders.stories_by_post_id.load(self.id),
            loaders.public_comments_by_post_id.load(self.id),
            loaders.tags_by_post_id.load(self.id),
            loaders.pending_views_by_post_id.load(self.id),
        )
        views = self.stored_view_count + pending
        return article_text(self, sections, stories, comments, tags=tags, view_count=views)

    @strawberry.field(
        description="Approved comments, oldest first unless `orderBy` says otherwise "
        "(editors: all statuses). TOP pages by (score, id): a cursor keeps the score it "
        "was read at."
    )
    async def comments(
        self,
        info: Info,
        first: int | None = 20,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        order_by: CommentOrderEnum = CommentOrder.OLDEST,
    ) -> Connection[CommentRef]:
        from cms.api.types.comment import Comment

        loaders = info.context.loaders
        cache_keys.shows_comments(self.id)
        request = PageRequest.of(first, after, last, before, default_first=20)
        page = await loaders.comment_page_by_post_id.load((self.id, request, order_by))
        return Connection.from_page(
            page, Comment.from_model, lambda: loaders.comment_total_by_post_id.load(self.id)
        )

    @strawberry.field(
        description="Readers' reactions by configured kind, every kind listed (zero when "
        "nobody reacted so); with `visitorId`, `viewerReacted` says which are that visitor's.",
        metadata={LIST_LENGTH: kind_count},
    )
    async def reactions(self, info: Info, visitor_id: str | None = None) -> list[ReactionCount]:
        loaders = info.context.loaders
        return await reactions_of(
            info,
            self.id,
            visitor_id,
            loaders.reaction_counts_by_post_id,
            loaders.visitor_reactions_by_post_id,
        )

    @strawberry.field(
        description="Editors only: earlier versions of the post and its sections, newest first.",
        permission_classes=[IsEditor],
    )
    async def revisions(self, info: Info) -> list[RevisionRef]:
        from cms.api.types.revision import Revision

        rows = await info.context.loaders.revisions_by_post_id.load(self.id)
        return [Revision.from_model(row) for row in rows]

    @strawberry.field(
        description="Views, likes, comments and reactions per UTC day (or week from Monday, "
        "or month) from `from`'s day to `to`'s, both included, at most 366 days; periods "
        "without activity read as zeros. Public for posts the caller can see.",
        metadata={LIST_LENGTH: bucket_count},
    )
    async def activity(
        self,
        info: Info,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        every: ActivityIntervalEnum = ActivityInterval.DAY,
    ) -> list[BucketRef]:
        from cms.api.types.activity import ActivityBucket

        span = ActivityRange.of(from_, to, every)
        buckets = await info.context.loaders.activity_by_post_id.load((self.id, span))
        return [ActivityBucket.from_record(bucket) for bucket in buckets]
