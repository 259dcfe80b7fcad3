"""A cache of anonymous GraphQL query answers, in front of execution, purged by key.

A hot post page is asked for the same way by every reader; answering it from memory
skips parsing, validation, resolvers and SQL. Each answer keeps the surrogate keys of
what it shows (its `Surrogate-Key` header, `cms/api/cache_keys.py`); a committed write
purges its keys in every process's cache (`services/cache_purge.py`), so an edit shows
on the next read however long the TTL. Entries are fresh for `ttl_s`; then, for
`stale_s` more, the stale answer is served while one request refreshes it
(stale-while-revalidate), and for `error_s` past freshness a stale answer stands in
when executing fails (stale-if-error). Requests that miss one key together run it once.
Only anonymous queries are cached (a token may see drafts), never errors nor answers a
resolver marked `no-store` (`Context.forbid_caching`: a preview link's post); each entry
keeps the media type it was answered with, which is part of its key.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import time
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from graphql import FieldNode, OperationDefinitionNode, OperationType
from starlette.requests import Request
from starlette.responses import Response

from cms.http.media_types import JSON
from cms.http.request_body import request_body

log = logging.getLogger("cms.cache")

MAX_ENTRIES = 2048
MAX_BODY_BYTES = 512 * 1024
SURROGATE_KEY = "surrogate-key"


@dataclass(frozen=True)
class Operation:
    type: OperationType
    root_fields: frozenset[str]


def operation_of(node: OperationDefinitionNode) -> Operation:
    fields = frozenset(
        field.name.value for field in node.selection_set.selections if isinstance(field, FieldNode)
    )
    return Operation(node.operation, fields)


@dataclass(frozen=True)
class Entry:
    body: bytes
    media_type: str
    keys: tuple[str, ...]
    stored: float
    # The headers of its answer, encoded once for each way it is answered
    # (`cms.http.caching.cached_answer`).
    answers: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    def response(self) -> Response:
        return Response(
            self.body, media_type=self.media_type, headers={SURROGATE_KEY: " ".join(self.keys)}
        )


def answer_key(method: str, media_type: str, raw: bytes) -> str:
    """The cache key of a request: its method, its query string (GET) or body (POST), and
    the media type it is answered with."""
    return hashlib.sha256(f"{method}\0{media_type}\0".encode() + raw).hexdigest()


def _cacheable(response: Response) -> bool:
    return (
        response.status_code == 200
        and len(response.body) <= MAX_BODY_BYTES
        and b'"errors"' not in response.body
        and "no-store" not in response.headers.get("cache-control", "")  # e.g. `preview`
    )


class ResponseCache:
    """Answers by key: fresh for `ttl_s`, then stale for `stale_s` while one refresh
    runs, and as a stand-in for a failed execution until `error_s` past freshness."""

    def __init__(
        self,
        ttl_s: float,
        stale_s: float = 0.0,
        error_s: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_s = ttl_s
        self.stale_s = stale_s
        self.error_s = error_s
        self._clock = clock
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._by_key: defaultdict[str, set[str]] = defaultdict(set)
        self._running: dict[str, asyncio.Future[Entry | None]] = {}
        self._refreshes: set[asyncio.Task[None]] = set()
        # Moves at every purge: an answer whose execution overlapped one is not kept, as
        # it may have read what the purge was for before that was committed.
        self._generation = 0

    def _age(self, entry: Entry) -> float:
        return self._clock() - entry.stored

    async def answer(self, key: str, run: Callable[[], Awaitable[Any]]) -> Any:
        """The cached answer, or `run()`'s, shared by every request waiting on the key.

        Waiters get the leader's bytes when they are cacheable; otherwise (an error, a
        streamed or uncacheable answer) each runs its own request, unless a stale answer
        may stand in for the failure.
        """
        entry = self._entries.get(key)
        if entry is not None:
            age = self._age(entry)
            if age < self.ttl_s:
                self._entries.move_to_end(key)
                return entry.response()
            if age < self.ttl_s + self.stale_s:
                if key not in self._running:
                    self._refresh(key, run)
                return entry.response()
        running = self._running.get(key)
        if running is not None:
            shared = await asyncio.shield(running)
            if shared is not None:
                return shared.response()
            return self._stand_in(key) or await run()
        return await self._lead(key, run, self._claim(key))

    def _claim(self, key: str) -> asyncio.Future[Entry | None]:
        """Make this caller the one running `key` (before any await, so no other starts)."""
        future: asyncio.Future[Entry | None] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        return future

    async def _lead(
        self, key: str, run: Callable[[], Awaitable[Any]], future: asyncio.Future[Entry | None]
    ) -> Any:
        generation = self._generation
        entry: Entry | None = None
        try:
            try:
                response = await run()
            except Exception:
                if (stale := self._stand_in(key)) is not None:
                    log.exception("answered from a stale cache entry: executing failed")
                    return stale
                raise
            if isinstance(response, Response):
                if generation == self._generation:
                    entry = self.put(key, response)
                if entry is None and response.status_code >= 500:
                    return self._stand_in(key) or response
            return response
        finally:
            del self._running[key]
            future.set_result(entry)

    def _refresh(self, key: str, run: Callable[[], Awaitable[Any]]) -> None:
        """One background execution for a stale entry (its readers keep the stale one)."""

        future = self._claim(key)

        async def refresh() -> None:
            try:
                await self._lead(key, run, future)
            except Exception:
                log.exception("refreshing a stale cache entry failed")

        task = asyncio.create_task(refresh(), name="cms-cache-refresh")
        self._refreshes.add(task)
        task.add_done_callback(self._refreshes.discard)

    async def refreshed(self) -> None:
        """Until the background refreshes running now have ended."""
        if self._refreshes:
            await asyncio.gather(*self._refreshes, return_exceptions=True)

    def _stand_in(self, key: str) -> Response | None:
        """A stale answer within `error_s`, for when executing fails."""
        entry = self._entries.get(key)
        if entry is None or self._age(entry) >= self.ttl_s + self.error_s:
            return None
        return entry.response()

    @staticmethod
    async def key(request: Request, media_type: str) -> str:
        """The request's method and bytes, and the media type it is answered with."""
        method = request.method
        raw = request.scope["query_string"] if method == "GET" else await request_body(request)
        return answer_key(method, media_type, raw)

    def get(self, key: str) -> Response | None:
        """A fresh answer, or None."""
        entry = self.fresh(key)
        return entry.response() if entry is not None else None

    def fresh(self, key: str) -> Entry | None:
        """The fresh entry under `key`, or None."""
        entry = self._entries.get(key)
        if entry is None or self._age(entry) >= self.ttl_s:
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: str, response: Response) -> Entry | None:
        """Keep a successful answer under the surrogate keys its header names; the entry,
        or None when it is not cacheable."""
        if not _cacheable(response):
            return None
        keys = tuple(response.headers.get(SURROGATE_KEY, "").split())
        self._drop(key)
        entry = Entry(bytes(response.body), response.media_type or JSON, keys, self._clock())
        self._entries[key] = entry
        for name in keys:
            self._by_key[name].add(key)
        kept = self.ttl_s + max(self.stale_s, self.error_s)
        while self._entries:
            oldest_key, oldest = next(iter(self._entries.items()))
            if len(self._entries) <= MAX_ENTRIES and self._age(oldest) < kept:
                break
            self._drop(oldest_key)
        return entry

    def purge(self, keys: Iterable[str]) -> int:
        """Drop every entry tagged with one of `keys`; how many were dropped."""
        self._generation += 1
        dropped = 0
        for name in keys:
            for key in tuple(self._by_key.pop(name, ())):
                dropped += self._drop(key)
        return dropped

    def _drop(self, key: str) -> int:
        entry = self._entries.pop(key, None)
        if entry is None:
            return 0
        for name in entry.keys:
            tagged = self._by_key.get(name)
            if tagged is not None:
                tagged.discard(key)
                if not tagged:
                    del self._by_key[name]
        return 1

    def clear(self) -> None:
        self._generation += 1
        self._entries.clear()
        self._by_key.clear()
