"""Writing sections: add, update, move, delete, keeping positions dense (0..n-1) and unique.

Positions are renumbered inside one transaction: every section of the post is first
shifted past the largest position in one statement, then given its final place, so
the unique (post, position) constraint never sees two sections in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from cms.enums import RevisionAction
from cms.errors import InvalidInput, NotFound
from cms.models import Post, Section
from cms.principal import Viewer
from cms.services import post_events, revisions, snapshots, validation
from cms.services.access import require_editor
from cms.services.events import Broker
from cms.services.post_editing import (
    SectionDraft,
    post_for_edit,
    refresh_post,
    valid_section,
)
from cms.services.rendering import section_html

REVISED_FIELDS = ("heading", "body")


async def section_for_edit(section_id: int) -> Section:
    section = await Section.get_or_none(id=section_id)
    if section is None:
        raise NotFound("No section has this id: it may have been deleted.")
    return section


async def _ordered(post_id: int) -> list[Section]:
    return await Section.filter(post_id=post_id).order_by("position", "id")


async def _place(post_id: int, ordered: list[Section]) -> None:
    """Give `ordered` the positions 0..n-1, in that order."""
    if not ordered:
        return
    offset = max(s.position for s in ordered) + len(ordered) + 1
    await Section.filter(post_id=post_id).update(position=F("position") + offset)
    for position, section in enumerate(ordered):
        await Section.filter(id=section.id).update(position=position)
        section.position = position


def _check_position(position: int, size: int) -> int:
    if not 0 <= position <= size:
        raise InvalidInput(
            f"`position` must be between 0 and {size} for this post; got {position}.",
            field="position",
        )
    return position


async def add_section(
    viewer: Viewer,
    post_id: int,
    draft: SectionDraft,
    position: int | None = None,
    *,
    heading_only: bool = False,
    events: Broker | None = None,
) -> Section:
    """A new section at `position` (default: the end); later ones move down by one."""
    editor = require_editor(viewer)
    draft = valid_section(draft, heading_only=heading_only)
    async with in_transaction("default"):
        await post_for_edit(post_id, lock=True)
        before = await snapshots.take(post_id)
        ordered = await _ordered(post_id)
        if len(ordered) >= validation.MAX_SECTIONS:
            raise InvalidInput(
                f"A post has at most {validation.MAX_SECTIONS} sections; delete one first.",
                field="postId",
            )
        index = len(ordered) if position is None else _check_position(position, len(ordered))
        top = max((s.position for s in ordered), default=-1) + 1
        section = await Section.create(
            post_id=post_id,
            position=top,
            heading=draft.heading,
            body=draft.body,
            **section_html(draft.body),
        )
        ordered.insert(index, section)
        await _place(post_id, ordered)
        await refresh_post(post_id)
        await revisions.record(
            post_id, section.id, editor, {}, action=RevisionAction.SECTION_ADDED, snapshot=before
        )
    await post_events.announce(events, post_id)
    return section


async def update_section(
    viewer: Viewer,
    section_id: int,
    changes: Mapping[str, Any],
    *,
    heading_only: bool = False,
    events: Broker | None = None,
) -> Section:
    """Change heading and/or body (a null heading makes it the lead), keeping a revision.

    `heading_only` lets a section given a heading in the same change have no body.
    """
    editor = require_editor(viewer)
    valid: dict[str, Any] = {}
    if "heading" in changes:
        valid["heading"] = validation.optional_text(
            changes["heading"], "heading", validation.MAX_HEADING
        )
    if "body" in changes:
        if heading_only and valid.get("heading") and not (changes["body"] or "").strip():
            valid["body"] = ""
        else:
            valid["body"] = validation.required_text(changes["body"], "body", validation.MAX_BODY)
    async with in_transaction("default"):
        section = await section_for_edit(section_id)
        await post_for_edit(section.post_id, lock=True)
        section = await section_for_edit(section_id)
        changed = {k: v for k, v in valid.items() if getattr(section, k) != v}
        if not changed:
            return section
        previous = {k: getattr(section, k) for k in REVISED_FIELDS if k in changed}
        await revisions.record(section.post_id, section.id, editor, previous)
        for name, value in changed.items():
            setattr(section, name, value)
        rendered = section_html(section.body)
        section.html, section.block_starts = rendered["html"], rendered["block_starts"]
        await section.save()
        await refresh_post(section.post_id)
    await post_events.announce(events, section.post_id)
    return section


async def move_section(
    viewer: Viewer, section_id: int, position: int, *, events: Broker | None = None
) -> Post:
    """Move a section to `position` (0-based); the others close up around it."""
    editor = require_editor(viewer)
    async with in_transaction("default"):
        section = await section_for_edit(section_id)
        post = await post_for_edit(section.post_id, lock=True)
        ordered = await _ordered(post.id)
        if not 0 <= position < len(ordered):
            raise InvalidInput(
                f"`position` must be between 0 and {len(ordered) - 1} for this post; "
                f"got {position}.",
                field="position",
            )
        moving = next((s for s in ordered if s.id == section_id), None)
        if moving is None:  # deleted while this move waited for the post's lock
            raise NotFound("No section has this id: it may have been deleted.")
        if ordered.index(moving) == position:
            return post
        await revisions.record(
            post.id,
            section_id,
            editor,
            {"position": ordered.index(moving)},
            action=RevisionAction.SECTION_MOVED,
        )
        ordered.remove(moving)
        ordered.insert(position, moving)
        await _place(post.id, ordered)
        await refresh_post(post.id)
    await post_events.announce(events, post.id)
    return await post_for_edit(post.id)


async def delete_section(viewer: Viewer, section_id: int, *, events: Broker | None = None) -> int:
    """Delete a section; its stories stay in the post without a section. Returns the post id."""
    editor = require_editor(viewer)
    async with in_transaction("default"):
        section = await section_for_edit(section_id)
        post_id = section.post_id
        await post_for_edit(post_id, lock=True)
        section = await section_for_edit(section_id)
        await revisions.record(
            post_id,
            section.id,
            editor,
            {"heading": section.heading, "body": section.body, "position": section.position},
            action=RevisionAction.SECTION_DELETED,
        )
        await section.delete()
        await _place(post_id, await _ordered(post_id))
        await refresh_post(post_id)
    await post_events.announce(events, post_id)
    return post_id
