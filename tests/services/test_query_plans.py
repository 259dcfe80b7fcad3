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
from typing import Any

import pytest
from tortoise.connection import get_connection

from bench.site import generate_site, slug_of
from cms.enums import PostOrder, Role, StoryKind
from cms.models import CommentStatus
from cms.principal import ANONYMOUS, Viewer
from cms.services import comment_reads, posts, sections, stories
from cms.services.pagination import PageRequest
from cms.services.read_statements import Ids

POSTS = 1200
EDITOR = Viewer(name="plans", role=Role.EDITOR)
BIG_TABLES = ("post", "comment", "section", "story", "post_tag")


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

    first_comment = (middle - 1) * 30 + 1  # bench/site.py: 30 comments a post
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
        "first replies of comments": (
            lambda: comment_reads.thread_pages(
                ANONYMOUS, "parent_id", [(first_comment, PageRequest(first=5))]
            ),
            "comment_reply_idx",
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
            )
        },
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
        "moderation queue": (
            lambda: comment_reads.moderation_queue(CommentStatus.PENDING, PageRequest(first=20)),
            "comment_queue_idx",
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
}
_PG_NAMES = {
    "slug": "post_slug_key",
    "primary": "post_pkey",
    "section_post": "uid_section_post_id",
    "post_tag_post": "uidx_post_tag_post_id",
}


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
}


def _problems(name: str, plan: list[str], expected: str, dialect: str) -> list[str]:
    text = " | ".join(plan)
    found = []
    also = _PG_ALSO.get(name) if dialect == "postgres" else None
    if expected not in text and (also is None or also not in text):
        found.append(f"not {expected}")
    if scans := _whole_scans(plan, dialect):
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
