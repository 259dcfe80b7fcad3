"""Hot read statements: written by hand, built once per dialect, rows as tuples.

Every public page runs these, so they skip the ORM's query building and model
instances (about 100 µs a statement and 9 µs a datetime, measured) and name the index
each one is made for: SQLite takes `INDEXED BY` (an unusable index is an error, not a
slow plan), and the plan tests in tests/services/test_query_plans.py check PostgreSQL
and SQLite with and without planner statistics.

Statements are written with `?` placeholders; `IN {ids}` takes a list of integers
bound as one parameter (`json_each` on SQLite, `ANY(int[])` on PostgreSQL), so one
statement text serves any number of ids and stays prepared.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from tortoise.connection import get_connection

from cms.db.read_routing import PRIMARY, read_connection

# Repeated to the letter from migration 0004: SQLite matches a partial index by its text.
LIVE = "status IN ('PUBLISHED', 'SCHEDULED')"

_PLACEHOLDER = re.compile(r"\?")
# `{indexed_by:name}` after a table: SQLite's INDEXED BY (`primary_key`: the rowid only);
# PostgreSQL's planner is left to choose, and tested.
_INDEXED_BY = re.compile(r"\{indexed_by:(\w+)\}")


@dataclass(frozen=True)
class Ids:
    """A list of integer ids bound as one parameter at `{ids}`."""

    values: tuple[int, ...]

    @classmethod
    def of(cls, ids: Iterable[int]) -> Ids:
        return cls(tuple(int(i) for i in ids))


@dataclass(frozen=True)
class Statement:
    """One SQL text, rendered once for each dialect on first use."""

    sql: str
    _texts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def text(self, dialect: str) -> str:
        found = self._texts.get(dialect)
        if found is None:
            found = self._texts[dialect] = self._render(dialect)
        return found

    def _render(self, dialect: str) -> str:
        if dialect == "sqlite":
            text = self.sql.replace("IN {ids}", "IN (SELECT value FROM json_each(?))")
            return _INDEXED_BY.sub(_sqlite_index, text)
        text = _INDEXED_BY.sub("", self.sql).replace("IN {ids}", "= ANY(?::int[])")
        number = itertools.count(1)
        return _PLACEHOLDER.sub(lambda _: f"${next(number)}", text)


def _sqlite_index(match: re.Match[str]) -> str:
    # NOT INDEXED leaves SQLite the rowid (INTEGER PRIMARY KEY) and no other index.
    name = match.group(1)
    return "NOT INDEXED" if name == "primary_key" else f"INDEXED BY {name}"


def bound(value: Any, sqlite: bool) -> Any:
    """A parameter as the dialect's driver takes it."""
    if isinstance(value, Ids):
        return f"[{','.join(map(str, value.values))}]" if sqlite else list(value.values)
    if sqlite and isinstance(value, datetime):
        return str(value)  # the format Tortoise stores, so text comparison orders correctly
    if sqlite and isinstance(value, date):
        return value.isoformat()  # a DateField as Tortoise stores it
    return value


async def fetch(statement: Statement, *params: Any) -> Sequence[Sequence[Any]]:
    """The rows of a statement on the request's read connection (a replica for anonymous
    queries, else the primary; a transaction's connection inside one)."""
    connection = read_connection()
    dialect = connection.capabilities.dialect
    sqlite = dialect == "sqlite"
    values = [bound(value, sqlite) for value in params]
    text = statement.text(dialect)
    # SQLite outside a transaction: a read-only connection in this thread (see
    # cms/db/backends/inline_reads.py); a transaction's wrapper has no such reader.
    read_inline = getattr(connection, "read_inline", None) if sqlite else None
    if read_inline is not None:
        rows = read_inline(text, values)
        if rows is not None:
            return rows  # type: ignore[no-any-return]
    _, rows = await connection.execute_query(text, values)
    return rows  # type: ignore[return-value]


async def write(statement: Statement, *params: Any) -> list[tuple[Any, ...]]:
    """A write on the primary (a transaction's connection inside one), with the rows its
    RETURNING clause gives (Tortoise's `execute_query` drops them on PostgreSQL)."""
    connection = get_connection(PRIMARY)
    sqlite = connection.capabilities.dialect == "sqlite"
    values = [bound(value, sqlite) for value in params]
    rows = await connection.execute_query_dict(
        statement.text(connection.capabilities.dialect), values
    )
    return [tuple(row.values()) for row in rows]


def timestamp(value: Any) -> datetime:
    """A stored timestamp: text on SQLite, already a datetime on PostgreSQL."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def day_of(value: Any) -> date:
    """A stored date: text on SQLite, already a date on PostgreSQL."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def optional_timestamp(value: Any) -> datetime | None:
    return None if value is None else timestamp(value)
