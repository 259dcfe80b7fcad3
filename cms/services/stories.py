"""Reading stories (writing lives in the editor services)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from cms.models import Story, StoryKind
from cms.principal import Viewer
from cms.services.pagination import (
    Page,
    PageRequest,
    SortKey,
    keyset_page,
    keyset_sql,
    keyset_values,
    page_size,
)
from cms.services.read_statements import Ids, Statement, fetch
from cms.services.records import StoryRecord
from cms.services.visibility import post_visibility_sql, visible_posts

_NEWEST_FIRST = SortKey(("id",), descending=True, kinds=(int,))


# Stories without a section come first, then by section, then by place in the section.
STORY_COLUMNS = (
    "story.id, story.post_id, story.section_id, story.position, story.kind, story.name, "
    "story.descriptor, story.lead, story.quote"
)
_BY_POST = Statement(
    f"SELECT {STORY_COLUMNS} FROM story "
    "LEFT JOIN section ON section.id = story.section_id WHERE story.post_id IN {ids} "
    "ORDER BY story.post_id, COALESCE(section.position, -1), story.position, story.id"
)


async def stories_by_post_ids(post_ids: Iterable[int]) -> dict[int, list[StoryRecord]]:
    """Every story of each post, in reading order, in one statement for any number of posts."""
    grouped: dict[int, list[StoryRecord]] = defaultdict(list)
    for row in await fetch(_BY_POST, Ids.of(post_ids)):
        grouped[row[1]].append(StoryRecord.of(row))
    return grouped


async def stories_by_section_ids(section_ids: Iterable[int]) -> dict[int, list[Story]]:
    grouped: dict[int, list[Story]] = defaultdict(list)
    for story in await Story.filter(section_id__in=list(section_ids)).order_by("position", "id"):
        grouped[story.section_id or 0].append(story)
    return grouped


def visible_stories(viewer: Viewer, kind: StoryKind | None = None) -> QuerySet[Story]:
    stories = Story.filter(post_id__in=Subquery(visible_posts(viewer).values("id")))
    return stories.filter(kind=kind) if kind else stories


@lru_cache(maxsize=64)
def _list(visibility: str, kind: bool, after: bool, before: bool, from_end: bool) -> Statement:
    bounds, order_by = keyset_sql(_NEWEST_FIRST, after, before, from_end)
    post = f"AND {visibility}" if visibility else ""
    terms = [
        *(["kind = ?"] if kind else []),
        f"EXISTS (SELECT 1 FROM post WHERE post.id = story.post_id {post})",
        *bounds,
    ]
    # Walks stories newest first (by kind: story_kind_idx) and stops after one page.
    index = "story_kind_idx" if kind else "primary_key"
    return Statement(
        f"SELECT {STORY_COLUMNS} FROM story {{indexed_by:{index}}} WHERE {' AND '.join(terms)} "
        f"ORDER BY {order_by} LIMIT ?"
    )


async def list_stories(
    viewer: Viewer, kind: StoryKind | None, request: PageRequest
) -> Page[StoryRecord]:
    """Stories of posts the viewer may see, newest first."""
    size, from_end = page_size(request)
    visibility, params = post_visibility_sql(viewer)
    statement = _list(visibility, kind is not None, bool(request.after), bool(request.before),
                      from_end)  # fmt: skip
    kinds = [kind.value] if kind else []
    values = [*kinds, *params, *keyset_values(_NEWEST_FIRST, request), size + 1]
    rows = [StoryRecord.of(row) for row in await fetch(statement, *values)]
    return keyset_page(rows, _NEWEST_FIRST, request, visible_stories(viewer, kind).count)


async def stories_by_ids(viewer: Viewer, ids: Iterable[int]) -> dict[int, Story]:
    return {s.id: s for s in await visible_stories(viewer).filter(id__in=list(ids))}
