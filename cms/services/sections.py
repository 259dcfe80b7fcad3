"""Reading sections (writing lives in the editor services)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from cms.models import Section


async def sections_by_post_ids(post_ids: Iterable[int]) -> dict[int, list[Section]]:
    """Sections of each post in reading order."""
    grouped: dict[int, list[Section]] = defaultdict(list)
    for section in await Section.filter(post_id__in=list(post_ids)).order_by("post_id", "position"):
        grouped[section.post_id].append(section)
    return grouped


async def sections_by_ids(ids: Iterable[int]) -> dict[int, Section]:
    return {section.id: section for section in await Section.filter(id__in=list(ids))}
