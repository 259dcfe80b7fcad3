"""Configuration: read once from `CMS_*` environment variables (and `.env`), validated
at start-up so that a mistake names its variable instead of ending in a traceback."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field

from cms.environment import MODES, Environment, Mode, SettingsError, read_environment

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
    report_rate: str = "10/minute"
    reaction_rate: str = "60/minute"
    vote_rate: str = "60/minute"
    # What readers may react with, in the order frontends show them: (name, emoji).
    reaction_kinds: tuple[tuple[str, str], ...] = (
        ("THUMBS_UP", "👍"),
        ("HEART", "❤️"),
        ("INSIGHT", "💡"),
        ("LAUGH", "😂"),
    )
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
    # This many distinct visitors reporting an approved comment hold it (PENDING); 0: never.
    comment_report_threshold: int = 3
    # A visitor's view of a post counts once per this many seconds.
    view_window_s: int = 1800
    # How often buffered views are written to the database.
    view_flush_interval_s: float = 2.0
    # TRENDING ranks posts by their weighted activity over this many UTC days (today included).
    trending_window_days: int = 7
    # How often every trending score is recomputed, so days leaving the window stop counting.
    trending_refresh_interval_s: float = 3600.0
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
class Webhooks:
    """How webhook deliveries are sent and retried (`services/webhook_delivery.py`)."""

    # Whether this process runs the delivery task (one instance is enough; several share
    # the work safely on PostgreSQL).
    enabled: bool = True
    # Seconds one attempt may take, connecting included, before it counts as failed.
    timeout_s: float = 5.0
    # The n-th retry waits retry_base_s * 2^(n-1) seconds, at most retry_cap_s.
    retry_base_s: float = 2.0
    retry_cap_s: float = 3600.0
    # Attempts before a delivery is marked FAILED (a replay starts a new one).
    max_attempts: int = 10
    # How often the task looks for due deliveries when it found none.
    poll_interval_s: float = 1.0


@dataclass(frozen=True)
class Settings:
    """Everything the process is configured with; built once and passed down."""

    database_url: str = DEFAULT_DATABASE_URL
    # PostgreSQL streaming replicas that anonymous queries read from (see README).
    database_replica_urls: tuple[str, ...] = ()
    # Connections each PostgreSQL pool (the primary's, each replica's) keeps open, at
    # least and at most; None leaves the URL's `?minsize=`/`?maxsize=` or Tortoise's 1..5.
    database_pool_min: int | None = None
    database_pool_max: int | None = None
    # After a mutation the client's reads go to the primary for this many seconds (a
    # signed cookie), so it reads its own writes however far a replica lags.
    read_your_writes_s: float = 5.0
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    # Processes `cms serve` runs (one per core); more than one needs PostgreSQL.
    workers: int = 1
    debug: bool = False
    cors_origins: tuple[str, ...] = ()
    trusted_proxies: tuple[str, ...] = ()
    # How long browsers and CDNs may reuse an anonymous GET answer before revalidating.
    public_max_age_s: int = 10
    # How long browsers and CDNs may reuse /feed.xml and /sitemap.xml before revalidating.
    feed_max_age_s: int = 300
    # Seconds an anonymous query's answer is served from memory (0 turns it off); writes
    # purge what they change, so this may be minutes.
    response_cache_ttl_s: float = 1.0
    # Past freshness, seconds a stale answer is served while one request refreshes it,
    # and seconds it stands in for an answer that failed (the memory cache, and the
    # Cache-Control of anonymous answers for browsers and CDNs).
    stale_while_revalidate_s: int = 30
    stale_if_error_s: int = 86400
    # A CDN's purge-by-tag endpoint: POST {"tags": [...]} with `Authorization: Bearer
    # <cdn_purge_token>` after every write, retried with backoff, never in the request.
    cdn_purge_url: str | None = None
    cdn_purge_token: str | None = None
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
    # The reading site (the frontend): feeds and the sitemap link to `{site_url}/posts/{slug}`.
    site_url: str = "http://127.0.0.1:5173"
    # The frontend's preview page; `{token}` is replaced by a preview link's token.
    preview_url: str = "http://127.0.0.1:5173/preview?token={token}"
    # Longest a single SQL statement of a serving process may run, in seconds; past it
    # the statement is stopped and the request answers QUERY_TOO_COMPLEX (0: no limit).
    statement_timeout_s: float = 5.0
    # On SIGTERM, how long requests in flight may take to finish before they are cancelled.
    shutdown_timeout_s: int = 10
    # production: anonymous callers get no introspection and no "Did you mean" suggestions.
    env: Mode = "development"
    limits: Limits = field(default_factory=Limits)
    webhooks: Webhooks = field(default_factory=Webhooks)

    def __post_init__(self) -> None:
        if self.env not in MODES:
            raise ValueError(f"CMS_ENV must be development or production, not {self.env!r}.")
        low, high = self.database_pool_min, self.database_pool_max
        if low is not None and high is not None and low > high:
            raise SettingsError(
                f"CMS_DATABASE_POOL_MIN ({low}) must not exceed CMS_DATABASE_POOL_MAX ({high})."
            )
        if self.database_replica_urls and self.database_url.startswith("sqlite"):
            raise SettingsError(
                "CMS_DATABASE_REPLICA_URLS needs a PostgreSQL CMS_DATABASE_URL (replicas "
                "stream from a PostgreSQL primary)."
            )

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
            report_rate=env.report_rate,
            reaction_rate=env.reaction_rate,
            vote_rate=env.vote_rate,
            reaction_kinds=env.reaction_kinds,
            comment_report_threshold=env.comment_report_threshold,
            comment_hold_links=env.comment_hold_links,
            comment_duplicate_window_s=env.comment_duplicate_window_s,
            comment_max_depth=env.comment_max_depth,
            comment_blocklist=env.comment_blocklist,
            hold_first_comment=not env.approve_first_comment,
            view_window_s=env.view_window_s,
            view_flush_interval_s=env.view_flush_interval_s,
            trending_window_days=env.trending_window_days,
            trending_refresh_interval_s=env.trending_refresh_interval_s,
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
            database_replica_urls=env.database_replica_urls,
            database_pool_min=env.database_pool_min,
            database_pool_max=env.database_pool_max,
            read_your_writes_s=env.read_your_writes_s,
            redis_url=env.redis_url,
            host=env.host,
            port=env.port,
            workers=env.workers,
            debug=env.debug,
            cors_origins=env.cors_origins,
            trusted_proxies=env.trusted_proxies,
            public_max_age_s=env.public_max_age,
            feed_max_age_s=env.feed_max_age,
            response_cache_ttl_s=env.response_cache_ttl,
            stale_while_revalidate_s=env.stale_while_revalidate_s,
            stale_if_error_s=env.stale_if_error_s,
            cdn_purge_url=env.cdn_purge_url,
            cdn_purge_token=env.cdn_purge_token,
            redis_prefix=env.redis_prefix,
            redis_max_connections=env.redis_max_connections,
            redis_pool_timeout_s=env.redis_pool_timeout_s,
            redis_timeout_s=env.redis_timeout_s,
            trusted_documents=env.trusted_documents,
            access_log=env.access_log,
            secret_key=env.secret_key,
            site_url=env.site_url,
            preview_url=env.preview_url,
            statement_timeout_s=env.statement_timeout_s,
            shutdown_timeout_s=env.shutdown_timeout_s,
            env=env.env,
            limits=limits,
            webhooks=Webhooks(
                enabled=env.webhook_delivery,
                timeout_s=env.webhook_timeout_s,
                retry_base_s=env.webhook_retry_base_s,
                retry_cap_s=env.webhook_retry_cap_s,
                max_attempts=env.webhook_max_attempts,
                poll_interval_s=env.webhook_poll_interval_s,
            ),
        )


def share_secret_key(settings: Settings) -> None:
    """Workers read their settings from the environment they inherit: without
    CMS_SECRET_KEY, give them one random key (client-address hashes, preview links and
    the primary pin must agree between workers)."""
    if not settings.secret_key:
        os.environ["CMS_SECRET_KEY"] = secrets.token_hex(32)
