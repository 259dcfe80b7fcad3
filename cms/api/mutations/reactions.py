"""The public mutations on reactions and comment votes (rate-limited per client address)."""

from __future__ import annotations

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id
from cms.api.types.enums import VoteValueEnum
from cms.api.types.reaction import CommentStats
from cms.api.types.stats import PostStats
from cms.services import reactions, votes

_KIND = (
    "`kind` is one of the configured kinds' names (`CMS_REACTION_KINDS`, by default "
    "THUMBS_UP, HEART, INSIGHT, LAUGH); any other is BAD_USER_INPUT."
)


@strawberry.type
class ReactionMutations:
    @strawberry.mutation(
        description="Idempotent per visitor and kind: reacting twice counts once. " + _KIND
    )
    async def react_to_post(
        self, info: Info, post_id: strawberry.ID, kind: str, visitor_id: str
    ) -> PostStats:
        return await _post(info, post_id, kind, visitor_id, add=True)

    @strawberry.mutation(description="Takes the visitor's reaction of this kind back; idempotent.")
    async def unreact_to_post(
        self, info: Info, post_id: strawberry.ID, kind: str, visitor_id: str
    ) -> PostStats:
        return await _post(info, post_id, kind, visitor_id, add=False)

    @strawberry.mutation(
        description="Idempotent per visitor and kind: reacting twice counts once. " + _KIND
    )
    async def react_to_comment(
        self, info: Info, id: strawberry.ID, kind: str, visitor_id: str
    ) -> CommentStats:
        return await _comment(info, id, kind, visitor_id, add=True)

    @strawberry.mutation(description="Takes the visitor's reaction of this kind back; idempotent.")
    async def unreact_to_comment(
        self, info: Info, id: strawberry.ID, kind: str, visitor_id: str
    ) -> CommentStats:
        return await _comment(info, id, kind, visitor_id, add=False)

    @strawberry.mutation(
        description="One vote per visitor and comment: UP or DOWN replaces the visitor's "
        "earlier vote, NONE takes it back; the same vote again changes nothing."
    )
    async def vote_comment(
        self, info: Info, id: strawberry.ID, value: VoteValueEnum, visitor_id: str
    ) -> CommentStats:
        context = info.context
        engagement = context.runtime.engagement
        stats = await votes.vote_comment(
            context.viewer, decode_id(id, "Comment"), value, visitor_id, context.client_ip,
            engagement,
        )  # fmt: skip
        return CommentStats.from_stats(stats, engagement.limits.reaction_kinds)


async def _post(
    info: Info, post_id: strawberry.ID, kind: str, visitor_id: str, *, add: bool
) -> PostStats:
    context = info.context
    stats = await reactions.react_to_post(
        context.viewer, decode_id(post_id, "Post", "postId"), kind, visitor_id,
        context.client_ip, context.runtime.engagement, add=add,
    )  # fmt: skip
    return PostStats.from_stats(stats)


async def _comment(
    info: Info, comment_id: strawberry.ID, kind: str, visitor_id: str, *, add: bool
) -> CommentStats:
    context = info.context
    engagement = context.runtime.engagement
    stats = await reactions.react_to_comment(
        context.viewer, decode_id(comment_id, "Comment"), kind, visitor_id, context.client_ip,
        engagement, add=add,
    )  # fmt: skip
    return CommentStats.from_stats(stats, engagement.limits.reaction_kinds)
