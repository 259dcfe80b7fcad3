"""Reading sections (writing lives in the editor services)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from cms.models import Section
from cms.services.read_statements import Ids, Statement, fetch
from cms.services.records import SECTION_COLUMNS, SectionRecord

_BY_POST = Statement(
    f"SELECT {SECTION_COLUMNS} FROM section WHERE post_id IN {{ids}} ORDER BY post_id, position"
)


async def sections_by_post_ids(post_ids: Iterable[int]) -> dict[int, list[SectionRecord]]:
    """Sections of each post in reading order."""
    grouped: dict[int, list[SectionRecord]] = defaultdict(list)
    for row in await fetch(_BY_POST, Ids.of(post_ids)):
        grouped[row[1]].append(SectionRecord.of(row))
    return grouped


async def sections_by_ids(ids: Iterable[int]) -> dict[int, Section]:
    return {section.id: section for section in await Section.filter(id__in=list(ids))}
