"""Bounds on WebSockets: how many a process and each client address keep open, and how
many operations one connection runs at once.

A connection over a limit is accepted and closed at once with 1013 (Try Again Later,
RFC 6455's registry) and a reason naming the limit: graphql-ws clients retry on it,
while the protocol's own 4xxx codes (4429 is a second `connection_init`) make them
give up. An operation over the per-connection limit gets the protocol's `error`
message with `extensions.code`, and the connection stays open.
"""

from __future__ import annotations

from collections import Counter

from graphql import GraphQLError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage

from cms.api.context import Context

TRY_AGAIN_LATER = 1013


class WebSocketSlots:
    """Open WebSockets, counted in all and per client address."""

    def __init__(self, max_total: int, max_per_client: int) -> None:
        self.max_total = max_total
        self.max_per_client = max_per_client
        self._total = 0
        self._by_client: Counter[str] = Counter()

    def acquire(self, client: str) -> str | None:
        """Take a slot for `client`; None when taken, else why not (a close reason)."""
        if self._total >= self.max_total:
            return (
                f"This server has {self.max_total:,} WebSockets open, its limit: try again later."
            )
        if self._by_client[client] >= self.max_per_client:
            return (
                f"Your address has {self.max_per_client:,} WebSockets open, the limit: "
                "close one first."
            )
        self._total += 1
        self._by_client[client] += 1
        return None

    def release(self, client: str) -> None:
        self._total -= 1
        self._by_client[client] -= 1
        if self._by_client[client] <= 0:
            del self._by_client[client]


class LimitedTransportWSHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws whose per-connection operation limit answers with a code."""

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        limit = self.max_subscriptions_per_connection
        if (
            limit is not None
            and self.connection_acknowledged
            and message["id"] not in self.operations
            and len(self.operations) >= limit
        ):
            error = GraphQLError(
                f"This connection already runs {limit:,} operations, the limit: complete "
                "one, or open another connection, first.",
                extensions={"code": "RATE_LIMITED"},
            )
            await self.send_message(
                {"id": message["id"], "type": "error", "payload": [error.formatted]}
            )
            return
        await super().handle_subscribe(message)
