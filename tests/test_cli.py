"""The `cms` command line, run as a real process against a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.seed_article import ALL_ARTICLES, SEED_HEADINGS, SEED_PATH, SEED_SLUG, seed_text

ROOT = Path(__file__).parents[1]
ARTICLES = ALL_ARTICLES


def cms(database_url: str, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CMS_DATABASE_URL": database_url, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "cms", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_import_reports_created_then_unchanged(sqlite_url: str) -> None:
    files = [str(p) for p in ARTICLES]

    first = cms(sqlite_url, "import", *files)
    second = cms(sqlite_url, "import", *files)

    assert first.returncode == 0, first.stderr
    assert (
        first.stdout.splitlines()[-1] == f"{len(files)} created, 0 updated, 0 unchanged, 0 failed"
    )
    assert second.stdout.splitlines() == [
        *(
            f"{path}: unchanged {slug}"
            for path, slug in zip(files, _slugs(first.stdout), strict=False)
        ),
        f"0 created, 0 updated, {len(files)} unchanged, 0 failed",
    ]


def _slugs(summary: str) -> list[str]:
    return [
        line.split(": created ")[1].split(" ")[0]
        for line in summary.splitlines()
        if ": created " in line
    ]


def test_the_summary_says_what_each_import_made_and_changed(
    sqlite_url: str, tmp_path: Path
) -> None:
    article = tmp_path / "seed.txt"
    article.write_text(seed_text(), encoding="utf-8")
    created = cms(sqlite_url, "import", str(article))
    article.write_text(
        seed_text()
        .replace("Conclusion", "In Closing")
        .replace("- 19 Likes", "- 25 Likes")
        .replace("3 Comments", "4 Comments")
        .removesuffix("\n")
        + "\nLee\nGreat read!",
        encoding="utf-8",
    )

    updated = cms(sqlite_url, "import", str(article))

    headings = ", ".join(f'"{h}"' for h in SEED_HEADINGS[1:])
    assert created.stdout.splitlines() == [
        f"{article}: created {SEED_SLUG} (7 sections, 2 stories, 3 comments)",
        f"  headings: {headings}",
        "1 created, 0 updated, 0 unchanged, 0 failed",
    ]
    assert updated.stdout.splitlines() == [
        f"{article}: updated {SEED_SLUG}: 1 section changed, likes 19 → 25, 1 comment added",
        "  headings: " + headings.replace("Conclusion", "In Closing"),
        "0 created, 1 updated, 0 unchanged, 0 failed",
    ]


def test_headings_with_nothing_under_them_are_pointed_out(sqlite_url: str, tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text(
        "Walking\n- May 1, 2020\n- 1 Like\n- 1 View\n- 0 Comments\nWe walked.\n"
        "Why Not Just Walk More\nThanks for reading\n0 Comments",
        encoding="utf-8",
    )

    result = cms(sqlite_url, "import", str(article))

    assert result.stdout.splitlines()[1:3] == [
        '  headings: "Why Not Just Walk More" (nothing under it), '
        '"Thanks for reading" (nothing under it)',
        "  a heading with nothing under it may be a paragraph: "
        "start its line with \\ to keep it one",
    ]


def test_windows_line_endings_import_as_the_same_article(sqlite_url: str, tmp_path: Path) -> None:
    windows = tmp_path / "windows.txt"
    windows.write_bytes(seed_text().replace("\n", "\r\n").encode("utf-8"))

    first = cms(sqlite_url, "import", str(windows))
    same = cms(sqlite_url, "import", str(SEED_PATH))

    assert first.returncode == 0, first.stderr
    assert same.stdout.splitlines()[0] == f"{SEED_PATH}: unchanged {SEED_SLUG}"
    assert cms(sqlite_url, "export", SEED_SLUG).stdout == seed_text().removesuffix("\n") + "\n"


def test_draft_makes_new_posts_drafts_and_leaves_published_ones_published(
    sqlite_url: str, tmp_path: Path
) -> None:
    published = cms(sqlite_url, "import", str(SEED_PATH))
    again = cms(sqlite_url, "import", "--draft", str(SEED_PATH), str(ARTICLES[1]))

    assert published.returncode == again.returncode == 0
    lines = again.stdout.splitlines()
    assert lines[:2] == [
        f"{SEED_PATH}: unchanged {SEED_SLUG}",
        "  kept PUBLISHED: --draft applies to new posts only",
    ]
    assert cms(sqlite_url, "export", SEED_SLUG).stdout == seed_text().removesuffix("\n") + "\n"
    new_slug = _slugs(again.stdout)[0]
    assert cms(sqlite_url, "export", new_slug).stdout.splitlines()[1] == "- Status: Draft"


def test_a_bad_file_fails_with_its_line_and_the_others_still_import(
    sqlite_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Title\n- May 1, 2020\n- 19 Lykes\n- 1 View\n- 0 Comments\nBody.\n0 Comments")

    result = cms(sqlite_url, "import", str(bad), str(ARTICLES[0]))

    assert result.returncode == 1
    assert f"{bad}:3: " in result.stderr
    assert result.stdout.splitlines()[-1] == "1 created, 0 updated, 0 unchanged, 1 failed"


def test_export_prints_one_post_and_writes_all(sqlite_url: str, tmp_path: Path) -> None:
    cms(sqlite_url, "import", *(str(p) for p in ARTICLES))
    out = tmp_path / "out"

    one = cms(sqlite_url, "export", SEED_SLUG)
    every = cms(sqlite_url, "export", "--all", str(out))
    missing = cms(sqlite_url, "export", "no-such-post")

    seed = seed_text()
    assert one.stdout.removesuffix("\n") == seed.removesuffix("\n")
    exported = sorted(p.read_text(encoding="utf-8") for p in out.glob("*.txt"))
    assert exported == sorted(p.read_text(encoding="utf-8").removesuffix("\n") for p in ARTICLES)
    assert every.returncode == 0
    assert missing.returncode == 1


def test_seed_is_idempotent(sqlite_url: str) -> None:
    first = cms(sqlite_url, "seed")
    second = cms(sqlite_url, "seed")

    assert "1 created" in first.stdout
    assert "1 unchanged" in second.stdout


def test_dump_and_load_move_a_site(sqlite_url: str, tmp_path: Path) -> None:
    cms(sqlite_url, "seed")
    dump = tmp_path / "site.json"
    target = f"sqlite://{tmp_path / 'target.sqlite3'}"

    dumped = cms(sqlite_url, "dump", str(dump))
    cms(target, "migrate")
    loaded = cms(target, "load", str(dump))
    again = cms(target, "load", str(dump))

    assert dumped.returncode == 0, dumped.stderr
    assert loaded.stdout.startswith("Loaded 0 tags, 1 posts, 7 sections, 2 stories, 3 comments")
    assert cms(target, "export", SEED_SLUG).stdout == cms(sqlite_url, "export", SEED_SLUG).stdout
    assert again.returncode == 1
    assert "empty database" in again.stderr


def test_schema_check_passes_here_and_fails_on_a_stale_file(
    sqlite_url: str, tmp_path: Path
) -> None:
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema" / "schema.graphql").write_text("type Query { stale: Int }\n")

    assert cms(sqlite_url, "schema", "--check").returncode == 0
    stale = cms(sqlite_url, "schema", "--check", cwd=tmp_path)
    assert stale.returncode == 1
    assert "stale" in stale.stderr


def test_help_explains_every_command(sqlite_url: str) -> None:
    result = cms(sqlite_url, "--help")

    for command in ("serve", "migrate", "seed", "import", "export", "dump", "load", "schema"):
        assert f" {command} " in result.stdout
