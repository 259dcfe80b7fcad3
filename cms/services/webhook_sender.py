"""The one place webhook requests leave the process: an httpx client, a hard time limit,
redirects not followed, and nothing of the answer read but its status code."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import Protocol

import httpx


class SendFailed(Exception):
    """The request got no HTTP answer; `reason` is ours, short, safe to store."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Sender(Protocol):
    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        """The answer's status code; SendFailed when there was none."""
        ...

    async def close(self) -> None: ...


class HttpSender:
    def __init__(self, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        self.client = httpx.AsyncClient(
            timeout=httpx.Timeout(timeout_s),
            follow_redirects=False,
            trust_env=False,
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=5),
        )

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        try:
            async with asyncio.timeout(self.timeout_s):
                # Streamed and closed unread: a hostile endpoint cannot make us hold its body.
                async with self.client.stream("POST", url, content=body, headers=headers) as answer:
                    return answer.status_code
        except (TimeoutError, httpx.TimeoutException):
            raise SendFailed(f"no answer within {self.timeout_s:g} s") from None
        except httpx.ConnectError:
            raise SendFailed("could not connect") from None
        except httpx.HTTPError as error:
            raise SendFailed(f"request failed ({type(error).__name__})") from None

    async def close(self) -> None:
        await self.client.aclose()
