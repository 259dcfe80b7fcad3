"""A short-lived cache of anonymous GraphQL query answers, in front of execution.

A hot post page is asked for the same way by every reader; answering it from memory
for a second skips parsing, validation, resolvers and SQL. Entries live `ttl_s`
seconds; any mutation through this process empties the cache at once, so a reader
of this instance sees its own writes, and other instances' writes within `ttl_s`.
Only anonymous queries are cached (a token may see drafts), never errors.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache

from graphql import GraphQLError, OperationType, get_operation_ast, parse
from starlette.requests import Request
from starlette.responses import Response

MAX_ENTRIES = 2048
MAX_BODY_BYTES = 512 * 1024


@lru_cache(maxsize=512)
def _operation_type(document: str, operation_name: str | None) -> OperationType | None:
    try:
        operation = get_operation_ast(parse(document), operation_name)
    except GraphQLError:
        return None
    return operation.operation if operation else None


async def operation_type(request: Request) -> OperationType | None:
    """Which kind of operation an HTTP GraphQL request asks for (None when unreadable)."""
    if request.method == "GET":
        document, name = (
            request.query_params.get("query"),
            request.query_params.get("operationName"),
        )
    elif request.headers.get("content-type", "").startswith("application/json"):
        try:
            payload = json.loads(await request.body())
        except ValueError:
            return None
        if not isinstance(payload, dict):
            return None
        document, name = payload.get("query"), payload.get("operationName")
    else:
        return None
    if not isinstance(document, str) or not (name is None or isinstance(name, str)):
        return None
    return _operation_type(document, name)


@dataclass(frozen=True)
class _Entry:
    body: bytes
    expires: float


class ResponseCache:
    def __init__(self, ttl_s: float) -> None:
        self.ttl_s = ttl_s
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    @staticmethod
    async def key(request: Request) -> str:
        raw = request.url.query.encode() if request.method == "GET" else await request.body()
        return hashlib.sha256(request.method.encode() + b"\0" + raw).hexdigest()

    def get(self, key: str) -> Response | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires < time.monotonic():
            del self._entries[key]
            return None
        self._entries.move_to_end(key)
        return Response(entry.body, media_type="application/json")

    def put(self, key: str, response: Response) -> None:
        body = bytes(response.body)
        if response.status_code != 200 or len(body) > MAX_BODY_BYTES or b'"errors"' in body:
            return
        self._entries[key] = _Entry(body, time.monotonic() + self.ttl_s)
        self._entries.move_to_end(key)
        while len(self._entries) > MAX_ENTRIES:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
