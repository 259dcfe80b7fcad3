"""Surrogate keys: anonymous answers name what they show, and writes purge exactly that."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator

import httpx
import pytest

from cms.api.ids import encode_id
from cms.enums import CommentStatus, PostStatus
from cms.models import Comment, Post
from cms.settings import Settings
from tests.conftest import app_client, graphql
from tests.factories import make_comment, make_post, make_token

PAGE = """
query Page($slug: String!) {
  post(slug: $slug) { title likeCount comments { edges { node { body } } } }
}
"""
FEED = "{ posts { edges { node { title } } } }"
TAGGED = '{ posts(filter: {tag: "health"}) { edges { node { title } } } }'
RENAME = """
mutation Rename($id: ID!, $title: String!) { updatePost(id: $id, input: {title: $title}) { title } }
"""
UNPUBLISH = "mutation Off($id: ID!) { unpublishPost(id: $id) { status } }"
PUBLISH = "mutation On($id: ID!) { publishPost(id: $id) { status } }"
LIKE = 'mutation Like($id: ID!) { likePost(postId: $id, visitorId: "v-1") { likeCount } }'
ADD_COMMENT = """
mutation Add($input: AddCommentInput!) { addComment(input: $input) { status } }
"""
MODERATE = """
mutation Moderate($id: ID!, $status: CommentStatus!) {
  moderateComment(id: $id, status: $status) { status }
}
"""


@pytest.fixture
async def http(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """A deployment's app with answers kept in memory for an hour."""
    limits = dataclasses.replace(settings.limits, hold_first_comment=False)
    tuned = dataclasses.replace(settings, debug=False, response_cache_ttl_s=3600, limits=limits)
    async with app_client(tuned) as client:
        yield client


async def get(http: httpx.AsyncClient, query: str, variables: dict | None = None) -> httpx.Response:
    params = {"query": query}
    if variables:
        params["variables"] = json.dumps(variables)
    return await http.get("/graphql", params=params)


async def test_anonymous_answers_name_what_they_show(http: httpx.AsyncClient) -> None:
    post = await make_post("Tagged", tags=["health"])
    other = await make_post("Other")
    token = await make_token()

    page = await get(http, PAGE, {"slug": post.slug})
    feed = await get(http, FEED)
    tagged = await get(http, TAGGED)
    missing = await get(http, PAGE, {"slug": "no-such-post"})
    posted = await http.post("/graphql", json={"query": FEED})
    editor = await http.get(
        "/graphql", params={"query": FEED}, headers={"Authorization": f"Bearer {token}"}
    )

    assert page.headers["surrogate-key"] == f"post:{post.id} post:{post.id}:comments site"
    assert page.headers["cache-tag"] == f"post:{post.id},post:{post.id}:comments,site"
    assert feed.headers["surrogate-key"] == f"post:{post.id} post:{other.id} posts site"
    assert tagged.headers["surrogate-key"] == f"post:{post.id} posts site tag:health"
    assert missing.headers["surrogate-key"] == "posts site"
    assert page.headers["cache-control"] == (
        "public, max-age=10, stale-while-revalidate=30, stale-if-error=86400"
    )
    # Not cacheable by a CDN: no keys to purge them by.
    for response in (posted, editor):
        assert response.headers["cache-control"] == "no-store"
        assert "surrogate-key" not in response.headers
        assert "cache-tag" not in response.headers


async def test_an_edit_purges_its_post_and_the_lists_and_leaves_other_posts_cached(
    http: httpx.AsyncClient,
) -> None:
    edited = await make_post("Before")
    untouched = await make_post("Untouched")
    token = await make_token()
    for slug in (edited.slug, untouched.slug):
        await graphql(http, PAGE, {"slug": slug})
    await graphql(http, FEED)
    # Changed behind the cache: only a purge of its keys would show it.
    await Post.filter(id=untouched.id).update(title="Changed unseen")

    renamed = await graphql(
        http, RENAME, {"id": encode_id("Post", edited.id), "title": "After"}, token=token
    )
    page = await graphql(http, PAGE, {"slug": edited.slug})
    other = await graphql(http, PAGE, {"slug": untouched.slug})
    feed = await graphql(http, FEED)

    assert renamed["data"]["updatePost"]["title"] == "After"
    assert page["data"]["post"]["title"] == "After"
    assert other["data"]["post"]["title"] == "Untouched"  # still the cached answer
    assert sorted(e["node"]["title"] for e in feed["data"]["posts"]["edges"]) == [
        "After",
        "Changed unseen",
    ]


async def test_unpublishing_hides_the_post_and_publishing_fills_a_lookup_that_found_nothing(
    http: httpx.AsyncClient,
) -> None:
    post = await make_post("Live")
    draft = await make_post("Soon", status=PostStatus.DRAFT)
    token = await make_token()
    await graphql(http, PAGE, {"slug": post.slug})
    await graphql(http, PAGE, {"slug": draft.slug})

    await graphql(http, UNPUBLISH, {"id": encode_id("Post", post.id)}, token=token)
    await graphql(http, PUBLISH, {"id": encode_id("Post", draft.id)}, token=token)
    hidden = await graphql(http, PAGE, {"slug": post.slug})
    shown = await graphql(http, PAGE, {"slug": draft.slug})

    assert hidden["data"]["post"] is None
    assert shown["data"]["post"]["title"] == "Soon"


async def test_comments_purge_their_thread_and_likes_purge_nothing(
    http: httpx.AsyncClient,
) -> None:
    post = await make_post("Discussed")
    held = await make_comment(post, body="Held for a while", status=CommentStatus.PENDING)
    token = await make_token()
    post_id = encode_id("Post", post.id)
    empty = await graphql(http, PAGE, {"slug": post.slug})

    liked = await graphql(http, LIKE, {"id": post_id})
    after_like = await graphql(http, PAGE, {"slug": post.slug})
    await graphql(
        http, ADD_COMMENT, {"input": {"postId": post_id, "author": "Ana", "body": "First!"}}
    )
    after_comment = await graphql(http, PAGE, {"slug": post.slug})
    await graphql(
        http, MODERATE, {"id": encode_id("Comment", held.id), "status": "APPROVED"}, token=token
    )
    after_approval = await graphql(http, PAGE, {"slug": post.slug})

    def bodies(answer: dict) -> list[str]:
        return [e["node"]["body"] for e in answer["data"]["post"]["comments"]["edges"]]

    assert bodies(empty) == []
    assert liked["data"]["likePost"]["likeCount"] == 1
    assert after_like["data"]["post"]["likeCount"] == 0  # counts catch up within the TTL
    assert bodies(after_comment) == ["First!"]
    assert after_comment["data"]["post"]["likeCount"] == 1  # the page was executed again
    assert sorted(bodies(after_approval)) == ["First!", "Held for a while"]
    assert await Comment.filter(post_id=post.id, status=CommentStatus.APPROVED).count() == 2
