"""Engagement over time: one row of counts per post and UTC day, and the trending score.

Every count is added by an atomic upsert (`INSERT … ON CONFLICT (post_id, day) DO
UPDATE SET views = views + excluded.views`) inside the transaction that changes the
post's own counter, so the days of a post add up to what was counted:

- views: the buffered views a flush writes, on the UTC day of the flush (a view
  buffered seconds before midnight may land on the next day); bot views apart;
- likes: likes given that day that still stand (an unlike takes one back from the day
  of that like, never below zero), so the days add up to `like_count`;
- comments: comments that became public that day (posted approved, or approved by an
  editor with their hidden replies); hiding or deleting one later does not rewrite
  the day it was shown;
- reactions: reactions to the post or its comments given that day that still stand
  (`services/reactions`; taking one back takes it from the day it was given).

`post.trending_score` is the weighted sum of the last `window_days` days (today
included), refreshed for a post each time its counts change and for every post by
`refresh_trending` (the runtime runs it periodically, so old days stop counting).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta

from tortoise import timezone
from tortoise.transactions import in_transaction

from cms.services.read_statements import Ids, Statement, fetch
from cms.services.validation import in_utc

DEFAULT_WINDOW_DAYS = 7
# What one of each is worth in the trending score.
WEIGHTS = {"views": 1, "likes": 5, "comments": 10, "reactions": 3}
_SCORE = " + ".join(f"{weight} * {name}" for name, weight in WEIGHTS.items())

_UPSERT = Statement(
    "INSERT INTO post_activity (post_id, day, views, likes, comments, reactions, bot_views) "
    # Through the post row: a post deleted since its views were buffered gets no bucket.
    "SELECT id, ?, ?, ?, ?, ?, ? FROM post WHERE id = ? "
    "ON CONFLICT (post_id, day) DO UPDATE SET "
    + ", ".join(
        f"{name} = post_activity.{name} + excluded.{name}"
        for name in ("views", "likes", "comments", "reactions", "bot_views")
    )
)
_TAKE_BACK_LIKE = Statement(
    "UPDATE post_activity SET likes = likes - 1 WHERE post_id = ? AND day = ? AND likes > 0"
)
_WINDOW_SCORE = (
    f"COALESCE((SELECT SUM({_SCORE}) FROM post_activity "
    "WHERE post_activity.post_id = post.id AND post_activity.day >= ?), 0)"
)
_REFRESH_POSTS = Statement(f"UPDATE post SET trending_score = {_WINDOW_SCORE} WHERE id IN {{ids}}")
# Posts with a score to lose or activity in the window; the rest stay at zero.
_REFRESH_ALL = Statement(
    f"UPDATE post SET trending_score = {_WINDOW_SCORE} WHERE trending_score <> 0 "
    "OR id IN (SELECT post_id FROM post_activity WHERE day >= ?)"
)


def utc_day(moment: datetime | None = None) -> date:
    """The UTC day of `moment` (now when None; taken as UTC without an offset)."""
    return in_utc(moment or timezone.now()).date()


def window_start(window_days: int, today: date | None = None) -> date:
    """The first day that counts for trending: `window_days` days, today included."""
    return (today or utc_day()) - timedelta(days=window_days - 1)


async def record_activity(
    post_id: int,
    day: date,
    *,
    views: int = 0,
    likes: int = 0,
    comments: int = 0,
    reactions: int = 0,
    bot_views: int = 0,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> None:
    """Add counts to the post's bucket of `day` and refresh its trending score.

    Atomic on both databases; inside a caller's transaction it commits with it (call it
    in the transaction that moves the post's own counter). A deleted post is ignored.
    """
    async with in_transaction("default"):
        await _add(post_id, day, views, likes, comments, reactions, bot_views)
        await refresh_posts([post_id], window_days)


async def record_views(
    counts: Mapping[int, int],
    bot_counts: Mapping[int, int],
    day: date,
    window_days: int = DEFAULT_WINDOW_DAYS,
) -> None:
    """A flush's views by post (people and bots apart), in the caller's transaction."""
    touched = sorted(set(counts) | set(bot_counts))
    for post_id in touched:
        await _add(post_id, day, counts.get(post_id, 0), 0, 0, 0, bot_counts.get(post_id, 0))
    if counts:
        await refresh_posts(sorted(counts), window_days)


async def take_back_like(
    post_id: int, liked_at: datetime, window_days: int = DEFAULT_WINDOW_DAYS
) -> None:
    """An unlike: one like less on the day it was given (a day before buckets: nothing)."""
    async with in_transaction("default"):
        await fetch(_TAKE_BACK_LIKE, post_id, utc_day(liked_at))
        await refresh_posts([post_id], window_days)


async def refresh_posts(post_ids: Iterable[int], window_days: int = DEFAULT_WINDOW_DAYS) -> None:
    """Recompute the trending score of these posts from their buckets in the window."""
    await fetch(_REFRESH_POSTS, window_start(window_days), Ids.of(post_ids))


async def refresh_trending(
    window_days: int = DEFAULT_WINDOW_DAYS, today: date | None = None
) -> None:
    """Recompute every score that may have changed as the window moved (one statement)."""
    start = window_start(window_days, today)
    await fetch(_REFRESH_ALL, start, start)


async def _add(
    post_id: int, day: date, views: int, likes: int, comments: int, reactions: int, bots: int
) -> None:
    await fetch(_UPSERT, day, views, likes, comments, reactions, bots, post_id)


_TAKE_BACK_REACTION = Statement(
    "UPDATE post_activity SET reactions = reactions - 1 "
    "WHERE post_id = ? AND day = ? AND reactions > 0"
)


async def take_back_reaction(
    post_id: int, reacted_at: datetime, window_days: int = DEFAULT_WINDOW_DAYS
) -> None:
    """A reaction taken back (to the post or one of its comments): one less on its day."""
    async with in_transaction("default"):
        await fetch(_TAKE_BACK_REACTION, post_id, utc_day(reacted_at))
        await refresh_posts([post_id], window_days)
