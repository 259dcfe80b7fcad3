"""Reading stories (writing lives in the editor services)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from cms.models import Story, StoryKind
from cms.principal import Viewer
from cms.services.pagination import Page, PageRequest, SortKey, paginate
from cms.services.read_statements import Ids, Statement, fetch
from cms.services.records import StoryRecord
from cms.services.visibility import visible_posts

_NEWEST_FIRST = SortKey(("id",), descending=True, kinds=(int,))


# Stories without a section come first, then by section, then by place in the section.
_BY_POST = Statement(
    "SELECT story.id, story.post_id, story.section_id, story.position, story.kind, story.name, "
    "story.descriptor, story.lead, story.quote FROM story "
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


async def list_stories(viewer: Viewer, kind: StoryKind | None, request: PageRequest) -> Page[Story]:
    """Stories of posts the viewer may see, newest first."""
    return await paginate(visible_stories(viewer, kind), _NEWEST_FIRST, request)


async def stories_by_ids(viewer: Viewer, ids: Iterable[int]) -> dict[int, Story]:
    return {s.id: s for s in await visible_stories(viewer).filter(id__in=list(ids))}
