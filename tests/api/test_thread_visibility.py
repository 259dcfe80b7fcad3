"""A reply under a comment the public may not see is hidden with it, by every route."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from cms.api.ids import encode_id
from cms.enums import CommentStatus, Role
from cms.models import Comment, Post
from cms.principal import Viewer
from cms.runtime import Runtime
from cms.services import threads
from cms.services.comments import NewComment, add_comment, set_comment_status
from cms.services.events import comment_channel
from cms.settings import Limits, Settings
from tests.conftest import graphql
from tests.factories import make_comment, make_post, make_token

EDITOR = Viewer(name="ed", role=Role.EDITOR)
MODERATE = """
mutation($id: ID!, $status: CommentStatus!) { moderateComment(id: $id, status: $status) { id } }
"""
NODE = "query($id: ID!) { node(id: $id) { ... on Comment { body parent { body } } } }"
PAGE = """
query($slug: String!) {
  post(slug: $slug) {
    commentCount text
    comments(first: 5) { totalCount edges { node { body replies(first: 5) { edges { node { body
      replies(first: 5) { edges { node { body } } } } } } } } }
  }
}
"""


async def _thread(post: Post) -> dict[str, Comment]:
    root = await make_comment(post, "Root words")
    reply = await make_comment(post, "Reply words", parent=root)
    deeper = await make_comment(post, "Deeper words", parent=reply)
    other = await make_comment(post, "Other words")
    return {"root": root, "reply": reply, "deeper": deeper, "other": other}


def _bodies(page: dict[str, Any]) -> list[str]:
    found = []
    for edge in page["comments"]["edges"]:
        found.append(edge["node"]["body"])
        for reply in edge["node"]["replies"]["edges"]:
            found.append(reply["node"]["body"])
            found += [e["node"]["body"] for e in reply["node"]["replies"]["edges"]]
    return found


async def _page(client: httpx.AsyncClient, post: Post, token: str | None = None) -> Any:
    answer = await graphql(client, PAGE, {"slug": post.slug}, token=token)
    assert "errors" not in answer, answer["errors"]
    return answer["data"]["post"]


async def _node(client: httpx.AsyncClient, comment: Comment, token: str | None = None) -> Any:
    answer = await graphql(client, NODE, {"id": encode_id("Comment", comment.id)}, token=token)
    return answer["data"]["node"]


@pytest.mark.parametrize("status", ["REJECTED", "PENDING", "SPAM"])
async def test_replies_under_a_hidden_comment_are_hidden_by_every_route(
    client: httpx.AsyncClient, status: str
) -> None:
    post = await make_post()
    thread = await _thread(post)
    secret = await make_token()

    await graphql(
        client,
        MODERATE,
        {"id": encode_id("Comment", thread["root"].id), "status": status},
        token=secret,
    )
    public = await _page(client, post)
    editor = await _page(client, post, secret)

    assert await _node(client, thread["reply"]) is None
    assert await _node(client, thread["deeper"]) is None
    assert await _node(client, thread["other"]) == {"body": "Other words", "parent": None}
    assert public["commentCount"] == 1
    assert public["comments"]["totalCount"] == 1
    assert _bodies(public) == ["Other words"]
    assert "Other words" in public["text"]
    assert "Reply words" not in public["text"]
    assert "Deeper words" not in public["text"]
    # Editors still see the whole thread, to moderate it.
    assert _bodies(editor) == ["Root words", "Reply words", "Deeper words", "Other words"]
    assert await _node(client, thread["deeper"], secret) == {
        "body": "Deeper words",
        "parent": {"body": "Reply words"},
    }
    assert (await Post.get(id=post.id)).comment_count == 1


async def test_approving_the_comment_again_brings_its_thread_back(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post()
    thread = await _thread(post)
    secret = await make_token()
    root_id = encode_id("Comment", thread["root"].id)

    await graphql(client, MODERATE, {"id": root_id, "status": "REJECTED"}, token=secret)
    await graphql(client, MODERATE, {"id": root_id, "status": "APPROVED"}, token=secret)
    public = await _page(client, post)

    assert public["commentCount"] == 4
    assert _bodies(public) == ["Root words", "Reply words", "Deeper words", "Other words"]
    assert await _node(client, thread["deeper"]) == {
        "body": "Deeper words",
        "parent": {"body": "Reply words"},
    }


async def test_a_hidden_reply_stays_hidden_when_its_parent_is_hidden_and_shown_again(
    db: str,
) -> None:
    post = await make_post()
    thread = await _thread(post)
    engagement = Runtime(Settings(database_url=db)).engagement
    await set_comment_status(thread["deeper"].id, CommentStatus.SPAM, engagement=engagement)

    await set_comment_status(thread["root"].id, CommentStatus.REJECTED, engagement=engagement)
    await set_comment_status(thread["root"].id, CommentStatus.APPROVED, engagement=engagement)

    rows = await Comment.filter(post_id=post.id).order_by("id").values_list("body", "is_public")
    assert rows == [
        ("Root words", True),
        ("Reply words", True),
        ("Deeper words", False),
        ("Other words", True),
    ]
    assert (await Post.get(id=post.id)).comment_count == 3


async def test_a_reply_written_under_a_held_comment_is_not_public_nor_announced(db: str) -> None:
    # Editors may reply to a comment waiting for moderation; the public sees neither.
    post = await make_post()
    held = await make_comment(post, "Held", status=CommentStatus.PENDING)
    runtime = Runtime(Settings(database_url=db, limits=Limits(hold_first_comment=False)))

    async with runtime.events.subscribe(comment_channel(post.id)) as events:
        reply = await add_comment(
            EDITOR,
            NewComment(post.id, "Ed", "Answer", parent_id=held.id),
            "192.0.2.1",
            runtime.engagement,
        )
        message = await asyncio.wait_for(events.next(), 1)

    assert (reply.status, reply.is_public) == (CommentStatus.APPROVED, False)
    assert message["is_public"] is False
    assert (await Post.get(id=post.id)).comment_count == 0
    await set_comment_status(held.id, CommentStatus.APPROVED, engagement=runtime.engagement)
    assert (await Post.get(id=post.id)).comment_count == 2


async def test_refreshing_every_thread_derives_visibility_from_the_statuses(db: str) -> None:
    # What migration 0006 and `cms load` do for rows written before `is_public`.
    post = await make_post()
    thread = await _thread(post)
    await Comment.filter(id=thread["root"].id).update(status=CommentStatus.REJECTED)
    await Comment.all().update(is_public=False)
    await Post.filter(id=post.id).update(comment_count=99)

    await threads.refresh_all()

    rows = await Comment.filter(post_id=post.id).order_by("id").values_list("body", "is_public")
    assert rows == [
        ("Root words", False),
        ("Reply words", False),
        ("Deeper words", False),
        ("Other words", True),
    ]
    assert (await Post.get(id=post.id)).comment_count == 1
