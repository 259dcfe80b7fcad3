"""Editor mutations on posts: create, update, publish, unpublish, delete, restore a revision."""

from __future__ import annotations

from datetime import datetime

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id, encode_id
from cms.api.patches import provided_fields
from cms.api.permissions import IsEditor
from cms.api.types.post import Post
from cms.services import post_editing, revision_restore


@strawberry.input
class SectionInput:
    heading: str | None = strawberry.field(
        default=None, description="Null for the lead (the text before the first heading)."
    )
    body: str = strawberry.field(description="Markdown.")


@strawberry.input
class PostInput:
    title: str
    slug: str | None = strawberry.field(
        default=None, description="Lowercase words joined by hyphens; made from the title if null."
    )
    excerpt: str | None = None
    tags: list[str] | None = None
    sections: list[SectionInput] | None = None


@strawberry.input(description="Fields left out stay as they are.")
class PostPatch:
    title: str | None = strawberry.UNSET
    slug: str | None = strawberry.field(
        default=strawberry.UNSET,
        description="A published post keeps its slug when its title changes unless this is set.",
    )
    excerpt: str | None = strawberry.UNSET
    tags: list[str] | None = strawberry.UNSET


def section_draft(section: SectionInput) -> post_editing.SectionDraft:
    return post_editing.SectionDraft(heading=section.heading, body=section.body)


@strawberry.type
class PostEditingMutations:
    @strawberry.mutation(permission_classes=[IsEditor], description="A new DRAFT post.")
    async def create_post(self, info: Info, input: PostInput) -> Post:
        draft = post_editing.PostDraft(
            title=input.title,
            slug=input.slug,
            excerpt=input.excerpt,
            tags=input.tags,
            sections=[section_draft(s) for s in input.sections or []],
        )
        post = await post_editing.create_post(
            info.context.viewer, draft, events=info.context.runtime.events
        )
        return Post.from_model(post)

    @strawberry.mutation(permission_classes=[IsEditor])
    async def update_post(self, info: Info, id: strawberry.ID, input: PostPatch) -> Post:
        post_id = decode_id(id, "Post")
        changes = provided_fields(input)
        return Post.from_model(
            await post_editing.update_post(
                info.context.viewer, post_id, changes, events=info.context.runtime.events
            )
        )

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Publishes now, or schedules when at is in the future.",
    )
    async def publish_post(self, info: Info, id: strawberry.ID, at: datetime | None = None) -> Post:
        post_id = decode_id(id, "Post")
        post = await post_editing.publish_post(
            info.context.viewer, post_id, at, events=info.context.runtime.events
        )
        return Post.from_model(post)

    @strawberry.mutation(permission_classes=[IsEditor], description="Back to DRAFT.")
    async def unpublish_post(self, info: Info, id: strawberry.ID) -> Post:
        post_id = decode_id(id, "Post")
        post = await post_editing.unpublish_post(
            info.context.viewer, post_id, events=info.context.runtime.events
        )
        return Post.from_model(post)

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Hides the post from the public and keeps it; publishPost brings it back.",
    )
    async def archive_post(self, info: Info, id: strawberry.ID) -> Post:
        post_id = decode_id(id, "Post")
        post = await post_editing.archive_post(
            info.context.viewer, post_id, events=info.context.runtime.events
        )
        return Post.from_model(post)

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Deletes the post with its sections, stories, comments and likes.",
    )
    async def delete_post(self, info: Info, id: strawberry.ID) -> strawberry.ID:
        post_id = decode_id(id, "Post")
        await post_editing.delete_post(info.context.viewer, post_id)
        return strawberry.ID(encode_id("Post", post_id))

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Brings back the whole post as it was before the revision's change: "
        "fields, tags, sections and stories, deleted ones included; the publication status "
        "stays as it is. The restore is itself kept as a revision.",
    )
    async def restore_revision(self, info: Info, id: strawberry.ID) -> Post:
        revision_id = decode_id(id, "Revision")
        return Post.from_model(
            await revision_restore.restore_revision(
                info.context.viewer, revision_id, events=info.context.runtime.events
            )
        )
