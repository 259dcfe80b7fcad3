"""Two real `cms serve` processes sharing PostgreSQL and Redis: events cross instances."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from cms.api.ids import encode_id
from cms.enums import CommentStatus, PostStatus
from cms.models import Post
from tests.conftest import BROWSER
from tests.factories import make_comment, make_post, make_token
from tests.processes import Servers, free_port

pytestmark = pytest.mark.slow

CMS = str(Path(sys.executable).parent / "cms")

LIKE = """
mutation Like($postId: ID!, $visitorId: String!) {
  likePost(postId: $postId, visitorId: $visitorId) { likeCount }
}
"""
ADD_COMMENT = """
mutation Add($input: AddCommentInput!) { addComment(input: $input) { id status } }
"""
VIEW = """
mutation View($postId: ID!, $visitorId: String) {
  recordView(postId: $postId, visitorId: $visitorId) { viewCount }
}
"""
COMMENT_ADDED = """
subscription Comments($postId: ID!) { commentAdded(postId: $postId) { id author body status } }
"""
POST_STATS = """
subscription Stats($postId: ID!) { postStats(postId: $postId) { likeCount viewCount commentCount } }
"""


@pytest.fixture
def servers(db: str, redis_url: str, redis_prefix: str, tmp_path: Path) -> Iterator[Servers]:
    """Two servers on one database and one Redis (started, not yet ready)."""
    servers = Servers()
    for n in range(2):
        port = free_port()
        env = {
            **os.environ,
            "CMS_DATABASE_URL": db,
            "CMS_REDIS_URL": redis_url,
            "CMS_REDIS_PREFIX": redis_prefix,
            "CMS_SECRET_KEY": "shared-by-both-instances",
            "CMS_HOST": "127.0.0.1",
            "CMS_PORT": str(port),
            "CMS_APPROVE_FIRST_COMMENT": "1",
            "CMS_VIEW_FLUSH_INTERVAL_S": "3600",
        }
        log = (tmp_path / f"server-{n}.log").open("wb")
        servers.processes.append(
            subprocess.Popen([CMS, "serve"], env=env, cwd=tmp_path, stdout=log, stderr=log)
        )
        servers.urls.append(f"http://127.0.0.1:{port}")
    try:
        yield servers
    finally:
        servers.stop()


async def wait_until_healthy(http: httpx.AsyncClient, url: str) -> None:
    for _ in range(150):
        try:
            if (await http.get(f"{url}/healthz")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.1)
    pytest.fail(f"{url} did not become healthy")


async def graphql_at(http: httpx.AsyncClient, url: str, query: str, variables: dict) -> dict:
    response = await http.post(f"{url}/graphql", json={"query": query, "variables": variables})
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def receive(ws: ClientConnection) -> dict[str, Any]:
    message = json.loads(await asyncio.wait_for(ws.recv(), 5))
    assert message["type"] == "next", message
    return message


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5, headers={"User-Agent": BROWSER}) as client:
        yield client


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_a_subscriber_on_one_instance_sees_likes_and_comments_made_through_another(
    servers: Servers, http: httpx.AsyncClient
) -> None:
    post = await make_post()
    post_id = encode_id("Post", post.id)
    listening, acting = servers.urls
    await asyncio.gather(*(wait_until_healthy(http, url) for url in servers.urls))
    ws_url = listening.replace("http://", "ws://") + "/graphql"

    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv()) == {"type": "connection_ack"}
        for op_id, query in (("comments", COMMENT_ADDED), ("stats", POST_STATS)):
            await ws.send(json.dumps({
                "id": op_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": {"postId": post_id}},
            }))  # fmt: skip
        initial = await receive(ws)  # the current counts: both subscriptions are live

        await graphql_at(http, acting, LIKE, {"postId": post_id, "visitorId": "v1"})
        after_like = await receive(ws)
        added = await graphql_at(
            http,
            acting,
            ADD_COMMENT,
            {"input": {"postId": post_id, "author": "Ana", "body": "From the other side"}},
        )
        after_comment = sorted([await receive(ws), await receive(ws)], key=lambda m: m["id"])

    assert (initial["id"], initial["payload"]["data"]["postStats"]) == (
        "stats",
        {"likeCount": 0, "viewCount": 0, "commentCount": 0},
    )
    assert after_like["payload"]["data"]["postStats"]["likeCount"] == 1
    assert [m["id"] for m in after_comment] == ["comments", "stats"]
    assert after_comment[0]["payload"]["data"]["commentAdded"] == {
        "id": added["addComment"]["id"],
        "author": "Ana",
        "body": "From the other side",
        "status": "APPROVED",
    }
    assert after_comment[1]["payload"]["data"]["postStats"] == {
        "likeCount": 1,
        "viewCount": 0,
        "commentCount": 1,
    }


REACT = """
mutation React($postId: ID!, $visitorId: String!) {
  reactToPost(postId: $postId, kind: "HEART", visitorId: $visitorId) { postId }
}
"""
VOTE = """
mutation Vote($id: ID!) { voteComment(id: $id, value: DOWN, visitorId: "v2") { score } }
"""
REACTIONS = """
subscription Stats($postId: ID!) {
  postStats(postId: $postId, visitorId: "me") {
    reactions { kind count viewerReacted } comment { commentId score }
  }
}
"""


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_reactions_and_votes_made_through_one_instance_reach_the_other_live(
    servers: Servers, http: httpx.AsyncClient
) -> None:
    post = await make_post()
    remark = await make_comment(post)
    post_id, comment_id = encode_id("Post", post.id), encode_id("Comment", remark.id)
    listening, acting = servers.urls
    await asyncio.gather(*(wait_until_healthy(http, url) for url in servers.urls))
    ws_url = listening.replace("http://", "ws://") + "/graphql"

    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        await ws.send(json.dumps({"type": "connection_init"}))
        assert json.loads(await ws.recv()) == {"type": "connection_ack"}
        await ws.send(json.dumps({
            "id": "stats",
            "type": "subscribe",
            "payload": {"query": REACTIONS, "variables": {"postId": post_id}},
        }))  # fmt: skip
        await receive(ws)  # the current counts: the subscription is live

        await graphql_at(http, acting, REACT, {"postId": post_id, "visitorId": "me"})
        mine = await receive(ws)
        await graphql_at(http, acting, REACT, {"postId": post_id, "visitorId": "v2"})
        theirs = await receive(ws)
        await graphql_at(http, acting, VOTE, {"id": comment_id})
        voted = await receive(ws)

    def heart(message: dict[str, Any]) -> dict[str, Any]:
        return message["payload"]["data"]["postStats"]["reactions"][1]

    assert heart(mine) == {"kind": "HEART", "count": 1, "viewerReacted": True}
    assert heart(theirs) == {"kind": "HEART", "count": 2, "viewerReacted": True}
    assert voted["payload"]["data"]["postStats"]["comment"] == {
        "commentId": comment_id,
        "score": -1,
    }


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_views_through_either_instance_count_once_and_are_flushed_when_they_stop(
    servers: Servers, http: httpx.AsyncClient
) -> None:
    post = await make_post()
    post_id = encode_id("Post", post.id)
    one, two = servers.urls
    await asyncio.gather(*(wait_until_healthy(http, url) for url in servers.urls))

    for url in (one, two, one, two):
        await graphql_at(http, url, VIEW, {"postId": post_id, "visitorId": "v1"})
    last = await graphql_at(http, two, VIEW, {"postId": post_id, "visitorId": "v2"})
    stored_while_running = (await Post.get(id=post.id)).view_count
    await asyncio.to_thread(servers.stop)

    assert last["recordView"]["viewCount"] == 2
    assert stored_while_running == 0
    assert (await Post.get(id=post.id)).view_count == 2


MODERATION_EVENTS = """
subscription { moderationEvents { kind decidedBy comment { id status } } }
"""
POST_PUBLISHED = "subscription { postPublished { id status } }"
MODERATE = """
mutation Moderate($id: ID!, $status: CommentStatus!) {
  moderateComment(id: $id, status: $status) { status }
}
"""
PUBLISH = "mutation Publish($id: ID!) { publishPost(id: $id) { status } }"


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_an_editor_on_one_instance_hears_decisions_and_publications_made_on_another(
    servers: Servers, http: httpx.AsyncClient
) -> None:
    post = await make_post()
    held = await make_comment(post, status=CommentStatus.PENDING)
    draft = await make_post(status=PostStatus.DRAFT)
    quiet = await make_post()
    listening_token, acting_token = await make_token("listening"), await make_token("Bob")
    listening, acting = servers.urls
    await asyncio.gather(*(wait_until_healthy(http, url) for url in servers.urls))
    ws_url = listening.replace("http://", "ws://") + "/graphql"
    headers = {"Authorization": f"Bearer {acting_token}"}

    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"Authorization": f"Bearer {listening_token}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        assert json.loads(await ws.recv()) == {"type": "connection_ack"}
        for op_id, query, variables in (
            ("moderation", MODERATION_EVENTS, {}),
            ("published", POST_PUBLISHED, {}),
            ("stats", POST_STATS, {"postId": encode_id("Post", quiet.id)}),
        ):
            await ws.send(json.dumps({
                "id": op_id,
                "type": "subscribe",
                "payload": {"query": query, "variables": variables},
            }))  # fmt: skip
        await receive(ws)  # the quiet post's counts: the subscriptions are live

        for query, variables in (
            (MODERATE, {"id": encode_id("Comment", held.id), "status": "REJECTED"}),
            (PUBLISH, {"id": encode_id("Post", draft.id)}),
        ):
            answer = await http.post(
                f"{acting}/graphql", json={"query": query, "variables": variables}, headers=headers
            )
            assert "errors" not in answer.json(), answer.json()
        heard = sorted([await receive(ws), await receive(ws)], key=lambda m: m["id"])

    assert [(m["id"], m["payload"]["data"]) for m in heard] == [
        (
            "moderation",
            {
                "moderationEvents": {
                    "kind": "DECIDED",
                    "decidedBy": "Bob",
                    "comment": {"id": encode_id("Comment", held.id), "status": "REJECTED"},
                }
            },
        ),
        (
            "published",
            {"postPublished": {"id": encode_id("Post", draft.id), "status": "PUBLISHED"}},
        ),
    ]
