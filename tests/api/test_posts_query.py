"""Reading posts through GraphQL: visibility, pagination, filters, N+1."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import httpx
from tortoise import timezone

from cms.api.ids import encode_id
from cms.enums import CommentStatus, PostStatus
from cms.models import Post
from tests.conftest import error_codes, graphql
from tests.factories import make_comment, make_post, make_story

FEED = """
query Feed($first: Int, $after: String, $last: Int, $before: String, $filter: PostFilter,
           $order: PostOrder) {
  posts(first: $first, after: $after, last: $last, before: $before, filter: $filter,
        orderBy: $order) {
    totalCount
    edges { cursor node { slug title status } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

# The frontend's feed with everything a post card shows.
SPEC_PAGE = """
query Page($first: Int) {
  posts(first: $first) {
    edges { node { slug sections { heading body } stories { name } comments(first: 5) {
      edges { node { author body } } } } }
  }
}
"""

POST_PAGE = """
query Page($first: Int) {
  posts(first: $first) {
    edges { node {
      slug tags
      sections { heading html stories { name } }
      stories { name quote }
      comments(first: 5) { totalCount edges { node { author html } } }
    } }
  }
}
"""


def slugs(body: dict) -> list[str]:
    return [edge["node"]["slug"] for edge in body["data"]["posts"]["edges"]]


async def test_anonymous_callers_see_only_published_posts_whose_time_has_come(
    client: httpx.AsyncClient,
) -> None:
    live = await make_post("Live")
    await make_post("Draft", status=PostStatus.DRAFT)
    await make_post("Archived", status=PostStatus.ARCHIVED)
    await make_post(
        "Later",
        status=PostStatus.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )

    body = await graphql(client, FEED, {"filter": {"status": "DRAFT"}})

    assert slugs(body) == [live.slug]
    assert body["data"]["posts"]["totalCount"] == 1


async def test_a_hidden_post_is_null_by_slug_and_by_node_id(client: httpx.AsyncClient) -> None:
    draft = await make_post("Secret", status=PostStatus.DRAFT)
    query = "query($slug: String!, $id: ID!) { post(slug: $slug) { id } node(id: $id) { id } }"

    body = await graphql(client, query, {"slug": draft.slug, "id": encode_id("Post", draft.id)})

    assert body == {"data": {"post": None, "node": None}, "extensions": body["extensions"]}


async def test_keyset_pages_walk_forward_and_backward_without_gaps(
    client: httpx.AsyncClient,
) -> None:
    made = [await make_post(f"P{i}") for i in range(7)]  # newest first: P0 .. P6
    expected = [p.slug for p in made]

    first = await graphql(client, FEED, {"first": 3})
    after = first["data"]["posts"]["pageInfo"]["endCursor"]
    second = await graphql(client, FEED, {"first": 3, "after": after})
    rest = await graphql(
        client, FEED, {"first": 3, "after": second["data"]["posts"]["pageInfo"]["endCursor"]}
    )
    back = await graphql(
        client, FEED, {"last": 2, "before": second["data"]["posts"]["pageInfo"]["startCursor"]}
    )

    assert slugs(first) + slugs(second) + slugs(rest) == expected
    assert first["data"]["posts"]["pageInfo"]["hasNextPage"] is True
    assert rest["data"]["posts"]["pageInfo"]["hasNextPage"] is False
    assert slugs(back) == expected[1:3]
    assert back["data"]["posts"]["pageInfo"]["hasPreviousPage"] is True


async def test_a_cursor_stays_put_when_newer_posts_arrive(client: httpx.AsyncClient) -> None:
    made = [await make_post(f"Old {i}") for i in range(4)]
    first = await graphql(client, FEED, {"first": 2})
    await make_post("Brand new", published_at=timezone.now())

    after = first["data"]["posts"]["pageInfo"]["endCursor"]
    second = await graphql(client, FEED, {"first": 2, "after": after})

    assert slugs(second) == [made[2].slug, made[3].slug]


async def test_page_sizes_above_100_and_bad_cursors_are_rejected(
    client: httpx.AsyncClient,
) -> None:
    too_many = await graphql(client, FEED, {"first": 101})
    bad_cursor = await graphql(client, FEED, {"after": "not-a-cursor"})

    assert error_codes(too_many) == ["BAD_USER_INPUT"]
    assert "between 0 and 100" in too_many["errors"][0]["message"]
    assert error_codes(bad_cursor) == ["BAD_USER_INPUT"]


async def test_filter_by_tag_and_order_by_likes(client: httpx.AsyncClient) -> None:
    a = await make_post("A", tags=["health"], like_count=5)
    b = await make_post("B", tags=["health", "news"], like_count=9)
    await make_post("C", tags=["news"], like_count=7)

    tagged = await graphql(client, FEED, {"filter": {"tag": "health"}, "order": "MOST_LIKED"})

    assert slugs(tagged) == [b.slug, a.slug]


async def test_anonymous_callers_see_only_approved_comments(client: httpx.AsyncClient) -> None:
    post = await make_post("With comments")
    await make_comment(post, "First!", author="Ann")
    await make_comment(post, "Buy pills", author="Spammer", status=CommentStatus.SPAM)
    await make_comment(post, "Waiting", author="Bo", status=CommentStatus.PENDING)
    query = """query($slug: String!) { post(slug: $slug) {
      commentCount comments { totalCount edges { node { author status } } } } }"""

    body = await graphql(client, query, {"slug": post.slug})

    assert body["data"]["post"] == {
        "commentCount": 1,
        "comments": {"totalCount": 1, "edges": [{"node": {"author": "Ann", "status": "APPROVED"}}]},
    }


async def _add_posts(count: int) -> None:
    for i in range(count):
        post = await make_post(f"Post {i}", tags=["t"], sections=[(None, "Lead"), ("H", "Body")])
        await make_story(post)
        for j in range(7):
            await make_comment(post, f"Comment {j}")


async def _statements(client: httpx.AsyncClient, query: str, posts: int) -> int:
    body = await graphql(client, query, {"first": 20})
    assert "errors" not in body, body
    assert len(body["data"]["posts"]["edges"]) == posts
    node = body["data"]["posts"]["edges"][0]["node"]
    assert len(node["comments"]["edges"]) == 5
    assert [s["heading"] for s in node["sections"]] == [None, "H"]
    return body["extensions"]["sql"]["count"]


async def test_a_feed_page_runs_the_same_few_statements_for_2_posts_and_for_20(
    client: httpx.AsyncClient,
) -> None:
    await _add_posts(2)
    spec_small = await _statements(client, SPEC_PAGE, 2)
    full_small = await _statements(client, POST_PAGE, 2)
    await _add_posts(18)
    spec_big = await _statements(client, SPEC_PAGE, 20)
    full_big = await _statements(client, POST_PAGE, 20)

    # posts, sections, stories (with their sections), first comments of every post
    assert spec_small == spec_big == 4
    # + tags, section stories, comment totals
    assert full_small == full_big == 7


async def test_last_alone_pages_comments_from_the_end(client: httpx.AsyncClient) -> None:
    post = await make_post("Thread")
    for body in ("one", "two", "three"):
        await make_comment(post, body)
    query = """query ($slug: String!) { post(slug: $slug) {
      comments(last: 2) { edges { node { body } } pageInfo { hasPreviousPage } } } }"""

    body = await graphql(client, query, {"slug": post.slug})

    comments = body["data"]["post"]["comments"]
    assert [e["node"]["body"] for e in comments["edges"]] == ["two", "three"]
    assert comments["pageInfo"]["hasPreviousPage"] is True


async def test_cursors_from_another_list_or_tampered_with_are_bad_user_input(
    client: httpx.AsyncClient,
) -> None:
    await make_post("A")
    newest = await graphql(client, FEED, {"first": 1})
    cursor = newest["data"]["posts"]["pageInfo"]["endCursor"]
    forged = base64.urlsafe_b64encode(json.dumps(["x", 1]).encode()).decode()

    by_likes = await graphql(client, FEED, {"after": cursor, "order": "MOST_LIKED"})
    tampered = await graphql(client, FEED, {"after": forged})

    assert error_codes(by_likes) == ["BAD_USER_INPUT"]
    assert error_codes(tampered) == ["BAD_USER_INPUT"]


async def test_a_cursor_whose_time_falls_outside_the_years_of_a_date_is_bad_user_input(
    client: httpx.AsyncClient,
) -> None:
    await make_post("A")
    times = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
    forged = [base64.urlsafe_b64encode(json.dumps([{"t": t}, 1]).encode()).decode() for t in times]

    bodies = [await graphql(client, FEED, {"after": cursor}) for cursor in forged]

    assert [error_codes(body) for body in bodies] == [["BAD_USER_INPUT"], ["BAD_USER_INPUT"]]
    assert bodies[0]["errors"][0]["message"] == (
        "`after` is not a valid cursor: pass a cursor from a previous page."
    )


async def test_last_comments_of_many_posts_load_in_one_statement(
    client: httpx.AsyncClient,
) -> None:
    query = (
        "{ posts(first: 20) { edges { node { comments(last: 2) { edges { node { body } } } } } } }"
    )
    for count in (2, 20):
        while await Post.all().count() < count:
            post = await make_post()
            for body in ("a", "b", "c"):
                await make_comment(post, body)
        body = await graphql(client, query)
        edges = body["data"]["posts"]["edges"]
        assert len(edges) == count
        assert [e["node"]["body"] for e in edges[0]["node"]["comments"]["edges"]] == ["b", "c"]
        assert body["extensions"]["sql"]["count"] == 2
