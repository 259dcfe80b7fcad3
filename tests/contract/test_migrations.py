"""The committed migrations hold every model change."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tortoise import Tortoise
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.api import migrate as migrate_to
from tortoise.migrations.autodetector import MigrationAutodetector

from cms.db.config import APP_LABEL, MIGRATIONS_MODULE, tortoise_config
from cms.db.lifecycle import migrate


async def test_no_model_change_is_missing_a_migration(tmp_path: object) -> None:
    config = tortoise_config("sqlite://:memory:")
    apps = {APP_LABEL: {**config["apps"][APP_LABEL], "migrations": MIGRATIONS_MODULE}}

    async with tortoise_cli_context(config) as context:
        assert context.apps is not None
        writers = await MigrationAutodetector(context.apps, apps).changes()

    pending = [operation for writer in writers for operation in writer.operations]
    assert pending == [], "run `make migrations` and commit the new migration"


async def test_migration_0006_renders_the_blocks_of_existing_sections(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'old.sqlite3'}"
    config = tortoise_config(url)
    await migrate_to(config=config, target="cms.0005_trusted_documents")
    await Tortoise.close_connections()
    connection = sqlite3.connect(tmp_path / "old.sqlite3")
    with connection:
        connection.execute(
            "INSERT INTO post (id, slug, title, excerpt, status, feed_at, created_at, updated_at,"
            " search_text) VALUES (1, 'p', 'P', '', 'DRAFT', '2024-01-01 00:00:00+00:00',"
            " '2024-01-01 00:00:00+00:00', '2024-01-01 00:00:00+00:00', '')"
        )
        connection.execute(
            "INSERT INTO section (id, post_id, position, heading, body, html) VALUES"
            " (1, 1, 0, NULL, 'One\n\n- a\n- b\n\nTwo', 'stale')"
        )
        connection.execute(
            "INSERT INTO revision (post_id, section_id, editor, created_at, previous) VALUES"
            " (1, 1, 'old', '2024-01-01 00:00:00+00:00', '{\"body\": \"x\"}')"
        )
    connection.close()

    await migrate(url)

    connection = sqlite3.connect(tmp_path / "old.sqlite3")
    section = connection.execute("SELECT html, block_starts FROM section").fetchone()
    revision = connection.execute("SELECT action, snapshot FROM revision").fetchone()
    connection.close()
    assert section == (
        "<p>One</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>Two</p>",
        "[[0,0],[1,11],[3,44]]",
    )
    assert revision == ("SECTION_EDITED", None)
