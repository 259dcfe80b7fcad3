"""Engagement over time: a post's buckets and editors' rankings."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import TYPE_CHECKING, Annotated

import strawberry
from graphql import EnumValueNode, StringValueNode, ValueNode

from cms.api.context import Info
from cms.enums import ActivityInterval
from cms.errors import InvalidInput
from cms.services.activity_reads import MAX_DAYS, ActivityRange
from cms.services.activity_reads import ActivityBucket as BucketRecord

if TYPE_CHECKING:
    from cms.api.types.post import Post

PostRef = Annotated["Post", strawberry.lazy("cms.api.types.post")]


def bucket_count(arguments: Mapping[str, ValueNode]) -> int:
    """For the cost rule: the buckets `activity(from:, to:, every:)` as written can return;
    the longest range's when a bound is a variable (or not a valid moment)."""
    every = arguments.get("every")
    interval = ActivityInterval(every.value) if isinstance(every, EnumValueNode) else None
    bounds = [arguments.get(name) for name in ("from", "to")]
    if isinstance(bounds[0], StringValueNode) and isinstance(bounds[1], StringValueNode):
        try:
            start, end = (datetime.fromisoformat(b.value) for b in bounds)  # type: ignore[union-attr]
            return len(ActivityRange.of(start, end, interval or ActivityInterval.DAY).starts())
        except (ValueError, InvalidInput):
            pass  # refused when it runs
    if interval == ActivityInterval.MONTH:
        return 13
    if interval == ActivityInterval.WEEK:
        return 54
    return MAX_DAYS


@strawberry.type(description="A post's counts over one period (a UTC day, week or month).")
class ActivityBucket:
    start: datetime = strawberry.field(
        description="Midnight UTC of the period's first day within the range."
    )
    views: int = strawberry.field(description="Views by people (crawlers are not in them).")
    likes: int = strawberry.field(description="Likes given in the period that still stand.")
    comments: int = strawberry.field(description="Comments that became public in the period.")
    reactions: int
    stored_bot_views: strawberry.Private[int]

    @classmethod
    def from_record(cls, bucket: BucketRecord) -> ActivityBucket:
        return cls(
            start=datetime.combine(bucket.start, time(), tzinfo=UTC),
            views=bucket.views,
            likes=bucket.likes,
            comments=bucket.comments,
            reactions=bucket.reactions,
            stored_bot_views=bucket.bot_views,
        )

    @strawberry.field(
        description="Editors only (null for others): views by user agents known as crawlers."
    )
    def bot_views(self, info: Info) -> int | None:
        return self.stored_bot_views if info.context.viewer.is_editor else None


@strawberry.type(description="A post and its total of the ranked metric over the range.")
class RankedPost:
    post: PostRef
    total: int
