"""Keyset (cursor) pagination over Tortoise querysets.

Cursors are opaque base64 strings holding the sort-key values of the row they point
at, so a page boundary does not move when rows are inserted before it.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar, overload

from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.queryset import QuerySet

from cms.errors import InvalidInput
from cms.services.validation import in_utc

M = TypeVar("M", bound=Model)
T = TypeVar("T")

DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 100


@dataclass(frozen=True)
class PageRequest:
    first: int | None = None
    after: str | None = None
    last: int | None = None
    before: str | None = None

    @classmethod
    def of(
        cls,
        first: int | None,
        after: str | None,
        last: int | None = None,
        before: str | None = None,
        *,
        default_first: int,
    ) -> PageRequest:
        """Arguments as GraphQL passes them: `last` alone replaces the default `first`."""
        if last is not None and first == default_first:
            first = None
        return cls(first=first, after=after, last=last, before=before)


@dataclass(frozen=True)
class SortKey:
    """Fields a list is ordered by, the last one unique (the id)."""

    fields: tuple[str, ...]
    descending: bool
    # The Python type of each field's value, to refuse cursors that were tampered with.
    kinds: tuple[type, ...]

    def order_by(self, reverse: bool = False) -> list[str]:
        desc = self.descending != reverse
        return [f"-{name}" if desc else name for name in self.fields]

    def values_of(self, row: Any) -> list[Any]:
        return [getattr(row, name) for name in self.fields]


class Cursors(Sequence[str]):
    """The cursors of a page's items, each encoded only when asked for (most pages
    show a few, if any)."""

    def __init__(self, keys: Sequence[Any], key_of: Callable[[Any], Sequence[Any]]) -> None:
        self._keys = keys
        self._key_of = key_of

    def __len__(self) -> int:
        return len(self._keys)

    @overload
    def __getitem__(self, index: int) -> str: ...
    @overload
    def __getitem__(self, index: slice) -> list[str]: ...
    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [encode_cursor(self._key_of(k)) for k in self._keys[index]]
        return encode_cursor(self._key_of(self._keys[index]))


@dataclass
class Page(Generic[T]):
    items: list[T]
    cursors: Sequence[str]
    has_next: bool
    has_previous: bool
    count: Callable[[], Awaitable[int]] = field(repr=False)


def encode_cursor(values: Sequence[Any]) -> str:
    plain = [{"t": v.isoformat()} if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode()


def _decoded(value: Any, kind: type) -> Any:
    if kind is datetime:
        return in_utc(datetime.fromisoformat(value["t"]))
    if kind is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if type(value) is not kind:
        raise TypeError(value)
    if isinstance(value, int) and not -(2**31) <= value < 2**31:  # INT columns, both databases
        raise ValueError(value)
    return value


def decode_cursor(cursor: str, kinds: tuple[type, ...], argument: str) -> list[Any]:
    """The values in a cursor; BAD_USER_INPUT when it is not one of ours for this list."""
    try:
        plain = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if not isinstance(plain, list) or len(plain) != len(kinds):
            raise ValueError
        return [_decoded(value, kind) for value, kind in zip(plain, kinds, strict=True)]
    except (ValueError, TypeError, KeyError, OverflowError, binascii.Error, UnicodeError):
        raise InvalidInput(
            f"`{argument}` is not a valid cursor: pass a cursor from a previous page.",
            field=argument,
        ) from None


def page_size(request: PageRequest, default: int = DEFAULT_PAGE_SIZE) -> tuple[int, bool]:
    """The page size and whether it counts from the end; validates first/last."""
    if request.first is not None and request.last is not None:
        raise InvalidInput("Pass either `first` or `last`, not both.", field="first")
    for name, value in (("first", request.first), ("last", request.last)):
        if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
            raise InvalidInput(
                f"`{name}` must be between 0 and {MAX_PAGE_SIZE}; got {value}.", field=name
            )
    if request.last is not None:
        return request.last, True
    return (request.first if request.first is not None else default), False


def _beyond(key: SortKey, values: list[Any], forward: bool) -> Q:
    """Rows strictly after `values` in the key's order (before, when not forward)."""
    later = "lt" if key.descending == forward else "gt"
    clauses: list[Q] = []
    for i, name in enumerate(key.fields):
        equal = {f: v for f, v in zip(key.fields[:i], values[:i], strict=True)}
        clauses.append(Q(**equal, **{f"{name}__{later}": values[i]}))
    return Q(*clauses, join_type="OR")


