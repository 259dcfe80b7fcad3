"""Editor mutations on sections: add, update, move, delete."""

from __future__ import annotations

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id, encode_id
from cms.api.mutations.post_editing import SectionInput, section_draft
from cms.api.patches import provided_fields
from cms.api.permissions import IsEditor
from cms.api.types.post import Post
from cms.api.types.section import Section
from cms.services import section_editing


@strawberry.input(description="Fields left out stay as they are; a null heading makes the lead.")
class SectionPatch:
    heading: str | None = strawberry.UNSET
    body: str | None = strawberry.UNSET


@strawberry.type
class SectionEditingMutations:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Inserts at position (0-based; default: the end); later sections move down.",
    )
    async def add_section(
        self,
        info: Info,
        post_id: strawberry.ID,
        input: SectionInput,
        position: int | None = None,
    ) -> Section:
        pk = decode_id(post_id, "Post", "postId")
        section = await section_editing.add_section(
            info.context.viewer,
            pk,
            section_draft(input),
            position,
            events=info.context.runtime.events,
        )
        return Section.from_model(section)

    @strawberry.mutation(permission_classes=[IsEditor])
    async def update_section(self, info: Info, id: strawberry.ID, input: SectionPatch) -> Section:
        pk = decode_id(id, "Section")
        section = await section_editing.update_section(
            info.context.viewer, pk, provided_fields(input), events=info.context.runtime.events
        )
        return Section.from_model(section)

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Moves a section to position (0-based); returns the post in its new order.",
    )
    async def move_section(self, info: Info, id: strawberry.ID, position: int) -> Post:
        pk = decode_id(id, "Section")
        return Post.from_model(
            await section_editing.move_section(
                info.context.viewer, pk, position, events=info.context.runtime.events
            )
        )

    @strawberry.mutation(permission_classes=[IsEditor])
    async def delete_section(self, info: Info, id: strawberry.ID) -> strawberry.ID:
        pk = decode_id(id, "Section")
        await section_editing.delete_section(
            info.context.viewer, pk, events=info.context.runtime.events
        )
        return strawberry.ID(encode_id("Section", pk))
