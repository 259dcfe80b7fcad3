"""Reactions and votes: counts per configured kind, and a comment's counts at a glance."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Any

import strawberry
from graphql import ValueNode
from strawberry.dataloader import DataLoader

from cms.api.context import Info
from cms.api.extensions.cost import LIST_LENGTH
from cms.api.ids import encode_id
from cms.api.types.enums import VoteValueEnum
from cms.services import reactions
from cms.services.engagement import clean_visitor_id
from cms.services.votes import VALUES, Vote


def kind_count(arguments: Mapping[str, ValueNode]) -> int:
    """For the cost rule: a reactions list holds at most this many kinds."""
    return reactions.MAX_KINDS


@strawberry.type(
    description="How many readers reacted with one of the configured kinds "
    "(`CMS_REACTION_KINDS`); every configured kind is listed, in its configured order."
)
class ReactionCount:
    kind: str = strawberry.field(description="The kind's name, e.g. HEART: what to send back.")
    emoji: str
    count: int
    viewer_reacted: bool | None = strawberry.field(
        description="Whether the visitor named by `visitorId` reacted so; null without one."
    )

    @classmethod
    def from_record(cls, record: reactions.ReactionCount) -> ReactionCount:
        return cls(
            kind=record.kind,
            emoji=record.emoji,
            count=record.count,
            viewer_reacted=record.viewer_reacted,
        )


async def reactions_of(
    info: Info,
    target_id: int,
    visitor_id: str | None,
    counts: DataLoader[int, dict[str, int]],
    mine: DataLoader[tuple[int, str], frozenset[str]],
) -> list[ReactionCount]:
    kinds = info.context.runtime.engagement.limits.reaction_kinds
    if visitor_id is None:
        found, reacted = await counts.load(target_id), None
    else:
        visitor = clean_visitor_id(visitor_id)
        found, reacted = await asyncio.gather(
            counts.load(target_id), mine.load((target_id, visitor))
        )
    return [ReactionCount.from_record(r) for r in reactions.summary(kinds, found, reacted)]


def vote_value(vote: int | None) -> VoteValueEnum | None:
    return None if vote is None else VALUES[Vote(vote)]


@strawberry.type(description="A comment's votes and reactions, as the mutations on it answer.")
class CommentStats:
    comment_id: strawberry.ID
    post_id: strawberry.ID
    score: int = strawberry.field(description="Upvotes minus downvotes.")
    upvotes: int
    downvotes: int
    reactions: list[ReactionCount] = strawberry.field(metadata={LIST_LENGTH: kind_count})
    viewer_vote: VoteValueEnum | None = strawberry.field(
        description="The named visitor's vote (NONE when they have not voted); null in "
        "`postStats` messages, which are for every subscriber."
    )

    @classmethod
    def from_stats(cls, stats: Any, kinds: tuple[tuple[str, str], ...]) -> CommentStats:
        counts = reactions.summary(kinds, dict(stats.reaction_counts), stats.viewer_reactions)
        return cls(
            comment_id=strawberry.ID(encode_id("Comment", stats.comment_id)),
            post_id=strawberry.ID(encode_id("Post", stats.post_id)),
            score=stats.score,
            upvotes=stats.upvotes,
            downvotes=stats.downvotes,
            reactions=[ReactionCount.from_record(r) for r in counts],
            viewer_vote=vote_value(stats.viewer_vote),
        )
