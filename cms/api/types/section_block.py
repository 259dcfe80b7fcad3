"""The blocks of a section's content: runs of HTML and the stories between them."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import strawberry

if TYPE_CHECKING:
    from cms.api.types.story import Story

StoryRef = Annotated["Story", strawberry.lazy("cms.api.types.story")]


@strawberry.type(
    description="Paragraphs, lists and other body blocks with no story between them: "
    "rendered, sanitised HTML."
)
class HtmlBlock:
    html: str


@strawberry.type(description="A story at its place among the section's body blocks.")
class StoryBlock:
    story: StoryRef


SectionBlock = Annotated[
    HtmlBlock | StoryBlock,
    strawberry.union("SectionBlock", description="One block of a section, in reading order."),
]
