"""The Tortoise configuration for a database URL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from tortoise.backends.base.config_generator import expand_db_url

APP_LABEL = "cms"
MIGRATIONS_MODULE = "cms.db.migrations"
SQLITE_ENGINE = "cms.db.backends.sqlite"
REPLICA_ENGINE = "cms.db.backends.replica"
# Connections to read replicas are named replica_0, replica_1... (`cms.db.read_routing`).
REPLICA_PREFIX = "replica_"
READ_ROUTER = "cms.db.read_routing.ReadRouter"
# Seconds to open a connection to a replica before it counts as down (asyncpg's `timeout`).
REPLICA_CONNECT_TIMEOUT_S = 3


@dataclass(frozen=True)
class Pool:
    """Connections a PostgreSQL pool keeps open at least and at most (asyncpg's
    `min_size`/`max_size`); None keeps the URL's `?minsize=`/`?maxsize=` or Tortoise's 1..5."""

    minsize: int | None = None
    maxsize: int | None = None


async def keep_session(connection: asyncpg.Connection) -> None:
    """What a connection given back to the pool needs: nothing past what asyncpg always
    does (roll back a transaction left open, drop listeners).

    asyncpg's default sends `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *;
    RESET ALL` on every release, a round trip per statement outside a transaction,
    which doubled a post page's trips. The CMS takes no advisory locks, keeps no cursors
    open, never LISTENs (events go through Redis) and never SETs a session variable
    (its statement time limit is a connection setting, which RESET ALL would keep
    anyway): there is nothing to undo."""


def connection_config(
    database_url: str, statement_timeout_s: float = 0, pool: Pool = Pool()
) -> dict[str, Any]:
    """Engine and credentials for a URL; `statement_timeout_s` > 0 bounds every statement
    (PostgreSQL's `statement_timeout`, a progress handler on SQLite)."""
    config = expand_db_url(database_url)
    if config["engine"] == "tortoise.backends.sqlite":
        config["engine"] = SQLITE_ENGINE
        if statement_timeout_s > 0:
            config["credentials"]["statement_timeout"] = statement_timeout_s
        return config
    config["credentials"]["reset"] = keep_session
    if statement_timeout_s > 0:
        settings = dict(config["credentials"].get("server_settings") or {})
        settings["statement_timeout"] = str(max(1, round(statement_timeout_s * 1000)))
        config["credentials"]["server_settings"] = settings
    if pool.minsize is not None:
        config["credentials"]["minsize"] = pool.minsize
    if pool.maxsize is not None:
        config["credentials"]["maxsize"] = pool.maxsize
    return config


def replica_config(url: str, statement_timeout_s: float = 0, pool: Pool = Pool()) -> dict[str, Any]:
    """A PostgreSQL standby's connection: the replica client, which reads from the primary
    while the standby cannot be reached."""
    config = connection_config(url, statement_timeout_s, pool)
    if config["engine"] != "tortoise.backends.asyncpg":
        raise ValueError("a read replica must be a PostgreSQL URL")
    config["engine"] = REPLICA_ENGINE
    config["credentials"].setdefault("timeout", REPLICA_CONNECT_TIMEOUT_S)
    # A pool that cannot open its first connection fails at once instead of retrying.
    config["credentials"].setdefault("minsize", 1)
    return config


def tortoise_config(
    database_url: str,
    statement_timeout_s: float = 0,
    *,
    replica_urls: Sequence[str] = (),
    pool: Pool = Pool(),
) -> dict[str, Any]:
    """Config for `Tortoise.init` and the migration executor; with `replica_urls`, one
    connection per replica and the router that sends anonymous reads to them."""
    connections = {"default": connection_config(database_url, statement_timeout_s, pool)}
    for number, url in enumerate(replica_urls):
        connections[f"{REPLICA_PREFIX}{number}"] = replica_config(url, statement_timeout_s, pool)
    config: dict[str, Any] = {
        "connections": connections,
        "apps": {
            APP_LABEL: {
                "models": ["cms.models"],
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }
    if replica_urls:
        config["routers"] = [READ_ROUTER]
    return config


# For Tortoise's own CLI: `tortoise -c cms.db.config.TORTOISE_ORM makemigrations`.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
