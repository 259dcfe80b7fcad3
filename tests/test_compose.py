"""docker-compose.yml wires the app to PostgreSQL and Redis (no engine runs the tests)."""

from __future__ import annotations

from pathlib import Path

import yaml

from cms.settings import Settings

ROOT = Path(__file__).parents[1]


def test_compose_runs_app_postgres_and_redis_with_health_checks() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]

    assert set(services) == {"app", "postgres", "redis"}
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    for name in services:
        assert "healthcheck" in services[name], name
    app = services["app"]
    assert app["depends_on"] == {
        "postgres": {"condition": "service_healthy"},
        "redis": {"condition": "service_healthy"},
    }
    settings = Settings.from_env(app["environment"])
    pg = services["postgres"]["environment"]
    assert settings.database_url == (
        f"postgres://{pg['POSTGRES_USER']}:{pg['POSTGRES_PASSWORD']}@postgres:5432/{pg['POSTGRES_DB']}"
    )
    assert settings.redis_url == "redis://redis:6379/0"
    assert "/readyz" in " ".join(app["healthcheck"]["test"])


def test_the_image_migrates_before_serving() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")

    assert 'CMD ["sh", "-c", "cms migrate && cms serve"]' in dockerfile
    # The demo articles ship inside the package (cms/seeds), so `cms seed` works in the image.
    assert "COPY cms ./cms" in dockerfile
    assert "COPY seeds" not in dockerfile
