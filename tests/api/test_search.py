"""Full-text search: ranked, stemmed, safe with any input, on both databases."""

from __future__ import annotations

import httpx

from cms.enums import PostStatus
from cms.models import Post
from tests.conftest import error_codes, graphql
from tests.factories import make_post

SEARCH = """
query ($q: String!, $tag: String, $first: Int, $after: String) {
  posts(filter: {search: $q, tag: $tag}, first: $first, after: $after) {
    totalCount
    edges { node { title } }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def titles(body: dict) -> list[str]:
    assert "errors" not in body, body
    return [edge["node"]["title"] for edge in body["data"]["posts"]["edges"]]


async def test_title_matches_rank_above_body_matches_and_words_are_stemmed(
    client: httpx.AsyncClient,
) -> None:
    await make_post("Gardening basics", sections=[(None, "Water the tomatoes every morning.")])
    await make_post("Tomatoes in pots", sections=[(None, "Small balconies work.")])
    await make_post("Cycling to work", sections=[(None, "Bikes and helmets.")])

    body = await graphql(client, SEARCH, {"q": "tomato"})

    assert titles(body) == ["Tomatoes in pots", "Gardening basics"]
    assert body["data"]["posts"]["totalCount"] == 2


async def test_every_word_must_match(client: httpx.AsyncClient) -> None:
    await make_post("Ketamine therapy", sections=[(None, "Depression treatment.")])
    await make_post("Ketamine history", sections=[(None, "An anesthetic.")])

    assert titles(await graphql(client, SEARCH, {"q": "ketamine depression"})) == [
        "Ketamine therapy"
    ]


async def test_search_hides_drafts_and_combines_with_tags(client: httpx.AsyncClient) -> None:
    await make_post("Secret sourdough", status=PostStatus.DRAFT)
    await make_post("Public sourdough", tags=["baking"])
    await make_post("Sourdough news", tags=["news"])

    body = await graphql(client, SEARCH, {"q": "sourdough", "tag": "baking"})

    assert titles(body) == ["Public sourdough"]


async def test_search_follows_edits(client: httpx.AsyncClient) -> None:
    post = await make_post("Old title", sections=[(None, "Body.")])
    await Post.filter(id=post.id).update(title="Astronomy tonight")

    assert titles(await graphql(client, SEARCH, {"q": "astronomy"})) == ["Astronomy tonight"]
    assert titles(await graphql(client, SEARCH, {"q": "old"})) == []


async def test_search_syntax_in_user_input_is_harmless(client: httpx.AsyncClient) -> None:
    await make_post("Quotes and stars", sections=[(None, "Body text.")])

    for query in ['"quotes', "quotes*", "NEAR(quotes stars)", "quotes OR", "'; DROP TABLE post;--",
                  "(", "-", "&&||!", "ü ñ 漢字 🌱", ""]:  # fmt: skip
        body = await graphql(client, SEARCH, {"q": query})
        assert error_codes(body) == [], (query, body)
    assert await Post.all().count() == 1


async def test_search_results_page_with_cursors(client: httpx.AsyncClient) -> None:
    for i in range(5):
        await make_post(f"Garden diary {i}", sections=[(None, "garden " * (i + 1))])

    first = await graphql(client, SEARCH, {"q": "garden", "first": 2})
    after = first["data"]["posts"]["pageInfo"]["endCursor"]
    second = await graphql(client, SEARCH, {"q": "garden", "first": 10, "after": after})

    assert len(titles(first)) == 2
    assert first["data"]["posts"]["pageInfo"]["hasNextPage"] is True
    assert sorted(titles(first) + titles(second)) == [f"Garden diary {i}" for i in range(5)]
    assert second["data"]["posts"]["pageInfo"]["hasNextPage"] is False


async def test_searches_past_the_limits_are_refused_before_the_database_sees_them(
    client: httpx.AsyncClient,
) -> None:
    await make_post("Ketamine")
    many = await graphql(client, SEARCH, {"q": "ketamine " * 12_000})
    words = await graphql(client, SEARCH, {"q": " ".join(["ketamine"] * 33)})
    long_word = await graphql(client, SEARCH, {"q": "k" * 101})
    at_limits = await graphql(client, SEARCH, {"q": " ".join(["ketamine"] * 32)})

    assert error_codes(many) == ["BAD_USER_INPUT"]
    assert many["errors"][0]["message"] == (
        "A search takes at most 1,000 characters; got 108,000: search for fewer, shorter words."
    )
    assert many["errors"][0]["extensions"]["field"] == "search"
    assert words["errors"][0]["message"].startswith("A search takes at most 32 words; got 33")
    assert long_word["errors"][0]["message"].startswith(
        "A search takes words of at most 100 characters"
    )
    assert titles(at_limits) == ["Ketamine"]


async def test_editors_search_within_the_status_they_filter_by(
    client: httpx.AsyncClient,
) -> None:
    from tests.factories import make_token

    await make_post("Ketamine published")
    await make_post("Ketamine draft", status=PostStatus.DRAFT)
    token = await make_token()
    query = """query ($status: PostStatus) {
      posts(filter: {search: "ketamine", status: $status}) { edges { node { title } } } }"""

    drafts = await graphql(client, query, {"status": "DRAFT"}, token=token)
    everything = await graphql(client, query, {}, token=token)
    anonymous = await graphql(client, query, {"status": "DRAFT"})

    assert titles(drafts) == ["Ketamine draft"]
    assert sorted(titles(everything)) == ["Ketamine draft", "Ketamine published"]
    assert titles(anonymous) == ["Ketamine published"]  # the public see published posts only
