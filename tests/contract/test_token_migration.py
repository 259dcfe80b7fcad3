"""Migration 0006 on a database that already holds tokens, both ways, on both databases."""

from __future__ import annotations

import pytest
from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.exceptions import IntegrityError
from tortoise.migrations.api import migrate

from cms.db.config import tortoise_config

INSERT = (
    "INSERT INTO api_token (name, role, prefix, secret_sha256, created_at, revoked_at) "
    "VALUES ('{name}', 'EDITOR', 'cms_abc', '{digest}', '2026-01-01 00:00:00+00:00', {revoked})"
)


async def _run(url: str, *statements: str, target: str | None = None) -> list[dict[str, object]]:
    """Migrate `url` to `target` (the latest when None), then run `statements`; the last
    one's rows."""
    await migrate(config=tortoise_config(url), target=target)
    rows: list[dict[str, object]] = []
    try:
        await Tortoise.init(config=tortoise_config(url))
        for statement in statements:
            _, rows = await get_connection("default").execute_query(statement)
            rows = [dict(row) for row in rows]
    finally:
        await Tortoise.close_connections()
    return rows


async def test_tokens_survive_0006_and_a_revoked_name_can_be_taken_after_it(
    db_url: str,
) -> None:
    revoked = INSERT.format(name="alice", digest="a" * 64, revoked="'2026-02-01 00:00:00+00:00'")
    await _run(db_url, revoked, target="cms.0005_trusted_documents")

    reused = INSERT.format(name="alice", digest="b" * 64, revoked="NULL")
    rows = await _run(
        db_url, reused, "SELECT name, secret_sha256, expires_at FROM api_token ORDER BY id"
    )

    assert rows == [
        {"name": "alice", "secret_sha256": "a" * 64, "expires_at": None},
        {"name": "alice", "secret_sha256": "b" * 64, "expires_at": None},
    ]


async def test_two_live_tokens_cannot_share_a_name_after_0006(db_url: str) -> None:
    first = INSERT.format(name="bob", digest="c" * 64, revoked="NULL")
    second = INSERT.format(name="bob", digest="d" * 64, revoked="NULL")

    await _run(db_url, first)
    with pytest.raises(IntegrityError):
        await _run(db_url, second)
