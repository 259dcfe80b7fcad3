"""Writing comments: validation, moderation rules, counts and events.

Reading threads lives in `comment_reads`. `comment_count` counts public comments
only (APPROVED under APPROVED ancestors: `threads`); it changes in the same
transaction as the status that justifies it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

from tortoise import timezone
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from cms.enums import CommentStatus, HoldReason, ModerationEventKind, WebhookEventType
from cms.errors import Conflict, InvalidInput, NotFound
from cms.models import Comment, Post
from cms.principal import Viewer
from cms.services import activity, bans, cache_purge, comment_text, holds, outbox, threads
from cms.services.comment_messages import comment_message, published_comment
from cms.services.engagement import Engagement
from cms.services.events import Broker, comment_channel
from cms.services.moderation_events import publish_moderation
from cms.services.records import CommentRecord
from cms.services.rendering import render_markdown
from cms.services.stats import publish_stats, stats_of
from cms.services.validation import storable
from cms.services.views import ViewBuffer
from cms.services.visibility import VisibilityWatch, can_see_comment, require_visible_post
from cms.settings import Limits

MAX_AUTHOR = 80
# The webhook event a moderation decision sends (back to PENDING sends none).
STATUS_EVENTS = {
    CommentStatus.APPROVED: WebhookEventType.COMMENT_APPROVED,
    CommentStatus.REJECTED: WebhookEventType.COMMENT_REJECTED,
    CommentStatus.SPAM: WebhookEventType.COMMENT_REJECTED,
}
MAX_BODY = 5000


@dataclass(frozen=True)
class NewComment:
    post_id: int
    author: str
    body: str
    parent_id: int | None = None


def _cleaned(new: NewComment) -> tuple[str, str]:
    return valid_comment_text(new.author, new.body)


def valid_comment_text(author: str, body: str) -> tuple[str, str]:
    """Author and body trimmed; BAD_USER_INPUT naming the field when empty or too long."""
    author = storable(author, "author").strip()
    body = storable(body, "body").strip()
    if not 1 <= len(author) <= MAX_AUTHOR:
        raise InvalidInput(
            f"`author` must be 1–{MAX_AUTHOR} characters after trimming spaces.", field="author"
        )
    if not 1 <= len(body) <= MAX_BODY:
        raise InvalidInput(
            f"`body` must be 1–{MAX_BODY} characters after trimming spaces.", field="body"
        )
    return author, body


def held_for(author: str, body: str, html: str, limits: Limits) -> list[HoldReason]:
    """What the text rules hold a comment for (see `holds.text_reasons`)."""
    return holds.text_reasons(author, body, html, limits)


async def hold_reasons(
    author: str, key: str, html_reasons: list[HoldReason], limits: Limits
) -> list[HoldReason]:
    """Every reason a new comment waits for an editor: its text, a first comment from
    this author at this client, a ban in force."""
    reasons = list(html_reasons)
    if limits.hold_first_comment and await _is_first_comment(author, key):
        reasons.append(HoldReason.FIRST_COMMENT)
    if await bans.is_banned(author, key):
        reasons.append(HoldReason.BANNED)
    return holds.ordered(reasons)


async def _parent(viewer: Viewer, post_id: int, parent_id: int, limits: Limits) -> Comment:
    parent = await Comment.get_or_none(id=parent_id, post_id=post_id)
    if parent is None or not can_see_comment(viewer, parent):
        raise NotFound("No such comment to reply to on this post: check `parentId`.")
    if parent.depth + 1 > limits.comment_max_depth:
        raise InvalidInput(
            f"Replies nest at most {limits.comment_max_depth} levels deep: "
            "reply to an earlier comment in this thread instead.",
            field="parentId",
        )
    return parent


async def _is_first_comment(author: str, key: str) -> bool:
    """No approved comment yet from this author name at this client."""
    return not await Comment.exists(
        author__iexact=author, client_key=key, status=CommentStatus.APPROVED
    )


async def add_comment(
    viewer: Viewer, new: NewComment, client_ip: str, engagement: Engagement
) -> Comment:
    """Add a comment or reply, APPROVED or PENDING by the moderation rules.

    Raises BAD_USER_INPUT (lengths, nesting), RATE_LIMITED (per client address),
    NOT_FOUND (post or parent not visible) and CONFLICT (the same body on the same
    post within the duplicate window). A refused comment writes nothing.
    """
    limits = engagement.limits
    author, body = _cleaned(new)
    await engagement.rate_limits.hit("comment", client_ip)
    await require_visible_post(viewer, new.post_id)
    key = engagement.client_key(client_ip)
    html = render_markdown(body, user_generated=True)
    reasons = await hold_reasons(author, key, held_for(author, body, html, limits), limits)
    status = CommentStatus.PENDING if reasons else CommentStatus.APPROVED
    since = timezone.now() - timedelta(seconds=limits.comment_duplicate_window_s)
    # Bodies that read the same are the same comment (case, punctuation, spacing).
    fingerprint = comment_text.fingerprint(body)
    async with in_transaction("default") as connection:
        # Locking the post row serialises comments on one post (PostgreSQL; SQLite's
        # transactions are serial anyway), so a double submit cannot pass the check twice.
        await Post.filter(id=new.post_id).using_db(connection).select_for_update().first()
        # Read under the lock: a moderation of the parent cannot slip in between.
        parent = (
            await _parent(viewer, new.post_id, new.parent_id, limits) if new.parent_id else None
        )
        public = status == CommentStatus.APPROVED and (parent is None or parent.is_public)
        duplicate = Comment.filter(
            post_id=new.post_id, fingerprint=fingerprint, created_at__gte=since
        )
        if await duplicate.using_db(connection).exists():
            raise Conflict(
                "The same comment was just posted on this post; it is not added twice. "
                "Reload the page to see it (it may be waiting for moderation)."
            )
        comment = await Comment.create(
            post_id=new.post_id,
            parent_id=parent.id if parent else None,
            depth=parent.depth + 1 if parent else 0,
            author=author,
            body=body,
            html=html,
            status=status,
            is_public=public,
            client_key=key,
            fingerprint=fingerprint,
            using_db=connection,
        )
        if reasons:
            await holds.record_holds(comment, reasons, connection)
        if public:
            await (
                Post.filter(id=new.post_id)
                .using_db(connection)
                .update(comment_count=F("comment_count") + 1)
            )
            await activity.record_activity(
                new.post_id,
                activity.utc_day(),
                comments=1,
                window_days=limits.trending_window_days,
            )
        await outbox.comment_event(WebhookEventType.COMMENT_CREATED, comment)
    await announce(comment, engagement.events, engagement.views, counted=public)
    if public:
        await cache_purge.purge(engagement.events, [cache_purge.comments_key(comment.post_id)])
    if reasons:
        await publish_moderation(engagement.events, ModerationEventKind.HELD, comment)
    return comment


async def set_comment_status(
    comment_id: int,
    status: CommentStatus,
    *,
    engagement: Engagement,
    decided_by: str | None = None,
) -> Comment:
    """Moderate: change a comment's status, what the public sees of its thread, and
    `comment_count` by the public comments the thread gained or lost.

    One transaction; a concurrent decision on the same comment cannot count twice.
    Publishes `commentAdded` when the comment becomes APPROVED, the post's stats when
    its count changed, and a DECIDED moderation event by `decided_by` when the status
    moved. Raises NOT_FOUND for an unknown comment id.
    """
    while True:
        async with in_transaction("default") as connection:
            comment = await Comment.filter(id=comment_id).using_db(connection).first()
            if comment is None:
                raise NotFound("No such comment: it may have been deleted.")
            # The post row serialises count changes with deletions of the same thread.
            await Post.filter(id=comment.post_id).using_db(connection).select_for_update().first()
            before = comment.status
            if before == status:
                return comment
            moved = await move_status(comment, status, connection)
            if moved is None:
                continue
            public, delta = moved
            comment.status, comment.is_public = status, public
            told = STATUS_EVENTS.get(status)
            if told is not None:
                await outbox.comment_event(told, comment)
            if delta > 0:
                # Shown today; hiding later leaves the day they were shown as it was.
                await activity.record_activity(
                    comment.post_id,
                    activity.utc_day(),
                    comments=delta,
                    window_days=engagement.limits.trending_window_days,
                )
        break
    if status == CommentStatus.APPROVED:
        await announce(comment, engagement.events, engagement.views, counted=bool(delta))
    elif delta:
        await publish_stats(engagement.events, await stats_of(comment.post_id, engagement.views))
    if delta:  # readers' threads gained or lost comments
        await cache_purge.purge(engagement.events, [cache_purge.comments_key(comment.post_id)])
    await publish_moderation(engagement.events, ModerationEventKind.DECIDED, comment, decided_by)
    return comment


async def move_status(
    comment: Comment, status: CommentStatus, connection: BaseDBAsyncClient
) -> tuple[bool, int] | None:
    """Move `comment` from the status it was read with to `status`, with its thread's
    visibility, `comment_count` and holds; None when another decision moved it first.

    Returns whether it is public now and how many public comments the post gained. Call
    in a transaction with the post row locked.
    """
    # Only the decision that actually moves the row from the status read counts.
    moved = (
        await Comment.filter(id=comment.id, status=comment.status)
        .using_db(connection)
        .update(status=status)
    )
    if not moved:
        return None
    # Replies below are hidden or shown with it.
    public, delta = await threads.refresh_subtree(comment.id)
    if delta:
        await (
            Post.filter(id=comment.post_id)
            .using_db(connection)
            .update(comment_count=F("comment_count") + delta)
        )
    await holds.follow_status(comment.id, status, connection)
    return public, delta


async def announce(comment: Comment, events: Broker, views: ViewBuffer, *, counted: bool) -> None:
    """Tell subscribers of a comment that became public (after its transaction commits)."""
    await events.publish(comment_channel(comment.post_id), comment_message(comment))
    if counted:
        await publish_stats(events, await stats_of(comment.post_id, views))


async def watch_comments(
    viewer: Viewer, post_id: int, events: Broker
) -> AsyncIterator[CommentRecord]:
    """New comments of a post as they are committed: public ones (editors: every one).

    Raises NOT_FOUND when the viewer may not see the post.
    """
    async with events.subscribe(comment_channel(post_id)) as subscription:
        await require_visible_post(viewer, post_id)
        still_visible = VisibilityWatch(viewer, post_id)
        async for message in subscription:
            comment = published_comment(message)
            if viewer.is_editor or message.get("is_public"):
                await still_visible.check()
                yield comment
