"""The `CMS_*` variables as they are read and checked (pydantic-settings): each field is
named for its variable without the prefix; `cms.settings` turns them into `Settings`."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from limits import parse as parse_rate
from pydantic import AfterValidator, BeforeValidator, Field, ValidationError
from pydantic_settings import (
    BaseSettings,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

PREFIX = "CMS_"
# Values of these are never repeated in an error: they may hold passwords.
SECRET = frozenset(
    {
        "database_url",
        "database_replica_urls",
        "redis_url",
        "secret_key",
        "cdn_purge_url",
        "cdn_purge_token",
    }
)
QUOTED_VALUE_CHARS = 60


class SettingsError(ValueError):
    """Configuration that cannot be used; the message names each variable and what is wrong."""


def _csv(value: object) -> object:
    if isinstance(value, str):
        return tuple(item.strip() for item in value.split(",") if item.strip())
    return value


def _rate(value: str) -> str:
    try:
        parse_rate(value)
    except ValueError:
        raise ValueError(f"not a rate such as 5/minute or 100/hour: {value!r}") from None
    return value


def _networks(values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        try:
            ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise ValueError(f"not an address or network such as 10.0.0.0/8: {value!r}") from None
    return values


def _database_url(value: str) -> str:
    if value.split("://", 1)[0] not in {"sqlite", "postgres", "postgresql", "asyncpg"}:
        raise ValueError("must start with sqlite:// or postgres://")
    return value


def _replica_urls(values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        if value.split("://", 1)[0] not in {"postgres", "postgresql", "asyncpg"}:
            raise ValueError("each must start with postgres:// (replicas are PostgreSQL standbys)")
    return values


def _redis_url(value: str | None) -> str | None:
    if value is not None and value.split("://", 1)[0] not in {"redis", "rediss", "unix"}:
        raise ValueError("must start with redis://, rediss:// or unix://")
    return value


def _cdn_url(value: str | None) -> str | None:
    if value is not None and not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value


def _preview_url(value: str) -> str:
    if not value.startswith(("http://", "https://")) or "{token}" not in value:
        raise ValueError("must be an http:// or https:// address holding {token}")
    return value


def _site_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value.rstrip("/")


_REACTION_NAME = re.compile(r"[A-Z][A-Z0-9_]{0,31}")
DEFAULT_REACTION_KINDS = "THUMBS_UP:👍,HEART:❤️,INSIGHT:💡,LAUGH:😂"


def _reaction_kinds(value: object) -> object:
    """`NAME:emoji,OTHER:emoji` (the emoji may be left out) as ((name, emoji), ...)."""
    if not isinstance(value, str):
        return value
    kinds: list[tuple[str, str]] = []
    for item in value.split(","):
        name, _, emoji = item.strip().partition(":")
        name = name.strip()
        if not name:
            continue
        if not _REACTION_NAME.fullmatch(name):
            raise ValueError(
                f"reaction names are 1-32 capital letters, digits or _ (like HEART): {name!r}"
            )
        if any(name == known for known, _ in kinds):
            raise ValueError(f"{name} is named twice")
        kinds.append((name, emoji.strip()))
    if not kinds or len(kinds) > 16:
        raise ValueError("name 1 to 16 kinds, such as HEART:❤️")
    return tuple(kinds)


Mode = Literal["development", "production"]
MODES: tuple[Mode, ...] = ("development", "production")


def _mode(value: object) -> object:
    if isinstance(value, str):
        name = value.strip().lower()
        if name not in MODES:
            raise ValueError(f"must be development or production, not {name[:40]!r}")
        return name
    return value


Csv = Annotated[tuple[str, ...], NoDecode, BeforeValidator(_csv)]
Rate = Annotated[str, AfterValidator(_rate)]
Count = Annotated[int, Field(ge=0)]
Seconds = Annotated[float, Field(ge=0)]


class Environment(BaseSettings):
    """Every variable the CMS reads, with its type and default (see docs/security.md)."""

    model_config = SettingsConfigDict(
        env_prefix=PREFIX,
        env_file=".env",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
    )

    env: Annotated[Mode, BeforeValidator(_mode)] = "development"
    database_url: Annotated[str, AfterValidator(_database_url)] = "sqlite://./cms.sqlite3"
    database_replica_urls: Annotated[Csv, AfterValidator(_replica_urls)] = ()
    database_pool_min: Annotated[int | None, Field(ge=0)] = None
    database_pool_max: Annotated[int | None, Field(ge=1)] = None
    read_your_writes_s: Seconds = 5.0
    redis_url: Annotated[str | None, AfterValidator(_redis_url)] = None
    redis_prefix: str = "cms:"
    redis_max_connections: Annotated[int, Field(ge=1)] = 50
    redis_pool_timeout_s: Annotated[float, Field(gt=0)] = 5.0
    redis_timeout_s: Annotated[float, Field(gt=0)] = 2.0
    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 8000
    workers: Annotated[int, Field(ge=1, le=256)] = 1
    debug: bool = False
    access_log: bool = False
    cors_origins: Csv = ()
    trusted_proxies: Annotated[Csv, AfterValidator(_networks)] = ()
    public_max_age: Count = 10
    feed_max_age: Count = 300
    response_cache_ttl: Seconds = 1.0
    stale_while_revalidate_s: Count = 30
    stale_if_error_s: Count = 86400
    cdn_purge_url: Annotated[str | None, AfterValidator(_cdn_url)] = None
    cdn_purge_token: str | None = None
    trusted_documents: bool = False
    secret_key: str | None = None
    site_url: Annotated[str, AfterValidator(_site_url)] = "http://127.0.0.1:5173"
    preview_url: Annotated[str, AfterValidator(_preview_url)] = (
        "http://127.0.0.1:5173/preview?token={token}"
    )
    statement_timeout_s: Seconds = 5.0
    shutdown_timeout_s: Count = 10
    max_depth: Annotated[int, Field(ge=1)] = 10
    max_aliases: Annotated[int, Field(ge=1)] = 15
    max_cost: Annotated[int, Field(ge=1)] = 25_000
    comment_rate: Rate = "5/minute"
    like_rate: Rate = "60/minute"
    view_rate: Rate = "120/minute"
    report_rate: Rate = "10/minute"
    reaction_rate: Rate = "60/minute"
    vote_rate: Rate = "60/minute"
    reaction_kinds: Annotated[
        tuple[tuple[str, str], ...], NoDecode, BeforeValidator(_reaction_kinds)
    ] = _reaction_kinds(DEFAULT_REACTION_KINDS)  # type: ignore[assignment]
    comment_report_threshold: Count = 3
    comment_hold_links: Count = 2
    comment_duplicate_window_s: Count = 300
    comment_max_depth: Count = 5
    comment_blocklist: Csv = ()
    approve_first_comment: bool = False
    view_window_s: Count = 1800
    view_flush_interval_s: Annotated[float, Field(gt=0)] = 2.0
    trending_window_days: Annotated[int, Field(ge=1, le=366)] = 7
    trending_refresh_interval_s: Annotated[float, Field(gt=0)] = 3600.0
    max_body_bytes: Annotated[int, Field(ge=1)] = 1024 * 1024
    body_timeout_s: Annotated[float, Field(gt=0)] = 30.0
    header_timeout_s: Annotated[float, Field(gt=0)] = 10.0
    keep_alive_timeout_s: Annotated[int, Field(ge=1)] = 5
    max_websockets: Count = 1000
    max_websockets_per_client: Count = 20
    max_subscriptions_per_connection: Count = 10
    websocket_init_timeout_s: Annotated[float, Field(gt=0)] = 10.0
    webhook_delivery: bool = True
    webhook_timeout_s: Annotated[float, Field(gt=0, le=60)] = 5.0
    webhook_retry_base_s: Annotated[float, Field(gt=0)] = 2.0
    webhook_retry_cap_s: Annotated[float, Field(gt=0)] = 3600.0
    webhook_max_attempts: Annotated[int, Field(ge=1, le=100)] = 10
    webhook_poll_interval_s: Annotated[float, Field(gt=0)] = 1.0


def read_environment(environ: Mapping[str, str], with_dotenv: bool) -> Environment:
    """The variables of `environ` (plus `.env` when `with_dotenv`), checked."""
    values: dict[str, Any] = {
        key[len(PREFIX) :].lower(): value
        for key, value in environ.items()
        if key.startswith(PREFIX) and value != ""
    }
    try:
        if with_dotenv:
            return Environment(**values)  # `.env` fills in what the process lacks
        return _FromMapping(**values)
    except ValidationError as error:
        raise SettingsError(_explain(error, values)) from None


def _explain(error: ValidationError, values: Mapping[str, Any]) -> str:
    lines = []
    for problem in error.errors(include_url=False):
        name = str(problem["loc"][0]) if problem["loc"] else ""
        variable = PREFIX + name.upper()
        message = problem["msg"].removeprefix("Value error, ")
        value = values.get(name)
        if value is None or name in SECRET:
            lines.append(f"{variable}: {message}")
        else:
            shown = str(value)
            if len(shown) > QUOTED_VALUE_CHARS:
                shown = shown[:QUOTED_VALUE_CHARS] + "…"
            lines.append(f"{variable}={shown!r}: {message}")
    return "Invalid configuration:\n  " + "\n  ".join(lines)


class _FromMapping(Environment):
    """Only the mapping given (tests, and `docker-compose.yml`'s environment)."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)
