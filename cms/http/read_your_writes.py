"""Read-your-writes with read replicas: after a mutation the response sets a signed
cookie, and for `seconds` afterwards that client's queries read from the primary (and
skip the response cache), however far behind a replica is.

The cookie holds the time until which the client is pinned and an HMAC of it under the
process's secret (CMS_SECRET_KEY, shared by every instance), so a client can neither
forge a pin nor keep one past its time; it is no credential and carries nothing else.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

COOKIE = "cms_primary_until"
# Mutations after which a client is not pinned: a view is counted in a buffer and written
# seconds later anyway, and every page view records one, so pinning on it would send
# every reader to the primary.
UNPINNED_MUTATIONS = frozenset({"recordView"})
_SIGNATURE_CHARS = 32


class PrimaryPin:
    """Issues and checks the pin; `clock` is wall time (pins travel between instances)."""

    def __init__(
        self, secret: bytes, seconds: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.secret = secret
        self.seconds = seconds
        self.clock = clock

    def _sign(self, until: str) -> str:
        digest = hmac.new(self.secret, until.encode(), hashlib.sha256).hexdigest()
        return digest[:_SIGNATURE_CHARS]

    def pinned(self, request: Request) -> bool:
        """Whether the request carries a valid pin that has not run out."""
        value = request.cookies.get(COOKIE)
        if not value or len(value) > 64:
            return False
        until, _, signature = value.partition(".")
        if not hmac.compare_digest(signature, self._sign(until)):
            return False
        try:
            return float(until) > self.clock()
        except ValueError:
            return False

    @staticmethod
    def pins(root_fields: frozenset[str]) -> bool:
        """Whether a mutation of these root fields pins its client."""
        return not root_fields <= UNPINNED_MUTATIONS

    def pin(self, response: Response) -> None:
        """Pin the client that gets `response` to the primary for `seconds` from now."""
        until = str(math.ceil(self.clock() + self.seconds))
        response.set_cookie(
            COOKIE,
            f"{until}.{self._sign(until)}",
            max_age=math.ceil(self.seconds),
            path="/graphql",
            httponly=True,
            samesite="lax",
        )
