"""Editors authenticate subscriptions in connection_init, over a real socket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from cms.api.ids import encode_id
from cms.http.app import create_app
from cms.principal import ANONYMOUS
from cms.runtime import Runtime
from cms.services.access import NEEDS_EDITOR
from cms.services.comments import NewComment, add_comment
from cms.settings import Limits, Settings
from tests.factories import make_post, make_token
from tests.processes import serving

COMMENT_ADDED = "subscription ($id: ID!) { commentAdded(postId: $id) { body status } }"


@pytest.fixture
async def server(db_url: str) -> AsyncIterator[tuple[str, Runtime]]:
    """The app under a real uvicorn in this event loop; yields its ws URL and runtime."""
    settings = Settings(database_url=db_url, limits=Limits(comment_blocklist=("casino",)))
    app = create_app(settings)
    async with serving(app) as port:
        yield f"ws://127.0.0.1:{port}/graphql", app.state.runtime


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


MODERATION_EVENTS = "subscription { moderationEvents { kind comment { body heldBecause } } }"


async def test_editor_streams_hear_held_comments_with_a_token_and_refuse_anonymous(
    server: tuple[str, Runtime],
) -> None:
    url, runtime = server
    post = await make_post()
    token = await make_token()
    editor = await open_subscription(url, {"Authorization": f"Bearer {token}"})
    anonymous = await open_subscription(url, {})
    try:
        acks = [json.loads(await editor.recv()), json.loads(await anonymous.recv())]
        payload = {"query": MODERATION_EVENTS}
        for ws in (editor, anonymous):
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        refused = json.loads(await asyncio.wait_for(anonymous.recv(), 5))
        await asyncio.sleep(0.1)  # the editor is subscribed before the comment arrives
        held = NewComment(post_id=post.id, author="Ana", body="Visit casino.example")
        await add_comment(ANONYMOUS, held, "198.51.100.1", runtime.engagement)
        message = json.loads(await asyncio.wait_for(editor.recv(), 5))
    finally:
        await editor.close()
        await anonymous.close()

    assert acks == [{"type": "connection_ack"}, {"type": "connection_ack"}]
    assert message["payload"]["data"]["moderationEvents"] == {
        "kind": "HELD",
        "comment": {"body": "Visit casino.example", "heldBecause": ["FIRST_COMMENT", "BLOCKLIST"]},
    }
    assert refused == {
        "id": "1",
        "type": "error",
        "payload": [
            {
                "message": NEEDS_EDITOR,
                "locations": [{"line": 1, "column": 16}],
                "path": ["moderationEvents"],
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ],
    }
