"""Revisions: every change to a post keeps what it changed and the whole post before it.

Each write service calls `record` inside its transaction, before it applies the
change, so the snapshot holds the post as it was. Restoring (`revision_restore`) is
itself a change, kept the same way, so it can be undone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from cms.enums import RevisionAction
from cms.models import Revision
from cms.principal import Viewer
from cms.services import snapshots

# Columns a listing reads: never the snapshots.
_LISTED = ("id", "post_id", "section_id", "editor", "created_at", "action", "previous")
# Actions that are edits of fields: nothing to keep when no field changed.
_EDITS = (RevisionAction.POST_EDITED, RevisionAction.SECTION_EDITED, RevisionAction.STORY_EDITED)


async def record(
    post_id: int,
    section_id: int | None,
    editor: str,
    previous: dict[str, Any],
    *,
    action: RevisionAction | None = None,
    snapshot: dict[str, Any] | None = None,
) -> None:
    """Keep `previous` (field -> old value) and the whole post as it is now.

    Call before applying the change, or pass the `snapshot` taken before it. Without
    `action` it is an edit of the post's fields, or of the section's when `section_id`
    is given; an edit that changed no field keeps nothing.
    """
    if action is None:
        action = RevisionAction.POST_EDITED if section_id is None else RevisionAction.SECTION_EDITED
    if action in _EDITS and not previous:
        return
    await Revision.create(
        post_id=post_id,
        section_id=section_id,
        editor=editor,
        action=action,
        previous=previous,
        snapshot=snapshot if snapshot is not None else await snapshots.take(post_id),
    )


async def revisions_by_post_ids(post_ids: Iterable[int]) -> dict[int, list[Revision]]:
    """Revisions of each post, newest first (without their snapshots)."""
    grouped: dict[int, list[Revision]] = defaultdict(list)
    query = Revision.filter(post_id__in=list(post_ids)).order_by("post_id", "-created_at", "-id")
    for revision in await query.only(*_LISTED):
        grouped[revision.post_id].append(revision)
    return grouped


async def revision_by_id(viewer: Viewer, revision_id: int) -> Revision | None:
    """A revision, for editors only (the public never learns one exists)."""
    if not viewer.is_editor:
        return None
    return await Revision.filter(id=revision_id).only(*_LISTED).first()
