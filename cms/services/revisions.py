"""Revisions: the previous values of a post's or section's fields, kept on every update.

Restoring a revision is itself an update, so it keeps a revision of what it replaced
and can be undone the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from cms.errors import NotFound
from cms.models import Post, Revision
from cms.principal import Viewer
from cms.services.access import require_editor


async def record(
    post_id: int, section_id: int | None, editor: str, previous: dict[str, Any]
) -> None:
    """Keep `previous` (field -> old value) unless nothing changed."""
    if previous:
        await Revision.create(
            post_id=post_id, section_id=section_id, editor=editor, previous=previous
        )


async def revisions_by_post_ids(post_ids: Iterable[int]) -> dict[int, list[Revision]]:
    """Revisions of each post and its sections, newest first."""
    grouped: dict[int, list[Revision]] = defaultdict(list)
    query = Revision.filter(post_id__in=list(post_ids)).order_by("post_id", "-created_at", "-id")
    for revision in await query:
        grouped[revision.post_id].append(revision)
    return grouped


async def restore_revision(viewer: Viewer, revision_id: int) -> Post:
    """Bring back the values a revision kept; returns the post as it now is."""
    from cms.services import post_editing, section_editing

    require_editor(viewer)
    revision = await Revision.get_or_none(id=revision_id)
    if revision is None:
        raise NotFound("No revision has this id: its post may have been deleted.")
    if revision.section_id is None:
        return await post_editing.update_post(viewer, revision.post_id, revision.previous)
    try:
        await section_editing.update_section(viewer, revision.section_id, revision.previous)
    except NotFound:
        raise NotFound(
            "The section this revision belongs to was deleted: add it again with `addSection`."
        ) from None
    return await post_editing.post_for_edit(revision.post_id)


async def revision_by_id(viewer: Viewer, revision_id: int) -> Revision | None:
    """A revision, for editors only (the public never learns one exists)."""
    if not viewer.is_editor:
        return None
    return await Revision.get_or_none(id=revision_id)
