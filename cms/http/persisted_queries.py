"""Persisted queries over HTTP: Apollo's automatic persisted queries and trusted documents.

A client sends `extensions: {"persistedQuery": {"version": 1, "sha256Hash": "..."}}`
without `query`; the server answers from a document it already holds, or with
`PERSISTED_QUERY_NOT_FOUND`, and the client sends hash and query together once, which
the server keeps (bounded, in memory) after checking the hash. GET requests work the
same, so a CDN can cache them by URL. Documents registered with `cms documents
register` are always known, on every instance.

With `CMS_TRUSTED_DOCUMENTS=1` anonymous callers may run registered documents only (by
hash, or by sending the exact registered text); editors' requests (with a token) are
not restricted, so GraphiQL keeps working.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from contextvars import ContextVar
from typing import Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from cms.services import documents

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
MAX_DOCUMENTS = 4096

# The document text a hash-only request resolved to, for the rest of this request.
resolved_query: ContextVar[str | None] = ContextVar("resolved_query", default=None)


def _error(message: str, code: str, status: int) -> Response:
    body = {"errors": [{"message": message, "extensions": {"code": code}}]}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


class PersistedQueries:
    def __init__(self, trusted_only: bool) -> None:
        self.trusted_only = trusted_only
        self._texts: OrderedDict[str, str] = OrderedDict()
        # Registered documents found so far (a removed one stays until a restart).
        self._registered: dict[str, str] = {}

    def _keep(self, digest: str, text: str) -> None:
        self._texts[digest] = text
        self._texts.move_to_end(digest)
        while len(self._texts) > MAX_DOCUMENTS:
            self._texts.popitem(last=False)

    async def _known(self, digest: str, *, registered_only: bool) -> str | None:
        text = self._registered.get(digest)
        if text is None and not registered_only:
            text = self._texts.get(digest)
        if text is None:
            text = await documents.trusted_text(digest)
            if text is not None and len(self._registered) < MAX_DOCUMENTS:
                self._registered[digest] = text
        return text

    async def prepare(self, request: Request, payload: dict[str, Any]) -> Response | None:
        """A refusal to answer with, or None to go on (the document resolved if needed)."""
        query = payload.get("query")
        extensions = payload.get("extensions")
        persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
        restricted = self.trusted_only and "authorization" not in request.headers
        if persisted is None and query is None:
            return None  # GraphiQL's page, or a request the GraphQL view refuses
        if persisted is None:
            if restricted and not (
                isinstance(query, str)
                and await self._known(documents.document_hash(query), registered_only=True)
            ):
                return _error(
                    "This server runs registered documents only: register this one with "
                    "`cms documents register FILE`, or send its sha256Hash in "
                    "extensions.persistedQuery.",
                    NOT_FOUND,
                    400,
                )
            return None
        digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            return _error("Unsupported persisted query: send version 1.", "BAD_USER_INPUT", 400)
        if not isinstance(digest, str) or len(digest) != 64:
            return _error(
                "`sha256Hash` must be the 64 hex digits of the document's SHA-256.",
                "BAD_USER_INPUT",
                400,
            )
        digest = digest.lower()
        if isinstance(query, str):
            if hashlib.sha256(query.encode()).hexdigest() != digest:
                return _error("provided sha does not match query", "BAD_USER_INPUT", 400)
            if restricted and not await self._known(digest, registered_only=True):
                return _error("PersistedQueryNotFound", NOT_FOUND, 400)
            if len(query) <= documents.MAX_DOCUMENT_BYTES:
                self._keep(digest, query)
            return None
        text = await self._known(digest, registered_only=restricted)
        if text is None:
            # Apollo's protocol: 200, so the client retries with the whole document.
            return _error("PersistedQueryNotFound", NOT_FOUND, 200)
        resolved_query.set(text)
        return None
