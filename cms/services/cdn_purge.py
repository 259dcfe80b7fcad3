"""Purge-by-tag calls to a CDN: `POST <url>` with `{"tags": [...]}` and a bearer token.

Writes hand their surrogate keys over (`cache_purge.PurgeListener`) and go on: one task
sends them, merging what queued up meanwhile into one call, and retries a failed call
(a network error, a timeout or a non-2xx answer) with exponential backoff up to
`attempts` times, then logs and drops it (the CDN's TTL still ends those answers). Logs
name the endpoint by scheme, host and path only, never the token or a query string.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from urllib.parse import urlsplit

import httpx

log = logging.getLogger("cms.cdn")

# Tags queued beyond this many are merged into the next call anyway; a call names at most
# this many (CDNs cap a purge request, Cloudflare at 30 tags, Fastly at 256 keys).
MAX_TAGS_PER_CALL = 30


def shown_endpoint(url: str) -> str:
    """The endpoint without credentials or query, for logs."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


class CdnPurger:
    """Sends purges to `url` in the background; `enqueue` never waits."""

    def __init__(
        self,
        url: str,
        token: str | None,
        *,
        timeout_s: float = 5.0,
        attempts: int = 5,
        backoff_s: float = 1.0,
        backoff_cap_s: float = 60.0,
    ) -> None:
        self.url = url
        self._headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._timeout_s = timeout_s
        self._attempts = attempts
        self._backoff_s = backoff_s
        self._backoff_cap_s = backoff_cap_s
        self._pending: set[str] = set()
        self._sending = False
        self._settled = asyncio.Event()
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._client: httpx.AsyncClient | None = None

    def enqueue(self, keys: list[str]) -> None:
        self._pending.update(keys)
        self._wake.set()

    async def start(self) -> None:
        self._client = httpx.AsyncClient(timeout=self._timeout_s, follow_redirects=False)
        self._task = asyncio.create_task(self._run(), name="cms-cdn-purge")

    async def stop(self) -> None:
        """Stop; what is still queued gets one attempt."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._pending and self._client is not None:
            await self._send(self._take())
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def idle(self) -> None:
        """Until nothing is queued or being sent (each call succeeded or was given up)."""
        while self._pending or self._sending:
            self._settled.clear()
            await self._settled.wait()

    def _take(self) -> list[str]:
        tags = sorted(self._pending)[:MAX_TAGS_PER_CALL]
        self._pending.difference_update(tags)
        if not self._pending:
            self._wake.clear()
        return tags

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            tags = self._take()
            self._sending = True
            try:
                await self._deliver(tags)
            finally:
                self._sending = False
                self._settled.set()

    async def _deliver(self, tags: list[str]) -> None:
        """Send `tags`, retrying with backoff; gives up after the last attempt."""
        for attempt in range(1, self._attempts + 1):
            if await self._send(tags):
                break
            if attempt == self._attempts:
                log.error(
                    "gave up purging %d tags at %s after %d attempts",
                    len(tags),
                    shown_endpoint(self.url),
                    attempt,
                )
                break
            delay = min(self._backoff_s * 2 ** (attempt - 1), self._backoff_cap_s)
            await asyncio.sleep(delay)

    async def _send(self, tags: list[str]) -> bool:
        """One call; whether the CDN accepted it (2xx)."""
        assert self._client is not None
        where = shown_endpoint(self.url)
        try:
            response = await self._client.post(self.url, json={"tags": tags}, headers=self._headers)
        except httpx.HTTPError as error:
            log.warning("purging %d tags at %s failed: %s", len(tags), where, type(error).__name__)
            return False
        if 200 <= response.status_code < 300:
            return True
        log.warning("purging %d tags at %s failed: HTTP %d", len(tags), where, response.status_code)
        return False
