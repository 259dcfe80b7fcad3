"""Hot reads on SQLite run on a read-only connection in the event loop's thread, within a
budget; what the budget cannot hold, and everything inside a transaction, runs on the
writer's connection."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from tortoise.connection import get_connection
from tortoise.exceptions import OperationalError
from tortoise.transactions import in_transaction

from cms.db.backends.sqlite import TimedSqliteClient
from cms.db.failures import is_statement_timeout
from cms.db.lifecycle import close_database, open_database
from cms.db.statements import count_statements, enable_statement_counting
from cms.principal import ANONYMOUS
from cms.services import posts
from cms.services.read_statements import Statement, fetch
from tests.factories import make_post

# Far more of SQLite's work than the inline budget allows (about a second).
HEAVY = Statement(
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 5000000)"
    " SELECT count(*) FROM n"
)
TITLES = Statement("SELECT title FROM post ORDER BY id")
LIGHT = Statement(
    "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 20000)"
    " SELECT count(*) FROM n"
)


def client() -> TimedSqliteClient:
    connection = get_connection("default")
    assert isinstance(connection, TimedSqliteClient)
    return connection


async def test_a_hot_read_runs_inline_and_sees_what_was_committed(sqlite_url: str) -> None:
    await open_database(sqlite_url, statement_timeout_s=10)
    try:
        await make_post("First")
        assert client().read_inline(TITLES.text("sqlite"), []) == [("First",)]
        await make_post("Second")
        assert [tuple(row) for row in await fetch(TITLES)] == [("First",), ("Second",)]
    finally:
        await close_database()


async def test_a_read_past_the_budget_runs_again_on_the_writer_connection(
    sqlite_url: str,
) -> None:
    await open_database(sqlite_url, statement_timeout_s=10)
    enable_statement_counting()
    try:
        await make_post("First")
        assert client().read_inline(HEAVY.text("sqlite"), []) is None
        with count_statements() as counter:
            rows = await fetch(HEAVY)
        assert [tuple(row) for row in rows] == [(5000000,)]
        assert counter.count == 1  # the interrupted inline attempt is not a statement
        # The reader goes on answering after an interruption.
        assert client().read_inline(TITLES.text("sqlite"), []) == [("First",)]
    finally:
        await close_database()


async def test_readers_do_not_wait_for_an_open_transaction_nor_see_its_rows(
    sqlite_url: str,
) -> None:
    await open_database(sqlite_url, statement_timeout_s=10)
    try:
        published = await make_post("Published")
        inside = asyncio.Event()
        release = asyncio.Event()

        slugs: list[str] = []

        async def writer() -> None:
            async with in_transaction():
                slugs.append((await make_post("Uncommitted")).slug)
                inside.set()
                await release.wait()

        writing = asyncio.create_task(writer())
        await inside.wait()
        # The writer holds the only read-write connection; the read still answers.
        seen = await asyncio.wait_for(posts.get_post(ANONYMOUS, published.slug), timeout=10)
        hidden = await asyncio.wait_for(posts.get_post(ANONYMOUS, slugs[0]), timeout=10)
        release.set()
        await writing
        assert seen is not None
        assert seen.title == "Published"
        assert hidden is None
        found = await posts.get_post(ANONYMOUS, slugs[0])
        assert found is not None
        assert found.title == "Uncommitted"
    finally:
        await close_database()


async def test_inside_a_transaction_reads_see_its_own_rows(sqlite_url: str) -> None:
    await open_database(sqlite_url, statement_timeout_s=10)
    try:
        async with in_transaction():
            mine = await make_post("Mine")
            found = await posts.get_post(ANONYMOUS, mine.slug)
        assert found is not None
        assert found.title == "Mine"
    finally:
        await close_database()


async def test_a_database_in_memory_reads_through_its_only_connection(tmp_path: Path) -> None:
    await open_database("sqlite://:memory:")
    try:
        assert client().read_inline("SELECT 1", []) is None
    finally:
        await close_database()


async def test_a_statement_time_limit_smaller_than_the_budget_binds_inline_reads_too(
    sqlite_url: str,
) -> None:
    # Well inside the inline budget (a fraction of a millisecond), far past this limit.
    await open_database(sqlite_url, statement_timeout_s=1e-6)
    try:
        await make_post("First")
        assert client().read_inline(LIGHT.text("sqlite"), []) is None
        with pytest.raises(OperationalError) as stopped:
            await fetch(LIGHT)
        assert is_statement_timeout(stopped.value)
    finally:
        await close_database()
