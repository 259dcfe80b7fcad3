"""HTTP caching of anonymous GraphQL reads: Cache-Control, ETag and surrogate keys, so a
CDN or a browser can serve repeated GET queries, revalidate them cheaply, keep serving
while it refreshes or while the app fails, and purge them by what they contain."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from cms.http.media_types import GRAPHQL_MEDIA_TYPES
from cms.http.response_cache import SURROGATE_KEY, Entry

_PRIVATE = "no-store"
# Requests standing for every request answered alike: a GET without and a POST.
_SHAREABLE = Request({"type": "http", "method": "GET", "headers": []})
_NOT_SHAREABLE = Request({"type": "http", "method": "POST", "headers": []})
CACHE_TAG = "cache-tag"


@dataclass(frozen=True)
class Freshness:
    """How long shared and private caches may reuse an answer, in seconds: fresh for
    `max_age_s`, then served stale while revalidating for `stale_s` and in place of an
    error for `error_s`."""

    max_age_s: int
    stale_s: int = 0
    error_s: int = 0

    def cache_control(self) -> str:
        directives = [f"public, max-age={self.max_age_s}"]
        if self.stale_s:
            directives.append(f"stale-while-revalidate={self.stale_s}")
        if self.error_s:
            directives.append(f"stale-if-error={self.error_s}")
        return ", ".join(directives)


NOT_CACHED = Freshness(0)


def tag_headers(keys: Iterable[str]) -> dict[str, str]:
    """`Surrogate-Key` (space-separated: Fastly, Varnish) and `Cache-Tag` (comma-separated:
    Cloudflare, Akamai, BunnyCDN) naming `keys`."""
    names = sorted(set(keys))
    return {SURROGATE_KEY: " ".join(names), CACHE_TAG: ",".join(names)} if names else {}


def _cacheable(request: Request, response: Response) -> bool:
    return (
        request.method == "GET"
        and "authorization" not in request.headers
        and response.status_code == 200
        and response.media_type in GRAPHQL_MEDIA_TYPES
        and b'"errors"' not in response.body
        and "no-store" not in response.headers.get("cache-control", "")
    )


def with_cache_headers(request: Request, response: Response, freshness: Freshness) -> Response:
    """Public, revalidatable caching for anonymous GET answers, tagged with their keys;
    no-store (and no keys) for the rest."""
    if response.media_type not in GRAPHQL_MEDIA_TYPES:
        return response
    keys = response.headers.get(SURROGATE_KEY, "").split()
    if not _cacheable(request, response) or freshness.max_age_s <= 0:
        response.headers["Cache-Control"] = _PRIVATE
        if SURROGATE_KEY in response.headers:
            del response.headers[SURROGATE_KEY]
        return response
    etag = f'W/"{hashlib.sha256(response.body).hexdigest()[:32]}"'
    headers = {
        "ETag": etag,
        "Cache-Control": freshness.cache_control(),
        "Vary": "Authorization, Accept",
        **tag_headers(keys),
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response


class _Encoded(Response):
    """A 200 answer whose headers were encoded before: Starlette's Response encodes them
    again for every request."""

    def __init__(self, body: bytes, media_type: str, raw_headers: list[tuple[bytes, bytes]]):
        self.status_code = 200
        self.body = body
        self.media_type = media_type
        self.background = None
        self.raw_headers = raw_headers


RawHeaders = list[tuple[bytes, bytes]]


def encoded_answer(
    entry: Entry, shareable: bool, freshness: Freshness
) -> tuple[RawHeaders, str | None]:
    """The headers (encoded) and ETag of `entry`'s answer to a shareable request (an
    anonymous GET) or to another, built once per entry for each way of answering."""
    variant = (shareable, freshness)
    encoded: tuple[RawHeaders, str | None] | None = entry.answers.get(variant)
    if encoded is None:
        answer = with_cache_headers(
            _SHAREABLE if shareable else _NOT_SHAREABLE, entry.response(), freshness
        )
        encoded = entry.answers[variant] = (answer.raw_headers, answer.headers.get("etag"))
    return encoded


def cached_answer(request: Request, entry: Entry, freshness: Freshness) -> Response:
    """`with_cache_headers(request, entry.response(), freshness)`, its headers (and ETag)
    built once per entry for each way of answering."""
    shareable = request.method == "GET" and "authorization" not in request.headers
    raw_headers, etag = encoded_answer(entry, shareable, freshness)
    if etag is not None and etag in request.headers.get("if-none-match", ""):
        return with_cache_headers(request, entry.response(), freshness)
    return _Encoded(entry.body, entry.media_type, list(raw_headers))
