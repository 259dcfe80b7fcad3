"""Short reads on SQLite without the trip through aiosqlite's worker thread.

Tortoise runs every SQLite statement on one connection in one worker thread: each
statement is a queue hand-off, a thread wake-up, a switch of the interpreter lock and a
callback into the event loop, which costs more than the indexed lookups of a page
themselves (a post page is four statements of a few rows each). Hot read statements
(cms/services/read_statements.py) run instead on a second, read-only connection in the
calling thread, under a budget of a few milliseconds of SQLite's own work: a statement
that would take longer is interrupted at once and runs again on the worker thread,
under the ordinary statement time limit. So no read holds the event loop for longer
than the budget, whatever its parameters.

In WAL mode (Tortoise's default) a reader never waits for the writer and sees every
committed change; it never sees a transaction's uncommitted rows, so statements inside
a transaction keep to the transaction's connection (the caller's rule).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# At most this much of SQLite's work runs on the event loop's thread for one statement:
# CPU time of the thread, so that a busy machine descheduling it spends none of it.
BUDGET_S = 0.004
# How often (in virtual-machine instructions) SQLite asks whether the budget is spent.
STEPS = 500


class InlineReader:
    """A read-only connection to one database file, used from one thread (the event
    loop's); `rows` answers None where the worker thread must run the statement."""

    def __init__(self, filename: str, limit_s: float = 0) -> None:
        self.filename = filename
        # The statement time limit binds here too, when it is the smaller (a statement
        # past it runs again on the worker thread, which reports the limit).
        self.budget_s = min(BUDGET_S, limit_s) if limit_s > 0 else BUDGET_S
        self._connection: sqlite3.Connection | None = None
        self._started = 0.0
        self._unusable = filename == ":memory:" or filename.startswith("file:")

    def rows(self, sql: str, values: Sequence[Any]) -> list[Any] | None:
        connection = self._connection or self._open()
        if connection is None:
            return None
        self._started = time.thread_time()
        try:
            return connection.execute(sql, values).fetchall()
        except sqlite3.Error:
            # Interrupted past the budget, busy, or an error the worker thread's run
            # reports in Tortoise's own terms.
            return None

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def _overdue(self) -> int:
        return int(time.thread_time() - self._started > self.budget_s)

    def _open(self) -> sqlite3.Connection | None:
        if self._unusable:
            return None
        path = Path(self.filename)
        if not path.is_file():
            return None  # made by the writer's first statement; try again then
        try:
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                timeout=0,  # never wait for a lock on this thread: the worker waits instead
                isolation_level=None,
                check_same_thread=False,
            )
            journal = connection.execute("PRAGMA journal_mode").fetchone()[0]
        except sqlite3.Error:
            self._unusable = True
            return None
        if str(journal).lower() != "wal":
            # Without WAL a reader and the writer lock each other out.
            connection.close()
            self._unusable = True
            return None
        connection.execute("PRAGMA query_only = 1")
        connection.set_progress_handler(self._overdue, STEPS)
        self._connection = connection
        return connection
