"""Counting the SQL statements a piece of work runs (debug responses and tests)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

_current: ContextVar[StatementCounter | None] = ContextVar("statement_counter", default=None)
_LOGGER = "tortoise.db_client"


@dataclass
class StatementCounter:
    count: int = 0


class _CountingFilter(logging.Filter):
    """Counts every statement Tortoise logs; the record itself is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        counter = _current.get()
        # Statements are logged as ("%s: %s", sql, values) or as the bare SQL text.
        if counter is not None and (record.msg == "%s: %s" or not record.args):
            counter.count += 1
        return False


_filter = _CountingFilter()


def enable_statement_counting() -> None:
    """Turn on Tortoise's statement logging, counted and never printed (costs a little)."""
    logger = logging.getLogger(_LOGGER)
    if _filter not in logger.filters:
        logger.addFilter(_filter)
    logger.setLevel(logging.DEBUG)


@contextmanager
def count_statements() -> Iterator[StatementCounter]:
    """Count statements run in this context, including tasks it starts (DataLoaders)."""
    counter = StatementCounter()
    token = _current.set(counter)
    try:
        yield counter
    finally:
        _current.reset(token)
