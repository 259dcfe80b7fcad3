"""The Revision type: one earlier version of a post's or a section's fields."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from cms.api.context import Info

if TYPE_CHECKING:
    from cms.api.types.section import Section

SectionRef = Annotated["Section", strawberry.lazy("cms.api.types.section")]


@strawberry.type(description="A field's value before an update.")
class FieldChange:
    field: str = strawberry.field(description="title, slug, excerpt, tags, heading or body.")
    previous: str | None = strawberry.field(
        description="The value before the update; tags are joined with ', '."
    )


# JSON objects come back in no particular order (PostgreSQL's jsonb sorts keys its own way).
_FIELD_ORDER = ("title", "slug", "excerpt", "tags", "heading", "body")


def _in_order(previous: dict[str, Any]) -> list[tuple[str, Any]]:
    rank = {name: i for i, name in enumerate(_FIELD_ORDER)}
    return sorted(previous.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def _as_text(value: Any) -> str | None:
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return None if value is None else str(value)


@strawberry.type(description="The values a post (or one of its sections) had before an update.")
class Revision(relay.Node):
    id: relay.NodeID[int]
    editor: str = strawberry.field(description="The name of the token that made the update.")
    created_at: datetime = strawberry.field(description="When the update was made.")
    changes: list[FieldChange] = strawberry.field(
        description="What the update changed, with the values before it."
    )
    section_id: strawberry.Private[int | None]

    @classmethod
    def from_model(cls, revision: Any) -> Revision:
        return cls(
            id=revision.id,
            editor=revision.editor,
            created_at=revision.created_at,
            changes=[
                FieldChange(field=name, previous=_as_text(value))
                for name, value in _in_order(revision.previous)
            ],
            section_id=revision.section_id,
        )

    @strawberry.field(
        description="The section the update was made to; null for the post's own fields "
        "or when the section was deleted since."
    )
    async def section(self, info: Info) -> SectionRef | None:
        from cms.api.types.section import Section

        if self.section_id is None:
            return None
        section = await info.context.loaders.section_by_id.load(self.section_id)
        return Section.from_model(section) if section else None
