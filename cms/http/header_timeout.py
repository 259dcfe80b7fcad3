"""A deadline for each request's headers, which uvicorn does not have.

Uvicorn's keep-alive timer runs only between requests and stops at the first byte
received, so a client that opens a connection and sends nothing, or sends a request's
headers a byte at a time and never finishes them, holds the connection (and a file
descriptor) forever. This protocol arms a timer when the connection is made and when a
request starts, and disarms it once that request's headers are complete; when it fires,
the connection is closed (with a 408 if part of a request had arrived).
"""

from __future__ import annotations

import asyncio

import orjson
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


def _timeout_response(seconds: float) -> bytes:
    body = orjson.dumps(
        {
            "errors": [
                {
                    "message": f"The request's headers did not arrive within {seconds:g} s.",
                    "extensions": {"code": "BAD_USER_INPUT"},
                }
            ]
        }
    )
    head = (
        "HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\nconnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


class HeaderTimeoutProtocol(HttpToolsProtocol):
    """Uvicorn's httptools protocol with a deadline of `header_timeout_s` for headers."""

    header_timeout_s: float = 10.0
    _header_timer: asyncio.TimerHandle | None = None
    _request_started = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._request_started = True
        if self._header_timer is None:
            self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._request_started = False
        self._disarm_header_timer()
        super().on_headers_complete()

    def _arm_header_timer(self) -> None:
        self._header_timer = self.loop.call_later(self.header_timeout_s, self._headers_late)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_late(self) -> None:
        self._header_timer = None
        if self.transport.is_closing():
            return
        if self._request_started:
            self.transport.write(_timeout_response(self.header_timeout_s))
        self.transport.close()


def header_timeout_protocol(seconds: float) -> type[HeaderTimeoutProtocol]:
    """The protocol class to give uvicorn (`http=`) for a deadline of `seconds`."""
    return type("HeaderTimeoutProtocol", (HeaderTimeoutProtocol,), {"header_timeout_s": seconds})
