"""SQLite with a statement time limit: a progress handler interrupts any statement that
runs longer than the limit, so one request cannot hold the only connection."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

from tortoise.backends.base.client import TransactionalDBClient
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections
from tortoise.exceptions import OperationalError
from tortoise.migrations.schema_editor.sqlite import SqliteSchemaEditor

from cms.db.backends.inline_reads import InlineReader

# SQLite calls the progress handler every this many virtual-machine instructions
# (about a tenth of a millisecond of work): often enough to stop on time, rarely
# enough to cost nothing measurable.
PROGRESS_STEPS = 10_000


class _Deadline:
    """When the statement running on one connection started; both callbacks run in the
    connection's own thread, one statement at a time."""

    def __init__(self, limit_s: float) -> None:
        self.limit_s = limit_s
        self.started = time.monotonic()

    def statement_started(self, _sql: str) -> None:
        self.started = time.monotonic()

    def overdue(self) -> int:
        return int(time.monotonic() - self.started > self.limit_s)


class _TransactionContext(SqliteTransactionContext):
    """Tortoise's, except that a transaction cancelled while it begins (a task stopped at
    shutdown, a timeout) gives the connection's lock back: Tortoise's leaves it held, and
    every later write and `close_database` then waits forever."""

    async def __aenter__(self) -> TransactionalDBClient:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                # A BEGIN still running after a cancellation is ended by the next
                # transaction's begin(), which commits before it begins.
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        client: TransactionalDBClient = self.connection
        return client


class TimedSqliteClient(SqliteClient):
    """Tortoise's SQLite client; `statement_timeout` (seconds, 0 for none) bounds every
    statement, which then fails with `sqlite3.OperationalError("interrupted")`."""

    def __init__(self, file_path: str, statement_timeout: float = 0, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        self.pragmas.pop("statement_timeout", None)
        self.statement_timeout = float(statement_timeout)
        self._inline = InlineReader(file_path, self.statement_timeout)

    def _in_transaction(self) -> SqliteTransactionContext:
        return _TransactionContext(SqliteTransactionWrapper(self), self._lock)

    async def create_connection(self, with_db: bool) -> None:
        fresh = self._connection is None
        folder = Path(self.filename).parent
        if fresh and self.filename != ":memory:" and not folder.is_dir():
            # aiosqlite's thread would outlive the failed connection and hold the exit.
            raise OperationalError(f"no folder {folder} for the SQLite database")
        await super().create_connection(with_db)
        if fresh and self._connection is not None and self.statement_timeout > 0:
            deadline = _Deadline(self.statement_timeout)
            await self._connection.set_trace_callback(deadline.statement_started)
            await self._connection.set_progress_handler(deadline.overdue, PROGRESS_STEPS)

    async def close(self) -> None:
        self._inline.close()
        await super().close()

    def read_inline(self, sql: str, values: list[Any]) -> list[Any] | None:
        """The rows of a read-only statement run in this thread under a small budget,
        or None where it must go through the connection (see inline_reads)."""
        if self._connection is None:
            return None  # the writer's connection makes the file and sets WAL first
        rows = self._inline.rows(sql, values)
        if rows is not None:
            self.log.debug("%s: %s", sql, values)  # counted like every other statement
        return rows

    @property
    def is_open(self) -> bool:
        """Whether a connection was made (a failed one leaves Tortoise's lock taken)."""
        return self._connection is not None

    def interrupt(self) -> None:
        """Stop whatever statement is running now (safe from any thread)."""
        if self._connection is not None:
            raw: sqlite3.Connection = self._connection._conn
            raw.interrupt()


client_class = TimedSqliteClient


def _keep_indexes_when_remaking_tables() -> None:
    """Tortoise changes a SQLite table (dropping or altering a column) by copying it to a
    new one, which loses the table's indexes and triggers: they are made again afterwards
    (all but those on a dropped column), so that migrating down and up again holds."""
    original = SqliteSchemaEditor._remake_table
    if getattr(original, "keeps_indexes", False):
        return

    async def remake(
        self: SqliteSchemaEditor,
        model: Any,
        create_field: Any = None,
        delete_field: Any = None,
        alter_fields: Any = None,
    ) -> None:
        table = model._meta.db_table
        _, rows = await self.client.execute_query(
            "SELECT name, sql FROM sqlite_master WHERE tbl_name = ? "
            "AND type IN ('index', 'trigger') AND sql IS NOT NULL",
            [table],
        )
        saved = [(str(row["name"]), str(row["sql"])) for row in rows]
        await original(self, model, create_field, delete_field, alter_fields)
        dropped = None
        if delete_field is not None:
            dropped = getattr(delete_field, "source_field", None) or delete_field.model_field_name
        for name, sql in saved:
            if dropped is not None and re.search(rf'\b"?{re.escape(dropped)}"?\b', sql):
                continue
            _, exists = await self.client.execute_query(
                "SELECT 1 FROM sqlite_master WHERE name = ?", [name]
            )
            if not exists:
                await self.client.execute_script(sql)  # a trigger holds `;` in its body

    remake.keeps_indexes = True  # type: ignore[attr-defined]
    SqliteSchemaEditor._remake_table = remake  # type: ignore[method-assign]


_keep_indexes_when_remaking_tables()
