"""PostStats: a post's public counts, returned by the public mutations and `postStats`."""

from __future__ import annotations

from typing import Any

import strawberry

from cms.api.context import Info
from cms.api.extensions.cost import LIST_LENGTH
from cms.api.ids import encode_id
from cms.api.types.reaction import CommentStats, ReactionCount, kind_count
from cms.services import reactions


@strawberry.type
class PostStats:
    post_id: strawberry.ID
    like_count: int
    view_count: int
    comment_count: int
    viewer_has_liked: bool = strawberry.field(
        description="Whether the visitor named in the mutation has liked the post."
    )
    reaction_counts: strawberry.Private[dict[str, int]]
    viewer_reactions: strawberry.Private[frozenset[str] | None]
    comment_stats: strawberry.Private[Any]

    @classmethod
    def from_stats(cls, stats: Any) -> PostStats:
        return cls(
            post_id=strawberry.ID(encode_id("Post", stats.post_id)),
            like_count=stats.like_count,
            view_count=stats.view_count,
            comment_count=stats.comment_count,
            viewer_has_liked=stats.viewer_has_liked,
            reaction_counts=dict(stats.reaction_counts),
            viewer_reactions=stats.viewer_reactions,
            comment_stats=stats.comment,
        )

    @strawberry.field(
        description="The post's reactions by configured kind; `viewerReacted` is about the "
        "visitor named in the mutation or subscription (null when none was).",
        metadata={LIST_LENGTH: kind_count},
    )
    def reactions(self, info: Info) -> list[ReactionCount]:
        kinds = info.context.runtime.engagement.limits.reaction_kinds
        found = reactions.summary(kinds, self.reaction_counts, self.viewer_reactions)
        return [ReactionCount.from_record(r) for r in found]

    @strawberry.field(
        description="In `postStats` messages caused by a comment's reactions or votes: that "
        "comment's counts; null otherwise."
    )
    def comment(self, info: Info) -> CommentStats | None:
        if self.comment_stats is None:
            return None
        kinds = info.context.runtime.engagement.limits.reaction_kinds
        return CommentStats.from_stats(self.comment_stats, kinds)
