"""`cms token create|list|revoke|delete`: API tokens for editors, admins and previews."""

from __future__ import annotations

from enum import StrEnum

import typer

from cms.commands.output import run_service, table, when
from cms.enums import Role
from cms.models import ApiToken
from cms.services import tokens

app = typer.Typer(
    help="API tokens for editors: create, list, revoke, delete.", no_args_is_help=True
)


class RoleChoice(StrEnum):
    editor = "editor"
    admin = "admin"
    preview = "preview"


def _expires(token: ApiToken) -> str:
    if token.expires_at is None:
        return "never"
    return when(token.expires_at) + (" (expired)" if tokens.is_expired(token) else "")


@app.command()
def create(
    name_argument: str | None = typer.Argument(
        None, metavar="[NAME]", help="Who or what uses the token, e.g. alice."
    ),
    name_option: str | None = typer.Option(None, "--name", help="The same as NAME."),
    role: RoleChoice = typer.Option(
        RoleChoice.editor,
        "--role",
        help="editor, admin (may also delete posts) or preview (reads drafts, changes nothing).",
    ),
    expires_in: str | None = typer.Option(
        None, "--expires-in", help="Lifetime: hours, days or weeks, e.g. 12h, 30d, 8w."
    ),
    expires: str | None = typer.Option(
        None,
        "--expires",
        help="Expiry as an ISO date or time (UTC unless it says), e.g. 2027-01-01.",
    ),
) -> None:
    """Create a token and print its secret once; only its SHA-256 is stored."""
    name = name_argument or name_option
    if not name or (name_argument and name_option and name_argument != name_option):
        typer.echo("Error: give the token's name once, e.g. `cms token create alice`.", err=True)
        raise typer.Exit(2)

    async def work() -> tuple[ApiToken, str]:
        at = tokens.expiry(expires_in=expires_in, expires=expires)
        return await tokens.create_token(name, Role(role.value.upper()), expires_at=at)

    token, secret = run_service(work)
    lifetime = f", expiring {when(token.expires_at)}" if token.expires_at else ""
    typer.echo(secret)
    typer.echo(
        f"Created {token.role.value.lower()} token {token.name!r}{lifetime}. Copy the secret "
        "above now: it is not stored and cannot be shown again. Send it as "
        "`Authorization: Bearer <secret>`.",
        err=True,
    )


@app.command(name="list")
def list_() -> None:
    """List tokens: name, role, prefix, created, last used, expires, revoked."""
    rows = run_service(tokens.list_tokens)
    if not rows:
        typer.echo("No tokens yet: `cms token create --name NAME` makes one.")
        return
    header = ("NAME", "ROLE", "PREFIX", "CREATED", "LAST USED", "EXPIRES", "REVOKED")
    table(
        header,
        [
            (
                t.name,
                t.role.value.lower(),
                t.prefix,
                when(t.created_at),
                when(t.last_used_at),
                _expires(t),
                when(t.revoked_at),
            )
            for t in rows
        ],
    )


@app.command()
def revoke(
    name: str = typer.Argument(..., help="The token's name (see `cms token list`)."),
) -> None:
    """Revoke a token: requests carrying it fail as UNAUTHENTICATED from now on."""
    token = run_service(lambda: tokens.revoke_token(name))
    typer.echo(
        f"Revoked token {token.name!r} at {when(token.revoked_at)}; "
        "its name can be given to a new token."
    )


@app.command()
def delete(
    name: str = typer.Argument(..., help="The token's name (see `cms token list`)."),
) -> None:
    """Delete every token of that name, revoked ones included; requests carrying one fail as
    UNAUTHENTICATED from now on."""
    count = run_service(lambda: tokens.delete_token(name))
    typer.echo(f"Deleted {count} token{'s' if count > 1 else ''} named {name!r}.")
