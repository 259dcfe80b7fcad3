"""Editors authenticate subscriptions in connection_init, over a real socket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from cms.api.ids import encode_id
from cms.http.app import create_app
from cms.principal import ANONYMOUS
from cms.runtime import Runtime
from cms.services.comments import NewComment, add_comment
from cms.settings import Limits, Settings
from tests.factories import make_post, make_token
from tests.processes import free_port

COMMENT_ADDED = "subscription ($id: ID!) { commentAdded(postId: $id) { body status } }"


@pytest.fixture
async def server(db_url: str) -> AsyncIterator[tuple[str, Runtime]]:
    """The app under a real uvicorn in this event loop; yields its ws URL and runtime."""
    settings = Settings(database_url=db_url, limits=Limits(comment_blocklist=("casino",)))
    app = create_app(settings)
    port = free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    task = asyncio.create_task(instance.serve())
    for _ in range(200):
        if instance.started:
            break
        await asyncio.sleep(0.05)
    yield f"ws://127.0.0.1:{port}/graphql", app.state.runtime
    instance.should_exit = True
    await task


async def open_subscription(url: str, init: dict[str, str]) -> ClientConnection:
    ws = await connect(url, subprotocols=["graphql-transport-ws"])  # type: ignore[list-item]
    await ws.send(json.dumps({"type": "connection_init", "payload": init}))
    return ws


async def test_an_editor_token_in_connection_init_sees_held_comments(
    server: tuple[str, Runtime],
) -> None:
    url, runtime = server
    post = await make_post()
    token = await make_token()
    ws = await open_subscription(url, {"Authorization": f"Bearer {token}"})
    try:
        ack = json.loads(await ws.recv())
        payload = {"query": COMMENT_ADDED, "variables": {"id": encode_id("Post", post.id)}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        await asyncio.sleep(0.1)  # subscribed before the comment arrives
        held = NewComment(post_id=post.id, author="Ana", body="Visit casino.example")
        await add_comment(ANONYMOUS, held, "198.51.100.1", runtime.engagement)
        message = json.loads(await asyncio.wait_for(ws.recv(), 5))
    finally:
        await ws.close()

    assert ack == {"type": "connection_ack"}
    assert message["payload"]["data"]["commentAdded"] == {
        "body": "Visit casino.example",
        "status": "PENDING",
    }


async def test_a_bad_token_in_connection_init_closes_the_connection(
    server: tuple[str, Runtime],
) -> None:
    url, _ = server
    ws = await open_subscription(url, {"Authorization": "Bearer cms_not-a-real-token"})

    with pytest.raises(ConnectionClosed) as closed:
        await asyncio.wait_for(ws.recv(), 5)

    assert closed.value.rcvd is not None
    assert closed.value.rcvd.code == 4403
