"""Writing stories: add, update (and move), delete; the post's search text follows their quotes.

A story's `position` is how many of its section's non-empty body lines come before it
(what the article format counts), at most the number of lines.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from cms.enums import RevisionAction, StoryKind
from cms.errors import InvalidInput, NotFound
from cms.models import Section, Story
from cms.principal import Viewer
from cms.services import post_events, revisions, snapshots, validation
from cms.services.access import require_editor
from cms.services.events import Broker
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


# What a story revision keeps, in order; `section` is the section's id.
REVISED_FIELDS = ("kind", "name", "descriptor", "lead", "quote", "section", "position")


def _lines(body: str) -> int:
    """How many places a story can take in a section with this body, minus one."""
    return sum(1 for line in body.split("\n") if line)


def _check_position(position: int | None) -> None:
    if position is not None and position < 0:
        raise InvalidInput("`position` must be 0 or more.", field="position")


def _story_values(story: Story) -> dict[str, Any]:
    values = {name: getattr(story, name) for name in REVISED_FIELDS if name != "section"}
    return {**values, "kind": str(story.kind), "section": story.section_id}


async def story_for_edit(story_id: int) -> Story:
    story = await Story.get_or_none(id=story_id)
    if story is None:
        raise NotFound("No story has this id: it may have been deleted.")
    return story


async def add_story(viewer: Viewer, draft: StoryDraft, *, events: Broker | None = None) -> Story:
    """A story in a post, or placed in one of its sections (`section_id` implies the post)."""
    editor = require_editor(viewer)
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
    _check_position(draft.position)
    async with in_transaction("default"):
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
        before = await snapshots.take(post.id)
        lines = _lines(section.body) if section else 0
        position = lines if draft.position is None else min(draft.position, lines)
        story = await Story.create(post_id=post.id, section=section, position=position, **valid)
        await refresh_post(post.id)
        await revisions.record(
            post.id,
            story.section_id,
            editor,
            {},
            action=RevisionAction.STORY_ADDED,
            snapshot=before,
        )
    await post_events.announce(events, post.id)
    return story


async def _placement(story: Story, changes: Mapping[str, Any]) -> dict[str, Any]:
    """The checked `section_id` and `position` among `changes`: a move within the post.

    Moving to another section without a position puts the story after its last line.
    """
    valid: dict[str, Any] = {}
    section_id = story.section_id
    if "section_id" in changes:
        section_id = changes["section_id"]
        if section_id is not None:
            section = await Section.get_or_none(id=section_id)
            if section is None or section.post_id != story.post_id:
                raise InvalidInput(
                    "`sectionId` must name a section of the story's post.", field="sectionId"
                )
        valid["section_id"] = section_id
    position = changes.get("position")
    _check_position(position)
    if "section_id" in valid or position is not None:
        section = await Section.get_or_none(id=section_id) if section_id is not None else None
        lines = _lines(section.body) if section else 0
        if position is None:
            position = story.position if section_id == story.section_id else lines
        valid["position"] = min(position, lines)
    return valid


async def update_story(
    viewer: Viewer, story_id: int, changes: Mapping[str, Any], *, events: Broker | None = None
) -> Story:
    """Change the given fields (kind, name, descriptor, lead, quote), or move the story
    with `section_id` (None: the post only) and `position`, keeping a revision."""
    editor = require_editor(viewer)
    valid = valid_story_fields(changes)
    async with in_transaction("default"):
        story = await story_for_edit(story_id)
        await post_for_edit(story.post_id, lock=True)
        story = await story_for_edit(story_id)
        valid.update(await _placement(story, changes))
        changed = {k: v for k, v in valid.items() if getattr(story, k) != v}
        if not changed:
            return story
        old = _story_values(story)
        previous = {
            k: old[k] for k in REVISED_FIELDS if ("section_id" if k == "section" else k) in changed
        }
        await revisions.record(
            story.post_id, story.section_id, editor, previous, action=RevisionAction.STORY_EDITED
        )
        for name, value in changed.items():
            setattr(story, name, value)
        await story.save()
        await refresh_post(story.post_id)
    await post_events.announce(events, story.post_id)
    return story


async def delete_story(viewer: Viewer, story_id: int, *, events: Broker | None = None) -> None:
    """Delete a story, keeping a revision (a restore brings it back)."""
    editor = require_editor(viewer)
    async with in_transaction("default"):
        story = await story_for_edit(story_id)
        await post_for_edit(story.post_id, lock=True)
        story = await story_for_edit(story_id)
        await revisions.record(
            story.post_id,
            story.section_id,
            editor,
            _story_values(story),
            action=RevisionAction.STORY_DELETED,
        )
        await story.delete()
        await refresh_post(story.post_id)
    await post_events.announce(events, story.post_id)
