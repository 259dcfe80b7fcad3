"""What `make test` runs the suite against: the local PostgreSQL and Redis when they
answer, each said plainly on stderr; prints `export` lines for the shell.

    eval "$(python -m tests.local_services)"

A variable already set (CMS_TEST_DATABASE_URL, CMS_TEST_REDIS_URL) is kept as it is.
PostgreSQL gets its own database, `cms_test`, made here when it is missing.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import sys

import asyncpg
import redis

HOST_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"
TEST_DATABASE = "cms_test"
TEST_DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{TEST_DATABASE}"
TEST_REDIS_URL = "redis://127.0.0.1:6379/0"
TIMEOUT_S = 2


def say(line: str) -> None:
    print(line, file=sys.stderr)


async def _make_test_database() -> None:
    connection = await asyncpg.connect(HOST_POSTGRES, timeout=TIMEOUT_S)
    try:
        found = await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = $1", TEST_DATABASE
        )
        if not found:
            await connection.execute(f'CREATE DATABASE "{TEST_DATABASE}"')
    finally:
        await connection.close()


def postgres_url() -> str | None:
    if os.environ.get("CMS_TEST_DATABASE_URL"):
        say(f"PostgreSQL tests: on {_without_password('CMS_TEST_DATABASE_URL')}")
        return None
    try:
        asyncio.run(_make_test_database())
    except (TimeoutError, OSError, asyncpg.PostgresError) as error:
        say(
            "PostgreSQL tests: SKIPPED — nothing answers as user postgres on 127.0.0.1:5432 "
            f"({type(error).__name__}); set CMS_TEST_DATABASE_URL to run them"
        )
        return None
    say(f"PostgreSQL tests: on {TEST_DATABASE_URL}")
    return TEST_DATABASE_URL


def redis_url() -> str | None:
    if os.environ.get("CMS_TEST_REDIS_URL"):
        say(f"Redis tests: on {_without_password('CMS_TEST_REDIS_URL')}")
        return None
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_timeout=TIMEOUT_S).ping()
    except (OSError, redis.RedisError) as error:
        say(
            "Redis tests: SKIPPED — no Redis answers on 127.0.0.1:6379 "
            f"({type(error).__name__}); set CMS_TEST_REDIS_URL to run them"
        )
        return None
    say(f"Redis tests: on {TEST_REDIS_URL}")
    return TEST_REDIS_URL


def _without_password(variable: str) -> str:
    value = os.environ[variable]
    scheme, _, rest = value.partition("://")
    if "@" in rest:
        rest = "…@" + rest.rsplit("@", 1)[1]
    return f"{scheme}://{rest}"


def main() -> None:
    for variable, url in (
        ("CMS_TEST_DATABASE_URL", postgres_url()),
        ("CMS_TEST_REDIS_URL", redis_url()),
    ):
        if url is not None:
            print(f"export {variable}={shlex.quote(url)}")


if __name__ == "__main__":
    main()
