"""The request body as `BodyLimitMiddleware` read it, handed on in the ASGI scope."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

# Where the body read here is kept for the app, so reading it again costs nothing.
BODY_KEY = "cms.body"
# Set by `cms serve`'s protocol, which keeps the body deadline itself
# (`cms.http.header_timeout`).
BODY_DEADLINE_KEY = "cms.body_deadline"


def scope_header(scope: Any, name: bytes) -> str | None:
    """The first value of header `name` (lower case) in an ASGI scope."""
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def body_timeout_message(seconds: float) -> str:
    return f"The request body did not arrive within {seconds:g} s: send it at once."


async def request_body(request: Request) -> bytes:
    """The request's body: as the middleware read it, or read now (apps without it)."""
    body = request.scope.get(BODY_KEY)
    return body if isinstance(body, bytes) else await request.body()
