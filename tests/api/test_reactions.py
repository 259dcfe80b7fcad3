"""Reactions and comment votes through the HTTP endpoint, as a frontend uses them."""

from __future__ import annotations

import httpx
import pytest

from cms.api.ids import encode_id
from cms.enums import CommentStatus
from cms.models import CommentVote, PostReaction, PostReactionCount
from cms.settings import Limits, Settings
from tests.conftest import app_client, error_codes, graphql
from tests.factories import make_comment, make_post

REACT = """
mutation React($postId: ID!, $kind: String!, $visitorId: String!) {
  reactToPost(postId: $postId, kind: $kind, visitorId: $visitorId) {
    likeCount viewerHasLiked reactions { kind emoji count viewerReacted }
  }
}
"""
UNREACT = """
mutation Unreact($postId: ID!, $kind: String!, $visitorId: String!) {
  unreactToPost(postId: $postId, kind: $kind, visitorId: $visitorId) {
    reactions { kind count viewerReacted }
  }
}
"""
REACT_TO_COMMENT = """
mutation ReactToComment($id: ID!, $kind: String!, $visitorId: String!) {
  reactToComment(id: $id, kind: $kind, visitorId: $visitorId) {
    commentId score reactions { kind count viewerReacted }
  }
}
"""
VOTE = """
mutation Vote($id: ID!, $value: VoteValue!, $visitorId: String!) {
  voteComment(id: $id, value: $value, visitorId: $visitorId) {
    commentId score upvotes downvotes viewerVote
  }
}
"""
POST_PAGE = """
query Page($slug: String!, $visitorId: String, $order: CommentOrder!, $after: String) {
  post(slug: $slug) {
    reactions(visitorId: $visitorId) { kind count viewerReacted }
    comments(first: 2, after: $after, orderBy: $order) {
      edges { node { body score upvotes downvotes reactions { kind count } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
REPLIES = """
query Replies($slug: String!, $visitor: String!) {
  post(slug: $slug) {
    comments(first: 5) { edges { node {
      body viewerVote(visitorId: $visitor)
      replies(first: 5, orderBy: TOP) { edges { node { body score } } }
    } } }
  }
}
"""
FEED = """
{ posts(first: %d) { edges { node {
    slug reactions { kind count }
    comments(first: 5, orderBy: TOP) { edges { node { score reactions { count } } } }
} } } }
"""
KINDS = ["THUMBS_UP", "HEART", "INSIGHT", "LAUGH"]


@pytest.fixture
def settings(db_url: str) -> Settings:
    limits = Limits(reaction_rate="1000/minute", vote_rate="1000/minute")
    return Settings(database_url=db_url, debug=True, limits=limits)


async def test_a_reaction_counts_once_per_visitor_and_lists_every_kind(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post()
    variables = {"postId": encode_id("Post", post.id), "kind": "HEART", "visitorId": "me"}

    first = await graphql(client, REACT, variables)
    again = await graphql(client, REACT, variables)
    other = await graphql(client, REACT, {**variables, "visitorId": "you"})
    back = await graphql(client, UNREACT, variables)
    back_again = await graphql(client, UNREACT, variables)

    assert first["data"] == again["data"]
    assert first["data"]["reactToPost"] == {
        "likeCount": 0,
        "viewerHasLiked": False,
        "reactions": [
            {"kind": "THUMBS_UP", "emoji": "👍", "count": 0, "viewerReacted": False},
            {"kind": "HEART", "emoji": "❤️", "count": 1, "viewerReacted": True},
            {"kind": "INSIGHT", "emoji": "💡", "count": 0, "viewerReacted": False},
            {"kind": "LAUGH", "emoji": "😂", "count": 0, "viewerReacted": False},
        ],
    }
    assert other["data"]["reactToPost"]["reactions"][1]["count"] == 2
    assert back["data"] == back_again["data"]
    assert back["data"]["unreactToPost"]["reactions"][1] == {
        "kind": "HEART",
        "count": 1,
        "viewerReacted": False,
    }


async def test_a_kind_not_configured_is_bad_user_input_naming_the_kinds(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post()
    variables = {"postId": encode_id("Post", post.id), "kind": "ANGRY", "visitorId": "me"}

    body = await graphql(client, REACT, variables)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    error = body["errors"][0]
    assert error["extensions"]["field"] == "kind"
    assert error["message"] == (
        "`kind` must be one of THUMBS_UP, HEART, INSIGHT, LAUGH; got 'ANGRY'."
    )
    assert not await PostReaction.exists()
    assert not await PostReactionCount.exists()


async def test_reactions_past_the_rate_limit_are_refused(db_url: str) -> None:
    settings = Settings(database_url=db_url, limits=Limits(reaction_rate="2/minute"))
    async with app_client(settings) as http:
        post = await make_post()
        variables = {"postId": encode_id("Post", post.id), "kind": "LAUGH"}
        for visitor in ("a", "b"):
            await graphql(http, REACT, {**variables, "visitorId": visitor})

        refused = await graphql(http, REACT, {**variables, "visitorId": "c"})

        assert error_codes(refused) == ["RATE_LIMITED"]
        assert refused["errors"][0]["extensions"]["retryAfter"] >= 1
        assert await PostReaction.filter(post_id=post.id).count() == 2


async def test_votes_and_comment_reactions_show_on_the_post_page_ordered_top(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post()
    first, second, third = [await make_comment(post, f"Comment {n}.") for n in range(3)]
    ids = {c.body: encode_id("Comment", c.id) for c in (first, second, third)}
    for visitor, value in (("a", "UP"), ("b", "UP"), ("c", "DOWN")):
        await graphql(client, VOTE, {"id": ids["Comment 1."], "value": value, "visitorId": visitor})
    changed = await graphql(
        client, VOTE, {"id": ids["Comment 1."], "value": "UP", "visitorId": "c"}
    )
    await graphql(client, VOTE, {"id": ids["Comment 2."], "value": "DOWN", "visitorId": "a"})
    reacted = await graphql(
        client, REACT_TO_COMMENT, {"id": ids["Comment 0."], "kind": "INSIGHT", "visitorId": "a"}
    )

    top = await graphql(client, POST_PAGE, {"slug": post.slug, "order": "TOP"})
    cursor = top["data"]["post"]["comments"]["pageInfo"]["endCursor"]
    rest = await graphql(client, POST_PAGE, {"slug": post.slug, "order": "TOP", "after": cursor})

    assert changed["data"]["voteComment"] == {
        "commentId": ids["Comment 1."],
        "score": 3,
        "upvotes": 3,
        "downvotes": 0,
        "viewerVote": "UP",
    }
    assert reacted["data"]["reactToComment"]["reactions"][2] == {
        "kind": "INSIGHT",
        "count": 1,
        "viewerReacted": True,
    }
    edges = top["data"]["post"]["comments"]["edges"] + rest["data"]["post"]["comments"]["edges"]
    assert [(e["node"]["body"], e["node"]["score"]) for e in edges] == [
        ("Comment 1.", 3),
        ("Comment 0.", 0),
        ("Comment 2.", -1),
    ]
    assert edges[1]["node"]["reactions"][2] == {"kind": "INSIGHT", "count": 1}
    assert (edges[2]["node"]["upvotes"], edges[2]["node"]["downvotes"]) == (0, 1)
    assert top["data"]["post"]["reactions"][0] == {
        "kind": "THUMBS_UP",
        "count": 0,
        "viewerReacted": None,
    }
    assert rest["data"]["post"]["comments"]["pageInfo"]["hasNextPage"] is False


async def test_replies_order_top_and_the_visitors_vote_shows(client: httpx.AsyncClient) -> None:
    post = await make_post()
    parent = await make_comment(post, "Parent.")
    replies = [await make_comment(post, f"Reply {n}.", parent=parent) for n in range(3)]
    await graphql(
        client, VOTE, {"id": encode_id("Comment", replies[1].id), "value": "UP", "visitorId": "me"}
    )
    await graphql(
        client, VOTE, {"id": encode_id("Comment", parent.id), "value": "DOWN", "visitorId": "me"}
    )

    body = await graphql(client, REPLIES, {"slug": post.slug, "visitor": "me"})

    node = body["data"]["post"]["comments"]["edges"][0]["node"]
    assert node["viewerVote"] == "DOWN"
    assert [(e["node"]["body"], e["node"]["score"]) for e in node["replies"]["edges"]] == [
        ("Reply 1.", 1),
        ("Reply 2.", 0),
        ("Reply 0.", 0),
    ]


async def test_voting_on_a_comment_the_public_cannot_see_is_not_found(
    client: httpx.AsyncClient,
) -> None:
    comment = await make_comment(await make_post(), status=CommentStatus.PENDING)

    body = await graphql(
        client, VOTE, {"id": encode_id("Comment", comment.id), "value": "UP", "visitorId": "me"}
    )

    assert error_codes(body) == ["NOT_FOUND"]
    assert not await CommentVote.exists()


async def _statements(client: httpx.AsyncClient, new_posts: int, posts: int) -> int:
    for _ in range(new_posts):
        post = await make_post()
        comment = await make_comment(post)
        await graphql(
            client, VOTE, {"id": encode_id("Comment", comment.id), "value": "UP", "visitorId": "v"}
        )
        await graphql(
            client, REACT, {"postId": encode_id("Post", post.id), "kind": "HEART", "visitorId": "v"}
        )
    body = await graphql(client, FEED % posts)
    assert "errors" not in body, body
    assert len(body["data"]["posts"]["edges"]) == posts
    return body["extensions"]["sql"]["count"]


async def test_a_feed_with_reactions_and_top_comments_runs_the_same_statements_for_2_and_20(
    client: httpx.AsyncClient,
) -> None:
    small = await _statements(client, 2, 2)
    big = await _statements(client, 18, 20)

    # posts, post reactions, first TOP comments of every post, their reactions.
    assert small == big == 4


COSTED = """
{ posts(first: 100) { edges { node {
    comments(first: %d) { edges { node { reactions { kind count } } } }
} } } }
"""


async def test_the_cost_rule_counts_a_reactions_list_as_its_most_kinds(
    client: httpx.AsyncClient,
) -> None:
    await make_post()

    # 100 posts × 8 comments × (16 kinds × 2 fields + 3) is past 25,000; 7 comments are not.
    refused = await graphql(client, COSTED % 8)
    allowed = await graphql(client, COSTED % 7)

    assert error_codes(refused) == ["QUERY_TOO_COMPLEX"]
    assert refused["errors"][0]["message"].startswith("This query could return about 28,301")
    assert "errors" not in allowed, allowed
