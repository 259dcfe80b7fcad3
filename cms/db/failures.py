"""Recognising database failures that are no fault of the request: a statement stopped
by the serving process's time limit, and a database that is not answering."""

from __future__ import annotations

import sqlite3

from tortoise.exceptions import OperationalError

POSTGRES_QUERY_CANCELED = "57014"
# Connection exceptions (class 08) and the server shutting down or starting (57P01-57P03).
_POSTGRES_UNAVAILABLE = ("08", "57P01", "57P02", "57P03")
# asyncpg's errors for a connection that broke or a pool that is closing.
_CLIENT_UNAVAILABLE = frozenset({"InterfaceError", "ConnectionDoesNotExistError"})


def is_statement_timeout(error: BaseException) -> bool:
    """Whether `error` is a statement the time limit stopped, on either database."""
    # PostgreSQL's query_canceled, which its statement_timeout raises.
    if getattr(error, "sqlstate", None) == POSTGRES_QUERY_CANCELED:
        return True
    if isinstance(error, OperationalError):
        cause = error.args[0] if error.args else None
        return isinstance(cause, sqlite3.OperationalError) and str(cause) == "interrupted"
    return False


def is_database_unavailable(error: BaseException) -> bool:
    """Whether `error` means the database cannot be reached right now (down, restarting,
    the network between): the same request may well succeed in a moment."""
    if isinstance(error, OSError):
        return True
    sqlstate = getattr(error, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith(_POSTGRES_UNAVAILABLE):
        return True
    return any(
        kind.__module__.startswith("asyncpg") and kind.__name__ in _CLIENT_UNAVAILABLE
        for kind in type(error).__mro__
    )
