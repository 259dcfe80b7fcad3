"""Light, read-only rows of the hot read paths (no ORM model instances).

They carry the attributes the API's projections read (`Post.from_model(...)` takes a
model or a record alike); writes always go through the models.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cms.enums import CommentStatus, PostStatus, StoryKind
from cms.services.read_statements import optional_timestamp, timestamp

POST_COLUMNS = (
    "id, slug, title, excerpt, status, published_at, feed_at, created_at, updated_at, "
    "like_count, view_count, comment_count"
)
SECTION_COLUMNS = "id, post_id, position, heading, body, html, block_starts"
COMMENT_COLUMNS = "id, post_id, parent_id, depth, author, body, html, status, created_at"


@dataclass(slots=True, frozen=True)
class PostRecord:
    id: int
    slug: str
    title: str
    excerpt: str
    status: PostStatus
    published_at: datetime | None
    feed_at: datetime
    created_at: datetime
    updated_at: datetime
    like_count: int
    view_count: int
    comment_count: int

    @classmethod
    def of(cls, row: Sequence[Any]) -> PostRecord:
        return cls(
            row[0], row[1], row[2], row[3], PostStatus(row[4]), optional_timestamp(row[5]),
            timestamp(row[6]), timestamp(row[7]), timestamp(row[8]), row[9], row[10], row[11],
        )  # fmt: skip


@dataclass(slots=True, frozen=True)
class SectionRecord:
    id: int
    post_id: int
    position: int
    heading: str | None
    body: str
    html: str
    block_starts: str

    @classmethod
    def of(cls, row: Sequence[Any]) -> SectionRecord:
        return cls(row[0], row[1], row[2], row[3], row[4], row[5], row[6])


@dataclass(slots=True, frozen=True)
class StoryRecord:
    id: int
    post_id: int
    section_id: int | None
    position: int
    kind: StoryKind
    name: str
    descriptor: str | None
    lead: str
    quote: str

    @classmethod
    def of(cls, row: Sequence[Any]) -> StoryRecord:
        return cls(
            row[0], row[1], row[2], row[3], StoryKind(row[4]), row[5], row[6], row[7], row[8]
        )


@dataclass(slots=True, frozen=True)
class CommentRecord:
    id: int
    post_id: int
    parent_id: int | None
    depth: int
    author: str
    body: str
    html: str
    status: CommentStatus
    created_at: datetime

    @classmethod
    def of(cls, row: Sequence[Any]) -> CommentRecord:
        return cls(
            row[0], row[1], row[2], row[3], row[4], row[5], row[6], CommentStatus(row[7]),
            timestamp(row[8]),
        )  # fmt: skip
