"""The public mutations through the HTTP endpoint: likes, views and comments."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import httpx
import pytest
from tortoise import timezone

from cms.api.ids import encode_id
from cms.db.lifecycle import database
from cms.enums import CommentStatus, PostStatus
from cms.models import Comment, Like, Post
from cms.settings import Limits, Settings
from tests.conftest import app_client, error_codes, graphql
from tests.factories import make_post

LIKE = """
mutation Like($postId: ID!, $visitorId: String!) {
  likePost(postId: $postId, visitorId: $visitorId) {
    postId likeCount viewCount commentCount viewerHasLiked
  }
}
"""

UNLIKE = """
mutation Unlike($postId: ID!, $visitorId: String!) {
  unlikePost(postId: $postId, visitorId: $visitorId) { likeCount viewerHasLiked }
}
"""

VIEW = """
mutation View($postId: ID!, $visitorId: String) {
  recordView(postId: $postId, visitorId: $visitorId) { viewCount viewerHasLiked }
}
"""

ADD_COMMENT = """
mutation Add($input: AddCommentInput!) {
  addComment(input: $input) { id author body html status parent { id } post { commentCount } }
}
"""

POST_COUNTS = """
query Counts($slug: String!) { post(slug: $slug) { likeCount viewCount commentCount } }
"""

FEED_WITH_VIEWS = "{ posts(first: 20) { edges { node { slug viewCount } } } }"
FEED_WITHOUT_VIEWS = "{ posts(first: 20) { edges { node { slug likeCount } } } }"


def post_id(post: Post) -> str:
    return encode_id("Post", post.id)


async def test_a_thousand_concurrent_likes_from_distinct_visitors_count_exactly(
    db_url: str,
) -> None:
    settings = Settings(database_url=db_url, limits=Limits(like_rate="100000/minute"))
    async with app_client(settings) as http:
        post = await make_post(like_count=7)
        gate = asyncio.Semaphore(50)

        async def like(n: int) -> dict:
            async with gate:
                return await graphql(http, LIKE, {"postId": post_id(post), "visitorId": f"v{n}"})

        bodies = await asyncio.gather(*(like(n) for n in range(1000)))

        assert [body for body in bodies if "errors" in body] == []
        assert max(body["data"]["likePost"]["likeCount"] for body in bodies) == 1007
        assert (await Post.get(id=post.id)).like_count == 1007
        assert await Like.filter(post_id=post.id).count() == 1000


async def test_like_and_unlike_are_idempotent_per_visitor(client: httpx.AsyncClient) -> None:
    post = await make_post()
    variables = {"postId": post_id(post), "visitorId": "visitor-a"}

    await graphql(client, LIKE, variables)
    liked = await graphql(client, LIKE, variables)
    await graphql(client, UNLIKE, variables)
    unliked = await graphql(client, UNLIKE, variables)

    assert liked["data"]["likePost"] == {
        "postId": post_id(post),
        "likeCount": 1,
        "viewCount": 0,
        "commentCount": 0,
        "viewerHasLiked": True,
    }
    assert unliked["data"]["unlikePost"] == {"likeCount": 0, "viewerHasLiked": False}
    assert (await Post.get(id=post.id)).like_count == 0


async def test_liking_a_draft_is_not_found_and_changes_nothing(client: httpx.AsyncClient) -> None:
    post = await make_post(status=PostStatus.DRAFT)

    body = await graphql(client, LIKE, {"postId": post_id(post), "visitorId": "visitor-a"})

    assert error_codes(body) == ["NOT_FOUND"]
    assert (await Post.get(id=post.id)).like_count == 0
    assert not await Like.exists(post_id=post.id)


async def test_likes_past_the_clients_rate_limit_answer_rate_limited_with_a_retry_hint(
    db_url: str,
) -> None:
    settings = Settings(database_url=db_url, limits=Limits(like_rate="2/minute"))
    async with app_client(settings) as http:
        post = await make_post()
        for visitor in ("a", "b"):
            await graphql(http, LIKE, {"postId": post_id(post), "visitorId": visitor})

        body = await graphql(http, LIKE, {"postId": post_id(post), "visitorId": "c"})

        assert error_codes(body) == ["RATE_LIMITED"]
        assert 1 <= body["errors"][0]["extensions"]["retryAfter"] <= 60
        assert (await Post.get(id=post.id)).like_count == 2


@pytest.fixture(params=["memory", "redis"])
def view_settings(request: pytest.FixtureRequest, db_url: str) -> Settings:
    """Views flushed only at shutdown, buffered in memory or in Redis."""
    settings = Settings(database_url=db_url, debug=True, limits=Limits(view_flush_interval_s=3600))
    if request.param == "memory":
        return settings
    redis_url = request.getfixturevalue("redis_url")
    prefix = request.getfixturevalue("redis_prefix")
    return replace(settings, redis_url=redis_url, redis_prefix=prefix)


async def test_views_count_once_per_visitor_are_readable_before_the_flush_and_flushed_on_shutdown(
    view_settings: Settings,
) -> None:
    async with app_client(view_settings) as http:
        post = await make_post()
        for visitor in ("a", "a", "b", None, None):
            await graphql(http, VIEW, {"postId": post_id(post), "visitorId": visitor})

        counts = await graphql(http, POST_COUNTS, {"slug": post.slug})
        stored_before_shutdown = (await Post.get(id=post.id)).view_count

        assert counts["data"]["post"] == {"likeCount": 0, "viewCount": 3, "commentCount": 0}
        assert stored_before_shutdown == 0
    async with database(view_settings.database_url):
        assert (await Post.get(id=post.id)).view_count == 3


async def test_a_view_of_a_hidden_post_is_not_found_and_not_counted(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post(status=PostStatus.DRAFT)

    body = await graphql(client, VIEW, {"postId": post_id(post), "visitorId": "a"})

    assert error_codes(body) == ["NOT_FOUND"]
    await Post.filter(id=post.id).update(status=PostStatus.PUBLISHED, published_at=timezone.now())
    counts = await graphql(client, POST_COUNTS, {"slug": post.slug})
    assert counts["data"]["post"]["viewCount"] == 0


async def test_view_counts_of_a_feed_cost_no_sql_statement_per_post(
    view_settings: Settings,
) -> None:
    async with app_client(view_settings) as http:
        posts = [await make_post() for _ in range(5)]
        for post in posts[:3]:
            await graphql(http, VIEW, {"postId": post_id(post), "visitorId": "a"})

        with_views = await graphql(http, FEED_WITH_VIEWS)
        without_views = await graphql(http, FEED_WITHOUT_VIEWS)

        views = {
            edge["node"]["slug"]: edge["node"]["viewCount"]
            for edge in with_views["data"]["posts"]["edges"]
        }
        assert views == {post.slug: (1 if post in posts[:3] else 0) for post in posts}
        assert (
            with_views["extensions"]["sql"]["count"] == without_views["extensions"]["sql"]["count"]
        )


async def test_an_approved_comment_is_rendered_safely_and_counted(db_url: str) -> None:
    settings = Settings(database_url=db_url, limits=Limits(hold_first_comment=False))
    async with app_client(settings) as http:
        post = await make_post()
        body = await graphql(
            http,
            ADD_COMMENT,
            {
                "input": {
                    "postId": post_id(post),
                    "author": "  Ana ",
                    "body": "**Yes** <script>x</script>",
                }
            },
        )

        comment = body["data"]["addComment"]
        assert (comment["author"], comment["body"], comment["status"]) == (
            "Ana",
            "**Yes** <script>x</script>",
            "APPROVED",
        )
        assert comment["html"] == "<p><strong>Yes</strong> &lt;script&gt;x&lt;/script&gt;</p>"
        assert comment["post"] == {"commentCount": 1}
        assert (await Post.get(id=post.id)).comment_count == 1


async def test_a_reply_names_its_parent(db_url: str) -> None:
    settings = Settings(database_url=db_url, limits=Limits(hold_first_comment=False))
    async with app_client(settings) as http:
        post = await make_post()
        first = await graphql(
            http, ADD_COMMENT, {"input": {"postId": post_id(post), "author": "A", "body": "One"}}
        )
        parent_id = first["data"]["addComment"]["id"]
        reply = await graphql(
            http,
            ADD_COMMENT,
            {
                "input": {
                    "postId": post_id(post),
                    "author": "B",
                    "body": "Two",
                    "parentId": parent_id,
                }
            },
        )

        assert reply["data"]["addComment"]["parent"] == {"id": parent_id}
        assert await Comment.filter(post_id=post.id, parent_id__not_isnull=True).count() == 1


async def test_comments_past_the_clients_rate_limit_are_refused_and_write_nothing(
    db_url: str,
) -> None:
    settings = Settings(database_url=db_url, limits=Limits(comment_rate="1/minute"))
    async with app_client(settings) as http:
        post = await make_post()
        await graphql(
            http, ADD_COMMENT, {"input": {"postId": post_id(post), "author": "A", "body": "One"}}
        )

        body = await graphql(
            http, ADD_COMMENT, {"input": {"postId": post_id(post), "author": "A", "body": "Two"}}
        )

        assert error_codes(body) == ["RATE_LIMITED"]
        assert body["errors"][0]["extensions"]["retryAfter"] >= 1
        assert await Comment.filter(post_id=post.id).values_list("body", flat=True) == ["One"]


async def test_an_empty_body_is_bad_user_input_naming_the_field(client: httpx.AsyncClient) -> None:
    post = await make_post()

    body = await graphql(
        client, ADD_COMMENT, {"input": {"postId": post_id(post), "author": "A", "body": "   "}}
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "body"
    assert not await Comment.exists(post_id=post.id)
    assert (await Post.get(id=post.id)).comment_count == 0


async def test_a_nul_character_in_a_visitor_id_or_a_comment_is_bad_user_input_on_both_databases(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post()
    nul = "a\x00b"

    like = await graphql(client, LIKE, {"postId": post_id(post), "visitorId": nul})
    view = await graphql(client, VIEW, {"postId": post_id(post), "visitorId": nul})
    comment = await graphql(
        client, ADD_COMMENT, {"input": {"postId": post_id(post), "author": "A", "body": nul}}
    )

    assert [error_codes(b) for b in (like, view, comment)] == [["BAD_USER_INPUT"]] * 3
    assert like["errors"][0]["message"] == (
        "`visitorId` contains a NUL character (U+0000), which text cannot hold; remove it."
    )
    assert comment["errors"][0]["extensions"]["field"] == "body"
    assert not await Comment.exists(post_id=post.id)
    assert not await Like.exists(post_id=post.id)


async def test_a_pending_comment_is_not_counted(client: httpx.AsyncClient) -> None:
    post = await make_post()

    body = await graphql(
        client, ADD_COMMENT, {"input": {"postId": post_id(post), "author": "New", "body": "Hi"}}
    )

    assert body["data"]["addComment"]["status"] == CommentStatus.PENDING.value
    assert (await Post.get(id=post.id)).comment_count == 0


async def test_views_past_the_clients_rate_limit_answer_rate_limited_and_are_not_counted(
    db_url: str,
) -> None:
    settings = Settings(database_url=db_url, limits=Limits(view_rate="2/minute"))
    async with app_client(settings) as http:
        post = await make_post()
        for visitor in ("a", "b"):
            await graphql(http, VIEW, {"postId": post_id(post), "visitorId": visitor})

        body = await graphql(http, VIEW, {"postId": post_id(post), "visitorId": "c"})
        counts = await graphql(http, POST_COUNTS, {"slug": post.slug})

        assert error_codes(body) == ["RATE_LIMITED"]
        assert body["errors"][0]["extensions"]["retryAfter"] >= 1
        assert counts["data"]["post"]["viewCount"] == 2
