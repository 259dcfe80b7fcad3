"""Subscription messages travel as text frames, as browsers' graphql-ws client needs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import connect

from cms.api.ids import encode_id
from cms.http.app import create_app
from cms.principal import ANONYMOUS
from cms.runtime import Runtime
from cms.services.likes import like_post
from cms.settings import Settings
from tests.factories import make_post
from tests.processes import serving

POST_STATS = "subscription ($id: ID!) { postStats(postId: $id) { likeCount } }"


@pytest.fixture
async def server(db_url: str) -> AsyncIterator[tuple[str, Runtime]]:
    app = create_app(Settings(database_url=db_url))
    async with serving(app) as port:
        yield f"ws://127.0.0.1:{port}/graphql", app.state.runtime


async def test_every_message_is_a_text_frame(server: tuple[str, Runtime]) -> None:
    url, runtime = server
    post = await make_post()
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        ack = await asyncio.wait_for(ws.recv(), 5)
        payload = {"query": POST_STATS, "variables": {"id": encode_id("Post", post.id)}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        first = await asyncio.wait_for(ws.recv(), 5)  # the counts as they stand
        await like_post(ANONYMOUS, post.id, "visitor", "198.51.100.1", runtime.engagement)
        update = await asyncio.wait_for(ws.recv(), 5)
        bad = {"id": "2", "type": "subscribe", "payload": {"query": "subscription { nope }"}}
        await ws.send(json.dumps(bad))
        error = await asyncio.wait_for(ws.recv(), 5)

    assert isinstance(ack, str)  # websockets returns bytes for a binary frame
    assert json.loads(ack) == {"type": "connection_ack"}
    assert isinstance(first, str)
    assert json.loads(first)["payload"] == {"data": {"postStats": {"likeCount": 0}}}
    assert isinstance(update, str)
    assert json.loads(update) == {
        "id": "1",
        "type": "next",
        "payload": {"data": {"postStats": {"likeCount": 1}}},
    }
    assert isinstance(error, str)
    assert json.loads(error)["type"] == "error"
