"""The Tortoise configuration for a database URL."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.config_generator import expand_db_url

APP_LABEL = "cms"
MIGRATIONS_MODULE = "cms.db.migrations"
SQLITE_ENGINE = "cms.db.backends.sqlite"


def connection_config(database_url: str, statement_timeout_s: float = 0) -> dict[str, Any]:
    """Engine and credentials for a URL; `statement_timeout_s` > 0 bounds every statement
    (PostgreSQL's `statement_timeout`, a progress handler on SQLite)."""
    config = expand_db_url(database_url)
    if config["engine"] == "tortoise.backends.sqlite":
        config["engine"] = SQLITE_ENGINE
        if statement_timeout_s > 0:
            config["credentials"]["statement_timeout"] = statement_timeout_s
    elif statement_timeout_s > 0:
        settings = dict(config["credentials"].get("server_settings") or {})
        settings["statement_timeout"] = str(max(1, round(statement_timeout_s * 1000)))
        config["credentials"]["server_settings"] = settings
    return config


def tortoise_config(database_url: str, statement_timeout_s: float = 0) -> dict[str, Any]:
    """Config for `Tortoise.init` and the migration executor."""
    return {
        "connections": {"default": connection_config(database_url, statement_timeout_s)},
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
