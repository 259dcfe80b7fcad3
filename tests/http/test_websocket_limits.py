"""WebSockets are bounded per process, per client address and in operations per
connection, and one that never sends connection_init is closed; over a real socket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from cms.api.ids import encode_id
from cms.http.app import create_app
from cms.settings import Limits, Settings
from tests.factories import make_post
from tests.processes import serving

POST_STATS = "subscription ($id: ID!) { postStats(postId: $id) { likeCount } }"
LIMITS = Limits(
    max_websockets=4,
    max_websockets_per_client=2,
    max_subscriptions_per_connection=2,
    websocket_init_timeout_s=0.5,
)


@pytest.fixture
async def url(db_url: str) -> AsyncIterator[str]:
    """The app under a real uvicorn behind a trusted proxy (this host), with small limits."""
    settings = Settings(database_url=db_url, trusted_proxies=("127.0.0.1",), limits=LIMITS)
    app = create_app(settings)
    async with serving(app) as port:
        yield f"ws://127.0.0.1:{port}/graphql"


async def opened(url: str, client: str) -> ClientConnection:
    """A WebSocket from `client`, as the proxy reports it."""
    return await connect(
        url,
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        additional_headers={"X-Forwarded-For": client},
    )


async def connected(url: str, client: str) -> ClientConnection:
    """A WebSocket from `client` that sent connection_init."""
    ws = await opened(url, client)
    await ws.send(json.dumps({"type": "connection_init"}))
    return ws


async def answer(ws: ClientConnection) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(ws.recv(), 5))  # type: ignore[no-any-return]


async def close_code(ws: ClientConnection) -> tuple[int, str]:
    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), 10)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def test_a_client_address_keeps_at_most_its_limit_of_websockets(url: str) -> None:
    first = await connected(url, "198.51.100.1")
    second = await connected(url, "198.51.100.1")
    acks = [await answer(first), await answer(second)]
    refused = await close_code(await opened(url, "198.51.100.1"))
    other = await connected(url, "198.51.100.2")
    other_ack = await answer(other)
    await first.close()
    await asyncio.sleep(0.2)  # the server has released the slot
    again = await connected(url, "198.51.100.1")
    again_ack = await answer(again)
    for ws in (second, other, again):
        await ws.close()

    assert acks == [{"type": "connection_ack"}] * 2
    assert refused == (1013, "Your address has 2 WebSockets open, the limit: close one first.")
    assert other_ack == again_ack == {"type": "connection_ack"}


async def test_the_process_keeps_at_most_its_limit_of_websockets(url: str) -> None:
    open_ = [await connected(url, f"198.51.100.{n}") for n in range(1, 5)]
    acks = [await answer(ws) for ws in open_]
    refused = await close_code(await opened(url, "198.51.100.9"))
    for ws in open_:
        await ws.close()

    assert acks == [{"type": "connection_ack"}] * 4
    assert refused == (1013, "This server has 4 WebSockets open, its limit: try again later.")


async def test_operations_past_the_per_connection_limit_get_an_error_with_a_code(
    url: str,
) -> None:
    post = await make_post()
    payload = {"query": POST_STATS, "variables": {"id": encode_id("Post", post.id)}}
    ws = await connected(url, "198.51.100.1")
    await answer(ws)
    for n in ("1", "2", "3"):
        await ws.send(json.dumps({"id": n, "type": "subscribe", "payload": payload}))
    messages = [await answer(ws) for _ in range(3)]
    await ws.send(json.dumps({"type": "ping"}))
    pong = await answer(ws)
    await ws.close()

    (error,) = [m for m in messages if m["type"] == "error"]
    assert sorted(m["id"] for m in messages if m["type"] == "next") == ["1", "2"]
    assert error == {
        "id": "3",
        "type": "error",
        "payload": [
            {
                "message": "This connection already runs 2 operations, the limit: complete "
                "one, or open another connection, first.",
                "extensions": {"code": "RATE_LIMITED"},
            }
        ],
    }
    assert pong == {"type": "pong"}  # the connection stays open


async def test_a_websocket_that_never_sends_connection_init_is_closed(url: str) -> None:
    ws = await connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]

    assert await close_code(ws) == (4408, "Connection initialisation timeout")
