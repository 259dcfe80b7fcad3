"""Who may see which posts and comments: the one place these rules live."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from tortoise import timezone
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from cms.errors import NotFound, Unauthenticated
from cms.models import Comment, Post, PostStatus
from cms.principal import Viewer
from cms.services import tokens
from cms.services.read_statements import LIVE
from cms.services.records import PostRecord

_LIVE = (PostStatus.PUBLISHED, PostStatus.SCHEDULED)


def effective_status(post: Post | PostRecord, now: datetime | None = None) -> PostStatus:
    """A scheduled post reads as PUBLISHED once its time has come, with no job needed."""
    if post.status in _LIVE and post.published_at is not None:
        live = post.published_at <= (now or timezone.now())
        return PostStatus.PUBLISHED if live else PostStatus.SCHEDULED
    return post.status


def status_filter(status: PostStatus) -> Q:
    """Rows whose effective status is `status`."""
    now = timezone.now()
    if status == PostStatus.PUBLISHED:
        return Q(status__in=_LIVE, published_at__lte=now)
    if status == PostStatus.SCHEDULED:
        return Q(status__in=_LIVE, published_at__gt=now)
    return Q(status=status)


def can_see_post(viewer: Viewer, post: Post | PostRecord, status: PostStatus | None = None) -> bool:
    """The rule of `visible_posts(viewer, status)` for one post already read."""
    if not viewer.is_editor:
        status = PostStatus.PUBLISHED
    return status is None or effective_status(post) == status


def post_visibility_sql(viewer: Viewer, status: PostStatus | None = None) -> tuple[str, list[Any]]:
    """`visible_posts` as a WHERE term for hand-written statements, with its parameters.

    The term is "" when the viewer sees every post; statuses are constants of ours.
    """
    if not viewer.is_editor:
        status = PostStatus.PUBLISHED
    elif status is None:
        return "", []
    if status == PostStatus.PUBLISHED:
        return f"{LIVE} AND published_at <= ?", [timezone.now()]
    if status == PostStatus.SCHEDULED:
        return f"{LIVE} AND published_at > ?", [timezone.now()]
    return f"status = '{PostStatus(status).value}'", []


def visible_posts(viewer: Viewer, status: PostStatus | None = None) -> QuerySet[Post]:
    """Posts the viewer may see; anonymous callers always get PUBLISHED ones."""
    if not viewer.is_editor:
        return Post.filter(status_filter(PostStatus.PUBLISHED))
    if status is None:
        return Post.all()
    return Post.filter(status_filter(status))


def visible_comments(viewer: Viewer) -> QuerySet[Comment]:
    """Editors see every comment; the public those APPROVED under APPROVED ancestors."""
    if viewer.is_editor:
        return Comment.all()
    return Comment.filter(is_public=True)


def can_see_comment(viewer: Viewer, comment: Comment) -> bool:
    return viewer.is_editor or comment.is_public


async def require_visible_post(viewer: Viewer, post_id: int) -> Post:
    """The post, if the viewer may see it (and so like, view or comment on it)."""
    post = await visible_posts(viewer).get_or_none(id=post_id)
    if post is None:
        raise NotFound("No such post: check the `postId` (the post may be unpublished).")
    return post


async def require_visible_comment(viewer: Viewer, comment_id: int) -> Comment:
    """The comment, if the viewer may see it and its post (and so react or vote)."""
    comment = await Comment.get_or_none(id=comment_id)
    if comment is None or not can_see_comment(viewer, comment):
        raise NotFound("No such comment: check the `id` (it may have been removed).")
    await require_visible_post(viewer, comment.post_id)
    return comment


class VisibilityWatch:
    """For a live subscription: the viewer must still be allowed to see the post.

    Re-checked at most once per `interval_s` as events arrive, so unpublishing a post
    ends public subscriptions to it (NOT_FOUND), and revoking an editor's token ends
    theirs, as does its expiry (UNAUTHENTICATED), without a query per event.
    """

    def __init__(self, viewer: Viewer, post_id: int, interval_s: float = 1.0) -> None:
        self.viewer = viewer
        self.post_id = post_id
        self.interval_s = interval_s
        self._checked_at = time.monotonic()

    async def check(self) -> None:
        if time.monotonic() - self._checked_at < self.interval_s:
            return
        if self.viewer.is_editor:
            if not await tokens.still_valid(self.viewer):
                raise Unauthenticated(
                    "This token was revoked or has expired: subscribe again with a valid one."
                )
        else:
            await require_visible_post(self.viewer, self.post_id)
        self._checked_at = time.monotonic()
