"""What the public engagement services share for the life of a process."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cms.settings import Limits

if TYPE_CHECKING:
    from cms.services.events import Broker
    from cms.services.rate_limits import RateLimits
    from cms.services.views import ViewBuffer


@dataclass(frozen=True)
class Engagement:
    """Rules, rate limits, the view buffer and the event broker (built by the runtime)."""

    limits: Limits
    rate_limits: RateLimits
    views: ViewBuffer
    events: Broker


def client_key(client_ip: str) -> str:
    """What is stored about a client: a hash of its address, never the address."""
    return hashlib.sha256(client_ip.encode()).hexdigest()
