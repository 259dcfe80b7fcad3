"""Fixtures: a fresh, migrated database per test on SQLite and on PostgreSQL.

PostgreSQL runs when CMS_TEST_DATABASE_URL is set; under CI=true it must be.
Each database is cloned from a template migrated once per session, so every test
runs against the real migrations, not `generate_schemas`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
from asgi_lifespan import LifespanManager
from tortoise.backends.base.executor import EXECUTOR_CACHE

from cms.db.lifecycle import close_database, migrate, open_database
from cms.db.statements import enable_statement_counting
from cms.http.app import create_app
from cms.settings import Settings

PG_URL = os.environ.get("CMS_TEST_DATABASE_URL")
IN_CI = os.environ.get("CI", "").lower() == "true"
REDIS_URL = os.environ.get("CMS_TEST_REDIS_URL")

T = TypeVar("T")

enable_statement_counting()


def _run_in_thread(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion on its own loop (session fixtures start inside a test's)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(work())).result()


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _asyncpg_dsn(url: str) -> str:
    return url.replace("postgres://", "postgresql://", 1).split("?", 1)[0]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    _run_in_thread(lambda: migrate(f"sqlite://{path}"))
    return path


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    if not PG_URL:
        if IN_CI:
            pytest.fail("CI=true requires PostgreSQL: set CMS_TEST_DATABASE_URL")
        pytest.skip("PostgreSQL tests need CMS_TEST_DATABASE_URL")
    name = f"cms_template_{os.getpid()}"

    async def admin(sql: str) -> None:
        connection = await asyncpg.connect(_asyncpg_dsn(PG_URL))
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    _run_in_thread(lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    _run_in_thread(lambda: admin(f'CREATE DATABASE "{name}"'))
    _run_in_thread(lambda: migrate(_with_database(PG_URL, name)))
    yield name
    _run_in_thread(lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=["sqlite", "postgres"])
async def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """The URL of a fresh database holding the migrated schema and no rows."""
    # Tortoise caches INSERT statements per connection name, not per dialect.
    EXECUTOR_CACHE.clear()
    if request.param == "sqlite":
        path = tmp_path / "cms.sqlite3"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite://{path}"
        return
    template = request.getfixturevalue("postgres_template")
    assert PG_URL is not None
    name = f"cms_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(PG_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await admin.close()
    yield _with_database(PG_URL, name)
    admin = await asyncpg.connect(_asyncpg_dsn(PG_URL))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@asynccontextmanager
async def _postgres_clone(template: str) -> AsyncIterator[str]:
    """A new PostgreSQL database cloned from the migrated template, dropped afterwards."""
    assert PG_URL is not None
    name = f"cms_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(_asyncpg_dsn(PG_URL))
    try:
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    finally:
        await admin.close()
    try:
        yield _with_database(PG_URL, name)
    finally:
        admin = await asyncpg.connect(_asyncpg_dsn(PG_URL))
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
async def postgres_url(postgres_template: str) -> AsyncIterator[str]:
    """A fresh migrated PostgreSQL database beside SQLite ones (for moves between them)."""
    async with _postgres_clone(postgres_template) as url:
        yield url


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    """A fresh migrated SQLite database, for tests that run real processes."""
    path = tmp_path / "cli.sqlite3"
    shutil.copy(sqlite_template, path)
    return f"sqlite://{path}"


@pytest.fixture
def dialect(db_url: str) -> str:
    return "sqlite" if db_url.startswith("sqlite") else "postgres"


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[str]:
    """The ORM opened on a fresh database (for service-level tests)."""
    await open_database(db_url)
    try:
        yield db_url
    finally:
        await close_database()


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, debug=True)


# Requests come from a reader's browser: a script's user agent counts as a bot's views.
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"  # noqa: E501


@asynccontextmanager
async def app_client(
    settings: Settings, client: tuple[str, int] = ("127.0.0.1", 123)
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on a new app for `settings`, its lifespan running; `client` is the peer."""
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app, client=client)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", headers={"User-Agent": BROWSER}
        ) as http:
            yield http


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the real ASGI app, lifespan included."""
    async with app_client(settings) as http:
        yield http


async def graphql(
    http: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    token: str | None = None,
) -> dict[str, Any]:
    """POST a GraphQL operation and return the decoded response body."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.headers["content-type"].startswith("application/json"), response.text
    return response.json()


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The test Redis; skipped without one, except under CI=true where it must answer."""
    import redis

    def unavailable(reason: str) -> None:
        if IN_CI:
            pytest.fail(f"CI=true requires Redis: {reason}")
        pytest.skip(f"Redis tests need CMS_TEST_REDIS_URL ({reason})")

    if not REDIS_URL:
        unavailable("CMS_TEST_REDIS_URL is unset")
    assert REDIS_URL is not None
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError as error:
        unavailable(f"{REDIS_URL} does not answer: {error}")
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A key prefix for one test; its keys are deleted afterwards."""
    import redis

    prefix = f"cms-test-{uuid.uuid4().hex[:12]}:"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    try:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]
