"""The Section type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from cms.api import cache_keys
from cms.api.context import Info
from cms.api.types.section_block import HtmlBlock, SectionBlock, StoryBlock
from cms.errors import NotFound
from cms.services.section_blocks import HtmlRun, section_blocks

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
    block_starts: strawberry.Private[str]

    @classmethod
    def from_model(cls, section: Any) -> Section:
        cache_keys.shows_post(section.post_id)
        return cls(
            id=section.id,
            position=section.position,
            heading=section.heading,
            body=section.body,
            html=section.html,
            post_id=section.post_id,
            block_starts=section.block_starts,
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

    @strawberry.field(
        description="The section's content in reading order: its HTML with its stories "
        "(and, in the first section, the post's stories that have no section) in place. "
        "A story placed inside a list or a paragraph of several lines follows it."
    )
    async def blocks(self, info: Info) -> list[SectionBlock]:
        from cms.api.types.story import Story

        stories = await info.context.loaders.stories_by_post_id.load(self.post_id)
        mine = [
            s
            for s in stories
            if s.section_id == self.id or (s.section_id is None and self.position == 0)
        ]
        return [
            HtmlBlock(html=block.html)
            if isinstance(block, HtmlRun)
            else StoryBlock(story=Story.from_model(block))
            for block in section_blocks(self, mine)
        ]
