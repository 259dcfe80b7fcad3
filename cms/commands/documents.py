"""`cms documents register|list|remove`: the GraphQL documents production frontends run."""

from __future__ import annotations

from pathlib import Path

import typer
from graphql import GraphQLError, parse, validate

from cms.services import documents

app = typer.Typer(
    help="Trusted documents: what anonymous callers may run with CMS_TRUSTED_DOCUMENTS=1, "
    "and persisted queries every instance knows.",
    no_args_is_help=True,
)


def _problems(text: str) -> list[str]:
    """Why the schema would refuse this document (syntax or validation), if it would."""
    from cms.api.schema import build_schema

    try:
        document = parse(text)
    except GraphQLError as error:
        return [error.message]
    return [error.message for error in validate(build_schema()._schema, document)]


@app.command()
def register(
    files: list[Path] = typer.Argument(..., help="GraphQL documents, e.g. schema/operations/*"),
) -> None:
    """Register documents by their SHA-256 (the hash clients send); again changes nothing."""
    from cms.cli import run_with_database

    texts: list[tuple[str, str]] = []
    failed = False
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            typer.echo(f"{path}: cannot read: {error}", err=True)
            failed = True
            continue
        if problems := _problems(text):
            typer.echo(f"{path}: not a valid document: {problems[0]}", err=True)
            failed = True
            continue
        texts.append((path.name, text))
    if failed:
        raise typer.Exit(1)
    for result in run_with_database(lambda: documents.register(texts)):
        state = "registered" if result.created else "already registered"
        typer.echo(f"{result.sha256}  {result.name}  ({state})")


@app.command(name="list")
def list_() -> None:
    """List registered documents: hash and name."""
    from cms.cli import run_with_database

    rows = run_with_database(documents.list_documents)
    if not rows:
        typer.echo("No documents yet: `cms documents register FILE...` adds them.")
    for row in rows:
        typer.echo(f"{row.sha256}  {row.name}")


@app.command()
def remove(
    sha256: str = typer.Argument(..., help="The hash, or its first 8 characters or more."),
) -> None:
    """Remove a document (running servers forget it when they restart)."""
    from cms.cli import run_with_database

    removed = run_with_database(lambda: documents.remove(sha256))
    if not removed:
        typer.echo(f"No document's hash starts with {sha256!r} (8 characters at least).", err=True)
        raise typer.Exit(1)
    typer.echo(f"Removed {removed} document{'s' if removed != 1 else ''}.")
