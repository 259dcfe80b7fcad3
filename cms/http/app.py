"""`create_app(settings)`: the Starlette application."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles

from cms.api.schema import build_schema
from cms.db.config import Pool
from cms.db.lifecycle import close_database, open_database
from cms.db.statements import enable_statement_counting
from cms.http.body_limit import BodyLimitMiddleware
from cms.http.cached_answers import CachedAnswers
from cms.http.client_address import trusted_networks
from cms.http.feeds import feed, sitemap
from cms.http.graphiql import STATIC_DIR, STATIC_PATH
from cms.http.graphql import GraphQLEndpoint
from cms.http.health import healthz, readyz
from cms.http.home import home
from cms.http.metrics import Metrics, MetricsMiddleware
from cms.logs import cap_logged_values
from cms.runtime import Runtime
from cms.settings import Settings


def create_app(settings: Settings) -> Starlette:
    """The ASGI app; its lifespan opens the database and the runtime, and closes them."""
    trusted_networks(settings.trusted_proxies)  # a bad entry fails here, not per request
    cap_logged_values()
    runtime = Runtime(settings)
    if settings.debug:
        enable_statement_counting()
    schema = build_schema(settings.limits, count_sql=settings.debug)
    graphql = GraphQLEndpoint(schema, runtime)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await open_database(
            settings.database_url,
            settings.statement_timeout_s,
            replica_urls=settings.database_replica_urls,
            pool=Pool(settings.database_pool_min, settings.database_pool_max),
        )
        try:
            await runtime.start()
            try:
                yield
            finally:
                await runtime.stop()
        finally:
            await close_database()

    metrics = Metrics()
    routes = [
        Route("/", home),
        Route("/graphql", graphql, methods=["GET", "POST"]),
        WebSocketRoute("/graphql", graphql),
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        Route("/metrics", metrics.endpoint),
        Route("/feed.xml", feed, name="feed"),
        Route("/sitemap.xml", sitemap, name="sitemap"),
        Mount(STATIC_PATH, StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    middleware = [
        Middleware(
            MetricsMiddleware,
            metrics=metrics,
            routes=frozenset(r.path for r in routes if isinstance(r, Route)),
        ),
        Middleware(
            BodyLimitMiddleware,
            max_bytes=settings.limits.max_body_bytes,
            timeout_s=settings.limits.body_timeout_s,
        ),
    ]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    # Innermost, so answers from memory still pass the limits, metrics and CORS.
    middleware.append(Middleware(CachedAnswers, endpoint=graphql))
    app = Starlette(
        debug=False,
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
    )
    app.state.runtime = runtime
    app.state.schema = schema
    return app
