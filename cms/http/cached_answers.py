"""Answers from the response cache before routing.

A reader's request that the response cache holds a fresh answer for is answered here,
just inside the body limit: without the router, Strawberry's request and response
objects or a Response of its own, so a page from memory costs the server little more
than writing its bytes. The headers and the key are the endpoint's own
(`cms.http.caching.encoded_answer`, `cms.http.response_cache.answer_key`), so the answer
is byte for byte the one `/graphql` gives; anything else (a token, a pinned client, an
Accept header naming neither media type, a revalidation that may get a 304, a miss) goes
on to the endpoint unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from cms.http.caching import encoded_answer
from cms.http.media_types import negotiate
from cms.http.request_body import BODY_KEY
from cms.http.response_cache import answer_key

if TYPE_CHECKING:
    from cms.http.graphql import GraphQLEndpoint

_READS = frozenset({"GET", "POST"})


class CachedAnswers:
    """Pure ASGI middleware: fresh cached answers of `endpoint` at `path`."""

    def __init__(self, app: ASGIApp, endpoint: GraphQLEndpoint, path: str = "/graphql") -> None:
        self.app = app
        self.endpoint = endpoint
        self.path = path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != self.path
            or not await self._answered(scope, send)
        ):
            await self.app(scope, receive, send)

    async def _answered(self, scope: Scope, send: Send) -> bool:
        """Whether the request was answered from the cache."""
        endpoint = self.endpoint
        cache = endpoint.cache
        method = scope["method"]
        if cache is None or method not in _READS:
            return False
        accept = cookie = None
        for name, value in scope["headers"]:
            if name == b"accept":
                accept = value
            elif name == b"authorization" or name == b"if-none-match":
                return False  # an editor's request, or one that may be answered 304
            elif name == b"cookie":
                cookie = value
        if cookie is not None and endpoint.pin is not None and endpoint.pin.pinned(Request(scope)):
            return False
        media_type = negotiate(None if accept is None else accept.decode("latin-1"))
        raw = scope["query_string"] if method == "GET" else scope.get(BODY_KEY)
        if media_type is None or not isinstance(raw, bytes):
            return False
        entry = cache.fresh(answer_key(method, media_type, raw))
        if entry is None:
            return False
        headers, _ = encoded_answer(entry, method == "GET", endpoint.freshness)
        # A copy: middleware outside may add headers to the list it is sent.
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        await send({"type": "http.response.body", "body": entry.body})
        return True
