"""A PostgreSQL connection given back to the pool costs no round trip: a read outside a
transaction is one statement on the wire, not that statement and asyncpg's reset query."""

from __future__ import annotations

from typing import Any

from tortoise.connection import get_connection
from tortoise.transactions import in_transaction

from cms.db.config import Pool
from cms.db.lifecycle import close_database, open_database
from cms.models import Tag
from cms.services.read_statements import Statement, fetch

ONE_TAG = Statement("SELECT name FROM tag WHERE id = ?")


async def test_reads_send_only_their_own_statements(postgres_url: str) -> None:
    await open_database(postgres_url, pool=Pool(minsize=1, maxsize=1))
    try:
        tag = await Tag.create(name="pooled")
        pool = get_connection("default")._pool  # type: ignore[attr-defined]
        sent: list[str] = []

        def log(record: Any) -> None:
            sent.append(record.query)

        async with pool.acquire() as raw:  # the pool's only connection
            raw.add_query_logger(log)
        for _ in range(3):
            assert await fetch(ONE_TAG, tag.id) == [("pooled",)]

        assert sent == ["SELECT name FROM tag WHERE id = $1"] * 3
    finally:
        await close_database()


async def test_a_transaction_left_open_is_still_rolled_back(postgres_url: str) -> None:
    await open_database(postgres_url, pool=Pool(minsize=1, maxsize=1))
    try:
        assert await Tag.all().count() == 0  # the pool opens on first use
        pool = get_connection("default")._pool  # type: ignore[attr-defined]
        async with pool.acquire() as raw:
            await raw.execute("BEGIN")
            await raw.execute("INSERT INTO tag (name) VALUES ('never')")
        async with in_transaction("default"):
            await Tag.create(name="kept")

        assert await Tag.all().values_list("name", flat=True) == ["kept"]
    finally:
        await close_database()
