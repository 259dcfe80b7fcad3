"""The committed migrations hold every model change."""

from __future__ import annotations

from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from cms.db.config import APP_LABEL, MIGRATIONS_MODULE, tortoise_config


async def test_no_model_change_is_missing_a_migration(tmp_path: object) -> None:
    config = tortoise_config("sqlite://:memory:")
    apps = {APP_LABEL: {**config["apps"][APP_LABEL], "migrations": MIGRATIONS_MODULE}}

    async with tortoise_cli_context(config) as context:
        assert context.apps is not None
        writers = await MigrationAutodetector(context.apps, apps).changes()

    pending = [operation for writer in writers for operation in writer.operations]
    assert pending == [], "run `make migrations` and commit the new migration"
