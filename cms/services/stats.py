"""A post's public counts, as mutations return them and `postStats` streams them.

Reactions travel as counts by kind (`{"HEART": 3}`); which kinds are shown, in which
order and with which emoji is the configuration's business (`services/reactions.py`).
A message about a comment's reactions or votes carries that comment's counts too.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from cms.errors import NotFound
from cms.models import Like, Post
from cms.principal import Viewer
from cms.services.engagement import Engagement, clean_visitor_id
from cms.services.events import Broker, stats_channel
from cms.services.read_statements import Statement, fetch
from cms.services.visibility import VisibilityWatch, require_visible_post

if TYPE_CHECKING:
    from cms.services.views import ViewBuffer


@dataclass(frozen=True)
class CommentStats:
    """A comment's votes and reactions; the `viewer_*` fields are about one visitor
    (None when no visitor was named) and never travel to other subscribers."""

    comment_id: int
    post_id: int
    score: int
    upvotes: int
    downvotes: int
    reaction_counts: Mapping[str, int] = field(default_factory=dict)
    viewer_reactions: frozenset[str] | None = None
    viewer_vote: int | None = None

    def to_message(self) -> dict[str, Any]:
        return {
            "comment_id": self.comment_id,
            "post_id": self.post_id,
            "score": self.score,
            "upvotes": self.upvotes,
            "downvotes": self.downvotes,
            "reactions": dict(self.reaction_counts),
        }

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> CommentStats:
        return cls(
            comment_id=int(message["comment_id"]),
            post_id=int(message["post_id"]),
            score=int(message["score"]),
            upvotes=int(message["upvotes"]),
            downvotes=int(message["downvotes"]),
            reaction_counts=_counts(message.get("reactions")),
        )


@dataclass(frozen=True)
class PostStats:
    post_id: int
    like_count: int
    view_count: int
    comment_count: int
    viewer_has_liked: bool = False
    # Counts by kind of the post's own reactions; the visitor's kinds (None: unknown).
    reaction_counts: Mapping[str, int] = field(default_factory=dict)
    viewer_reactions: frozenset[str] | None = None
    # Set in the messages about one comment's reactions or votes.
    comment: CommentStats | None = None

    def to_message(self) -> dict[str, Any]:
        # The viewer's fields are about one visitor, not for every subscriber.
        message: dict[str, Any] = {
            "post_id": self.post_id,
            "like_count": self.like_count,
            "view_count": self.view_count,
            "comment_count": self.comment_count,
            "reactions": dict(self.reaction_counts),
        }
        if self.comment is not None:
            message["comment"] = self.comment.to_message()
        return message

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> PostStats:
        comment = message.get("comment")
        return cls(
            post_id=int(message["post_id"]),
            like_count=int(message["like_count"]),
            view_count=int(message["view_count"]),
            comment_count=int(message["comment_count"]),
            reaction_counts=_counts(message.get("reactions")),
            comment=CommentStats.from_message(comment) if isinstance(comment, dict) else None,
        )


def _counts(value: Any) -> dict[str, int]:
    return {str(k): int(v) for k, v in value.items()} if isinstance(value, dict) else {}


# The post's reaction counts and, for a named visitor, which kinds are theirs.
_POST_REACTIONS = Statement(
    "SELECT kind, count, EXISTS (SELECT 1 FROM post_reaction r WHERE r.post_id = c.post_id "
    "AND r.kind = c.kind AND r.visitor_id = ?) FROM post_reaction_count c WHERE c.post_id = ?"
)


async def stats_of(
    post_id: int, views: ViewBuffer, visitor_id: str | None = None, *, liked: bool | None = None
) -> PostStats:
    """Current counts, buffered views included; `liked` when the caller already knows it.

    With `visitor_id`, `viewer_reactions` holds that visitor's kinds.
    """
    row = await Post.filter(id=post_id).values("like_count", "view_count", "comment_count")
    if not row:
        raise NotFound("No such post: it may have been deleted.")
    counts = row[0]
    if liked is None:
        liked = bool(visitor_id) and await Like.exists(post_id=post_id, visitor_id=visitor_id)
    reactions: dict[str, int] = {}
    mine: set[str] = set()
    for kind, count, reacted in await fetch(_POST_REACTIONS, visitor_id or "", post_id):
        reactions[kind] = int(count)
        if reacted:
            mine.add(kind)
    pending = (await views.pending([post_id])).get(post_id, 0)
    return PostStats(
        post_id=post_id,
        like_count=counts["like_count"],
        view_count=counts["view_count"] + pending,
        comment_count=counts["comment_count"],
        viewer_has_liked=liked,
        reaction_counts=reactions,
        viewer_reactions=frozenset(mine) if visitor_id else None,
    )


async def publish_stats(
    events: Broker,
    stats: PostStats,
    *,
    liked_by: str | None = None,
    reacted_by: str | None = None,
) -> None:
    """Tell subscribers; `liked_by` (`reacted_by`) names the visitor whose like or unlike
    (reaction to the post) changed them."""
    message = stats.to_message()
    # Stays between instances: subscribers only learn what *their* visitor did.
    if liked_by is not None:
        message["visitor_id"], message["liked"] = liked_by, stats.viewer_has_liked
    if reacted_by is not None and stats.viewer_reactions is not None:
        message["visitor_id"], message["reacted"] = reacted_by, sorted(stats.viewer_reactions)
    await events.publish(stats_channel(stats.post_id), message)


async def publish_comment_stats(engagement: Engagement, stats: CommentStats) -> None:
    """The post's counts with this comment's, to the post's `postStats` subscribers."""
    post = await stats_of(stats.post_id, engagement.views)
    await publish_stats(engagement.events, replace(post, comment=stats))


async def watch_stats(
    viewer: Viewer, post_id: int, events: Broker, views: ViewBuffer, visitor_id: str | None = None
) -> AsyncIterator[PostStats]:
    """The post's counts now, then each time they change. NOT_FOUND for a hidden post.

    With `visitor_id`, `viewer_has_liked` and `viewer_reactions` follow that visitor's
    likes and reactions to the post (from any tab or instance) without a query per event.
    """
    if visitor_id is not None:
        visitor_id = clean_visitor_id(visitor_id)
    async with events.subscribe(stats_channel(post_id)) as subscription:
        await require_visible_post(viewer, post_id)
        current = await stats_of(post_id, views, visitor_id)
        liked, mine = current.viewer_has_liked, current.viewer_reactions
        yield current
        still_visible = VisibilityWatch(viewer, post_id)
        async for message in subscription:
            await still_visible.check()
            if visitor_id is not None and message.get("visitor_id") == visitor_id:
                if "liked" in message:
                    liked = bool(message["liked"])
                if "reacted" in message:
                    mine = frozenset(str(kind) for kind in message["reacted"])
            stats = PostStats.from_message(message)
            yield replace(stats, viewer_has_liked=liked, viewer_reactions=mine)
