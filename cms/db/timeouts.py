"""Recognising a statement stopped by the serving process's statement time limit."""

from __future__ import annotations

import sqlite3

from tortoise.exceptions import OperationalError

POSTGRES_QUERY_CANCELED = "57014"


def is_statement_timeout(error: BaseException) -> bool:
    """Whether `error` is a statement the time limit stopped, on either database."""
    # PostgreSQL's query_canceled, which its statement_timeout raises.
    if getattr(error, "sqlstate", None) == POSTGRES_QUERY_CANCELED:
        return True
    if isinstance(error, OperationalError):
        cause = error.args[0] if error.args else None
        return isinstance(cause, sqlite3.OperationalError) and str(cause) == "interrupted"
    return False