async def paginate(
    queryset: QuerySet[M], key: SortKey, request: PageRequest, default: int = DEFAULT_PAGE_SIZE
) -> Page[M]:
    """One page of `queryset` in the key's order, with one statement (+1 if counted)."""
    size, from_end = page_size(request, default)
    rows_query = queryset
    if request.after:
        after = decode_cursor(request.after, key.kinds, "after")
        rows_query = rows_query.filter(_beyond(key, after, forward=True))
    if request.before:
        before = decode_cursor(request.before, key.kinds, "before")
        rows_query = rows_query.filter(_beyond(key, before, forward=False))
    rows = await rows_query.order_by(*key.order_by(reverse=from_end)).limit(size + 1)
    return keyset_page(rows, key, request, queryset.count, default)


def keyset_sql(key: SortKey, after: bool, before: bool, from_end: bool) -> tuple[list[str], str]:
    """WHERE terms bounding a hand-written statement by cursors (row values, one `?`
    per key field) and its ORDER BY, for `keyset_page`."""
    columns = ", ".join(key.fields)
    marks = ", ".join("?" * len(key.fields))
    terms = []
    if after:
        terms.append(f"({columns}) {'<' if key.descending else '>'} ({marks})")
    if before:
        terms.append(f"({columns}) {'>' if key.descending else '<'} ({marks})")
    direction = " DESC" if key.descending != from_end else ""
    return terms, ", ".join(f"{name}{direction}" for name in key.fields)


def keyset_values(key: SortKey, request: PageRequest) -> list[Any]:
    """The cursor values `keyset_sql`'s terms take, in order."""
    values: list[Any] = []
    for cursor, name in ((request.after, "after"), (request.before, "before")):
        if cursor:
            values += decode_cursor(cursor, key.kinds, name)
    return values


def keyset_page(
    rows: list[T],
    key: SortKey,
    request: PageRequest,
    count: Callable[[], Awaitable[int]],
    default: int = DEFAULT_PAGE_SIZE,
) -> Page[T]:
    """The page that up to size+1 rows read in the key's order (from the end for `last`)
    make."""
    size, from_end = page_size(request, default)
    more = len(rows) > size
    rows = rows[:size]
    if from_end:
        rows.reverse()
    return Page(
        items=rows,
        cursors=Cursors(rows, key.values_of),
        has_next=more if not from_end else request.before is not None,
        has_previous=more if from_end else request.after is not None,
        count=count,
    )


def page_of_list(
    items: list[T],
    cursor_of: Callable[[T], list[Any]],
    request: PageRequest,
    kinds: tuple[type, ...],
) -> Page[T]:
    """Keyset paging over an already ordered in-memory list (search results)."""
    size, from_end = page_size(request)
    keys = [cursor_of(item) for item in items]
    start, stop = 0, len(items)
    if request.after:
        after = decode_cursor(request.after, kinds, "after")
        start = next((i for i, k in enumerate(keys) if k > after), len(items))
    if request.before:
        before = decode_cursor(request.before, kinds, "before")
        stop = next((i for i, k in enumerate(keys) if k >= before), len(items))
    window = list(range(start, stop))
    chosen = window[-size:] if from_end else window[:size]
    chosen = chosen if size else []

    async def count() -> int:
        return len(items)

    first_index, end_index = (chosen[0], chosen[-1] + 1) if chosen else (start, start)
    return Page(
        items=[items[i] for i in chosen],
        cursors=Cursors([keys[i] for i in chosen], list),
        has_next=end_index < stop if not from_end else stop < len(items),
        has_previous=first_index > start if from_end else start > 0,
        count=count,
    )
