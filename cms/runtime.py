"""Long-lived parts of a running process, built once from settings and shared by requests."""

from __future__ import annotations

from dataclasses import dataclass, field

from cms.services.tokens import UsageClock
from cms.settings import Settings


@dataclass
class Runtime:
    """What lives for the life of the app: settings and shared engagement machinery."""

    settings: Settings
    # When each API token's last use was last written, so it is written once a minute.
    token_usage: UsageClock = field(default_factory=UsageClock)

    async def start(self) -> None:
        """Start background work; called by the app's lifespan after the database opens."""

    async def stop(self) -> None:
        """Stop background work and flush what is buffered; called before the database closes."""
