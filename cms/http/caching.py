"""HTTP caching of anonymous GraphQL reads: Cache-Control and ETag, so a CDN or a
browser can serve repeated GET queries and revalidate them cheaply."""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response

from cms.http.media_types import GRAPHQL_MEDIA_TYPES

_PRIVATE = "no-store"


def _cacheable(request: Request, response: Response) -> bool:
    return (
        request.method == "GET"
        and "authorization" not in request.headers
        and response.status_code == 200
        and response.media_type in GRAPHQL_MEDIA_TYPES
        and b'"errors"' not in response.body
    )


def with_cache_headers(request: Request, response: Response, max_age_s: int) -> Response:
    """Public, revalidatable caching for anonymous GET answers; no-store for the rest."""
    if response.media_type not in GRAPHQL_MEDIA_TYPES:
        return response
    if not _cacheable(request, response):
        response.headers["Cache-Control"] = _PRIVATE
        return response
    etag = f'W/"{hashlib.sha256(response.body).hexdigest()[:32]}"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={max_age_s}, stale-while-revalidate={max_age_s * 3}",
        "Vary": "Authorization, Accept",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response
