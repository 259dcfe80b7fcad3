"""`cms dump` / `cms load`: the whole site to one JSON file and back."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import typer

from cms.commands import purging
from cms.commands.reporting import Report
from cms.db.lifecycle import migrate, refresh_statistics
from cms.errors import CMSError
from cms.services import backups, cache_purge
from cms.settings import Settings


def _where(settings: Settings) -> str:
    """The database, as an operator would name it (no password)."""
    return settings.database_url.split("@")[-1]


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(message, err=True)
    return typer.Exit(code)


def dump_command(
    file: Path = typer.Argument(..., metavar="FILE", help="Where to write the JSON."),
) -> None:
    """Write the whole site (posts, tags, sections, stories, comments, likes, revisions; not
    API tokens) to a JSON file, read as one snapshot."""
    from cms.cli import run_with_database

    with Report() as report:

        async def dump() -> dict[str, Any]:
            return await backups.dump_site(
                lambda key, done, total: report.step(f"Dumping {key}", done, total)
            )

        document = run_with_database(dump)
    # Written beside the target and renamed, so a failed dump never leaves half a file.
    partial = file.with_name(f".{file.name}.partial")
    try:
        partial.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        os.replace(partial, file)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise _fail(f"{file}: cannot write: {error.strerror or error}") from None
    typer.echo(f"Wrote {file}: {backups.describe(backups.document_counts(document))}")


def _confirm(question: str) -> bool:
    """Ask on stderr, read the answer from stdin (a pipe works too; no answer is no)."""
    sys.stderr.write(f"{question} [y/N]: ")
    sys.stderr.flush()
    answer = sys.stdin.readline()
    if not sys.stdin.isatty():
        sys.stderr.write("\n")  # nothing echoed the answer: end the question's line
    return answer.strip().lower() in {"y", "yes"}


def _read_dump(file: Path) -> dict[str, Any]:
    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise _fail(f"{file}: cannot read: {getattr(error, 'strerror', None) or error}") from None
    except ValueError as error:
        raise _fail(f"{file}: not JSON ({error})") from None
    try:
        return backups.check_document(document)
    except CMSError as error:
        raise _fail(f"{file}: {error.message}") from None


def load_command(
    file: Path = typer.Argument(..., metavar="FILE", help="A file written by `cms dump`."),
    replace: bool = typer.Option(
        False,
        "--replace",
        help="Delete the posts, comments, likes... the database holds (not its tokens) and "
        "load the dump in their place, in the same transaction. Asks first.",
    ),
    yes: bool = typer.Option(False, "--yes", help="With --replace: do not ask (for scripts)."),
) -> None:
    """Load a dump into an empty database (migrated first), in one transaction."""
    from cms.cli import run_with_database

    document = _read_dump(file)
    settings = Settings.from_env()
    asyncio.run(migrate(settings.database_url))
    held = run_with_database(backups.site_counts, settings)
    if any(held.values()):
        if not replace:
            raise _fail(
                f"{_where(settings)} already holds {backups.describe(held)}, and `cms load` "
                "fills an empty database. Load into a new one (set CMS_DATABASE_URL to a new "
                "database; `cms load` migrates it), or pass --replace to put the dump in place "
                "of this content."
            )
        if not yes:
            question = (
                f"Delete {backups.describe(held)} from {_where(settings)} and load "
                f"{backups.describe(backups.document_counts(document))} from {file}?"
            )
            if not _confirm(question):
                raise _fail("Nothing was changed.")

    with Report() as report:

        async def load() -> dict[str, int]:
            counts = await backups.load_site(
                document,
                replace=replace,
                progress=lambda key, done, total: report.step(f"Loading {key}", done, total),
            )
            await refresh_statistics()
            await purging.purge(settings, [cache_purge.SITE])
            return counts

        try:
            counts = run_with_database(load, settings)
        except CMSError as error:
            raise _fail(f"{file}: {error.message}") from None
    typer.echo("Loaded " + ", ".join(f"{n} {key.replace('_', ' ')}" for key, n in counts.items()))


def register(app: typer.Typer) -> None:
    app.command("dump")(dump_command)
    app.command("load")(load_command)
