"""Logging a database outage as a few lines, not a trace per request or per retry."""

from __future__ import annotations

import logging
import time

# At most one line per this many seconds while the database stays away.
REPORT_EVERY_S = 10.0


class OutageLog:
    """`failed(where, error)` logs the first failure, then one summary per period."""

    def __init__(self, logger: logging.Logger, every_s: float = REPORT_EVERY_S) -> None:
        self.logger = logger
        self.every_s = every_s
        self._last = float("-inf")
        self._quiet = 0

    def failed(self, where: str, error: BaseException) -> None:
        now = time.monotonic()
        if now - self._last < self.every_s:
            self._quiet += 1
            return
        more = f" ({self._quiet} more since the last report)" if self._quiet else ""
        self.logger.warning("database unavailable in %s: %s%s", where, type(error).__name__, more)
        self._last, self._quiet = now, 0


class _WithoutTrace(logging.Filter):
    """The pool's own retries, kept as one line: the cause's name, not its trace."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.msg = f"{record.getMessage()}: {type(record.exc_info[1]).__name__}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None  # a traceback some factory may have formatted already
        return True


def quiet_pool_retries() -> None:
    logger = logging.getLogger("asyncpg.pool")
    if not any(isinstance(f, _WithoutTrace) for f in logger.filters):
        logger.addFilter(_WithoutTrace())
