"""Open, check, migrate and close the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.migrations.api import migrate as run_migrations

from cms.db.config import tortoise_config


async def open_database(database_url: str) -> None:
    """Initialise Tortoise; the global fallback lets uvicorn's request tasks see it."""
    await Tortoise.init(config=tortoise_config(database_url), _enable_global_fallback=True)


async def close_database() -> None:
    await Tortoise.close_connections()


@asynccontextmanager
async def database(database_url: str) -> AsyncIterator[None]:
    """Open for the block and always close (aiosqlite's thread would hang the exit)."""
    await open_database(database_url)
    try:
        yield
    finally:
        await close_database()


async def ping() -> bool:
    """Whether the database answers a trivial query."""
    try:
        await get_connection("default").execute_query("SELECT 1")
    except Exception:
        return False
    return True


async def migrate(database_url: str) -> None:
    """Apply every committed migration that the database has not seen yet."""
    try:
        await run_migrations(config=tortoise_config(database_url))
    finally:
        await close_database()
