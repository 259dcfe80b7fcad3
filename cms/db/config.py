"""The Tortoise configuration for a database URL."""

from __future__ import annotations

from typing import Any

APP_LABEL = "cms"
MIGRATIONS_MODULE = "cms.db.migrations"


def tortoise_config(database_url: str) -> dict[str, Any]:
    """Config for `Tortoise.init` and the migration executor."""
    return {
        "connections": {"default": database_url},
        "apps": {
            APP_LABEL: {
                "models": ["cms.models"],
                "default_connection": "default",
                "migrations": MIGRATIONS_MODULE,
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For Tortoise's own CLI: `tortoise -c cms.db.config.TORTOISE_ORM makemigrations`.
TORTOISE_ORM = tortoise_config("sqlite://:memory:")
