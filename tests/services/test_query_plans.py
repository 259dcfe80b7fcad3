"""Every hot read uses the index made for it, with and without planner statistics.

A generated site (bench/site.py's shape) is loaded; each read service runs while its
SQL is captured; then every captured statement is explained on SQLite
(`EXPLAIN QUERY PLAN`) or PostgreSQL (`EXPLAIN (FORMAT JSON)`), before and after
`ANALYZE`. A scan of a whole table, a sort of a whole feed or another index fails.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from tortoise.connection import get_connection

from bench.site import generate_site, slug_of
from cms.enums import ActivityMetric, CommentOrder, HoldReason, PostOrder, Role, StoryKind
from cms.models import CommentStatus
from cms.principal import ANONYMOUS, Viewer
from cms.services import (
    activity,
    activity_reads,
    comment_reads,
    feeds,
    holds,
    posts,
    reaction_reads,
    scheduled_posts,
    sections,
    stats,
    stories,
    votes,
)
from cms.services.pagination import PageRequest
from cms.services.read_statements import Ids, fetch

POSTS = 1200
EDITOR = Viewer(name="plans", role=Role.EDITOR)
BIG_TABLES = (
    "post",
    "comment",
    "section",
    "story",
    "post_tag",
    "comment_hold",
    "post_activity",
    "post_reaction",
    "post_reaction_count",
    "comment_reaction",
    "comment_reaction_count",
    "comment_vote",
)
ACTIVITY_DAYS = 10
# Every comment kept as held for its author's first comment, the pending ones for links too.
HOLDS = (
    "INSERT INTO comment_hold (comment_id, reason, status, created_at) "
    "SELECT id, 'FIRST_COMMENT', status, created_at FROM comment",
    "INSERT INTO comment_hold (comment_id, reason, status, created_at) "
    "SELECT id, 'LINKS', status, created_at FROM comment WHERE status = 'PENDING'",
)

# Scores, reactions and votes on every post and comment (50 visitors take turns).
REACTIONS = (
    "UPDATE comment SET score = (id * 7) % 11 - 5",
    "INSERT INTO post_reaction_count (post_id, kind, count) SELECT id, 'HEART', id % 9 FROM post",
    "INSERT INTO post_reaction (post_id, kind, visitor_id, created_at) "
    "SELECT id, 'HEART', 'v' || (id % 50), created_at FROM post",
    "INSERT INTO comment_reaction_count (comment_id, kind, count) "
    "SELECT id, 'LAUGH', id % 5 FROM comment",
    "INSERT INTO comment_reaction (comment_id, kind, visitor_id, created_at) "
    "SELECT id, 'LAUGH', 'v' || (id % 50), created_at FROM comment",
    "INSERT INTO comment_vote (comment_id, visitor_id, value, created_at) "
    "SELECT id, 'v' || (id % 50), 1, created_at FROM comment",
)


@contextmanager
def captured_sql() -> Iterator[list[tuple[str, list[Any]]]]:
    """(sql, values) of every statement Tortoise runs in the block."""
    statements: list[tuple[str, list[Any]]] = []

    class Capture(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            if record.msg == "%s: %s" and isinstance(record.args, tuple):
                sql, values = record.args
                statements.append((str(sql), list(values or [])))
            return True

    logger = logging.getLogger("tortoise.db_client")
    capture = Capture()
    logger.filters.insert(0, capture)
    try:
        yield statements
    finally:
        logger.removeFilter(capture)


async def _held_after() -> Any:
    first = await holds.queue_of_reason(
        CommentStatus.PENDING, HoldReason.LINKS, PageRequest(first=5)
    )
    after = PageRequest(first=20, after=first.cursors[-1])
    return await holds.queue_of_reason(CommentStatus.PENDING, HoldReason.LINKS, after)


async def _comments_after(order: CommentOrder, parent_field: str, parent_id: int) -> Any:
    field: Any = parent_field
    first = await comment_reads.thread_pages(
        ANONYMOUS, field, [(parent_id, PageRequest(first=2))], order
    )
    after = PageRequest(first=20, after=first[0].cursors[-1])
    return await comment_reads.thread_pages(ANONYMOUS, field, [(parent_id, after)], order)


async def _first_cursor(order: PostOrder) -> str:
    page = await posts.list_posts(ANONYMOUS, posts.PostQuery(order=order), PageRequest(first=5))
    return page.cursors[-1]


def _reads() -> dict[str, tuple[Callable[[], Awaitable[Any]], str]]:
    """Each hot read, and the index its statement must use."""
    middle = POSTS // 2 + 1
    ids = [middle, middle + 1, middle + 2]
    feed = posts.PostQuery

    async def feed_after(order: PostOrder) -> Any:
        cursor = await _first_cursor(order)
        return await posts.list_posts(ANONYMOUS, feed(order=order), PageRequest(10, cursor))

    async def sitemap_batches() -> Any:
        return [batch async for batch in feeds.sitemap_entries(limit=20, batch=10)]

    first_comment = (middle - 1) * 30 + 1  # bench/site.py: 30 comments a post
    comment_ids = [first_comment + i for i in range(20)]
    today = activity.utc_day()
    week = activity_reads.ActivityRange(today - timedelta(days=6), today)
    last_day = activity_reads.ActivityRange(today, today)
    return {
        "post by slug": (lambda: posts.get_post(ANONYMOUS, slug_of(middle)), "slug"),
        "post by slug (editor)": (lambda: posts.get_post(EDITOR, slug_of(middle)), "slug"),
        "posts by ids": (lambda: posts.posts_by_ids(ANONYMOUS, ids), "primary"),
        "sections of posts": (lambda: sections.sections_by_post_ids(ids), "section_post"),
        "stories of posts": (lambda: stories.stories_by_post_ids(ids), "story_post_idx"),
        "tags of posts": (lambda: posts.tags_by_post_ids(ids), "post_tag_post"),
        "first comments of posts": (
            lambda: comment_reads.thread_pages(
                ANONYMOUS, "post_id", [(i, PageRequest(first=20)) for i in ids]
            ),
            "comment_thread_idx",
        ),
        "first comments of one post": (
            lambda: comment_reads.thread_pages(
                ANONYMOUS, "post_id", [(middle, PageRequest(first=20))]
            ),
            "comment_thread_idx",
        ),
        "last comments of one post (editor)": (
            lambda: comment_reads.thread_pages(EDITOR, "post_id", [(middle, PageRequest(last=20))]),
            "comment_thread_idx",
        ),
        "first replies of comments": (
            lambda: comment_reads.thread_pages(
                ANONYMOUS, "parent_id", [(first_comment, PageRequest(first=5))]
            ),
            "comment_reply_idx",
        ),
        "first replies of several comments": (
            lambda: comment_reads.thread_pages(
                ANONYMOUS,
                "parent_id",
                [(first_comment + i, PageRequest(first=5)) for i in range(3)],
            ),
            "comment_reply_idx",
        ),
        "top comments of posts": (
            lambda: comment_reads.thread_pages(
                ANONYMOUS, "post_id", [(i, PageRequest(first=20)) for i in ids], CommentOrder.TOP
            ),
            "comment_top_idx",
        ),
        "top comments of one post": (
            lambda: comment_reads.thread_pages(
                ANONYMOUS, "post_id", [(middle, PageRequest(first=20))], CommentOrder.TOP
            ),
            "comment_top_idx",
        ),
        "top comments of one post after a cursor": (
            lambda: _comments_after(CommentOrder.TOP, "post_id", middle),
            "comment_top_idx",
        ),
        "newest comments of one post": (
            lambda: comment_reads.thread_pages(
                ANONYMOUS, "post_id", [(middle, PageRequest(first=20))], CommentOrder.NEWEST
            ),
            "comment_thread_idx",
        ),
        "comments of one post after a cursor": (
            lambda: _comments_after(CommentOrder.OLDEST, "post_id", middle),
            "comment_thread_idx",
        ),
        "top replies of a comment": (
            lambda: comment_reads.thread_pages(
                ANONYMOUS, "parent_id", [(first_comment, PageRequest(first=5))], CommentOrder.TOP
            ),
            "comment_reply_top_idx",
        ),
        "top replies of several comments": (
            lambda: comment_reads.thread_pages(
                ANONYMOUS,
                "parent_id",
                [(first_comment + i, PageRequest(first=5)) for i in range(3)],
                CommentOrder.TOP,
            ),
            "comment_reply_top_idx",
        ),
        "top replies after a cursor": (
            lambda: _comments_after(CommentOrder.TOP, "parent_id", first_comment),
            "comment_reply_top_idx",
        ),
        "reaction counts of posts": (
            lambda: reaction_reads.reaction_counts("post", ids),
            "post_reaction_count_key",
        ),
        "reaction counts of comments": (
            lambda: reaction_reads.reaction_counts("comment", comment_ids),
            "comment_reaction_count_key",
        ),
        "a visitor's reactions to posts": (
            lambda: reaction_reads.visitor_reactions("post", "v7", ids),
            "post_reaction_key",
        ),
        "a visitor's reactions to comments": (
            lambda: reaction_reads.visitor_reactions("comment", "v7", comment_ids),
            "comment_reaction_key",
        ),
        "a visitor's votes on comments": (
            lambda: reaction_reads.visitor_votes("v7", comment_ids),
            "comment_vote_key",
        ),
        "a post's reactions with the visitor's": (
            lambda: fetch(stats._POST_REACTIONS, "v7", middle),
            "post_reaction_count_key",
        ),
        "a comment's reactions with the visitor's": (
            lambda: votes.comment_stats(first_comment, "v7"),
            "comment_reaction_count_key",
        ),
        "comment counts of posts": (
            lambda: comment_reads.thread_counts(ANONYMOUS, "post_id", ids),
            "comment_thread_idx",
        ),
        "reply counts of comments": (
            lambda: comment_reads.thread_counts(ANONYMOUS, "parent_id", [first_comment]),
            "comment_reply_idx",
        ),
        **{
            f"feed {order.value}": (
                lambda order=order: posts.list_posts(ANONYMOUS, feed(order=order), PageRequest(20)),
                index,
            )
            for order, index in (
                (PostOrder.NEWEST, "post_live_feed_idx"),
                (PostOrder.OLDEST, "post_live_feed_idx"),
                (PostOrder.MOST_LIKED, "post_likes_idx"),
                (PostOrder.MOST_VIEWED, "post_views_idx"),
                (PostOrder.TRENDING, "post_trending_idx"),
            )
        },
        "feed TRENDING after a cursor": (
            lambda: feed_after(PostOrder.TRENDING),
            "post_trending_idx",
        ),
        "activity of posts": (
            lambda: activity_reads.activity_by_post_ids(ids, week),
            "post_activity_post_day",
        ),
        "editors' top posts of a day": (
            lambda: activity_reads.top_posts(EDITOR, ActivityMetric.VIEWS, last_day, 10),
            "post_activity_day_idx",
        ),
        "feed NEWEST after a cursor": (
            lambda: feed_after(PostOrder.NEWEST),
            "post_live_feed_idx",
        ),
        "feed MOST_LIKED after a cursor": (
            lambda: feed_after(PostOrder.MOST_LIKED),
            "post_likes_idx",
        ),
        "feed of a tag": (
            lambda: posts.list_posts(ANONYMOUS, feed(tag="tag-3"), PageRequest(20)),
            "post_tag_tag_idx",
        ),
        "editors' drafts": (
            lambda: posts.list_posts(EDITOR, feed(status=posts.PostStatus.DRAFT), PageRequest(20)),
            "post_feed_idx",
        ),
        "stories by kind": (
            lambda: stories.list_stories(ANONYMOUS, StoryKind.EXPERT, PageRequest(first=20)),
            "story_kind_idx",
        ),
        "sitemap's state": (feeds.sitemap_state, "post_live_feed_idx"),
        "sitemap's latest change": (feeds.sitemap_state, "post_updated_idx"),
        "feed of the sitemap, second batch": (sitemap_batches, "post_live_feed_idx"),
        "scheduled posts whose time has come": (
            lambda: scheduled_posts.publish_due(None),
            "post_scheduled_idx",
        ),
        "moderation queue": (
            lambda: comment_reads.moderation_queue(CommentStatus.PENDING, PageRequest(first=20)),
            "comment_queue_idx",
        ),
        "moderation queue of a reason": (
            lambda: holds.queue_of_reason(
                CommentStatus.PENDING, HoldReason.FIRST_COMMENT, PageRequest(first=20)
            ),
            "comment_hold_idx",
        ),
        "moderation queue of a reason after a cursor": (
            lambda: _held_after(),
            "comment_hold_idx",
        ),
    }


async def _sqlite_plan(sql: str, values: list[Any]) -> list[str]:
    connection = get_connection("default")
    _, rows = await connection.execute_query(f"EXPLAIN QUERY PLAN {sql}", values)
    return [row[3] for row in rows]


def _pg_nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _pg_nodes(child)


async def _pg_plan(sql: str, values: list[Any]) -> list[str]:
    connection = get_connection("default")
    _, rows = await connection.execute_query(f"EXPLAIN (FORMAT JSON) {sql}", values)
    plan = rows[0][0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return [
        " ".join(str(node.get(k, "")) for k in ("Node Type", "Relation Name", "Index Name"))
        for node in _pg_nodes(plan[0]["Plan"])
    ]


# SQLite names its automatic indexes; these are the unique ones of migration 0001.
_SQLITE_NAMES = {
    "slug": "sqlite_autoindex_post_1",
    "primary": "INTEGER PRIMARY KEY",
    "section_post": "sqlite_autoindex_section_1",
    "post_tag_post": "uidx_post_tag_post_id",
    "post_activity_post_day": "sqlite_autoindex_post_activity_1",
    "post_reaction_key": "sqlite_autoindex_post_reaction_1",
    "post_reaction_count_key": "sqlite_autoindex_post_reaction_count_1",
    "comment_reaction_key": "sqlite_autoindex_comment_reaction_1",
    "comment_reaction_count_key": "sqlite_autoindex_comment_reaction_count_1",
    "comment_vote_key": "sqlite_autoindex_comment_vote_1",
}
_PG_NAMES = {
    "slug": "post_slug_key",
    "primary": "post_pkey",
    "section_post": "uid_section_post_id",
    "post_tag_post": "uidx_post_tag_post_id",
    "post_activity_post_day": "uid_post_activi_post_id_ca1de2",
    "post_reaction_key": "uid_post_reacti_post_id_74e092",
    "post_reaction_count_key": "uid_post_reacti_post_id_6abb47",
    "comment_reaction_key": "uid_comment_rea_comment_08bd8e",
    "comment_reaction_count_key": "uid_comment_rea_comment_d1527e",
    "comment_vote_key": "uid_comment_vot_comment_2f9cca",
}


async def _add_activity() -> None:
    """ACTIVITY_DAYS days of buckets for every post, and their trending scores."""
    connection = get_connection("default")
    sqlite = connection.capabilities.dialect == "sqlite"
    today = activity.utc_day()
    marks = "?, ?, ?, ?" if sqlite else "$1, $2, $3, $4"
    rows = [
        [post_id, str(day) if sqlite else day, (post_id * 7 + n) % 97, post_id % 5]
        for post_id in range(1, POSTS + 1)
        for n, day in enumerate(today - timedelta(days=d) for d in range(ACTIVITY_DAYS))
    ]
    await connection.execute_many(
        f"INSERT INTO post_activity (post_id, day, views, likes) VALUES ({marks})", rows
    )
    await activity.refresh_trending()


def _whole_scans(plan: list[str], dialect: str) -> list[str]:
    if dialect == "sqlite":
        pattern = re.compile(rf"^SCAN ({'|'.join(BIG_TABLES)})\b(?! USING (COVERING )?INDEX)")
        return [line for line in plan if pattern.search(line)]
    return [line for line in plan if line.startswith("Seq Scan") and line.split()[2] in BIG_TABLES]


# Where PostgreSQL's planner, given statistics, rightly prefers another plan: walking the
# live feed for a tag that one post in ten has, or the primary key for a kind half the
# stories have (both stop after one page).
_PG_ALSO = {
    "feed of a tag": "post_live_feed_idx",
    "stories by kind": "story_pkey",
    "sitemap's state": "Seq Scan post",
}
# A thread's two indexes share their prefix (post or parent, top level, public) and differ
# in the order after it (time, score). Counting a thread may take either (the score one
# is smaller), and so may PostgreSQL's planner when it reads a thread of a few dozen
# comments whole and sorts it: either way it reads one thread, never the table. SQLite
# is held to the index named in each statement.
_THREAD_INDEXES = {
    "comment_thread_idx": "comment_top_idx",
    "comment_top_idx": "comment_thread_idx",
    "comment_reply_idx": "comment_reply_top_idx",
    "comment_reply_top_idx": "comment_reply_idx",
}
_COUNTS = {"comment counts of posts", "reply counts of comments"}
# Reads that count every published post, where PostgreSQL rightly reads the table: the
# sitemap's version (the sitemap itself lists them all).
_PG_WHOLE = {"sitemap's state", "sitemap's latest change"}


def _problems(name: str, plan: list[str], expected: str, dialect: str) -> list[str]:
    text = " | ".join(plan)
    found = []
    also = _PG_ALSO.get(name) if dialect == "postgres" else None
    if dialect == "postgres" or name in _COUNTS:
        also = also or _THREAD_INDEXES.get(expected)
    if expected not in text and (also is None or also not in text):
        found.append(f"not {expected}")
    whole_allowed = dialect == "postgres" and name in _PG_WHOLE
    if (scans := _whole_scans(plan, dialect)) and not whole_allowed:
        found.append(f"whole-table scan {scans}")
    sort = "TEMP B-TREE" if dialect == "sqlite" else "Sort"
    if name.startswith("feed") and "tag" not in name and sort in text:
        found.append("sorts the whole feed")
    return [f"{problem}: {text}" for problem in found]


async def test_every_hot_read_uses_its_index_with_and_without_statistics(
    db: str, dialect: str
) -> None:
    """SQLite before and after ANALYZE; PostgreSQL once analysed, as `cms migrate`,
    `cms import` and `cms load` leave it (and autovacuum keeps it)."""
    await generate_site(POSTS)
    for sql in (*HOLDS, *REACTIONS):
        await get_connection("default").execute_query(sql)
    await _add_activity()
    names = _SQLITE_NAMES if dialect == "sqlite" else _PG_NAMES
    explain = _sqlite_plan if dialect == "sqlite" else _pg_plan
    states = ("without statistics", "after ANALYZE") if dialect == "sqlite" else ("after ANALYZE",)
    failures: list[str] = []
    for statistics in states:
        if statistics == "after ANALYZE":
            await get_connection("default").execute_script("ANALYZE")
        for name, (read, index) in _reads().items():
            with captured_sql() as statements:
                await read()
            assert statements, name
            sql, values = statements[-1]
            plan = await explain(sql, values)
            for problem in _problems(name, plan, names.get(index, index), dialect):
                failures.append(f"{name} ({statistics}): {problem}")
    assert not failures, "\n".join(failures)


def test_ids_bind_as_one_parameter_on_both_dialects() -> None:
    statement = posts._BY_IDS
    assert statement.text("sqlite").endswith(
        "FROM post NOT INDEXED WHERE id IN (SELECT value FROM json_each(?))"
    )
    assert statement.text("postgres").endswith("WHERE id = ANY($1::int[])")
    assert Ids.of(["3", 4]).values == (3, 4)


@pytest.mark.parametrize("order", list(PostOrder))
def test_public_feeds_name_their_index_on_sqlite(order: PostOrder) -> None:
    visibility = "status IN ('PUBLISHED', 'SCHEDULED') AND published_at <= ?"
    text = posts._feed(order, visibility, False, False, False, False).text("sqlite")
    assert f"INDEXED BY {posts._FEED_INDEXES[order]}" in text
    assert "INDEXED BY" not in posts._feed(order, visibility, False, False, False, False).text(
        "postgres"
    )
