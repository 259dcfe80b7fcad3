"""A section's content in reading order: runs of its HTML with its stories between them.

The HTML was rendered block by block when the section was written (`block_starts`), so
placing stories is slicing, never rendering. A story's `position` counts the body lines
before it; it comes before the first block that starts at or after that line, so a
story placed inside a list or a multi-line paragraph follows that block.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar


class _Section(Protocol):
    @property
    def position(self) -> int: ...
    @property
    def html(self) -> str: ...
    @property
    def block_starts(self) -> str: ...


class _Story(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def position(self) -> int: ...


S = TypeVar("S", bound=_Story)


@dataclass(frozen=True, slots=True)
class HtmlRun:
    """Consecutive blocks of a section's body with no story between them."""

    html: str


def _starts(section: _Section) -> list[tuple[int, int]]:
    try:
        starts = [(int(line), int(offset)) for line, offset in json.loads(section.block_starts)]
    except (TypeError, ValueError):
        starts = []
    if not starts and section.html:
        starts = [(0, 0)]  # one block: a story at 0 comes before it, any other after it
    return starts


def section_blocks(section: _Section, stories: Sequence[S]) -> list[HtmlRun | S]:
    """The section's HTML cut where its stories sit, stories in place, in reading order."""
    html = section.html
    starts = _starts(section)
    waiting = sorted(stories, key=lambda s: (s.position, s.id))
    blocks: list[HtmlRun | S] = []
    run_from: int | None = None
    for line, offset in starts:
        placed = [s for s in waiting if s.position <= line]
        if placed:
            if run_from is not None:
                blocks.append(HtmlRun(html[run_from : offset - 1]))
                run_from = None
            blocks.extend(placed)
            waiting = waiting[len(placed) :]
        if run_from is None:
            run_from = offset
    if run_from is not None:
        blocks.append(HtmlRun(html[run_from:]))
    blocks.extend(waiting)
    return blocks
