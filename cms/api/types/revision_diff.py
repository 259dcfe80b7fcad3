"""The RevisionDiff type: what differs between two versions of a post."""

from __future__ import annotations

import strawberry

from cms.api.ids import encode_id
from cms.api.types.enums import DiffChangeEnum
from cms.api.types.revision import api_field, as_text
from cms.services import revision_diffs


@strawberry.type(description="A field whose value differs between the two versions.")
class FieldDiff:
    field: str = strawberry.field(
        description="title, slug, excerpt, tags, status, publishedAt; a section's heading or "
        "body; a story's kind, name, descriptor, lead, quote, section or position."
    )
    before: str | None = strawberry.field(description="In `from` (tags joined with ', ').")
    after: str | None = strawberry.field(description="In `to`.")

    @classmethod
    def of(cls, diff: revision_diffs.FieldDiff) -> FieldDiff:
        return cls(
            field=api_field(diff.field),
            before=as_text(diff.field, diff.before),
            after=as_text(diff.field, diff.after),
        )


@strawberry.type(description="A section added, deleted, moved or edited between the versions.")
class SectionDiff:
    section_id: strawberry.ID = strawberry.field(
        description="The section's id (a deleted section's id, which a restore gives back)."
    )
    change: DiffChangeEnum
    heading: str | None = strawberry.field(description="In `to`, or in `from` when deleted.")
    position_before: int | None = strawberry.field(description="Null when added.")
    position_after: int | None = strawberry.field(description="Null when deleted.")
    moved: bool = strawberry.field(
        description="Its order among the sections on both sides changed (not only its number)."
    )
    fields: list[FieldDiff] = strawberry.field(
        description="Heading and body that differ (for an added or deleted section: its own)."
    )

    @classmethod
    def of(cls, diff: revision_diffs.PartDiff) -> SectionDiff:
        return cls(
            section_id=strawberry.ID(encode_id("Section", diff.id)),
            change=diff.change,
            heading=diff.label,
            position_before=diff.position_before,
            position_after=diff.position_after,
            moved=diff.moved,
            fields=[FieldDiff.of(f) for f in diff.fields],
        )


@strawberry.type(description="A story added, deleted, moved or edited between the versions.")
class StoryDiff:
    story_id: strawberry.ID
    change: DiffChangeEnum
    name: str = strawberry.field(description="In `to`, or in `from` when deleted.")
    fields: list[FieldDiff]

    @classmethod
    def of(cls, diff: revision_diffs.PartDiff) -> StoryDiff:
        return cls(
            story_id=strawberry.ID(encode_id("Story", diff.id)),
            change=diff.change,
            name=diff.label or "",
            fields=[FieldDiff.of(f) for f in diff.fields],
        )


@strawberry.type(description="What differs from one version of a post to another.")
class RevisionDiff:
    post_id: strawberry.ID
    fields: list[FieldDiff] = strawberry.field(description="The post's own fields.")
    sections: list[SectionDiff] = strawberry.field(
        description="In the order of `to`, then the deleted ones in the order of `from`."
    )
    stories: list[StoryDiff]

    @classmethod
    def of(cls, diff: revision_diffs.PostDiff) -> RevisionDiff:
        return cls(
            post_id=strawberry.ID(encode_id("Post", diff.post_id)),
            fields=[FieldDiff.of(f) for f in diff.fields],
            sections=[SectionDiff.of(s) for s in diff.sections],
            stories=[StoryDiff.of(s) for s in diff.stories],
        )
