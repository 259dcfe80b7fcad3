"""Token expiry, deletion and the PREVIEW role, through the ASGI app."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
from tortoise import timezone

from cms.api.ids import encode_id
from cms.enums import CommentStatus, PostStatus, Role
from cms.models import Comment, Like, Post
from cms.services import tokens
from tests.conftest import error_codes, graphql
from tests.factories import make_comment, make_post, make_token

ME = "{ me { name role } }"
PREVIEW = """query($slug: String!, $comment: ID!) {
  post(slug: $slug) { title status comments { edges { node { body status } } } }
  drafts: posts(filter: {status: DRAFT}) { edges { node { title } } }
  comment: node(id: $comment) { ... on Comment { body status } }
  moderationQueue { edges { node { body } } }
}"""
READ_ONLY = (
    "This is a preview token: it reads drafts but changes nothing. Use an editor's token "
    "(`cms token create --role editor`); likes, views and comments need no token at all."
)


async def test_an_expired_token_is_unauthenticated_saying_it_expired(
    client: httpx.AsyncClient,
) -> None:
    await make_post("Hidden", status=PostStatus.DRAFT)
    expired = await make_token("old", expires_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))
    current = await make_token("new", expires_at=timezone.now() + timedelta(days=1))

    refused = await graphql(
        client, "{ posts(filter: {status: DRAFT}) { totalCount } }", token=expired
    )
    unknown = await graphql(client, ME, token="cms_" + "x" * 43)
    allowed = await graphql(client, ME, token=current)

    assert refused["data"] is None
    assert refused["errors"] == [
        {
            "message": "This API token expired on 2026-01-02 03:04 UTC: ask an administrator "
            "for a new one (`cms token create`).",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
    assert error_codes(unknown) == ["UNAUTHENTICATED"]
    assert allowed["data"] == {"me": {"name": "new", "role": "EDITOR"}}


async def test_a_deleted_token_is_unauthenticated_like_an_unknown_one(
    client: httpx.AsyncClient,
) -> None:
    secret = await make_token("alice")
    before = await graphql(client, ME, token=secret)
    await tokens.delete_token("alice")

    after = await graphql(client, ME, token=secret)

    assert before["data"] == {"me": {"name": "alice", "role": "EDITOR"}}
    assert after["data"] is None
    assert error_codes(after) == ["UNAUTHENTICATED"]
    assert "not valid" in after["errors"][0]["message"]


async def test_a_preview_token_reads_what_an_editor_reads(client: httpx.AsyncClient) -> None:
    draft = await make_post("Draft", status=PostStatus.DRAFT)
    held = await make_comment(draft, "Held", status=CommentStatus.PENDING)
    secret = await make_token("frontend", Role.PREVIEW)
    variables = {"slug": draft.slug, "comment": encode_id("Comment", held.id)}

    preview = await graphql(client, PREVIEW, variables, token=secret)
    anonymous = await graphql(
        client, "query($slug: String!) { post(slug: $slug) { title } }", {"slug": draft.slug}
    )
    me = await graphql(client, ME, token=secret)

    assert "errors" not in preview
    assert preview["data"] == {
        "post": {
            "title": "Draft",
            "status": "DRAFT",
            "comments": {"edges": [{"node": {"body": "Held", "status": "PENDING"}}]},
        },
        "drafts": {"edges": [{"node": {"title": "Draft"}}]},
        "comment": {"body": "Held", "status": "PENDING"},
        "moderationQueue": {"edges": [{"node": {"body": "Held"}}]},
    }
    assert anonymous["data"] == {"post": None}
    assert me["data"] == {"me": {"name": "frontend", "role": "PREVIEW"}}


@pytest.mark.parametrize(
    "mutation",
    [
        'mutation { createPost(input: {title: "New"}) { id } }',
        'mutation($id: ID!) { updatePost(id: $id, input: {title: "Renamed"}) { id } }',
        "mutation($id: ID!) { publishPost(id: $id) { id } }",
        "mutation($id: ID!) { deletePost(id: $id) }",
        'mutation($id: ID!) { likePost(postId: $id, visitorId: "v-1") { likeCount } }',
        'mutation($id: ID!) { recordView(postId: $id, visitorId: "v-1") { viewCount } }',
        'mutation($id: ID!) { addComment(input: {postId: $id, author: "A", body: "Hi"}) { id } }',
        'mutation { importArticle(text: "Title") { slug } }',
    ],
)
async def test_a_preview_token_changes_nothing(client: httpx.AsyncClient, mutation: str) -> None:
    post = await make_post("Live")
    secret = await make_token("frontend", Role.PREVIEW)
    variables = {"id": encode_id("Post", post.id)} if "$id" in mutation else {}

    body = await graphql(client, mutation, variables, token=secret)

    assert body["data"] is None
    assert body["errors"] == [{"message": READ_ONLY, "extensions": {"code": "FORBIDDEN"}}]
    assert await Post.all().values_list("title", "status") == [("Live", PostStatus.PUBLISHED)]
    assert (await Like.all().count(), await Comment.all().count()) == (0, 0)
    assert (await Post.get(id=post.id)).view_count == 0


async def test_without_the_preview_token_the_frontend_may_like_and_comment(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Live")
    variables = {"id": encode_id("Post", post.id)}

    liked = await graphql(
        client,
        'mutation($id: ID!) { likePost(postId: $id, visitorId: "v-1") { likeCount } }',
        variables,
    )

    assert liked["data"] == {"likePost": {"likeCount": 1}}
