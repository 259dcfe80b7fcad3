"""Reading engagement over time: a post's buckets over a range, editors' rankings.

Ranges are whole UTC days, from the day holding `start` to the day holding `end`, both
included, at most MAX_DAYS. Buckets are calendar periods clipped to the range: each
day, each week from Monday, each month from its first day; the first bucket starts at
the range's first day. Periods without activity read as zeros.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from cms.enums import ActivityInterval, ActivityMetric
from cms.errors import InvalidInput, Unauthenticated
from cms.principal import Viewer
from cms.services.access import NEEDS_EDITOR
from cms.services.activity import utc_day
from cms.services.read_statements import Ids, Statement, day_of, fetch

MAX_DAYS = 366
MAX_RANKED = 100
COUNTS = ("views", "likes", "comments", "reactions", "bot_views")


@dataclass(frozen=True)
class ActivityRange:
    first: date
    last: date
    every: ActivityInterval = ActivityInterval.DAY

    @classmethod
    def of(
        cls, start: datetime, end: datetime, every: ActivityInterval = ActivityInterval.DAY
    ) -> ActivityRange:
        """The UTC days from `start`'s to `end`'s; BAD_USER_INPUT when reversed or too long."""
        try:
            first, last = utc_day(start), utc_day(end)
        except (OverflowError, ValueError):  # past year 9999 or before year 1 in UTC
            raise InvalidInput(
                "`from` and `to` must be moments between the years 1 and 9999 in UTC.",
                field="from",
            ) from None
        if last < first:
            raise InvalidInput(
                "`to` is before `from`: pass the earlier moment as `from`.", field="to"
            )
        days = (last - first).days + 1
        if days > MAX_DAYS:
            raise InvalidInput(
                f"The range covers {days} days; at most {MAX_DAYS} are read at once: ask "
                "for a shorter range (several requests for longer periods).",
                field="to",
            )
        return cls(first, last, every)

    def starts(self) -> list[date]:
        """The first day of each bucket, in order."""
        found, day = [], self.first
        while day <= self.last:
            found.append(day)
            try:
                day = _next_period(day, self.every)
            except (OverflowError, ValueError):  # past the last day there is
                break
        return found


def _next_period(day: date, every: ActivityInterval) -> date:
    if every == ActivityInterval.WEEK:
        return day + timedelta(days=7 - day.weekday())
    if every == ActivityInterval.MONTH:
        return date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return day + timedelta(days=1)


@dataclass(slots=True)
class ActivityBucket:
    start: date
    views: int = 0
    likes: int = 0
    comments: int = 0
    reactions: int = 0
    bot_views: int = 0


_OF_POSTS = Statement(
    f"SELECT post_id, day, {', '.join(COUNTS)} FROM post_activity "
    "WHERE post_id IN {ids} AND day >= ? AND day <= ?"
)


async def activity_by_post_ids(
    post_ids: Iterable[int], span: ActivityRange
) -> dict[int, list[ActivityBucket]]:
    """Every post's buckets over the range, zeros included (one statement)."""
    ids = list(dict.fromkeys(post_ids))
    starts = span.starts()
    buckets = {pid: [ActivityBucket(start) for start in starts] for pid in ids}
    for post_id, day, *counts in await fetch(_OF_POSTS, Ids.of(ids), span.first, span.last):
        bucket = buckets[post_id][bisect_right(starts, day_of(day)) - 1]
        for name, n in zip(COUNTS, counts, strict=True):
            setattr(bucket, name, getattr(bucket, name) + n)
    return buckets


@dataclass(frozen=True, slots=True)
class Ranked:
    post_id: int
    total: int


_TOP = {
    metric: Statement(
        f"SELECT post_id, SUM({metric.value.lower()}) AS total "
        "FROM post_activity {indexed_by:post_activity_day_idx} WHERE day >= ? AND day <= ? "
        f"GROUP BY post_id HAVING SUM({metric.value.lower()}) > 0 "
        "ORDER BY total DESC, post_id DESC LIMIT ?"
    )
    for metric in ActivityMetric
}


async def top_posts(
    viewer: Viewer, metric: ActivityMetric, span: ActivityRange, first: int
) -> list[Ranked]:
    """Editors only: the posts with most of `metric` over the range, most first, ties by
    newest id; posts without any are left out. UNAUTHENTICATED for anyone else."""
    if not viewer.is_editor:
        raise Unauthenticated(NEEDS_EDITOR)
    if not 0 <= first <= MAX_RANKED:
        raise InvalidInput(
            f"`first` must be between 0 and {MAX_RANKED}; got {first}.", field="first"
        )
    rows = await fetch(_TOP[metric], span.first, span.last, first)
    return [Ranked(post_id, int(total)) for post_id, total in rows]
