"""Open, check, migrate and close the database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager, suppress

from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.migrations.api import migrate as run_migrations
from tortoise.migrations.executor import MigrationExecutor

from cms.db.backends.replica import ReplicaClient
from cms.db.backends.sqlite import TimedSqliteClient
from cms.db.config import APP_LABEL, MIGRATIONS_MODULE, Pool, tortoise_config
from cms.db.outage_log import quiet_pool_retries
from cms.db.read_routing import replica_names


async def open_database(
    database_url: str,
    statement_timeout_s: float = 0,
    *,
    replica_urls: Sequence[str] = (),
    pool: Pool = Pool(),
) -> None:
    """Initialise Tortoise; the global fallback lets uvicorn's request tasks see it.
    A serving process passes its statement time limit, its read replicas and its pool
    sizes; scripts and migrations run without a limit (an index build on a large site
    may rightly take minutes), on the primary alone."""
    quiet_pool_retries()
    config = tortoise_config(
        database_url, statement_timeout_s, replica_urls=replica_urls, pool=pool
    )
    await Tortoise.init(config=config, _enable_global_fallback=True)


# Rows of each index that closing's `PRAGMA optimize` reads (SQLite's suggested range).
ANALYSIS_LIMIT = 1000


async def close_database() -> None:
    """Close; SQLite first refreshes whatever planner statistics it finds stale."""
    if Tortoise.is_inited():
        connection = get_connection("default")
        if isinstance(connection, TimedSqliteClient):
            # A statement still running would keep the connection's thread, and so the
            # process, alive past its shutdown.
            connection.interrupt()
        if isinstance(connection, TimedSqliteClient) and connection.is_open:
            # Closing must not fail on a database that is gone. The limit samples each
            # index instead of reading it whole: unbounded, a large site's ANALYZE here
            # held a stopping server for many seconds.
            with suppress(Exception):
                await connection.execute_script(
                    f"PRAGMA analysis_limit = {ANALYSIS_LIMIT}; PRAGMA optimize"
                )
    await Tortoise.close_connections()


async def refresh_statistics() -> None:
    """ANALYZE: planner statistics after migrations, imports and loads. Plans are made
    not to depend on them (tests/services/test_query_plans.py), but estimates stay sane."""
    await get_connection("default").execute_script("ANALYZE")


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


async def replica_status() -> dict[str, str]:
    """Each read replica's connection name and "ok" or "unreachable" (its reads then go
    to the primary); empty without replicas."""
    status = {}
    for name in replica_names():
        connection = get_connection(name)
        answers = isinstance(connection, ReplicaClient) and await connection.answers()
        status[name] = "ok" if answers else "unreachable"
    return status


async def pending_migrations() -> list[str]:
    """Names of the committed migrations the open database has not applied, in order."""
    apps = {APP_LABEL: {"migrations": MIGRATIONS_MODULE}}
    executor = MigrationExecutor(get_connection("default"), apps)
    return [step.migration.name for step in await executor.plan() if not step.backward]


async def migrate(database_url: str) -> None:
    """Apply every committed migration that the database has not seen yet."""
    try:
        await run_migrations(config=tortoise_config(database_url))
        await refresh_statistics()
    finally:
        await close_database()
