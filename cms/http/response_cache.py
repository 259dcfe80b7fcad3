"""A short-lived cache of anonymous GraphQL query answers, in front of execution.

A hot post page is asked for the same way by every reader; answering it from memory
for a second skips parsing, validation, resolvers and SQL. Entries live `ttl_s`
seconds; a content mutation through this process empties the cache at once (likes,
views and comments do not: they answer with the new counts themselves), and other
instances' writes show within `ttl_s`.
Only anonymous queries are cached (a token may see drafts), never errors; each entry
keeps the media type it was answered with, which is part of its key.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import Response

from cms.http.media_types import JSON
from cms.http.request_body import request_body

MAX_ENTRIES = 2048
MAX_BODY_BYTES = 512 * 1024


# Readers' own engagement: frequent, and answered with the new counts directly, so they
# leave cached pages alone (their counts catch up within the TTL).
ENGAGEMENT_MUTATIONS = frozenset({"likePost", "unlikePost", "recordView", "addComment"})


@dataclass(frozen=True)
class Operation:
    type: OperationType
    root_fields: frozenset[str]

    @property
    def changes_content(self) -> bool:
        return self.type is OperationType.MUTATION and not self.root_fields <= ENGAGEMENT_MUTATIONS


def operation_of(node: OperationDefinitionNode) -> Operation:
    fields = frozenset(
        field.name.value for field in node.selection_set.selections if isinstance(field, FieldNode)
    )
    return Operation(node.operation, fields)


@dataclass(frozen=True)
class _Entry:
    body: bytes
    media_type: str
    expires: float

    def response(self) -> Response:
        return Response(self.body, media_type=self.media_type)


class ResponseCache:
    """Answers by key for `ttl_s`; many requests missing one key together run it once."""

    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._running: dict[str, asyncio.Future[_Entry | None]] = {}

    async def answer(self, key: str, run: Callable[[], Awaitable[Any]]) -> Any:
        """The cached answer, or `run()`'s, shared by every request waiting on the key.

        Waiters get the leader's bytes when they are cacheable; otherwise (an error, a
        streamed or uncacheable answer) each runs its own request.
        """
        if (cached := self.get(key)) is not None:
            return cached
        running = self._running.get(key)
        if running is not None:
            shared = await asyncio.shield(running)
            return shared.response() if shared else await run()
        future: asyncio.Future[_Entry | None] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        entry: _Entry | None = None
        try:
            response = await run()
            if isinstance(response, Response):
                entry = self.put(key, response)
            return response
        finally:
            del self._running[key]
            future.set_result(entry)

    @staticmethod
    async def key(request: Request, media_type: str) -> str:
        """The request's method and bytes, and the media type it is answered with."""
        raw = request.url.query.encode() if request.method == "GET" else await request_body(request)
        head = f"{request.method}\0{media_type}\0".encode()
        return hashlib.sha256(head + raw).hexdigest()

    def get(self, key: str) -> Response | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires < time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return entry.response()

    def put(self, key: str, response: Response) -> _Entry | None:
        """Keep a successful answer; the entry, or None when it is not cacheable."""
        body = bytes(response.body)
        if response.status_code != 200 or len(body) > MAX_BODY_BYTES or b'"errors"' in body:
            return None
        entry = _Entry(body, response.media_type or JSON, time.monotonic() + self.ttl_s)
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > MAX_ENTRIES:
            self._entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        self._entries.clear()
