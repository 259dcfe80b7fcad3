"""Restoring a revision: the whole post as it was before that change.

Title, slug, excerpt, tags, sections and stories come back as the snapshot holds
them; sections and stories deleted since are made again (with their old ids when
those are free). The publication status stays as it is (publishing has its own
mutations), and readers' comments, likes and views are never touched. The restore
is itself kept as a revision.
"""

from __future__ import annotations

from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from cms.enums import RevisionAction, StoryKind
from cms.errors import NotFound
from cms.models import Post, Revision, Section, Story
from cms.principal import Viewer
from cms.services import post_editing, post_events, revisions, snapshots
from cms.services.access import require_editor
from cms.services.events import Broker
from cms.services.rendering import section_html

_RESTORED_FIELDS = ("title", "slug", "excerpt", "tags")


async def restore_revision(
    viewer: Viewer, revision_id: int, *, events: Broker | None = None
) -> Post:
    """Bring back the post as it was before the revision's change; returns it as it now is."""
    editor = require_editor(viewer)
    revision = await Revision.get_or_none(id=revision_id)
    if revision is None:
        raise NotFound("No revision has this id: its post may have been deleted.")
    if revision.snapshot is None:
        restored = await _restore_fields(viewer, revision)
        await post_events.announce(events, restored.id)
        return restored
    target: dict[str, Any] = revision.snapshot
    try:
        async with in_transaction("default"):
            post = await post_editing.post_for_edit(revision.post_id, lock=True)
            now = await snapshots.take(post.id)
            if snapshots.content(now) == snapshots.content(target):
                return post
            previous = {k: now[k] for k in _RESTORED_FIELDS if now[k] != target[k]}
            await revisions.record(post.id, None, editor, previous, action=RevisionAction.RESTORED)
            await _restore_post(post, target)
            sections = await _restore_sections(post.id, target["sections"])
            await _restore_stories(post.id, target["stories"], sections)
            await post_editing.refresh_post(post.id)
    except IntegrityError:
        raise post_editing.slug_taken(str(target["slug"])) from None
    await post_events.announce(events, post.id)
    return await post_editing.post_for_edit(post.id)


async def _restore_fields(viewer: Viewer, revision: Revision) -> Post:
    """A revision kept before whole-post snapshots: only the fields it changed."""
    from cms.services import section_editing

    if revision.section_id is None:
        return await post_editing.update_post(viewer, revision.post_id, revision.previous)
    try:
        await section_editing.update_section(viewer, revision.section_id, revision.previous)
    except NotFound:
        raise NotFound(
            "The section this revision belongs to was deleted: add it again with `addSection`."
        ) from None
    return await post_editing.post_for_edit(revision.post_id)


async def _restore_post(post: Post, target: dict[str, Any]) -> None:
    if post.slug != target["slug"]:
        await post_editing.ensure_slug_free(target["slug"], post.id)
    post.title, post.slug, post.excerpt = target["title"], target["slug"], target["excerpt"]
    await post.save(update_fields=["title", "slug", "excerpt"])
    await post_editing.set_tags(post, list(target["tags"]))


async def _free_id(model: type[Section] | type[Story], wanted: int) -> int | None:
    """`wanted` when no row has it (so links to the old id work again), else None."""
    return None if await model.filter(id=wanted).exists() else wanted


async def _restore_sections(post_id: int, target: list[dict[str, Any]]) -> dict[int, int]:
    """Sections as `target` lists them, in its order; returns old id -> id now."""
    current = {s.id: s for s in await Section.filter(post_id=post_id)}
    wanted = {s["id"] for s in target}
    gone = [sid for sid in current if sid not in wanted]
    if gone:
        await Section.filter(id__in=gone).delete()
    # Park every row above any final position, then give each its place (positions unique).
    top = max((s.position for s in current.values()), default=-1) + 1 + len(target)
    await Section.filter(post_id=post_id).update(position=F("position") + top)
    ids: dict[int, int] = {}
    for index, wanted_section in enumerate(target):
        heading, body = wanted_section["heading"], wanted_section["body"]
        old_id = int(wanted_section["id"])
        section = current.get(old_id)
        if section is None:
            made = await Section.create(
                id=await _free_id(Section, old_id),
                post_id=post_id,
                position=2 * top + index,
                heading=heading,
                body=body,
                **section_html(body),
            )
            ids[old_id] = made.id
        else:
            ids[old_id] = old_id
            if (section.heading, section.body) != (heading, body):
                await Section.filter(id=old_id).update(
                    heading=heading, body=body, **section_html(body)
                )
    for index, wanted_section in enumerate(target):
        await Section.filter(id=ids[int(wanted_section["id"])]).update(position=index)
    return ids


async def _restore_stories(
    post_id: int, target: list[dict[str, Any]], sections: dict[int, int]
) -> None:
    current = {s.id: s for s in await Story.filter(post_id=post_id)}
    wanted = {s["id"] for s in target}
    gone = [sid for sid in current if sid not in wanted]
    if gone:
        await Story.filter(id__in=gone).delete()
    for story in target:
        section_id = story["section_id"]
        values = {
            "kind": StoryKind(story["kind"]),
            "name": story["name"],
            "descriptor": story["descriptor"],
            "lead": story["lead"],
            "quote": story["quote"],
            "section_id": None if section_id is None else sections.get(int(section_id)),
            "position": story["position"],
        }
        old_id = int(story["id"])
        if old_id in current:
            await Story.filter(id=old_id).update(**values)
        else:
            made_id = await _free_id(Story, old_id)
            await Story.create(id=made_id, post_id=post_id, **values)
