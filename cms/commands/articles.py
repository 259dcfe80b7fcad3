"""`cms import`, `export`, `seed`: articles in and out as plain text."""

from __future__ import annotations

from pathlib import Path

import typer

from cms.commands import purging
from cms.commands.reporting import Report
from cms.db.lifecycle import refresh_statistics
from cms.enums import Role
from cms.errors import CMSError
from cms.models import Post
from cms.principal import Viewer
from cms.services.article_export import export_post
from cms.services.article_import import ImportResult, import_article
from cms.settings import Settings

PROGRESS_FROM = 5  # files; fewer import without a progress bar
ARTICLE_SUFFIX = ".txt"
# The demo articles: the project's seeds/ (found from any working directory), or seeds/
# in the working directory where cms is installed from a package (the image's /app).
_PROJECT_SEEDS = Path(__file__).parents[2] / "seeds"
DEMO_SEEDS = _PROJECT_SEEDS if _PROJECT_SEEDS.is_dir() else Path("seeds")
# Articles written by one import after which planner statistics are refreshed (ANALYZE
# reads every table; after a few articles the old statistics still hold).
STATISTICS_AFTER = 100
# Who revisions name for what an import changed.
IMPORTER = Viewer(name="cms import", role=Role.EDITOR)


def article_files(paths: list[Path], report: Report) -> tuple[list[Path], int]:
    """The files to import: each path given, and every *.txt file under each folder given
    (sorted, at any depth); also how many folders held none (each reported as failed)."""
    files: list[Path] = []
    empty = 0
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(p for p in path.rglob(f"*{ARTICLE_SUFFIX}") if p.is_file())
        if not found:
            empty += 1
            report.error(f"{path}: no article files (*{ARTICLE_SUFFIX}) in this folder")
        files.extend(found)
    return list(dict.fromkeys(files)), empty


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
    paths: list[Path], publish: bool, report: Report, *, create_only: bool = False
) -> dict[str, int]:
    """Import files one by one (each its own transaction); print `file: created slug` for
    each on stdout and failures as `file:line: reason` on stderr."""
    summary = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    changed: list[int] = []
    for done, path in enumerate(paths, start=1):
        try:
            # Bytes, not text mode: line endings reach the parser as written.
            text = path.read_bytes().decode("utf-8")
            result: ImportResult = await import_article(
                IMPORTER, text, publish=publish, source=str(path), create_only=create_only
            )
        except CMSError as error:
            summary["failed"] += 1
            report.error(error.message)
        except (OSError, UnicodeDecodeError) as error:
            summary["failed"] += 1
            report.error(f"{path}: cannot read: {_reason(error)}")
        except Exception as error:
            summary["failed"] += 1
            report.error(f"{path}: could not be imported: {error}")
        else:
            key = "created" if result.created else "updated" if result.changed else "unchanged"
            summary[key] += 1
            if result.created or result.changed:
                changed.append(result.post_id)
            for line in describe(str(path), result):
                typer.echo(line)
        report.step("Importing", done, len(paths))
    if summary["created"] + summary["updated"] >= STATISTICS_AFTER:
        await refresh_statistics()
    await purging.purge(Settings.from_env(), purging.post_keys(changed))
    return summary


def _reason(error: OSError | UnicodeDecodeError) -> str:
    if isinstance(error, UnicodeDecodeError):
        return f"not UTF-8 text (byte {error.start:,})"
    return error.strerror or str(error)


def _import_paths(paths: list[Path], publish: bool, *, create_only: bool = False) -> dict[str, int]:
    from cms.cli import run_with_database

    with Report(bar_from=PROGRESS_FROM, lines=False) as report:
        files, empty = article_files(paths, report)
        summary = run_with_database(
            lambda: _import_files(files, publish, report, create_only=create_only)
        )
    summary["failed"] += empty
    return summary


def import_command(
    paths: list[Path] = typer.Argument(
        ...,
        metavar="PATH",
        help=f"Article files in the plain-text format, or folders: every *{ARTICLE_SUFFIX} "
        "file under a folder is imported.",
    ),
    draft: bool = typer.Option(
        False, "--draft", help="New posts become drafts (existing posts keep their status)."
    ),
) -> None:
    """Import articles: found by slug and merged in (the same file twice changes nothing).
    Prints `file: created|updated|unchanged slug` and what changed for each, then a summary."""
    summary = _import_paths(paths, publish=not draft)
    typer.echo(", ".join(f"{n} {what}" for what, n in summary.items()))
    if summary["failed"]:
        raise typer.Exit(1)


async def _export(slug: str | None, directory: Path | None) -> int:
    if slug is not None:
        post = await Post.get_or_none(slug=slug)
        if post is None:
            typer.echo(f"No post with slug {slug!r}.", err=True)
            return 1
        typer.echo(await export_post(post))
        return 0
    assert directory is not None
    total = await Post.all().count()
    written = 0
    last_id = 0
    with Report(bar_from=PROGRESS_FROM, lines=False) as report:
        while batch := await Post.filter(id__gt=last_id).order_by("id").limit(200):
            for post in batch:
                path = directory / f"{post.slug}{ARTICLE_SUFFIX}"
                path.write_text(await export_post(post), encoding="utf-8")
                written += 1
                typer.echo(str(path))
                report.step("Exporting", written, max(total, written))
            last_id = batch[-1].id
    typer.echo(f"Exported {written} posts to {directory}", err=True)
    return 0


def export_command(
    slug: str | None = typer.Argument(
        None, metavar="SLUG", help="The post to print as article text."
    ),
    all_to: Path | None = typer.Option(
        None,
        "--all",
        metavar="DIR",
        help=f"Write every post to DIR/<slug>{ARTICLE_SUFFIX} and print each file's path.",
    ),
) -> None:
    """Export posts as plain-text articles (the format `cms import` reads)."""
    from cms.cli import run_with_database

    if (slug is None) == (all_to is None):
        raise typer.BadParameter("pass either a SLUG or --all DIR")
    if all_to is not None:
        try:
            all_to.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            typer.echo(f"{all_to}: cannot make the folder: {error.strerror or error}", err=True)
            raise typer.Exit(1) from None
    raise typer.Exit(run_with_database(lambda: _export(slug, all_to)))


def seed_command(
    directory: Path | None = typer.Option(
        None,
        "--dir",
        metavar="DIR",
        help="Folder of articles to seed from (default: the demo articles shipped with cms).",
    ),
) -> None:
    """Import the demo articles: posts that exist already are left alone."""
    folder = directory or DEMO_SEEDS
    if not folder.is_dir():
        typer.echo(f"{folder}: no such folder (--dir takes a folder of article files)", err=True)
        raise typer.Exit(2)
    summary = _import_paths([folder], publish=True, create_only=True)
    typer.echo(f"Seeded from {folder}: " + ", ".join(f"{n} {k}" for k, n in summary.items()))
    if summary["failed"]:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("seed")(seed_command)
