"""What the public engagement services share for the life of a process."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cms.errors import InvalidInput
from cms.services import validation
from cms.settings import Limits

if TYPE_CHECKING:
    from cms.services.events import Broker
    from cms.services.rate_limits import RateLimits
    from cms.services.views import ViewBuffer


MAX_VISITOR_ID = 128


@dataclass(frozen=True)
class Engagement:
    """Rules, rate limits, the view buffer and the event broker (built by the runtime)."""

    limits: Limits
    rate_limits: RateLimits
    views: ViewBuffer
    events: Broker
    # Keys the client hashes, so a stored hash cannot be turned back into an address.
    secret: bytes = b""

    def client_key(self, client_ip: str) -> str:
        """What is stored about a client: a keyed hash of its address, never the address."""
        return hmac.new(self.secret, client_ip.encode(), hashlib.sha256).hexdigest()


def clean_visitor_id(visitor_id: str) -> str:
    """The visitor id trimmed; BAD_USER_INPUT when empty or too long."""
    cleaned = visitor_id.strip()
    if validation.NUL in cleaned:
        raise validation.nul_refused("visitorId")
    if not cleaned or len(cleaned) > MAX_VISITOR_ID:
        raise InvalidInput(
            f"`visitorId` must be 1–{MAX_VISITOR_ID} characters: generate one random id per "
            "browser (for example a UUID kept in localStorage) and send it every time.",
            field="visitorId",
        )
    return cleaned
