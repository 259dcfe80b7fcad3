"""The `cms` command line, run as a real process against a real database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.seed_article import ALL_ARTICLES, SEED_SLUG, seed_text

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
    assert first.stdout.strip() == f"{len(files)} created, 0 updated, 0 unchanged, 0 failed"
    assert second.stdout.strip() == f"0 created, 0 updated, {len(files)} unchanged, 0 failed"


def test_a_bad_file_fails_with_its_line_and_the_others_still_import(
    sqlite_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("Title\n- May 1, 2020\n- 19 Lykes\n- 1 View\n- 0 Comments\nBody.\n0 Comments")

    result = cms(sqlite_url, "import", str(bad), str(ARTICLES[0]))

    assert result.returncode == 1
    assert f"{bad}:3: " in result.stderr
    assert result.stdout.strip() == "1 created, 0 updated, 0 unchanged, 1 failed"


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
