"""docker-compose.yml, the Dockerfile and deploy/nginx.conf, read as files (no container
engine runs the tests): what starts in which order, who is checked for health, which user
the image runs as and what it installs from."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from cms.settings import Settings

ROOT = Path(__file__).parents[1]
APPS = ("app1", "app2")


def _services() -> dict[str, Any]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    services: dict[str, Any] = compose["services"]
    return services


def _dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text(encoding="utf-8")


def test_compose_runs_nginx_two_instances_postgres_redis_and_a_migration() -> None:
    services = _services()

    assert set(services) == {"migrate", *APPS, "nginx", "postgres", "redis"}
    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["nginx"]["image"].startswith("nginx:")
    assert services["nginx"]["ports"] == ["8000:80"]
    for name in services:
        assert "ports" not in services[name] or name == "nginx", name


def test_the_migration_runs_once_before_any_instance_serves() -> None:
    services = _services()

    assert services["migrate"]["command"] == ["cms", "migrate"]
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for app in APPS:
        assert services[app]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully"},
            "postgres": {"condition": "service_healthy"},
            "redis": {"condition": "service_healthy"},
        }
        assert "command" not in services[app]  # the image's own: `cms serve`, no migration
    assert services["nginx"]["depends_on"] == {
        app: {"condition": "service_healthy"} for app in APPS
    }


def test_every_long_running_service_has_a_health_check() -> None:
    services = _services()

    assert services["migrate"]["healthcheck"] == {"disable": True}
    for name in (*APPS, "nginx", "postgres", "redis"):
        assert services[name]["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL"), name
    for app in APPS:
        assert "/readyz" in " ".join(services[app]["healthcheck"]["test"])
    assert "/nginx-health" in " ".join(services["nginx"]["healthcheck"]["test"])


def test_instances_share_the_database_redis_and_secret() -> None:
    services = _services()
    pg = services["postgres"]["environment"]
    settings = [Settings.from_env(services[app]["environment"]) for app in APPS]

    for each in settings:
        assert each.database_url == (
            f"postgres://{pg['POSTGRES_USER']}:{pg['POSTGRES_PASSWORD']}@postgres:5432/{pg['POSTGRES_DB']}"
        )
        assert each.redis_url == "redis://redis:6379/0"
        assert each.production
        assert (each.database_pool_min, each.database_pool_max) == (2, 10)
        assert each.trusted_proxies == ("172.28.0.0/16",)
    assert settings[0].secret_key == settings[1].secret_key is not None
    assert Settings.from_env(services["migrate"]["environment"]).database_url == (
        settings[0].database_url
    )


def test_nginx_balances_over_both_instances_and_passes_websockets() -> None:
    services = _services()
    mount = services["nginx"]["volumes"][0]
    source, target = mount.split(":")[:2]
    config = (ROOT / source).read_text(encoding="utf-8")

    assert target == "/etc/nginx/nginx.conf"
    upstream = re.search(r"upstream cms \{(.*?)\}", config, flags=re.DOTALL)
    assert upstream is not None
    assert re.findall(r"server (\S+)", upstream.group(1)) == [f"{app}:8000" for app in APPS]
    assert "proxy_pass http://cms;" in config
    assert "proxy_set_header Upgrade $http_upgrade;" in config
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in config


def test_the_image_is_built_in_stages_from_the_lock_and_runs_unprivileged() -> None:
    dockerfile = _dockerfile()
    stages = re.findall(r"^FROM (\S+)(?: AS (\S+))?", dockerfile, flags=re.MULTILINE)
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.MULTILINE)

    assert len(stages) == 2
    assert stages[0][1] == "build"
    assert "COPY --from=build /opt/cms /opt/cms" in dockerfile
    assert "pip install --require-hashes --no-deps -r requirements.lock" in dockerfile
    assert "pip install --no-deps ." in dockerfile
    assert users == ["cms:cms"]
    # The runtime stage switches to the user after everything is copied in.
    assert dockerfile.rindex("USER ") > dockerfile.rindex("COPY ")
    assert "useradd --system --uid 10001" in dockerfile


def test_the_image_serves_without_migrating_and_ships_the_seeds() -> None:
    dockerfile = _dockerfile()

    commands = re.findall(r"^CMD (.*)$", dockerfile, flags=re.MULTILINE)

    assert commands == ['["cms", "serve"]']
    assert "COPY seeds ./seeds" in dockerfile
    assert (ROOT / "requirements.lock").exists()
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert {".venv", ".git", "*.sqlite3", ".env"} <= set(ignored)
