"""Editors' analytics: posts ranked by their activity over a range of days."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from cms.api.context import Info
from cms.api.permissions import IsEditor
from cms.api.types.activity import RankedPost
from cms.api.types.enums import ActivityMetricEnum
from cms.api.types.post import Post
from cms.services import activity_reads


@strawberry.type
class ActivityQueries:
    @strawberry.field(
        permission_classes=[IsEditor],
        description="Editors only: the posts with most `metric` over the UTC days from "
        "`from`'s to `to`'s (both included, at most 366), most first; posts without any "
        "are left out. `first` is at most 100.",
    )
    async def top_posts(
        self,
        info: Info,
        metric: ActivityMetricEnum,
        from_: Annotated[datetime, strawberry.argument(name="from")],
        to: datetime,
        first: int = 10,
    ) -> list[RankedPost]:
        span = activity_reads.ActivityRange.of(from_, to)
        ranked = await activity_reads.top_posts(info.context.viewer, metric, span, first)
        found = await info.context.loaders.post_by_id.load_many([r.post_id for r in ranked])
        return [
            RankedPost(post=Post.from_model(post), total=r.total)
            for r, post in zip(ranked, found, strict=True)
            if post is not None  # deleted since it was ranked
        ]
