"""Reactions to posts and comments: one per visitor and kind, idempotent, counted by
atomic updates in the same transaction as the row that makes them idempotent.

The kinds are configured (`CMS_REACTION_KINDS`: names with an emoji each); a kind that
is not configured is refused. Every reaction that stands counts on its post's bucket of
the day it was given (`services/activity`, and so in TRENDING), a reaction to a comment
on the comment's post; taking one back takes it from that day.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from tortoise import timezone
from tortoise.transactions import in_transaction

from cms.errors import InvalidInput, NotFound
from cms.models import Comment, Post
from cms.principal import Viewer
from cms.services import activity
from cms.services.engagement import Engagement, clean_visitor_id
from cms.services.read_statements import Statement, timestamp, write
from cms.services.stats import (
    CommentStats,
    PostStats,
    publish_comment_stats,
    publish_stats,
    stats_of,
)
from cms.services.visibility import require_visible_comment, require_visible_post
from cms.services.votes import comment_stats

Target = Literal["post", "comment"]
# The most kinds `CMS_REACTION_KINDS` may name (the query cost rule counts on it).
MAX_KINDS = 16


def _statements(target: Target) -> tuple[Statement, Statement, Statement, Statement]:
    rows, counts, key = f"{target}_reaction", f"{target}_reaction_count", f"{target}_id"
    return (
        Statement(
            f"INSERT INTO {rows} ({key}, kind, visitor_id, created_at) VALUES (?, ?, ?, ?) "
            f"ON CONFLICT ({key}, kind, visitor_id) DO NOTHING RETURNING id"
        ),
        Statement(
            f"INSERT INTO {counts} ({key}, kind, count) VALUES (?, ?, 1) "
            f"ON CONFLICT ({key}, kind) DO UPDATE SET count = {counts}.count + 1"
        ),
        Statement(
            f"DELETE FROM {rows} WHERE {key} = ? AND kind = ? AND visitor_id = ? "
            "RETURNING created_at"
        ),
        Statement(f"UPDATE {counts} SET count = count - 1 WHERE {key} = ? AND kind = ?"),
    )


_STATEMENTS = {target: _statements(target) for target in ("post", "comment")}


@dataclass(frozen=True)
class ReactionCount:
    """One configured kind as readers see it; `viewer_reacted` is None without a visitor."""

    kind: str
    emoji: str
    count: int
    viewer_reacted: bool | None


def summary(
    kinds: tuple[tuple[str, str], ...],
    counts: dict[str, int] | None,
    mine: frozenset[str] | None,
) -> list[ReactionCount]:
    """Every configured kind in its configured order, zero when nobody reacted so."""
    counts = counts or {}
    return [
        ReactionCount(name, emoji, counts.get(name, 0), None if mine is None else name in mine)
        for name, emoji in kinds
    ]


def clean_kind(kind: str, kinds: tuple[tuple[str, str], ...]) -> str:
    """The kind as configured; BAD_USER_INPUT naming the allowed kinds otherwise."""
    names = [name for name, _ in kinds]
    cleaned = kind.strip().upper()
    if cleaned not in names:
        raise InvalidInput(
            f"`kind` must be one of {', '.join(names)}; got {kind[:40]!r}.", field="kind"
        )
    return cleaned


async def _change(
    target: Target, target_id: int, post_id: int, kind: str, visitor_id: str, window_days: int,
    *, add: bool,
) -> bool:  # fmt: skip
    """Add (or take back) one reaction in one transaction; whether anything changed."""
    insert, count_up, delete, count_down = _STATEMENTS[target]
    async with in_transaction("default") as connection:
        # The post row first, as likes, views and comments take it before their buckets:
        # the same lock order everywhere, so concurrent writers queue and never deadlock.
        await Post.filter(id=post_id).using_db(connection).select_for_update().only("id").first()
        # Deleting a comment takes that post row too: held, the comment stays or is gone.
        if (
            target == "comment"
            and not await Comment.filter(id=target_id).using_db(connection).exists()
        ):
            raise NotFound("No such comment: it may have been deleted.")
        if add:
            now = timezone.now()
            changed = bool(await write(insert, target_id, kind, visitor_id, now))
            if changed:
                await write(count_up, target_id, kind)
                await activity.record_activity(
                    post_id, activity.utc_day(now), reactions=1, window_days=window_days
                )
            return changed
        removed = await write(delete, target_id, kind, visitor_id)
        for (created_at,) in removed:
            await write(count_down, target_id, kind)
            await activity.take_back_reaction(post_id, timestamp(created_at), window_days)
        return bool(removed)


async def react_to_post(
    viewer: Viewer,
    post_id: int,
    kind: str,
    visitor_id: str,
    client_ip: str,
    engagement: Engagement,
    *,
    add: bool = True,
) -> PostStats:
    """React to a post once per visitor and kind (again changes nothing); with `add`
    False, take the reaction back (idempotent too).

    Raises BAD_USER_INPUT (kind, visitor id), RATE_LIMITED (per client address) and
    NOT_FOUND (a post the viewer cannot see).
    """
    visitor_id = clean_visitor_id(visitor_id)
    kind = clean_kind(kind, engagement.limits.reaction_kinds)
    await engagement.rate_limits.hit("reaction", client_ip)
    await require_visible_post(viewer, post_id)
    window = engagement.limits.trending_window_days
    changed = await _change("post", post_id, post_id, kind, visitor_id, window, add=add)
    stats = await stats_of(post_id, engagement.views, visitor_id)
    if changed:
        await publish_stats(engagement.events, stats, reacted_by=visitor_id)
    return stats


async def react_to_comment(
    viewer: Viewer,
    comment_id: int,
    kind: str,
    visitor_id: str,
    client_ip: str,
    engagement: Engagement,
    *,
    add: bool = True,
) -> CommentStats:
    """`react_to_post` for a comment the viewer can see (NOT_FOUND otherwise)."""
    visitor_id = clean_visitor_id(visitor_id)
    kind = clean_kind(kind, engagement.limits.reaction_kinds)
    await engagement.rate_limits.hit("reaction", client_ip)
    comment = await require_visible_comment(viewer, comment_id)
    window = engagement.limits.trending_window_days
    post_id = comment.post_id
    changed = await _change("comment", comment_id, post_id, kind, visitor_id, window, add=add)
    stats = await comment_stats(comment_id, visitor_id)
    if changed:
        await publish_comment_stats(engagement, stats)
    return stats
