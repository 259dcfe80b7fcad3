"""The statement time limit of a serving process, on both databases."""

from __future__ import annotations

import time

import pytest
from tortoise.connection import get_connection

from cms.db.failures import is_statement_timeout
from cms.db.lifecycle import close_database, open_database
from cms.enums import PostStatus
from cms.settings import Settings
from tests.conftest import app_client, error_codes, graphql
from tests.factories import make_post

# Seconds of work, whatever the machine: far past the limits used below.
SLOW_SQL = {
    "sqlite": (
        "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 1000000000)"
        " SELECT count(*) FROM n"
    ),
    "postgres": "SELECT pg_sleep(30)",
}


async def run_slow(dialect: str) -> BaseException | None:
    try:
        await get_connection("default").execute_query(SLOW_SQL[dialect])
    except Exception as error:  # the error the time limit raises, checked by the caller
        return error
    return None


async def test_a_statement_past_the_limit_is_stopped_and_the_connection_goes_on(
    db_url: str, dialect: str
) -> None:
    await open_database(db_url, statement_timeout_s=0.3)
    try:
        started = time.monotonic()
        error = await run_slow(dialect)
        elapsed = time.monotonic() - started
        assert error is not None
        assert is_statement_timeout(error)
        assert elapsed < 5
        _, rows = await get_connection("default").execute_query("SELECT 1 AS one")
        assert [dict(row) for row in rows] == [{"one": 1}]
    finally:
        await close_database()


async def test_scripts_and_migrations_run_without_a_limit(db_url: str, dialect: str) -> None:
    await open_database(db_url)
    try:
        quick = {
            "sqlite": "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n"
            " LIMIT 3000000) SELECT count(*) AS c FROM n",
            "postgres": "SELECT pg_sleep(0.5), 3000000 AS c",
        }[dialect]
        _, rows = await get_connection("default").execute_query(quick)
        assert dict(rows[0])["c"] == 3_000_000
    finally:
        await close_database()


async def test_a_request_stopped_by_the_limit_answers_query_too_complex(
    db_url: str, dialect: str
) -> None:
    await open_database(db_url)
    try:
        post = await make_post("Common ground", sections=[(None, "common word " * 300)])
        # Thousands of posts that all match, so ranking them takes real time.
        copies = 4000
        series = {
            "sqlite": f"WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
            f" LIMIT {copies}) SELECT i FROM n",
            "postgres": f"SELECT generate_series(1, {copies}) AS i",
        }[dialect]
        await get_connection("default").execute_script(
            f"""INSERT INTO post (slug, title, excerpt, status, published_at, feed_at,
                like_count, view_count, comment_count, search_text, created_at, updated_at)
            SELECT 'copy-' || i, title, excerpt, status, published_at, feed_at, like_count,
                view_count, comment_count, search_text, created_at, updated_at
            FROM post, ({series}) AS s WHERE post.id = {post.id}"""
        )
        assert post.status == PostStatus.PUBLISHED
    finally:
        await close_database()
    # Ranking them all takes tens of milliseconds or more; looking up one post, less than one
    # (PostgreSQL's smallest limit is a millisecond, and planning a first statement takes some).
    limit = {"sqlite": 0.001, "postgres": 0.02}[dialect]
    settings = Settings(database_url=db_url, statement_timeout_s=limit)
    async with app_client(settings) as http:
        body = await graphql(http, '{ posts(filter: {search: "common"}) { totalCount } }')
        assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
        assert body["errors"][0]["message"] == (
            "This request needed more database time than the server allows and was "
            "stopped; ask for fewer items or a narrower search."
        )
        assert body["data"] is None
        # The server goes on answering what fits in the limit. The limit is wall time, and
        # at 1 ms a lookup can pass it while its thread waits for the interpreter: one of
        # three tries answers (a connection left broken would fail all three).
        for _ in range(3):
            quick = await graphql(http, '{ post(slug: "no-such-post") { title } }')
            if "errors" not in quick:
                break
        assert quick == {"data": {"post": None}}
    # Without a limit the same search answers, however long it takes.
    async with app_client(Settings(database_url=db_url, statement_timeout_s=0)) as http:
        body = await graphql(http, '{ posts(filter: {search: "common"}) { totalCount } }')
        assert body == {"data": {"posts": {"totalCount": 1000}}}


@pytest.mark.parametrize("value", ["0", "2.5"])
def test_the_limit_is_configured_by_environment(value: str) -> None:
    settings = Settings.from_env({"CMS_STATEMENT_TIMEOUT_S": value})
    assert settings.statement_timeout_s == float(value)
