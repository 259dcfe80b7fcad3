"""What the admin commands share: service work with the database open, and plain tables."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TypeVar

import typer

from cms.errors import CMSError
from cms.services import tokens

T = TypeVar("T")


def run_service(work: Callable[[], Awaitable[T]]) -> T:
    """Run service work with the database open; service errors become a message and exit 1."""
    from cms.cli import run_with_database

    try:
        return run_with_database(work)
    except CMSError as error:
        typer.echo(f"Error: {error.message}", err=True)
        raise typer.Exit(1) from None


def when(value: datetime | None) -> str:
    """A moment as the commands print it, or `-` for none."""
    return tokens.format_time(value) if value else "-"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """Columns as wide as their widest cell, two spaces apart."""
    lines = [tuple(header), *map(tuple, rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())
