"""Which connection a read goes to: a read replica for the requests the edge marks (an
anonymous query), the primary for everything else.

The HTTP layer decides per request (`replica_reads()`); ORM queries follow through
Tortoise's router (`ReadRouter`, named in the config when replicas are configured) and
hand-written statements through `read_connection()`. Writes, transactions and unmarked
work (editors, mutations, subscriptions, commands) always use the primary.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient, TransactionalDBClient
from tortoise.connection import connections, get_connection
from tortoise.exceptions import ConfigurationError

from cms.db.config import REPLICA_PREFIX

PRIMARY = "default"

# The replica this request's reads go to; None: the primary.
_replica: ContextVar[str | None] = ContextVar("cms_read_replica", default=None)
_turns = itertools.count()


def replica_names() -> list[str]:
    """The configured replicas' connection names (none without replicas)."""
    try:
        config = connections.db_config
    except ConfigurationError:  # not initialised (a process without a database yet)
        return []
    return [name for name in config if name.startswith(REPLICA_PREFIX)]


@contextmanager
def replica_reads(allowed: bool = True) -> Iterator[str | None]:
    """Within the block, reads go to one replica (taken in turn), when `allowed` and any
    are configured; one request reads from one replica, so it sees one point in time."""
    names = replica_names() if allowed else []
    name = names[next(_turns) % len(names)] if names else None
    token = _replica.set(name)
    try:
        yield name
    finally:
        _replica.reset(token)


def _read_name() -> str | None:
    name = _replica.get()
    if name is None or isinstance(get_connection(PRIMARY), TransactionalDBClient):
        # Inside a transaction every statement belongs to it, on the primary.
        return None
    return name


def read_connection() -> BaseDBAsyncClient:
    """The connection for a hand-written read: this request's replica, else the primary
    (a transaction's connection inside one)."""
    return get_connection(_read_name() or PRIMARY)


class ReadRouter:
    """Tortoise's router: reads of a marked request to its replica; None (the model's own
    connection, the primary) for the rest and for every write."""

    def db_for_read(self, model: type[Any]) -> str | None:
        return _read_name()

    def db_for_write(self, model: type[Any]) -> str | None:
        return None
