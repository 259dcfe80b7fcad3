"""`cms token create|list|revoke`: API tokens for editors and administrators."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

import typer

from cms.enums import Role
from cms.errors import CMSError
from cms.services import tokens

T = TypeVar("T")

app = typer.Typer(help="API tokens for editors: create, list, revoke.", no_args_is_help=True)


class RoleChoice(StrEnum):
    editor = "editor"
    admin = "admin"


def _run(work: Callable[[], Awaitable[T]]) -> T:
    """Run service work with the database open; service errors become a message and exit 1."""
    from cms.cli import run_with_database

    try:
        return run_with_database(work)
    except CMSError as error:
        typer.echo(f"Error: {error.message}", err=True)
        raise typer.Exit(1) from None


def _when(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if value else "-"


@app.command()
def create(
    name: str = typer.Option(..., "--name", help="Who or what uses the token, e.g. alice."),
    role: RoleChoice = typer.Option(RoleChoice.editor, "--role", help="editor or admin."),
) -> None:
    """Create a token and print its secret once; only its SHA-256 is stored."""
    token, secret = _run(lambda: tokens.create_token(name, Role(role.value.upper())))
    typer.echo(secret)
    typer.echo(
        f"Created {token.role.value.lower()} token {token.name!r}. Copy the secret above now: "
        "it is not stored and cannot be shown again. Send it as `Authorization: Bearer <secret>`.",
        err=True,
    )


@app.command(name="list")
def list_() -> None:
    """List tokens: name, role, prefix, created, last used, revoked."""
    rows = _run(tokens.list_tokens)
    if not rows:
        typer.echo("No tokens yet: `cms token create --name NAME` makes one.")
        return
    header = ("NAME", "ROLE", "PREFIX", "CREATED", "LAST USED", "REVOKED")
    lines = [header] + [
        (
            t.name,
            t.role.value.lower(),
            t.prefix,
            _when(t.created_at),
            _when(t.last_used_at),
            _when(t.revoked_at),
        )
        for t in rows
    ]
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        typer.echo("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip())


@app.command()
def revoke(
    name: str = typer.Argument(..., help="The token's name (see `cms token list`)."),
) -> None:
    """Revoke a token: requests carrying it fail as UNAUTHENTICATED from now on."""
    token = _run(lambda: tokens.revoke_token(name))
    typer.echo(f"Revoked token {token.name!r} at {_when(token.revoked_at)}.")
