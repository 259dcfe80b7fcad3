"""Light, read-only rows of the hot read paths (no ORM model instances).

They carry the attributes the API's projections read (`Post.from_model(...)` takes a
model or a record alike); writes always go through the models. Not frozen: a frozen
dataclass sets each field through `object.__setattr__`, which doubles the cost of a
row; nothing writes to them.
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
    "like_count, view_count, comment_count, trending_score"
)
SECTION_COLUMNS = "id, post_id, position, heading, body, html, block_starts"
COMMENT_COLUMNS = (
    "id, post_id, parent_id, depth, author, body, html, status, created_at, score, upvotes, "
    "downvotes"
)

# A dictionary look-up costs a fraction of calling the enum (measured: 26 a post page).
_POST_STATUS = {member.value: member for member in PostStatus}
_STORY_KIND = {member.value: member for member in StoryKind}
_COMMENT_STATUS = {member.value: member for member in CommentStatus}


@dataclass(slots=True)
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
    trending_score: int

    @classmethod
    def of(cls, row: Sequence[Any]) -> PostRecord:
        return cls(
            row[0], row[1], row[2], row[3], _POST_STATUS[row[4]], optional_timestamp(row[5]),
            timestamp(row[6]), timestamp(row[7]), timestamp(row[8]), row[9], row[10], row[11],
            row[12],
        )  # fmt: skip


@dataclass(slots=True)
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


@dataclass(slots=True)
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
            row[0], row[1], row[2], row[3], _STORY_KIND[row[4]], row[5], row[6], row[7], row[8]
        )


@dataclass(slots=True)
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
    score: int
    upvotes: int
    downvotes: int

    @classmethod
    def of(cls, row: Sequence[Any]) -> CommentRecord:
        return cls(
            row[0], row[1], row[2], row[3], row[4], row[5], row[6], _COMMENT_STATUS[row[7]],
            timestamp(row[8]), row[9], row[10], row[11],
        )  # fmt: skip
