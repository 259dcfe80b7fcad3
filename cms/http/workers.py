"""The app of each `cms serve --workers N` process.

Uvicorn starts workers as fresh processes from an import path, so each builds its own
app (database pool, Redis pool, view buffer, response cache, background tasks) from the
environment it inherits, and runs its own lifespan: on SIGTERM the parent stops every
worker, and each drains its requests and flushes its buffered views before it exits.
"""

from __future__ import annotations

import gc

from starlette.applications import Starlette

from cms.http.app import create_app
from cms.http.header_timeout import HeaderTimeoutProtocol
from cms.settings import Settings

# Allocations between young collections (Python's default: 700).
GC_THRESHOLD = 10_000


def settle_memory() -> None:
    """What start-up built lives as long as the server: keep it out of every collection,
    and collect young objects less often (each request makes many)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])


def worker_app() -> Starlette:
    """One worker's app (uvicorn's `factory=True`), configured like the parent."""
    settings = Settings.from_env()
    # Uvicorn loads the protocol class by name in each worker: give it these deadlines.
    HeaderTimeoutProtocol.header_timeout_s = settings.limits.header_timeout_s
    HeaderTimeoutProtocol.body_timeout_s = settings.limits.body_timeout_s
    application = create_app(settings)
    settle_memory()
    return application
