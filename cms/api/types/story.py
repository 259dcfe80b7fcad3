"""The Story type."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from cms.api import cache_keys
from cms.api.context import Info
from cms.api.types.enums import StoryKindEnum

if TYPE_CHECKING:
    from cms.api.types.post import Post
    from cms.api.types.section import Section

PostRef = Annotated["Post", strawberry.lazy("cms.api.types.post")]
SectionRef = Annotated["Section", strawberry.lazy("cms.api.types.section")]


@strawberry.type(
    description=(
        "A quoted first-hand account attributed to a person: "
        "a patient's testimonial or an expert's statement."
    )
)
class Story(relay.Node):
    id: relay.NodeID[int]
    kind: StoryKindEnum
    name: str = strawberry.field(description="Who is quoted, e.g. 'Sarah', 'Dr. John Krystal'.")
    descriptor: str | None = strawberry.field(
        description=(
            "How they are introduced, e.g. 'patient', 'a leading researcher in ketamine therapy'."
        )
    )
    lead: str = strawberry.field(
        description="The words before the quote, e.g. 'One patient, Sarah, shares her journey:'."
    )
    quote: str = strawberry.field(description="The quoted words, without quotation marks.")
    position: int = strawberry.field(
        description="How many of its section's body lines come before it (see Section.blocks)."
    )
    post_id: strawberry.Private[int]
    section_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, story: Any) -> Story:
        cache_keys.shows_post(story.post_id)
        return cls(
            id=story.id,
            kind=story.kind,
            name=story.name,
            descriptor=story.descriptor,
            lead=story.lead,
            quote=story.quote,
            position=story.position,
            post_id=story.post_id,
            section_id=story.section_id,
        )

    @strawberry.field
    async def post(self, info: Info) -> PostRef | None:
        from cms.api.types.post import Post

        post = await info.context.loaders.post_by_id.load(self.post_id)
        return Post.from_model(post) if post else None

    @strawberry.field
    async def section(self, info: Info) -> SectionRef | None:
        from cms.api.types.section import Section

        if self.section_id is None:
            return None
        section = await info.context.loaders.section_by_id.load(self.section_id)
        return Section.from_model(section) if section else None
