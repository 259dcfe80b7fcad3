"""An article's sections merged into a post's, through the editors' own section and
story functions (so revisions are kept and positions stay dense).

Sections are compared as the lines the text gives them: a section whose lines did not
change is left exactly as it is, even when its stored Markdown would not come back
from the text byte for byte.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from cms import article_format
from cms.enums import StoryKind
from cms.models import Section, Story
from cms.principal import Viewer
from cms.services import section_editing, story_editing
from cms.services.post_editing import SectionDraft


@dataclass
class SectionChanges:
    added: int = 0
    updated: int = 0
    removed: int = 0


def _story_draft(story: article_format.StoryDraft, section_id: int) -> story_editing.StoryDraft:
    return story_editing.StoryDraft(
        kind=StoryKind(story.kind),
        name=story.name,
        lead=story.lead,
        quote=story.quote,
        descriptor=story.descriptor,
        section_id=section_id,
        position=story.position,
    )


async def add_stories(
    viewer: Viewer, section_id: int, stories: Sequence[article_format.StoryDraft]
) -> None:
    for story in stories:
        await story_editing.add_story(viewer, _story_draft(story, section_id))


async def _add(
    viewer: Viewer, post_id: int, section: article_format.SectionDraft, position: int
) -> None:
    draft = SectionDraft(body=section.body, heading=section.heading)
    row = await section_editing.add_section(viewer, post_id, draft, position, heading_only=True)
    await add_stories(viewer, row.id, section.stories)


async def _remove(viewer: Viewer, row: Section, stories: list[Story]) -> None:
    for story in stories:
        await story_editing.delete_story(viewer, story.id)
    await section_editing.delete_section(viewer, row.id)


def _story_fields(story: article_format.StoryDraft) -> dict[str, object]:
    return {
        "kind": StoryKind(story.kind),
        "name": story.name,
        "descriptor": story.descriptor,
        "lead": story.lead,
        "quote": story.quote,
    }


async def _update(
    viewer: Viewer, row: Section, stories: list[Story], section: article_format.SectionDraft
) -> None:
    changes = {"heading": section.heading, "body": section.body}
    await section_editing.update_section(viewer, row.id, changes, heading_only=True)
    for index, story in enumerate(section.stories):
        old = stories[index] if index < len(stories) else None
        if old is not None and old.position == story.position:
            await story_editing.update_story(viewer, old.id, _story_fields(story))
            continue
        if old is not None:
            await story_editing.delete_story(viewer, old.id)
        await story_editing.add_story(viewer, _story_draft(story, row.id))
    for old in stories[len(section.stories) :]:
        await story_editing.delete_story(viewer, old.id)


async def merge_sections(
    viewer: Viewer,
    post_id: int,
    current: Sequence[article_format.SectionDraft],
    wanted: Sequence[article_format.SectionDraft],
) -> SectionChanges:
    """Turn the post's sections (`current`, as its export reads them) into `wanted`."""
    rows = await Section.filter(post_id=post_id).order_by("position", "id")
    story_rows: dict[int | None, list[Story]] = {}
    for story in await Story.filter(post_id=post_id).order_by("position", "id"):
        story_rows.setdefault(story.section_id, []).append(story)
    stories = [story_rows.get(row.id, []) for row in rows]
    if stories:  # stories of no section read as the lead's
        stories[0] = sorted(stories[0] + story_rows.get(None, []), key=lambda s: (s.position, s.id))
    old_lines = [tuple(article_format.render_section(s)) for s in current]
    new_lines = [tuple(article_format.render_section(s)) for s in wanted]
    changes = SectionChanges()
    opcodes = SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
    for tag, i1, i2, j1, j2 in reversed(opcodes):  # from the end: earlier positions hold
        if tag == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for k in range(paired):
            await _update(viewer, rows[i1 + k], stories[i1 + k], wanted[j1 + k])
        for k in range(i1 + paired, i2):
            await _remove(viewer, rows[k], stories[k])
        for k in range(j1 + paired, j2):
            await _add(viewer, post_id, wanted[k], i1 + paired + (k - j1 - paired))
        changes.updated += paired
        changes.removed += i2 - i1 - paired
        changes.added += j2 - j1 - paired
    return changes
