"""Deadlines for each request's headers and body, which uvicorn does not have.

Uvicorn's keep-alive timer runs only between requests and stops at the first byte
received, so a client that opens a connection and sends nothing, or sends a request's
headers a byte at a time and never finishes them, holds the connection (and a file
descriptor) forever. This protocol arms a timer when the connection is made and when a
request's headers are still incomplete at the end of the data received, and disarms it
once they are complete; when it fires, the connection is closed (with a 408 if part of a
request had arrived).

A body still arriving once its headers are parsed gets a timer of its own, disarmed
when the body is complete; when it fires the client gets the 408 the body limit
middleware would give, and the connection is closed. A request whose body came with its
headers (nearly all) arms no timer, and the scope tells the middleware the deadline is
kept here, so it reads the body without a timeout of its own (`asyncio.timeout` was a
tenth of answering from the response cache).
"""

from __future__ import annotations

import asyncio

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from cms.http.media_types import JSON, negotiate
from cms.http.request_body import BODY_DEADLINE_KEY, body_timeout_message, scope_header


def _timeout_response(message: str, media_type: str = JSON) -> bytes:
    body = orjson.dumps(
        {"errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT"}}]}
    )
    head = (
        f"HTTP/1.1 408 Request Timeout\r\ncontent-type: {media_type}\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("latin-1") + body


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """Uvicorn's httptools protocol with a deadline of `header_timeout_s` for headers."""

    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    _header_timer: asyncio.TimerHandle | None = None
    _body_timer: asyncio.TimerHandle | None = None
    _request_started = False
    _body_pending = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        self._disarm_body_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        # Timers only for what this data left unfinished: most requests arrive whole.
        if self.transport.is_closing():
            return
        if self._request_started and self._header_timer is None:
            self._arm_header_timer()
        if self._body_pending and self._body_timer is None:
            self._body_timer = self.loop.call_later(self.body_timeout_s, self._body_late)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._request_started = True

    def on_headers_complete(self) -> None:
        self._request_started = False
        self._disarm_header_timer()
        if not (self.parser.should_upgrade() and self._should_upgrade()):  # not a WebSocket
            self.scope[BODY_DEADLINE_KEY] = True  # type: ignore[literal-required]
            self._body_pending = True
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._body_pending = False
        self._disarm_body_timer()
        super().on_message_complete()

    def _arm_header_timer(self) -> None:
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_late)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _disarm_body_timer(self) -> None:
        if self._body_timer is not None:
            self._body_timer.cancel()
            self._body_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        if self._request_started:
            message = f"The request's headers did not arrive within {self.header_timeout_s:g} s."
            self.transport.write(_timeout_response(message))
        self.transport.close()

    def _body_late(self) -> None:
        self._body_timer = None
        if self.transport.is_closing() or not self._body_pending:
            return
        media_type = negotiate(scope_header(self.scope, b"accept")) or JSON
        message = body_timeout_message(self.body_timeout_s)
        self.transport.write(_timeout_response(message, media_type))
        self.transport.close()


def header_timeout_protocol(seconds: float, body_seconds: float) -> type[HeaderTimeoutProtocol]:
    """The protocol class to give uvicorn (`http=`) for deadlines of `seconds` (headers)
    and `body_seconds` (a body still arriving)."""
    deadlines = {"header_timeout_s": seconds, "body_timeout_s": body_seconds}
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), deadlines)
