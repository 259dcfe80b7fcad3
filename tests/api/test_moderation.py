"""Moderating comments: statuses, the moderation queue, deletion, and comment_count."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from tortoise import timezone

from cms.api.ids import encode_id
from cms.enums import CommentStatus
from cms.models import Comment, Post
from tests.conftest import error_codes, graphql
from tests.factories import make_comment, make_post, make_token

MODERATE = """
mutation Moderate($id: ID!, $status: CommentStatus!) {
  moderateComment(id: $id, status: $status) { author status post { commentCount } }
}
"""
DELETE = "mutation Delete($id: ID!) { deleteComment(id: $id) }"
QUEUE = """
query Queue($status: CommentStatus, $first: Int, $after: String) {
  moderationQueue(status: $status, first: $first, after: $after) {
    totalCount edges { node { author status } } pageInfo { hasNextPage endCursor }
  }
}
"""


async def _count(post: Post) -> int:
    return (await Post.get(id=post.id)).comment_count


@pytest.mark.parametrize(
    ("start", "to", "before", "after"),
    [
        (CommentStatus.PENDING, CommentStatus.APPROVED, 1, 2),
        (CommentStatus.APPROVED, CommentStatus.SPAM, 2, 1),
        (CommentStatus.APPROVED, CommentStatus.APPROVED, 2, 2),
        (CommentStatus.SPAM, CommentStatus.REJECTED, 1, 1),
    ],
)
async def test_moderation_moves_the_approved_count_only_across_approved(
    client: httpx.AsyncClient, start: CommentStatus, to: CommentStatus, before: int, after: int
) -> None:
    post = await make_post("Talk")
    await make_comment(post, author="Other")
    comment = await make_comment(post, author="Eve", status=start)
    secret = await make_token()
    assert await _count(post) == before

    body = await graphql(
        client,
        MODERATE,
        {"id": encode_id("Comment", comment.id), "status": to.value},
        token=secret,
    )

    assert body["data"]["moderateComment"] == {
        "author": "Eve",
        "status": to.value,
        "post": {"commentCount": after},
    }
    assert await _count(post) == after


async def test_the_queue_lists_pending_comments_oldest_first(client: httpx.AsyncClient) -> None:
    post = await make_post("Talk")
    now = timezone.now()
    await make_comment(post, author="Second", status=CommentStatus.PENDING, created_at=now)
    await make_comment(
        post, author="First", status=CommentStatus.PENDING, created_at=now - timedelta(hours=1)
    )
    await make_comment(post, author="Spammer", status=CommentStatus.SPAM)
    await make_comment(post, author="Fine")
    secret = await make_token()

    pending = await graphql(client, QUEUE, {"first": 1}, token=secret)
    rest = await graphql(
        client,
        QUEUE,
        {"first": 1, "after": pending["data"]["moderationQueue"]["pageInfo"]["endCursor"]},
        token=secret,
    )
    spam = await graphql(client, QUEUE, {"status": "SPAM"}, token=secret)

    assert pending["data"]["moderationQueue"]["totalCount"] == 2
    assert pending["data"]["moderationQueue"]["edges"] == [
        {"node": {"author": "First", "status": "PENDING"}}
    ]
    assert rest["data"]["moderationQueue"]["edges"] == [
        {"node": {"author": "Second", "status": "PENDING"}}
    ]
    assert spam["data"]["moderationQueue"]["edges"] == [
        {"node": {"author": "Spammer", "status": "SPAM"}}
    ]


async def test_deleting_a_comment_removes_its_replies_and_their_approved_count(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Talk")
    root = await make_comment(post, author="Root")
    reply = await make_comment(post, author="Reply", parent=root)
    await make_comment(post, author="Held", parent=reply, status=CommentStatus.PENDING)
    await make_comment(post, author="Elsewhere")
    secret = await make_token()

    body = await graphql(client, DELETE, {"id": encode_id("Comment", root.id)}, token=secret)

    assert body["data"] == {"deleteComment": encode_id("Comment", root.id)}
    assert await Comment.all().values_list("author", flat=True) == ["Elsewhere"]
    assert await _count(post) == 1


async def test_editors_see_every_comment_status_on_a_post(client: httpx.AsyncClient) -> None:
    post = await make_post("Talk")
    await make_comment(post, author="Approved")
    await make_comment(post, author="Pending", status=CommentStatus.PENDING)
    secret = await make_token()
    query = "query($slug: String!) { post(slug: $slug) { comments { edges { node { author } } } } }"

    editor = await graphql(client, query, {"slug": post.slug}, token=secret)
    anonymous = await graphql(client, query, {"slug": post.slug})

    authors = [e["node"]["author"] for e in editor["data"]["post"]["comments"]["edges"]]
    assert sorted(authors) == ["Approved", "Pending"]
    assert anonymous["data"]["post"]["comments"]["edges"] == [{"node": {"author": "Approved"}}]


async def test_anonymous_callers_cannot_moderate_or_see_the_queue(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Talk")
    comment = await make_comment(post, status=CommentStatus.PENDING)
    comment_id = encode_id("Comment", comment.id)

    moderate = await graphql(client, MODERATE, {"id": comment_id, "status": "APPROVED"})
    delete = await graphql(client, DELETE, {"id": comment_id})
    queue = await graphql(client, QUEUE)

    assert error_codes(moderate) == ["UNAUTHENTICATED"]
    assert error_codes(delete) == ["UNAUTHENTICATED"]
    assert error_codes(queue) == ["UNAUTHENTICATED"]
    assert queue["data"] is None
    assert (await Comment.get(id=comment.id)).status == CommentStatus.PENDING
    assert await _count(post) == 0


async def test_a_missing_comment_is_not_found(client: httpx.AsyncClient) -> None:
    secret = await make_token()

    body = await graphql(
        client, MODERATE, {"id": encode_id("Comment", 9), "status": "SPAM"}, token=secret
    )

    assert error_codes(body) == ["NOT_FOUND"]
