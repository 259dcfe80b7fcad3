"""Votes on comments: one per visitor and comment (+1 up, -1 down), changed or taken
back at will; the comment's score, upvotes and downvotes move by atomic updates in the
transaction that writes the vote, so they always add up to the votes that stand."""

from __future__ import annotations

from enum import IntEnum

from tortoise import timezone
from tortoise.transactions import in_transaction

from cms.enums import VoteValue
from cms.errors import NotFound
from cms.models import Comment
from cms.principal import Viewer
from cms.services.engagement import Engagement, clean_visitor_id
from cms.services.read_statements import Statement, fetch, write
from cms.services.stats import CommentStats, publish_comment_stats
from cms.services.visibility import require_visible_comment


class Vote(IntEnum):
    DOWN = -1
    NONE = 0
    UP = 1


VOTES = {VoteValue.UP: Vote.UP, VoteValue.DOWN: Vote.DOWN, VoteValue.NONE: Vote.NONE}
VALUES = {vote: value for value, vote in VOTES.items()}


# Only the opposite vote can be changed into this one: the old value is then -value.
_TURN = Statement(
    "UPDATE comment_vote SET value = ?, created_at = ? "
    "WHERE comment_id = ? AND visitor_id = ? AND value <> ? RETURNING id"
)
_INSERT = Statement(
    "INSERT INTO comment_vote (comment_id, visitor_id, value, created_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (comment_id, visitor_id) DO NOTHING RETURNING id"
)
_DELETE = Statement(
    "DELETE FROM comment_vote WHERE comment_id = ? AND visitor_id = ? RETURNING value"
)
_MOVE = Statement(
    "UPDATE comment SET score = score + ?, upvotes = upvotes + ?, downvotes = downvotes + ? "
    "WHERE id = ?"
)
_COMMENT = Statement(
    "SELECT post_id, score, upvotes, downvotes, "
    "(SELECT value FROM comment_vote v WHERE v.comment_id = comment.id AND v.visitor_id = ?) "
    "FROM comment WHERE id = ?"
)
_REACTIONS = Statement(
    "SELECT kind, count, EXISTS (SELECT 1 FROM comment_reaction r WHERE r.comment_id = "
    "c.comment_id AND r.kind = c.kind AND r.visitor_id = ?) "
    "FROM comment_reaction_count c WHERE c.comment_id = ?"
)


async def vote_comment(
    viewer: Viewer,
    comment_id: int,
    value: VoteValue,
    visitor_id: str,
    client_ip: str,
    engagement: Engagement,
) -> CommentStats:
    """Set the visitor's vote on a comment (NONE takes it back); the same vote again
    changes nothing. Raises BAD_USER_INPUT (visitor id), RATE_LIMITED (per client
    address) and NOT_FOUND (a comment the viewer cannot see)."""
    visitor_id = clean_visitor_id(visitor_id)
    vote = VOTES[VoteValue(value)]
    await engagement.rate_limits.hit("vote", client_ip)
    await require_visible_comment(viewer, comment_id)
    async with in_transaction("default") as connection:
        # The comment row before its votes, as deleting a comment takes them: one order.
        query = Comment.filter(id=comment_id).using_db(connection).select_for_update()
        if await query.only("id").first() is None:  # deleted since it was checked
            raise NotFound("No such comment: it may have been deleted.")
        old = await _replace_vote(comment_id, visitor_id, vote)
        if old != vote:
            up = (vote == Vote.UP) - (old == Vote.UP)
            down = (vote == Vote.DOWN) - (old == Vote.DOWN)
            await write(_MOVE, int(vote) - int(old), up, down, comment_id)
    stats = await comment_stats(comment_id, visitor_id)
    if old != vote:
        await publish_comment_stats(engagement, stats)
    return stats


async def _replace_vote(comment_id: int, visitor_id: str, vote: Vote) -> Vote:
    """Write the vote; the vote it replaced (`vote` itself when nothing changed)."""
    if vote == Vote.NONE:
        removed = await write(_DELETE, comment_id, visitor_id)
        return Vote(int(removed[0][0])) if removed else Vote.NONE
    now = timezone.now()
    if await write(_TURN, int(vote), now, comment_id, visitor_id, int(vote)):
        return Vote(-int(vote))
    if await write(_INSERT, comment_id, visitor_id, int(vote), now):
        return Vote.NONE
    return vote  # already so, or another request of this visitor got there first


async def comment_stats(comment_id: int, visitor_id: str | None = None) -> CommentStats:
    """A comment's votes and reactions now; with `visitor_id`, that visitor's own."""
    rows = await fetch(_COMMENT, visitor_id or "", comment_id)
    if not rows:
        raise NotFound("No such comment: it may have been deleted.")
    post_id, score, upvotes, downvotes, mine = rows[0]
    counts: dict[str, int] = {}
    reacted: set[str] = set()
    for kind, count, by_visitor in await fetch(_REACTIONS, visitor_id or "", comment_id):
        counts[kind] = int(count)
        if by_visitor:
            reacted.add(kind)
    return CommentStats(
        comment_id=comment_id,
        post_id=post_id,
        score=score,
        upvotes=upvotes,
        downvotes=downvotes,
        reaction_counts=counts,
        viewer_reactions=frozenset(reacted) if visitor_id else None,
        viewer_vote=(int(mine) if mine is not None else 0) if visitor_id else None,
    )
