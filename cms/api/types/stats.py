"""PostStats: a post's public counts, returned by the public mutations and `postStats`."""

from __future__ import annotations

from typing import Any

import strawberry

from cms.api.ids import encode_id


@strawberry.type
class PostStats:
    post_id: strawberry.ID
    like_count: int
    view_count: int
    comment_count: int
    viewer_has_liked: bool = strawberry.field(
        description="Whether the visitor named in the mutation has liked the post."
    )

    @classmethod
    def from_stats(cls, stats: Any) -> PostStats:
        return cls(
            post_id=strawberry.ID(encode_id("Post", stats.post_id)),
            like_count=stats.like_count,
            view_count=stats.view_count,
            comment_count=stats.comment_count,
            viewer_has_liked=stats.viewer_has_liked,
        )
