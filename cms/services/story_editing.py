"""Writing stories: add, update, delete; the post's search text follows their quotes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from cms.article_format import body_blocks
from cms.enums import StoryKind
from cms.errors import InvalidInput, NotFound
from cms.models import Section, Story
from cms.principal import Viewer
from cms.services import validation
from cms.services.access import require_editor
from cms.services.post_editing import post_for_edit, refresh_post


@dataclass(frozen=True)
class StoryDraft:
    kind: StoryKind
    name: str
    lead: str
    quote: str
    descriptor: str | None = None
    post_id: int | None = None
    section_id: int | None = None
    # How many of the section's body blocks come before it; None: after the last.
    position: int | None = None


def valid_story_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """Checked name, descriptor, lead and quote among `values` (only those present)."""
    valid: dict[str, Any] = {}
    if "kind" in values:
        if values["kind"] is None:
            raise InvalidInput("`kind` must be PERSONAL or EXPERT.", field="kind")
        valid["kind"] = StoryKind(values["kind"])
    if "name" in values:
        valid["name"] = validation.required_text(values["name"], "name", validation.MAX_STORY_NAME)
    if "descriptor" in values:
        valid["descriptor"] = validation.optional_text(
            values["descriptor"], "descriptor", validation.MAX_DESCRIPTOR
        )
    if "lead" in values:
        valid["lead"] = validation.required_text(values["lead"], "lead", validation.MAX_LEAD)
    if "quote" in values:
        quote = (values["quote"] or "").strip().strip('“”"').strip()
        valid["quote"] = validation.required_text(quote, "quote", validation.MAX_QUOTE)
    return valid


async def story_for_edit(story_id: int) -> Story:
    story = await Story.get_or_none(id=story_id)
    if story is None:
        raise NotFound("No story has this id: it may have been deleted.")
    return story


async def add_story(viewer: Viewer, draft: StoryDraft) -> Story:
    """A story in a post, or placed in one of its sections (`section_id` implies the post)."""
    require_editor(viewer)
    valid = valid_story_fields(
        {
            "kind": draft.kind,
            "name": draft.name,
            "descriptor": draft.descriptor,
            "lead": draft.lead,
            "quote": draft.quote,
        }
    )
    if draft.post_id is None and draft.section_id is None:
        raise InvalidInput("Pass `postId`, `sectionId` or both to place the story.", field="postId")
    if draft.position is not None and draft.position < 0:
        raise InvalidInput("`position` must be 0 or more.", field="position")
    async with in_transaction():
        section = None
        if draft.section_id is not None:
            section = await Section.get_or_none(id=draft.section_id)
            if section is None:
                raise NotFound("No section has this `sectionId`: it may have been deleted.")
            if draft.post_id is not None and draft.post_id != section.post_id:
                raise InvalidInput(
                    "`sectionId` names a section of another post: pass that post's id, "
                    "or leave `postId` out.",
                    field="sectionId",
                )
        post = await post_for_edit(section.post_id if section else draft.post_id or 0, lock=True)
        blocks = len(body_blocks(section.body)) if section else 0
        position = blocks if draft.position is None else min(draft.position, blocks)
        story = await Story.create(post_id=post.id, section=section, position=position, **valid)
        await refresh_post(post.id)
    return story


async def update_story(viewer: Viewer, story_id: int, changes: Mapping[str, Any]) -> Story:
    """Change the given fields (kind, name, descriptor, lead, quote)."""
    require_editor(viewer)
    valid = valid_story_fields(changes)
    async with in_transaction():
        story = await story_for_edit(story_id)
        await post_for_edit(story.post_id, lock=True)
        changed = {k: v for k, v in valid.items() if getattr(story, k) != v}
        if not changed:
            return story
        for name, value in changed.items():
            setattr(story, name, value)
        await story.save()
        await refresh_post(story.post_id)
    return story


async def delete_story(viewer: Viewer, story_id: int) -> None:
    require_editor(viewer)
    async with in_transaction():
        story = await story_for_edit(story_id)
        await post_for_edit(story.post_id, lock=True)
        await story.delete()
        await refresh_post(story.post_id)
