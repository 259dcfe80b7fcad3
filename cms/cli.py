"""The `cms` command line: the composition root for scripts and operators."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import typer
from tortoise.exceptions import OperationalError

from cms.commands import articles
from cms.commands import backups as backup_commands
from cms.commands import documents as document_commands
from cms.commands import tokens as token_commands
from cms.commands import webhooks as webhook_commands
from cms.commands.help import PlainHelpGroup
from cms.db.lifecycle import database, pending_migrations, ping
from cms.db.lifecycle import migrate as apply_migrations
from cms.environment import SettingsError
from cms.settings import Settings, share_secret_key

T = TypeVar("T")

app = typer.Typer(
    help="A headless CMS with a GraphQL API. Configure with CMS_* environment variables.",
    no_args_is_help=True,
    add_completion=False,
    cls=PlainHelpGroup,
)


@app.callback()
def check_configuration() -> None:
    """Every command first checks the CMS_* variables; a mistake names its variable."""
    try:
        Settings.from_env()
    except SettingsError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(2) from None


app.add_typer(token_commands.app, name="token")
app.add_typer(document_commands.app, name="documents")
app.add_typer(webhook_commands.app, name="webhook")
SCHEMA_FILE = Path("schema/schema.graphql")


def run_with_database(work: Callable[[], Awaitable[T]], settings: Settings | None = None) -> T:
    """Run `work` with the database open, closing it however the work ends."""
    settings = settings or Settings.from_env()

    where = shown_url(settings.database_url)

    async def main() -> T:
        async with database(settings.database_url):
            if not await ping():
                typer.echo(f"Cannot reach the database at {where}.", err=True)
                raise typer.Exit(2)
            pending = await pending_migrations()
            if pending:
                typer.echo(
                    f"The database at {where} is not up to date ({len(pending)} migration"
                    f"{'s' if len(pending) != 1 else ''} to apply, from {pending[0]}): "
                    "run `cms migrate` first.",
                    err=True,
                )
                raise typer.Exit(2)
            return await work()

    try:
        return asyncio.run(main())
    except OSError as error:
        typer.echo(f"Cannot reach the database at {where}: {error.strerror or error}.", err=True)
        raise typer.Exit(2) from None


def shown_url(database_url: str) -> str:
    """A database URL without its credentials, for messages."""
    scheme, _, rest = database_url.partition("://")
    return f"{scheme}://{rest.rsplit('@', 1)[-1]}"


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Interface to bind (default CMS_HOST)."),
    port: int | None = typer.Option(None, help="Port (default CMS_PORT or 8000)."),
    workers: int | None = typer.Option(
        None,
        min=1,
        help="Processes serving the port, one per core (default CMS_WORKERS or 1); "
        "more than one needs PostgreSQL.",
    ),
) -> None:
    """Serve the GraphQL API and GraphiQL at /graphql."""
    import uvicorn

    from cms.http.header_timeout import header_timeout_protocol
    from cms.http.workers import settle_memory

    settings = Settings.from_env()
    count = workers or settings.workers
    if count > 1 and settings.database_url.startswith("sqlite"):
        typer.echo(
            f"cms serve --workers {count} needs PostgreSQL: SQLite has one writer, so other "
            "workers would only wait for its lock. Serve with one worker (CMS_WORKERS=1), "
            "or set CMS_DATABASE_URL to a postgres:// database.",
            err=True,
        )
        raise typer.Exit(2)
    limits = settings.limits
    options: dict[str, Any] = {
        "host": host or settings.host,
        "port": port or settings.port,
        "log_level": "info",
        "access_log": settings.access_log,
        "proxy_headers": False,
        "timeout_keep_alive": limits.keep_alive_timeout_s,
        "ws_max_size": limits.max_body_bytes,
        "timeout_graceful_shutdown": settings.shutdown_timeout_s,
    }
    if count == 1:
        from cms.http.app import create_app

        application = create_app(settings)
        settle_memory()
        protocol = header_timeout_protocol(limits.header_timeout_s, limits.body_timeout_s)
        uvicorn.run(application, http=protocol, **options)
        return
    if not settings.redis_url:
        typer.echo(
            f"Serving with {count} workers without CMS_REDIS_URL: each worker keeps its own "
            "live updates, view de-duplication, rate limits and response cache; set "
            "CMS_REDIS_URL to share them.",
            err=True,
        )
    share_secret_key(settings)
    uvicorn.run(
        "cms.http.workers:worker_app",
        factory=True,
        workers=count,
        http="cms.http.header_timeout:HeaderTimeoutProtocol",
        **options,
    )


@app.command()
def migrate() -> None:
    """Apply the committed database migrations (safe to run again)."""
    settings = Settings.from_env()

    async def reachable() -> bool:
        async with database(settings.database_url):
            return await ping()

    if not asyncio.run(reachable()):
        typer.echo(f"Cannot reach the database at {shown_url(settings.database_url)}.", err=True)
        raise typer.Exit(2)
    try:
        asyncio.run(apply_migrations(settings.database_url))
    except (OSError, OperationalError) as error:
        typer.echo(
            f"Cannot migrate the database at {shown_url(settings.database_url)}: {error}.", err=True
        )
        raise typer.Exit(2) from None
    typer.echo(f"Migrated {shown_url(settings.database_url)}")


@app.command()
def schema(
    check: bool = typer.Option(False, "--check", help=f"Fail when {SCHEMA_FILE} is stale."),
) -> None:
    """Print the GraphQL schema (SDL) exported from the code."""
    from cms.api.schema import schema_sdl

    sdl = schema_sdl()
    if not check:
        sys.stdout.write(sdl)
        return
    if not SCHEMA_FILE.is_file() or SCHEMA_FILE.read_text(encoding="utf-8") != sdl:
        typer.echo(f"{SCHEMA_FILE} is stale: run `cms schema > {SCHEMA_FILE}`.", err=True)
        raise typer.Exit(1)
    typer.echo(f"{SCHEMA_FILE} is up to date.")


articles.register(app)
backup_commands.register(app)
