"""The Section type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from cms.api.context import Info
from cms.errors import NotFound

if TYPE_CHECKING:
    from cms.api.types.post import Post
    from cms.api.types.story import Story

PostRef = Annotated["Post", strawberry.lazy("cms.api.types.post")]
StoryRef = Annotated["Story", strawberry.lazy("cms.api.types.story")]


@strawberry.type
class Section(relay.Node):
    id: relay.NodeID[int]
    position: int
    heading: str | None
    body: str = strawberry.field(description="Markdown source.")
    html: str = strawberry.field(description="Rendered, sanitised HTML of body.")
    post_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, section: Any) -> Section:
        return cls(
            id=section.id,
            position=section.position,
            heading=section.heading,
            body=section.body,
            html=section.html,
            post_id=section.post_id,
        )

    @strawberry.field
    async def post(self, info: Info) -> PostRef:
        from cms.api.types.post import Post

        post = await info.context.loaders.post_by_id.load(self.post_id)
        if post is None:  # unpublished since the parent was read
            raise NotFound("This post is no longer published.")
        return Post.from_model(post)

    @strawberry.field(description="Stories placed in this section, in reading order.")
    async def stories(self, info: Info) -> list[StoryRef]:
        from cms.api.types.story import Story

        rows = await info.context.loaders.stories_by_section_id.load(self.id)
        return [Story.from_model(row) for row in rows]
