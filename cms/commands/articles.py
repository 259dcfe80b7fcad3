"""`cms import`, `export`, `seed`, `dump`, `load`: articles and whole-site backups."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress

from cms.db.lifecycle import refresh_statistics
from cms.enums import Role
from cms.errors import CMSError
from cms.ingest import backup
from cms.models import Post
from cms.principal import Viewer
from cms.services.article_export import export_post
from cms.services.article_import import ImportResult, import_article

err = Console(stderr=True)
PROGRESS_FROM = 5  # files; fewer import without a progress bar
# Articles written by one import after which planner statistics are refreshed (ANALYZE
# reads every table; after a few articles the old statistics still hold).
STATISTICS_AFTER = 100
# Who revisions name for what an import changed.
IMPORTER = Viewer(name="cms import", role=Role.EDITOR)


def describe(source: str, result: ImportResult) -> list[str]:
    """What one import did, for the summary: a line, then headings and notes indented."""
    what = "created" if result.created else "updated" if result.changed else "unchanged"
    line = f"{source}: {what} {result.slug}"
    if result.changes:
        line += (" (" if result.created else ": ") + ", ".join(result.changes)
        line += ")" if result.created else ""
    lines = [line]
    if result.headings:
        empty = set(result.empty_headings)
        shown = [f'"{h}"' + (" (nothing under it)" if h in empty else "") for h in result.headings]
        lines.append("  headings: " + ", ".join(shown))
    if result.empty_headings:
        lines.append(
            "  a heading with nothing under it may be a paragraph: start its line with \\ "
            "to keep it one"
        )
    lines += [f"  {note}" for note in result.notes]
    return lines


async def _import_files(
    paths: list[Path], publish: bool, *, create_only: bool = False, report: bool = False
) -> dict[str, int]:
    """Import files one by one (each its own transaction); report failures as file:line."""
    summary = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    with Progress(console=err, disable=len(paths) < PROGRESS_FROM, transient=True) as progress:
        task = progress.add_task("Importing", total=len(paths))
        for path in paths:
            try:
                # Bytes, not text mode: line endings reach the parser as written.
                text = path.read_bytes().decode("utf-8")
                result: ImportResult = await import_article(
                    IMPORTER, text, publish=publish, source=str(path), create_only=create_only
                )
            except (OSError, UnicodeDecodeError) as error:
                summary["failed"] += 1
                progress.console.print(f"[red]{path}: cannot read: {error}[/red]", highlight=False)
            except CMSError as error:
                summary["failed"] += 1
                progress.console.print(f"[red]{error.message}[/red]", highlight=False)
            except Exception as error:
                summary["failed"] += 1
                progress.console.print(
                    f"[red]{path}: could not be imported: {error}[/red]", highlight=False
                )
            else:
                key = "created" if result.created else "updated" if result.changed else "unchanged"
                summary[key] += 1
                if report:
                    for line in describe(str(path), result):
                        typer.echo(line)
            progress.advance(task)
    if summary["created"] + summary["updated"] >= STATISTICS_AFTER:
        await refresh_statistics()
    return summary


def import_command(
    files: list[Path] = typer.Argument(..., help="Article files in the plain-text format."),
    draft: bool = typer.Option(
        False, "--draft", help="New posts become drafts (existing posts keep their status)."
    ),
) -> None:
    """Import articles: found by slug and merged in (the same file twice changes nothing)."""
    from cms.cli import run_with_database

    summary = run_with_database(lambda: _import_files(files, publish=not draft, report=True))
    typer.echo(", ".join(f"{n} {what}" for what, n in summary.items()))
    if summary["failed"]:
        raise typer.Exit(1)


async def _export(slug: str | None, directory: Path | None) -> int:
    if slug is not None:
        post = await Post.get_or_none(slug=slug)
        if post is None:
            err.print(f"No post with slug {slug!r}.")
            return 1
        typer.echo(await export_post(post))
        return 0
    assert directory is not None
    last_id = 0
    while batch := await Post.filter(id__gt=last_id).order_by("id").limit(200):
        for post in batch:
            (directory / f"{post.slug}.txt").write_text(await export_post(post), encoding="utf-8")
        last_id = batch[-1].id
    return 0


def export_command(
    slug: str | None = typer.Argument(None, help="The post to print as article text."),
    all_to: Path | None = typer.Option(None, "--all", help="Write every post to DIR/<slug>.txt."),
) -> None:
    """Export posts as plain-text articles (the format `cms import` reads)."""
    from cms.cli import run_with_database

    if (slug is None) == (all_to is None):
        raise typer.BadParameter("pass either a SLUG or --all DIR")
    if all_to is not None:
        all_to.mkdir(parents=True, exist_ok=True)
    raise typer.Exit(run_with_database(lambda: _export(slug, all_to)))


def seed_command(
    directory: Path = typer.Option(Path("seeds"), "--dir", help="Folder of demo articles."),
) -> None:
    """Import the demo content under seeds/: posts that exist already are left alone."""
    from cms.cli import run_with_database

    files = sorted(directory.glob("*.txt"))
    summary = run_with_database(lambda: _import_files(files, publish=True, create_only=True))
    typer.echo(f"Seeded from {directory}: " + ", ".join(f"{n} {k}" for k, n in summary.items()))
    if summary["failed"]:
        raise typer.Exit(1)


def dump_command(file: Path = typer.Argument(..., help="Where to write the JSON.")) -> None:
    """Write the whole site (posts, sections, stories, comments, likes) to a JSON file."""
    from cms.cli import run_with_database

    document = run_with_database(backup.dump_site)
    file.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    typer.echo(f"Wrote {file}: {len(document['posts']['rows'])} posts")


def load_command(file: Path = typer.Argument(..., help="A file written by `cms dump`.")) -> None:
    """Load a dump into an empty database (one transaction)."""
    from cms.cli import run_with_database

    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise typer.BadParameter(f"{file}: not a readable dump ({error})") from None

    async def load() -> dict[str, int]:
        counts = await backup.load_site(document)
        await refresh_statistics()
        return counts

    try:
        counts = run_with_database(load)
    except CMSError as error:
        err.print(f"[red]{error.message}[/red]")
        raise typer.Exit(1) from None
    typer.echo("Loaded " + ", ".join(f"{n} {table}" for table, n in counts.items()))


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("seed")(seed_command)
    app.command("dump")(dump_command)
    app.command("load")(load_command)
