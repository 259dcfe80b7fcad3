"""A post's public counts, as mutations return them and `postStats` streams them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, replace
from typing import TYPE_CHECKING, Any

from cms.errors import NotFound
from cms.models import Like, Post
from cms.principal import Viewer
from cms.services.engagement import clean_visitor_id
from cms.services.events import Broker, stats_channel
from cms.services.visibility import VisibilityWatch, require_visible_post

if TYPE_CHECKING:
    from cms.services.views import ViewBuffer


@dataclass(frozen=True)
class PostStats:
    post_id: int
    like_count: int
    view_count: int
    comment_count: int
    viewer_has_liked: bool = False

    def to_message(self) -> dict[str, Any]:
        message = asdict(self)
        del message["viewer_has_liked"]  # about one visitor, not for every subscriber
        return message

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> PostStats:
        return cls(
            post_id=int(message["post_id"]),
            like_count=int(message["like_count"]),
            view_count=int(message["view_count"]),
            comment_count=int(message["comment_count"]),
        )


async def stats_of(
    post_id: int, views: ViewBuffer, visitor_id: str | None = None, *, liked: bool | None = None
) -> PostStats:
    """Current counts, buffered views included; `liked` when the caller already knows it."""
    row = await Post.filter(id=post_id).values("like_count", "view_count", "comment_count")
    if not row:
        raise NotFound("No such post: it may have been deleted.")
    counts = row[0]
    if liked is None:
        liked = bool(visitor_id) and await Like.exists(post_id=post_id, visitor_id=visitor_id)
    pending = (await views.pending([post_id])).get(post_id, 0)
    return PostStats(
        post_id=post_id,
        like_count=counts["like_count"],
        view_count=counts["view_count"] + pending,
        comment_count=counts["comment_count"],
        viewer_has_liked=liked,
    )


async def publish_stats(events: Broker, stats: PostStats, *, liked_by: str | None = None) -> None:
    """Tell subscribers; `liked_by` names the visitor whose like or unlike changed them."""
    message = stats.to_message()
    if liked_by is not None:
        # Stays between instances: subscribers only learn whether *their* visitor likes.
        message["visitor_id"], message["liked"] = liked_by, stats.viewer_has_liked
    await events.publish(stats_channel(stats.post_id), message)


async def watch_stats(
    viewer: Viewer, post_id: int, events: Broker, views: ViewBuffer, visitor_id: str | None = None
) -> AsyncIterator[PostStats]:
    """The post's counts now, then each time they change. NOT_FOUND for a hidden post.

    With `visitor_id`, `viewer_has_liked` follows that visitor's likes (from any tab or
    instance) without a query per event.
    """
    if visitor_id is not None:
        visitor_id = clean_visitor_id(visitor_id)
    async with events.subscribe(stats_channel(post_id)) as subscription:
        await require_visible_post(viewer, post_id)
        current = await stats_of(post_id, views, visitor_id)
        liked = current.viewer_has_liked
        yield current
        still_visible = VisibilityWatch(viewer, post_id)
        async for message in subscription:
            await still_visible.check()
            if visitor_id is not None and message.get("visitor_id") == visitor_id:
                liked = bool(message["liked"])
            yield replace(PostStats.from_message(message), viewer_has_liked=liked)
