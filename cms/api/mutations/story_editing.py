"""Editor mutations on stories: add, update, delete."""

from __future__ import annotations

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id, encode_id
from cms.api.patches import provided_fields
from cms.api.permissions import IsEditor
from cms.api.types.enums import StoryKindEnum
from cms.api.types.story import Story
from cms.services import story_editing


@strawberry.input
class StoryInput:
    post_id: strawberry.ID | None = None
    section_id: strawberry.ID | None = None
    kind: StoryKindEnum
    name: str
    descriptor: str | None = None
    lead: str
    quote: str
    position: int | None = strawberry.field(
        default=None,
        description="How many of the section's body lines come before it (default: all).",
    )


@strawberry.input(description="Fields left out stay as they are.")
class StoryPatch:
    kind: StoryKindEnum | None = strawberry.UNSET
    name: str | None = strawberry.UNSET
    descriptor: str | None = strawberry.UNSET
    lead: str | None = strawberry.UNSET
    quote: str | None = strawberry.UNSET
    section_id: strawberry.ID | None = strawberry.field(
        default=strawberry.UNSET,
        description="Moves the story to another section of its post (null: the post only); "
        "without position it goes after that section's last line.",
    )
    position: int | None = strawberry.field(
        default=strawberry.UNSET,
        description="Moves the story: how many of its section's body lines come before it.",
    )


@strawberry.type
class StoryEditingMutations:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="A story in a post; with sectionId, placed in that section.",
    )
    async def add_story(self, info: Info, input: StoryInput) -> Story:
        draft = story_editing.StoryDraft(
            kind=input.kind,
            name=input.name,
            descriptor=input.descriptor,
            lead=input.lead,
            quote=input.quote,
            post_id=decode_id(input.post_id, "Post", "postId") if input.post_id else None,
            section_id=(
                decode_id(input.section_id, "Section", "sectionId") if input.section_id else None
            ),
            position=input.position,
        )
        story = await story_editing.add_story(
            info.context.viewer, draft, events=info.context.runtime.events
        )
        return Story.from_model(story)

    @strawberry.mutation(permission_classes=[IsEditor])
    async def update_story(self, info: Info, id: strawberry.ID, input: StoryPatch) -> Story:
        pk = decode_id(id, "Story")
        changes = provided_fields(input)
        if changes.get("section_id") is not None:
            changes["section_id"] = decode_id(changes["section_id"], "Section", "sectionId")
        story = await story_editing.update_story(
            info.context.viewer, pk, changes, events=info.context.runtime.events
        )
        return Story.from_model(story)

    @strawberry.mutation(permission_classes=[IsEditor])
    async def delete_story(self, info: Info, id: strawberry.ID) -> strawberry.ID:
        pk = decode_id(id, "Story")
        await story_editing.delete_story(
            info.context.viewer, pk, events=info.context.runtime.events
        )
        return strawberry.ID(encode_id("Story", pk))
