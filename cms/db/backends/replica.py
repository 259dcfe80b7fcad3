"""A PostgreSQL read replica (a hot standby streaming from the primary): Tortoise's
asyncpg client for reads, which reads from the primary instead while the replica cannot
be reached, and tries the replica again a second later.

Going away is logged once (a warning naming the replica and the cause), coming back once
(info); the requests in between are answered by the primary, never failed. A replica that
is only behind is not detected here: clients that must read their own writes are sent to
the primary by the edge (see `cms/http/read_your_writes.py`).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import asyncpg  # type: ignore[import-untyped]
from tortoise.backends.asyncpg.client import AsyncpgDBClient
from tortoise.connection import get_connection
from tortoise.exceptions import DBConnectionError

log = logging.getLogger("cms.db.replica")

# Seconds between attempts at a replica that could not be reached.
RETRY_AFTER_S = 1.0

# The replica cannot be reached or is shutting down or starting (the statement never ran).
UNREACHABLE: tuple[type[BaseException], ...] = (
    OSError,  # refused, reset, unreachable; TimeoutError opening a connection
    asyncpg.PostgresConnectionError,
    asyncpg.InterfaceError,  # a pooled connection the server closed
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    DBConnectionError,
)
# A standby cancels a read that conflicts with replaying the primary's changes (40001):
# the primary answers it instead, and the replica stays in use.
RECOVERY_CONFLICT = (asyncpg.exceptions.SerializationError,)


class ReplicaClient(AsyncpgDBClient):
    """Reads on the replica; the primary (`default`) while the replica is away."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._away_since: float | None = None
        self._retry_at = 0.0

    @property
    def away(self) -> bool:
        """Whether the last attempt found the replica unreachable."""
        return self._away_since is not None

    async def answers(self) -> bool:
        """Whether the replica itself answers a trivial query now (no fallback)."""
        try:
            await AsyncpgDBClient.execute_query(self, "SELECT 1")
        except (*UNREACHABLE, *RECOVERY_CONFLICT):
            return False
        return True

    async def execute_query(
        self, query: str, values: list[Any] | None = None
    ) -> tuple[int, list[dict[Any, Any]]]:
        result: tuple[int, list[dict[Any, Any]]] = await self._read("execute_query", query, values)
        return result

    async def execute_query_dict(
        self, query: str, values: list[Any] | None = None
    ) -> list[dict[Any, Any]]:
        result: list[dict[Any, Any]] = await self._read("execute_query_dict", query, values)
        return result

    async def _read(self, method: str, query: str, values: list[Any] | None) -> Any:
        primary = getattr(get_connection("default"), method)
        if self._skip():
            return await primary(query, values)
        try:
            result = await getattr(AsyncpgDBClient, method)(self, query, values)
        except UNREACHABLE as error:
            self._went_away(error)
            return await primary(query, values)
        except RECOVERY_CONFLICT:
            return await primary(query, values)
        self._answered()
        return result

    def _skip(self) -> bool:
        return self._away_since is not None and time.monotonic() < self._retry_at

    def _went_away(self, error: BaseException) -> None:
        now = time.monotonic()
        self._retry_at = now + RETRY_AFTER_S
        if self._away_since is None:
            self._away_since = now
            log.warning(
                "read replica %s unavailable (%s): reading from the primary until it answers",
                self.connection_name,
                type(error).__name__,
            )

    def _answered(self) -> None:
        if self._away_since is not None:
            log.info(
                "read replica %s answers again after %.0f s",
                self.connection_name,
                time.monotonic() - self._away_since,
            )
            self._away_since = None


client_class = ReplicaClient
