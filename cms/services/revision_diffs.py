"""Differences between two versions of a post: fields, sections and stories.

Each revision keeps the post as it was before its change, so comparing two revisions
compares those two versions; without a second revision the post as it is now is the
other side. A section or story is matched by its id: present on one side only, it was
added or deleted; on both, it changed when a field did or when it moved, that is when
its order among the others changed (not when others were added or deleted around it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum
from typing import Any

from cms.errors import InvalidInput, NotFound
from cms.models import Revision
from cms.principal import Viewer
from cms.services import snapshots
from cms.services.access import require_editor


class PartChange(StrEnum):
    ADDED = "ADDED"
    DELETED = "DELETED"
    CHANGED = "CHANGED"


@dataclass(frozen=True)
class FieldDiff:
    """A field's value on each side (None: absent or empty)."""

    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class PartDiff:
    """A section or a story that differs; `label` is its heading or the story's name."""

    id: int
    change: PartChange
    label: str | None
    position_before: int | None
    position_after: int | None
    moved: bool
    fields: list[FieldDiff] = field(default_factory=list)


@dataclass(frozen=True)
class PostDiff:
    post_id: int
    fields: list[FieldDiff]
    sections: list[PartDiff]
    stories: list[PartDiff]


def _field_diffs(
    before: dict[str, Any], after: dict[str, Any], names: tuple[str, ...]
) -> list[FieldDiff]:
    return [
        FieldDiff(name, before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
    ]


def _moved(before: list[int], after: list[int]) -> set[int]:
    """Ids on both sides whose relative order changed (outside a longest common order)."""
    common = set(before) & set(after)
    old = [i for i in before if i in common]
    new = [i for i in after if i in common]
    kept: set[int] = set()
    for block in SequenceMatcher(a=old, b=new, autojunk=False).get_matching_blocks():
        kept.update(old[block.a : block.a + block.size])
    return common - kept


def _parts(
    before: list[dict[str, Any]],
    after: list[dict[str, Any]],
    names: tuple[str, ...],
    label: str,
    *,
    ordered: bool,
) -> list[PartDiff]:
    old = {p["id"]: (i, p) for i, p in enumerate(before)}
    new = {p["id"]: (i, p) for i, p in enumerate(after)}
    moved = _moved([p["id"] for p in before], [p["id"] for p in after]) if ordered else set()
    empty: dict[str, Any] = {}
    diffs: list[PartDiff] = []
    for pid, (index, part) in new.items():
        if pid not in old:
            diffs.append(
                PartDiff(pid, PartChange.ADDED, part[label], None, index, False,
                         _field_diffs(empty, part, names))
            )  # fmt: skip
            continue
        old_index, old_part = old[pid]
        fields = _field_diffs(old_part, part, names)
        if fields or pid in moved:
            diffs.append(
                PartDiff(pid, PartChange.CHANGED, part[label], old_index, index, pid in moved,
                         fields)
            )  # fmt: skip
    for pid, (index, part) in old.items():
        if pid not in new:
            diffs.append(
                PartDiff(pid, PartChange.DELETED, part[label], index, None, False,
                         _field_diffs(part, empty, names))
            )  # fmt: skip
    return diffs


def diff_snapshots(post_id: int, before: dict[str, Any], after: dict[str, Any]) -> PostDiff:
    """What differs from `before` to `after` (two snapshots of one post)."""
    return PostDiff(
        post_id=post_id,
        fields=_field_diffs(before, after, snapshots.POST_FIELDS),
        sections=_parts(
            before["sections"],
            after["sections"],
            snapshots.SECTION_FIELDS,
            "heading",
            ordered=True,
        ),
        stories=_parts(
            before["stories"], after["stories"], snapshots.STORY_FIELDS, "name", ordered=False
        ),
    )


async def _snapshot_of(revision_id: int, argument: str) -> Revision:
    revision = await Revision.get_or_none(id=revision_id)
    if revision is None:
        raise NotFound(f"No revision has the id in `{argument}`: its post may have been deleted.")
    if revision.snapshot is None:
        raise InvalidInput(
            f"The revision in `{argument}` was kept before whole-post revisions and holds only "
            "the fields it changed (see its `changes`): compare later revisions.",
            field=argument,
        )
    return revision


async def revision_diff(viewer: Viewer, from_id: int, to_id: int | None) -> PostDiff:
    """From the version revision `from_id` kept to `to_id`'s (None: the post as it is now)."""
    require_editor(viewer)
    start = await _snapshot_of(from_id, "from")
    if to_id is None:
        end = await snapshots.take(start.post_id)
    else:
        other = await _snapshot_of(to_id, "to")
        if other.post_id != start.post_id:
            raise InvalidInput(
                "`from` and `to` are revisions of different posts: compare two revisions "
                "of one post.",
                field="to",
            )
        end = other.snapshot or {}
    return diff_snapshots(start.post_id, start.snapshot or {}, end)
