"""Configuration: read once from `CMS_*` environment variables (and `.env`), validated
at start-up so that a mistake names its variable instead of ending in a traceback."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from cms.environment import MODES, Environment, Mode, read_environment

DEFAULT_DATABASE_URL = "sqlite://./cms.sqlite3"


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
    # Redis connections this process opens at most; past them, commands wait their turn.
    redis_max_connections: int = 50
    # Seconds a command waits for a free Redis connection before Redis counts as unavailable.
    redis_pool_timeout_s: float = 5.0
    # Seconds to connect to Redis or wait for one reply before Redis counts as unavailable.
    redis_timeout_s: float = 2.0
    # One log line per request from uvicorn (the proxy in front usually keeps its own;
    # /metrics counts requests by route and status either way).
    access_log: bool = False
    # Anonymous callers may run registered documents only (`cms documents register`).
    trusted_documents: bool = False
    # Keys the hashes of client addresses stored with comments and views; share it
    # between instances. Unset, each process makes its own.
    secret_key: str | None = None
    # Longest a single SQL statement of a serving process may run, in seconds; past it
    # the statement is stopped and the request answers QUERY_TOO_COMPLEX (0: no limit).
    statement_timeout_s: float = 5.0
    # On SIGTERM, how long requests in flight may take to finish before they are cancelled.
    shutdown_timeout_s: int = 10
    # production: anonymous callers get no introspection and no "Did you mean" suggestions.
    env: Mode = "development"
    limits: Limits = field(default_factory=Limits)

    def __post_init__(self) -> None:
        if self.env not in MODES:
            raise ValueError(f"CMS_ENV must be development or production, not {self.env!r}.")

    @property
    def production(self) -> bool:
        return self.env == "production"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Settings from the environment (`environ`, or the process's and `.env` in the
        working directory); `SettingsError` names every variable that is wrong."""
        env = read_environment(os.environ if environ is None else environ, environ is None)
        return cls.from_environment(env)

    @classmethod
    def from_environment(cls, env: Environment) -> Settings:
        limits = Limits(
            max_depth=env.max_depth,
            max_aliases=env.max_aliases,
            max_cost=env.max_cost,
            comment_rate=env.comment_rate,
            like_rate=env.like_rate,
            view_rate=env.view_rate,
            comment_hold_links=env.comment_hold_links,
            comment_duplicate_window_s=env.comment_duplicate_window_s,
            comment_max_depth=env.comment_max_depth,
            comment_blocklist=env.comment_blocklist,
            hold_first_comment=not env.approve_first_comment,
            view_window_s=env.view_window_s,
            view_flush_interval_s=env.view_flush_interval_s,
            max_body_bytes=env.max_body_bytes,
            body_timeout_s=env.body_timeout_s,
            header_timeout_s=env.header_timeout_s,
            keep_alive_timeout_s=env.keep_alive_timeout_s,
            max_websockets=env.max_websockets,
            max_websockets_per_client=env.max_websockets_per_client,
            max_subscriptions_per_connection=env.max_subscriptions_per_connection,
            websocket_init_timeout_s=env.websocket_init_timeout_s,
        )
        return cls(
            database_url=env.database_url,
            redis_url=env.redis_url,
            host=env.host,
            port=env.port,
            debug=env.debug,
            cors_origins=env.cors_origins,
            trusted_proxies=env.trusted_proxies,
            public_max_age_s=env.public_max_age,
            response_cache_ttl_s=env.response_cache_ttl,
            redis_prefix=env.redis_prefix,
            redis_max_connections=env.redis_max_connections,
            redis_pool_timeout_s=env.redis_pool_timeout_s,
            redis_timeout_s=env.redis_timeout_s,
            trusted_documents=env.trusted_documents,
            access_log=env.access_log,
            secret_key=env.secret_key,
            statement_timeout_s=env.statement_timeout_s,
            shutdown_timeout_s=env.shutdown_timeout_s,
            env=env.env,
            limits=limits,
        )
