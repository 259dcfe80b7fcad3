"""The Revision type: one change to a post, with what it changed and the post before it."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry import relay

from cms.api.context import Info
from cms.api.ids import encode_id
from cms.api.types.enums import RevisionActionEnum

if TYPE_CHECKING:
    from cms.api.types.section import Section

SectionRef = Annotated["Section", strawberry.lazy("cms.api.types.section")]


@strawberry.type(description="A field's value before an update.")
class FieldChange:
    field: str = strawberry.field(
        description="title, slug, excerpt, tags, status, publishedAt; a section's heading, "
        "body or position; a story's kind, name, descriptor, lead, quote, section or position."
    )
    previous: str | None = strawberry.field(
        description="The value before the update; tags are joined with ', ', a section is its id."
    )


# JSON objects come back in no particular order (PostgreSQL's jsonb sorts keys its own way).
_FIELD_ORDER = (
    *("title", "slug", "excerpt", "tags", "status", "published_at", "heading", "body"),
    *("kind", "name", "descriptor", "lead", "quote", "section", "section_id", "position"),
)
# Stored names that the API spells otherwise.
_API_NAMES = {"published_at": "publishedAt", "section_id": "section"}


def api_field(name: str) -> str:
    return _API_NAMES.get(name, name)


def _in_order(previous: dict[str, Any]) -> list[tuple[str, Any]]:
    rank = {name: i for i, name in enumerate(_FIELD_ORDER)}
    return sorted(previous.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def as_text(name: str, value: Any) -> str | None:
    """A stored value as the API shows it (tags joined, sections as their global ids)."""
    if name in ("section", "section_id") and isinstance(value, int):
        return encode_id("Section", value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return None if value is None else str(value)


@strawberry.type(
    description="One change to a post: what it changed, with the values before it; it also "
    "keeps the whole post as it was before the change (see revisionDiff, restoreRevision)."
)
class Revision(relay.Node):
    id: relay.NodeID[int]
    action: RevisionActionEnum = strawberry.field(description="What the change did.")
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
            action=revision.action,
            editor=revision.editor,
            created_at=revision.created_at,
            changes=[
                FieldChange(field=api_field(name), previous=as_text(name, value))
                for name, value in _in_order(revision.previous)
            ],
            section_id=revision.section_id,
        )

    @strawberry.field(
        description="The section the change was made to (or the story's section); null for "
        "the post's own fields or when the section was deleted since."
    )
    async def section(self, info: Info) -> SectionRef | None:
        from cms.api.types.section import Section

        if self.section_id is None:
            return None
        section = await info.context.loaders.section_by_id.load(self.section_id)
        return Section.from_model(section) if section else None
