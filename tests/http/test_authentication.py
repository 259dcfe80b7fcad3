"""Bearer tokens on /graphql: anonymous without one, UNAUTHENTICATED with a bad one."""

from __future__ import annotations

import httpx
import pytest

from cms.api.ids import encode_id
from cms.enums import CommentStatus, PostStatus, Role
from cms.models import ApiToken, Post
from cms.services import tokens
from tests.conftest import error_codes, graphql
from tests.factories import make_comment, make_post, make_token

ME = "{ me { name role } }"
DRAFTS = "{ posts(filter: {status: DRAFT}) { edges { node { slug status } } } }"
CREATE = """
mutation Create($title: String!) { createPost(input: {title: $title}) { slug } }
"""


async def test_me_is_null_without_a_token(client: httpx.AsyncClient) -> None:
    body = await graphql(client, ME)

    assert body["data"] == {"me": None}


async def test_me_names_the_editor_behind_the_token(client: httpx.AsyncClient) -> None:
    secret = await make_token("alice", Role.ADMIN)

    body = await graphql(client, ME, token=secret)

    assert body["data"] == {"me": {"name": "alice", "role": "ADMIN"}}


@pytest.mark.parametrize(
    "header",
    ["Bearer cms_" + "x" * 43, "Bearer not-a-token", "Token abc", "Bearer "],
)
async def test_a_wrong_or_malformed_token_is_unauthenticated_never_anonymous(
    client: httpx.AsyncClient, header: str
) -> None:
    await make_post("Live")

    response = await client.post(
        "/graphql", json={"query": "{ posts { totalCount } }"}, headers={"Authorization": header}
    )

    body = response.json()
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body.get("data") is None


async def test_a_revoked_token_can_neither_read_drafts_nor_write(
    client: httpx.AsyncClient,
) -> None:
    await make_post("Hidden", status=PostStatus.DRAFT)
    secret = await make_token("mallory")
    await tokens.revoke_token("mallory")

    read = await graphql(client, DRAFTS, token=secret)
    write = await graphql(client, CREATE, {"title": "Sneaky"}, token=secret)

    assert error_codes(read) == ["UNAUTHENTICATED"]
    assert read.get("data") is None
    assert error_codes(write) == ["UNAUTHENTICATED"]
    assert "revoked" in write["errors"][0]["message"]
    assert await Post.all().values_list("title", flat=True) == ["Hidden"]


async def test_an_editor_token_sees_drafts_through_the_public_queries(
    client: httpx.AsyncClient,
) -> None:
    draft = await make_post("Preview me", status=PostStatus.DRAFT)
    secret = await make_token()
    query = "query($slug: String!) { post(slug: $slug) { title status } }"

    as_editor = await graphql(client, query, {"slug": draft.slug}, token=secret)
    anonymous = await graphql(client, query, {"slug": draft.slug})
    listed = await graphql(client, DRAFTS, token=secret)

    assert as_editor["data"]["post"] == {"title": "Preview me", "status": "DRAFT"}
    assert anonymous["data"]["post"] is None
    assert "errors" not in anonymous
    assert listed["data"]["posts"]["edges"] == [{"node": {"slug": draft.slug, "status": "DRAFT"}}]


async def test_requests_record_the_tokens_last_use_once(client: httpx.AsyncClient) -> None:
    secret = await make_token("alice")

    await graphql(client, ME, token=secret)
    first = (await ApiToken.get(name="alice")).last_used_at
    await graphql(client, ME, token=secret)
    second = (await ApiToken.get(name="alice")).last_used_at

    assert first is not None
    assert second == first


async def test_an_editor_token_sees_drafts_and_held_comments_by_node_id(
    client: httpx.AsyncClient,
) -> None:
    draft = await make_post("Draft by id", status=PostStatus.DRAFT)
    held = await make_comment(draft, "Hold me", status=CommentStatus.PENDING)
    secret = await make_token()
    query = """query($post: ID!, $comment: ID!) {
      post: node(id: $post) { ... on Post { title } }
      comment: node(id: $comment) { ... on Comment { body status } }
    }"""
    ids = {"post": encode_id("Post", draft.id), "comment": encode_id("Comment", held.id)}

    as_editor = await graphql(client, query, ids, token=secret)
    anonymous = await graphql(client, query, ids)

    assert as_editor["data"] == {
        "post": {"title": "Draft by id"},
        "comment": {"body": "Hold me", "status": "PENDING"},
    }
    assert anonymous["data"] == {"post": None, "comment": None}
