"""Request bodies are read once, up to a size and within a time, before the app runs.

A body declared larger than the limit is refused without reading a byte of it; one
sent without a length (chunked) is counted while it arrives and refused as soon as it
passes the limit, so no request makes the process hold more than the limit. Both get
HTTP 413 in GraphQL's error shape and the connection is closed (the rest is unread).
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cms.http.media_types import JSON, negotiate
from cms.http.request_body import (
    BODY_DEADLINE_KEY,
    BODY_KEY,
    body_timeout_message,
    scope_header,
)
from cms.http.transport import Refusal


class _TooLarge(Exception):
    pass


def _size(limit: int) -> str:
    if limit >= 1024 * 1024 and limit % (1024 * 1024) == 0:
        return f"{limit:,} bytes ({limit // (1024 * 1024)} MiB)"
    return f"{limit:,} bytes"


class BodyLimitMiddleware:
    """Pure ASGI middleware: buffers each HTTP request's body within `max_bytes` and
    `timeout_s`, then hands it to the app in one message."""

    def __init__(self, app: ASGIApp, max_bytes: int, timeout_s: float) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout_s = timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = scope_header(scope, b"content-length")
        try:
            if declared and declared.strip().isdigit() and int(declared) > self.max_bytes:
                raise _TooLarge
            if scope.get(BODY_DEADLINE_KEY):  # the server keeps the deadline
                body = await self._read(receive)
            else:
                async with asyncio.timeout(self.timeout_s):
                    body = await self._read(receive)
        except _TooLarge:
            await self._refuse(scope, receive, send, self._too_large())
            return
        except TimeoutError:
            refusal = Refusal(body_timeout_message(self.timeout_s), 408)
            await self._refuse(scope, receive, send, refusal)
            return
        if body is None:
            return  # the client went away mid-body: nobody to answer
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app({**scope, BODY_KEY: body}, replay, send)

    async def _read(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _too_large(self) -> Refusal:
        return Refusal(
            f"The request body is larger than the limit of {_size(self.max_bytes)}: "
            "send a smaller request.",
            413,
        )

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, refusal: Refusal) -> None:
        media_type = negotiate(scope_header(scope, b"accept")) or JSON
        await refusal.response(media_type, close=True)(scope, receive, send)
