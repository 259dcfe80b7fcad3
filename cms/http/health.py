"""Liveness and readiness probes."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from cms.db.lifecycle import pending_migrations, ping, replica_status
from cms.runtime import Runtime


async def healthz(request: Request) -> JSONResponse:
    """The process is up (liveness: nothing else is checked)."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Each dependency: the database answers and is fully migrated, Redis answers (when
    configured). 503 naming what is wrong, so a load balancer stops sending traffic.

    `{"status": "ok", "database": "ok", "migrations": "ok", "redis": "ok"}`, or e.g.
    `{"status": "unavailable", ..., "redis": "unreachable"}`; `pending` lists migrations
    the database lacks (run `cms migrate`). `redis` is absent without CMS_REDIS_URL.
    `replicas` (with CMS_DATABASE_REPLICA_URLS) reports each read replica but never makes
    the instance unready: while one is unreachable its reads go to the primary.
    """
    runtime: Runtime = request.app.state.runtime
    body: dict[str, object] = {}
    if await ping():
        body["database"] = "ok"
        pending = await pending_migrations()
        body["migrations"] = "pending" if pending else "ok"
        if pending:
            body["pending"] = pending
    else:
        body["database"] = "unreachable"
    redis = await runtime.redis_answers()
    if redis is not None:
        body["redis"] = "ok" if redis else "unreachable"
    ready = all(value == "ok" for key, value in body.items() if key != "pending")
    replicas = await replica_status()
    if replicas:
        body["replicas"] = replicas
    body = {"status": "ok" if ready else "unavailable", **body}
    return JSONResponse(body, status_code=200 if ready else 503)
