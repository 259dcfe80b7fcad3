"""A webhook receiver of a test's own: a Starlette app under a real uvicorn server on a
free port, in the test's event loop. It keeps every request it gets, answers with the
status the test sets, and can be stopped and started again on the same port."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.processes import free_port

WAIT_S = 20.0  # a guard against a hang, never a timing the test depends on


@dataclass(frozen=True)
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class Receiver:
    port: int = field(default_factory=free_port)
    # The status each request gets, in turn; once used up, `status`.
    answers: list[int] = field(default_factory=list)
    status: int = 200
    received: list[Received] = field(default_factory=list)
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)
    _server: uvicorn.Server | None = None
    _task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    async def _hook(self, request: Request) -> Response:
        body = await request.body()
        answered = self.answers.pop(0) if self.answers else self.status
        async with self._arrived:
            self.received.append(Received(dict(request.headers), body, answered))
            self._arrived.notify_all()
        return Response(b"hostile <script>" * 10, status_code=answered)

    async def start(self) -> None:
        app = Starlette(routes=[Route("/hooks", self._hook, methods=["POST"])])
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:
            if self._task.done():
                self._task.result()
            await asyncio.sleep(0.01)

    async def stop(self) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task
        self._server = self._task = None

    async def wait_for(self, count: int) -> list[Received]:
        """The requests once `count` have arrived (those answered 2xx and the others)."""
        async with self._arrived:
            await asyncio.wait_for(
                self._arrived.wait_for(lambda: len(self.received) >= count), WAIT_S
            )
        return list(self.received)


@contextlib.asynccontextmanager
async def running_receiver(**options: object) -> AsyncIterator[Receiver]:
    receiver = Receiver(**options)  # type: ignore[arg-type]
    await receiver.start()
    try:
        yield receiver
    finally:
        await receiver.stop()
