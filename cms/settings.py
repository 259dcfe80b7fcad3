"""Configuration: read once from `CMS_*` environment variables (and `.env`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite://./cms.sqlite3"


def _read_dotenv(path: Path) -> dict[str, str]:
    """`KEY=value` lines of a `.env` file; comments and blank lines are skipped."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip("'\"")
    return values


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


def _csv(value: str | None) -> tuple[str, ...]:
    return tuple(item.strip() for item in (value or "").split(",") if item.strip())


@dataclass(frozen=True)
class Limits:
    """Query guards, page sizes, engagement rules and connection limits."""

    max_depth: int = 10
    max_aliases: int = 15
    max_tokens: int = 2000
    max_cost: int = 25_000
    max_page_size: int = 100
    # Per client address, in the `limits` library's notation ("5/minute").
    comment_rate: str = "5/minute"
    like_rate: str = "60/minute"
    view_rate: str = "120/minute"
    # A comment with this many links or more waits for an editor (PENDING); 0 turns it off.
    comment_hold_links: int = 2
    # The same body on the same post within this many seconds is refused (CONFLICT).
    comment_duplicate_window_s: int = 300
    # How deep replies nest: top-level comments have depth 0, replies at most this.
    comment_max_depth: int = 5
    # Words or phrases (case-insensitive) that send a comment to PENDING.
    comment_blocklist: tuple[str, ...] = ()
    # An author's first comment from a client waits for an editor.
    hold_first_comment: bool = True
    # A visitor's view of a post counts once per this many seconds.
    view_window_s: int = 1800
    # How often buffered views are written to the database.
    view_flush_interval_s: float = 2.0
    # Largest request body (and WebSocket message) read; larger ones get HTTP 413.
    max_body_bytes: int = 1024 * 1024
    # Seconds a request's body may take to arrive once its headers have (then HTTP 408).
    body_timeout_s: float = 30.0
    # Seconds a connection may take to send a request's headers before it is closed.
    header_timeout_s: float = 10.0
    # Seconds an idle keep-alive connection stays open between requests.
    keep_alive_timeout_s: int = 5
    # Open WebSockets per process, and per client address (closed with 1013 past them).
    max_websockets: int = 1000
    max_websockets_per_client: int = 20
    # Operations running at once on one WebSocket; more get an `error` (RATE_LIMITED).
    max_subscriptions_per_connection: int = 10
    # Seconds a WebSocket may wait before its connection_init (then closed with 4408).
    websocket_init_timeout_s: float = 10.0


@dataclass(frozen=True)
class Settings:
    """Everything the process is configured with; built once and passed down."""

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    debug: bool = False
    cors_origins: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()
    # How long browsers and CDNs may reuse an anonymous GET answer before revalidating.
    public_max_age_s: int = 10
    # Seconds an anonymous query's answer is served from memory (0 turns it off).
    response_cache_ttl_s: float = 1.0
    # Prefix of every Redis key and channel, so instances or tests can share one Redis.
    redis_prefix: str = "cms:"
    # One log line per request from uvicorn (the proxy in front usually keeps its own;
    # /metrics counts requests by route and status either way).
    access_log: bool = False
    # Anonymous callers may run registered documents only (`cms documents register`).
    trusted_documents: bool = False
    # Keys the hashes of client addresses stored with comments and views; share it
    # between instances. Unset, each process makes its own.
    secret_key: str | None = None
    limits: Limits = field(default_factory=Limits)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from the environment, falling back to `.env` in the working directory."""
        env = {**_read_dotenv(Path(".env")), **(os.environ if environ is None else environ)}
        limits = Limits(
            max_depth=int(env.get("CMS_MAX_DEPTH", Limits.max_depth)),
            max_aliases=int(env.get("CMS_MAX_ALIASES", Limits.max_aliases)),
            max_cost=int(env.get("CMS_MAX_COST", Limits.max_cost)),
            comment_rate=env.get("CMS_COMMENT_RATE", Limits.comment_rate),
            like_rate=env.get("CMS_LIKE_RATE", Limits.like_rate),
            view_rate=env.get("CMS_VIEW_RATE", Limits.view_rate),
            comment_hold_links=int(env.get("CMS_COMMENT_HOLD_LINKS", Limits.comment_hold_links)),
            comment_duplicate_window_s=int(
                env.get("CMS_COMMENT_DUPLICATE_WINDOW_S", Limits.comment_duplicate_window_s)
            ),
            comment_max_depth=int(env.get("CMS_COMMENT_MAX_DEPTH", Limits.comment_max_depth)),
            comment_blocklist=_csv(env.get("CMS_COMMENT_BLOCKLIST")),
            hold_first_comment=not _flag(env.get("CMS_APPROVE_FIRST_COMMENT")),
            view_window_s=int(env.get("CMS_VIEW_WINDOW_S", Limits.view_window_s)),
            view_flush_interval_s=float(
                env.get("CMS_VIEW_FLUSH_INTERVAL_S", Limits.view_flush_interval_s)
            ),
            max_body_bytes=int(env.get("CMS_MAX_BODY_BYTES", Limits.max_body_bytes)),
            body_timeout_s=float(env.get("CMS_BODY_TIMEOUT_S", Limits.body_timeout_s)),
            header_timeout_s=float(env.get("CMS_HEADER_TIMEOUT_S", Limits.header_timeout_s)),
            keep_alive_timeout_s=int(
                env.get("CMS_KEEP_ALIVE_TIMEOUT_S", Limits.keep_alive_timeout_s)
            ),
            max_websockets=int(env.get("CMS_MAX_WEBSOCKETS", Limits.max_websockets)),
            max_websockets_per_client=int(
                env.get("CMS_MAX_WEBSOCKETS_PER_CLIENT", Limits.max_websockets_per_client)
            ),
            max_subscriptions_per_connection=int(
                env.get(
                    "CMS_MAX_SUBSCRIPTIONS_PER_CONNECTION", Limits.max_subscriptions_per_connection
                )
            ),
            websocket_init_timeout_s=float(
                env.get("CMS_WEBSOCKET_INIT_TIMEOUT_S", Limits.websocket_init_timeout_s)
            ),
        )
        return cls(
            database_url=env.get("CMS_DATABASE_URL") or DEFAULT_DATABASE_URL,
            redis_url=env.get("CMS_REDIS_URL") or None,
            host=env.get("CMS_HOST") or "127.0.0.1",
            port=int(env.get("CMS_PORT") or 8000),
            debug=_flag(env.get("CMS_DEBUG")),
            cors_origins=_csv(env.get("CMS_CORS_ORIGINS")),
            trusted_proxies=_csv(env.get("CMS_TRUSTED_PROXIES")),
            public_max_age_s=int(env.get("CMS_PUBLIC_MAX_AGE") or 10),
            response_cache_ttl_s=float(env.get("CMS_RESPONSE_CACHE_TTL", 1.0)),
            redis_prefix=env.get("CMS_REDIS_PREFIX") or "cms:",
            trusted_documents=_flag(env.get("CMS_TRUSTED_DOCUMENTS")),
            access_log=_flag(env.get("CMS_ACCESS_LOG")),
            secret_key=env.get("CMS_SECRET_KEY") or None,
            limits=limits,
        )
