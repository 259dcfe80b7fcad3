"""Why comments are held: recorded with each comment, shown to editors only, and the
moderation queue filtered by reason."""

from __future__ import annotations

from typing import Any

import httpx

from cms.api.ids import encode_id
from cms.enums import CommentStatus
from cms.models import CommentHold, Post
from cms.settings import Limits, Settings
from tests.conftest import app_client, error_codes, graphql
from tests.factories import make_comment, make_post, make_token

ADD = """
mutation Add($input: AddCommentInput!) { addComment(input: $input) { id status heldBecause } }
"""
MODERATE = """
mutation Moderate($id: ID!, $status: CommentStatus!) {
  moderateComment(id: $id, status: $status) { status heldBecause }
}
"""
THREAD = """
query Thread($slug: String!) {
  post(slug: $slug) { comments(first: 10) { edges { node { author status heldBecause } } } }
}
"""
QUEUE = """
query Queue($reason: HoldReason, $status: CommentStatus, $first: Int, $after: String) {
  moderationQueue(reason: $reason, status: $status, first: $first, after: $after) {
    totalCount
    edges { node { author heldBecause } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
TWO_LINKS = "See https://a.example and https://b.example"


def _settings(db_url: str, **limits: Any) -> Settings:
    return Settings(
        database_url=db_url,
        debug=True,
        limits=Limits(comment_rate="1000/minute", comment_blocklist=("casino",), **limits),
    )


async def _add(http: httpx.AsyncClient, post: Post, author: str, body: str) -> dict[str, Any]:
    variables = {"input": {"postId": encode_id("Post", post.id), "author": author, "body": body}}
    answer = await graphql(http, ADD, variables)
    assert "errors" not in answer, answer
    return answer["data"]["addComment"]


async def test_each_reason_is_kept_and_only_editors_read_it(db_url: str) -> None:
    async with app_client(_settings(db_url)) as http:
        post = await make_post()
        await make_comment(post, author="Never held")
        secret = await make_token()
        held = await _add(http, post, "Ana", TWO_LINKS)
        approved = await graphql(
            http, MODERATE, {"id": held["id"], "status": "APPROVED"}, token=secret
        )
        public = await graphql(http, THREAD, {"slug": post.slug})
        editor = await graphql(http, THREAD, {"slug": post.slug}, token=secret)
        holds = sorted(await CommentHold.all().values_list("reason", "status"))

    # The author's first comment from this client, with two links; anonymous: no reasons.
    assert held == {"id": held["id"], "status": "PENDING", "heldBecause": None}
    assert approved["data"]["moderateComment"] == {
        "status": "APPROVED",
        "heldBecause": ["FIRST_COMMENT", "LINKS"],
    }
    assert public["data"]["post"]["comments"]["edges"] == [
        {"node": {"author": "Never held", "status": "APPROVED", "heldBecause": None}},
        {"node": {"author": "Ana", "status": "APPROVED", "heldBecause": None}},
    ]
    assert editor["data"]["post"]["comments"]["edges"] == [
        {"node": {"author": "Never held", "status": "APPROVED", "heldBecause": []}},
        {
            "node": {
                "author": "Ana",
                "status": "APPROVED",
                "heldBecause": ["FIRST_COMMENT", "LINKS"],
            }
        },
    ]
    # The holds follow the decision, so the queue of PENDING comments no longer lists it.
    assert holds == [
        ("FIRST_COMMENT", CommentStatus.APPROVED),
        ("LINKS", CommentStatus.APPROVED),
    ]


async def test_the_queue_lists_the_comments_held_for_one_reason_oldest_first(
    db_url: str,
) -> None:
    async with app_client(_settings(db_url, hold_first_comment=False)) as http:
        post = await make_post()
        secret = await make_token()
        await _add(http, post, "Links one", TWO_LINKS)
        await _add(http, post, "Casino", "Best casino in town")
        await _add(http, post, "Both", f"casino at {TWO_LINKS}")
        await _add(http, post, "Fine", "Thanks for this.")
        await _add(http, post, "Links two", f"Also {TWO_LINKS}")
        first = await graphql(http, QUEUE, {"reason": "LINKS", "first": 2}, token=secret)
        cursor = first["data"]["moderationQueue"]["pageInfo"]["endCursor"]
        rest = await graphql(
            http, QUEUE, {"reason": "LINKS", "first": 2, "after": cursor}, token=secret
        )
        blocklist = await graphql(http, QUEUE, {"reason": "BLOCKLIST"}, token=secret)
        everything = await graphql(http, QUEUE, {}, token=secret)
        approved = await graphql(
            http, QUEUE, {"reason": "LINKS", "status": "APPROVED"}, token=secret
        )
        anonymous = await graphql(http, QUEUE, {"reason": "LINKS"})

    assert first["data"]["moderationQueue"] == {
        "totalCount": 3,
        "edges": [
            {"node": {"author": "Links one", "heldBecause": ["LINKS"]}},
            {"node": {"author": "Both", "heldBecause": ["LINKS", "BLOCKLIST"]}},
        ],
        "pageInfo": {"hasNextPage": True, "endCursor": cursor},
    }
    assert rest["data"]["moderationQueue"]["edges"] == [
        {"node": {"author": "Links two", "heldBecause": ["LINKS"]}}
    ]
    assert rest["data"]["moderationQueue"]["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["author"] for e in blocklist["data"]["moderationQueue"]["edges"]] == [
        "Casino",
        "Both",
    ]
    assert everything["data"]["moderationQueue"]["totalCount"] == 4
    assert approved["data"]["moderationQueue"]["totalCount"] == 0
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert anonymous["data"] is None
