"""`cms serve --workers N`: several processes on one port, each draining and flushing
its buffers when the server is stopped."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from cms.api.ids import encode_id
from cms.models import Post
from tests.conftest import BROWSER
from tests.factories import make_post
from tests.processes import NEUTRAL_DIR, free_port, wait_until_healthy

pytestmark = pytest.mark.slow

VIEW = """
mutation View($postId: ID!, $visitorId: String) {
  recordView(postId: $postId, visitorId: $visitorId) { viewCount }
}
"""
TRY_AGAIN_LATER = 1013


def test_several_workers_are_refused_on_sqlite(sqlite_url: str) -> None:
    for args, extra in ((["--workers", "2"], {}), ([], {"CMS_WORKERS": "3"})):
        result = subprocess.run(
            [sys.executable, "-m", "cms", "serve", *args],
            env={**os.environ, "CMS_DATABASE_URL": sqlite_url, "CMS_PORT": str(free_port())}
            | extra,
            cwd=NEUTRAL_DIR,
            capture_output=True,
            text=True,
            timeout=60,
        )
        workers = args[1] if args else extra["CMS_WORKERS"]
        assert result.returncode == 2
        assert result.stderr == (
            f"cms serve --workers {workers} needs PostgreSQL: SQLite has one writer, so other "
            "workers would only wait for its lock. Serve with one worker (CMS_WORKERS=1), "
            "or set CMS_DATABASE_URL to a postgres:// database.\n"
        )


async def _open(url: str, stack: AsyncExitStack) -> ClientConnection | None:
    """An acknowledged graphql-transport-ws connection, or None when its worker already
    holds its one WebSocket (closed with 1013)."""
    ws = await stack.enter_async_context(
        connect(url, subprotocols=["graphql-transport-ws"], user_agent_header=BROWSER)  # type: ignore[list-item]
    )
    try:
        await ws.send(json.dumps({"type": "connection_init"}))
        reply = json.loads(await asyncio.wait_for(ws.recv(), 10))
    except ConnectionClosed:
        refused = ws.close_code
    else:
        assert reply == {"type": "connection_ack"}
        return ws
    assert refused == TRY_AGAIN_LATER
    return None


async def one_connection_per_worker(url: str, stack: AsyncExitStack) -> list[ClientConnection]:
    """Two connections held at once while each worker allows one: two workers answer."""
    held: list[ClientConnection] = []
    # A guard, not a timing: on a busy machine the second worker may still be starting
    # while the first already answers, and every connection lands on the first.
    deadline = asyncio.get_running_loop().time() + 60
    while asyncio.get_running_loop().time() < deadline:
        ws = await _open(url, stack)
        if ws is not None:
            held.append(ws)
        if len(held) == 2:
            return held
        await asyncio.sleep(0.05)
    pytest.fail("a second worker never accepted a WebSocket")


async def run_over(ws: ClientConnection, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    await ws.send(json.dumps({
        "id": "1", "type": "subscribe", "payload": {"query": query, "variables": variables}
    }))  # fmt: skip
    message = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert message["type"] == "next", message
    assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"id": "1", "type": "complete"}
    data: dict[str, Any] = message["payload"]["data"]
    return data


@pytest.fixture
def workers(
    db: str, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str, Path, bool]]:
    """`cms serve --workers 2` on the test database (and the test Redis with "redis"):
    the process, its URL, its log and whether Redis is on; stopped by PID afterwards."""
    port = free_port()
    env = {
        **os.environ,
        "CMS_DATABASE_URL": db,
        "CMS_PORT": str(port),
        "CMS_MAX_WEBSOCKETS": "1",  # per process: a second connection proves a second worker
        "CMS_VIEW_FLUSH_INTERVAL_S": "3600",  # nothing is written until the server stops
    }
    shared = request.param == "redis"
    if shared:
        env["CMS_REDIS_URL"] = request.getfixturevalue("redis_url")
        env["CMS_REDIS_PREFIX"] = request.getfixturevalue("redis_prefix")
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "cms", "serve", "--workers", "2"],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield server, f"http://127.0.0.1:{port}", log, shared
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=30)


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
@pytest.mark.parametrize("workers", ["redis", "memory"], indirect=True)
async def test_both_workers_answer_and_their_views_are_written_on_sigterm(
    workers: tuple[subprocess.Popen[bytes], str, Path, bool],
) -> None:
    server, base, log, shared = workers
    post = await make_post()
    post_id = encode_id("Post", post.id)
    try:
        await asyncio.to_thread(wait_until_healthy, server, base, log)
        async with AsyncExitStack() as stack:
            first, second = await one_connection_per_worker(
                base.replace("http://", "ws://") + "/graphql", stack
            )
            counted = [
                await run_over(ws, VIEW, {"postId": post_id, "visitorId": visitor})
                for ws, visitor in ((first, "v1"), (second, "v2"), (second, "v3"))
            ]
        stored_while_running = (await Post.get(id=post.id)).view_count
    finally:
        server.send_signal(signal.SIGTERM)
        returncode = await asyncio.to_thread(server.wait, 30)
    output = log.read_text(errors="replace")

    workers = set(re.findall(r"Started server process \[(\d+)\]", output))
    assert len(workers) == 2
    assert stored_while_running == 0
    # With Redis the buffer is shared; without it each worker counts its own.
    if shared:
        assert [c["recordView"]["viewCount"] for c in counted] == [1, 2, 3]
    else:
        assert [c["recordView"]["viewCount"] for c in counted] == [1, 1, 2]
    assert (await Post.get(id=post.id)).view_count == 3  # every worker flushed
    assert output.count("Application shutdown complete.") == 2
    assert returncode == 0
    assert "Traceback" not in output
