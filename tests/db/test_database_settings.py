"""Pool sizes and read replicas as the environment gives them and Tortoise gets them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cms.db.config import Pool, tortoise_config
from cms.environment import SettingsError
from cms.settings import Settings

PRIMARY = "postgres://cms:secret@db-primary:5432/cms"
REPLICAS = "postgres://cms:secret@db-replica-1:5432/cms, postgres://cms:secret@db-replica-2/cms"


def test_replicas_and_pool_sizes_are_read_from_the_environment() -> None:
    settings = Settings.from_env(
        {
            "CMS_DATABASE_URL": PRIMARY,
            "CMS_DATABASE_REPLICA_URLS": REPLICAS,
            "CMS_DATABASE_POOL_MIN": "2",
            "CMS_DATABASE_POOL_MAX": "20",
            "CMS_READ_YOUR_WRITES_S": "3",
        }
    )

    assert settings.database_replica_urls == (
        "postgres://cms:secret@db-replica-1:5432/cms",
        "postgres://cms:secret@db-replica-2/cms",
    )
    assert (settings.database_pool_min, settings.database_pool_max) == (2, 20)
    assert settings.read_your_writes_s == 3
    assert Settings.from_env({}).database_replica_urls == ()


@pytest.mark.parametrize(
    ("environ", "explanation"),
    [
        (
            {"CMS_DATABASE_URL": PRIMARY, "CMS_DATABASE_REPLICA_URLS": "sqlite://./r.sqlite3"},
            "Invalid configuration:\n  CMS_DATABASE_REPLICA_URLS: each must start with "
            "postgres:// (replicas are PostgreSQL standbys)",
        ),
        (
            {"CMS_DATABASE_REPLICA_URLS": "postgres://cms:secret@replica/cms"},
            "CMS_DATABASE_REPLICA_URLS needs a PostgreSQL CMS_DATABASE_URL (replicas stream "
            "from a PostgreSQL primary).",
        ),
        (
            {"CMS_DATABASE_POOL_MIN": "8", "CMS_DATABASE_POOL_MAX": "4"},
            "CMS_DATABASE_POOL_MIN (8) must not exceed CMS_DATABASE_POOL_MAX (4).",
        ),
        (
            {"CMS_DATABASE_POOL_MAX": "0"},
            "Invalid configuration:\n  CMS_DATABASE_POOL_MAX='0': Input should be greater "
            "than or equal to 1",
        ),
    ],
)
def test_unusable_database_settings_are_refused_by_name(
    environ: dict[str, str], explanation: str
) -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env(environ)

    assert str(raised.value) == explanation
    assert "secret" not in str(raised.value)


def test_pool_sizes_reach_every_postgres_pool_and_replicas_get_the_router() -> None:
    config = tortoise_config(
        PRIMARY,
        5,
        replica_urls=("postgres://cms:secret@db-replica-1:5432/cms",),
        pool=Pool(2, 20),
    )
    connections = config["connections"]

    assert list(connections) == ["default", "replica_0"]
    assert connections["default"]["engine"] == "tortoise.backends.asyncpg"
    assert connections["replica_0"]["engine"] == "cms.db.backends.replica"
    for name in connections:
        credentials = connections[name]["credentials"]
        assert (credentials["minsize"], credentials["maxsize"]) == (2, 20)
        assert credentials["server_settings"] == {"statement_timeout": "5000"}
    assert connections["replica_0"]["credentials"]["host"] == "db-replica-1"
    assert config["routers"] == ["cms.db.read_routing.ReadRouter"]


def test_without_settings_the_url_and_tortoise_choose_the_pool() -> None:
    config = tortoise_config(f"{PRIMARY}?maxsize=12")
    credentials = config["connections"]["default"]["credentials"]

    assert "minsize" not in credentials
    assert credentials["maxsize"] == "12"
    assert "routers" not in config
    assert list(config["connections"]) == ["default"]


def test_every_transaction_names_the_primary() -> None:
    # With replicas configured Tortoise refuses a transaction that names no connection.
    package = Path(__file__).parents[2] / "cms"
    unnamed = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bin_transaction\(\)", line)
    ]

    assert unnamed == []
