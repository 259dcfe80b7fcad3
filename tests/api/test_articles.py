"""The seed article through GraphQL, `Post.text`, and `importArticle`'s guard."""

from __future__ import annotations

import httpx

from cms.models import Post
from cms.services.article_import import import_article
from tests.conftest import error_codes, graphql
from tests.factories import EDITOR, make_token
from tests.seed_article import SEED_HEADINGS, SEED_SLUG, SEED_TITLE, seed_text

SEED_PAGE = """
query ($slug: String!) {
  post(slug: $slug) {
    title publishedAt likeCount viewCount commentCount
    sections { heading body html }
    stories { kind name descriptor quote }
    comments { edges { node { author body } } }
    text
  }
}
"""

IMPORT = """
mutation ($text: String!) { importArticle(text: $text) { slug } }
"""


async def test_the_seed_article_reads_whole_through_graphql(client: httpx.AsyncClient) -> None:
    seed = seed_text()
    await import_article(EDITOR, seed)

    body = await graphql(client, SEED_PAGE, {"slug": SEED_SLUG})

    post = body["data"]["post"]
    assert post["title"] == SEED_TITLE
    assert post["publishedAt"].startswith("2019-09-13T00:00:00")
    assert (post["likeCount"], post["viewCount"], post["commentCount"]) == (19, 430, 3)
    assert [s["heading"] for s in post["sections"]] == SEED_HEADINGS
    benefits = post["sections"][3]
    assert sum(line.startswith("- ") for line in benefits["body"].split("\n")) == 4
    assert benefits["html"].count("<li>") == 4
    assert [(s["kind"], s["name"], s["descriptor"]) for s in post["stories"]] == [
        ("EXPERT", "Dr. John Krystal", "a leading researcher in ketamine therapy"),
        ("PERSONAL", "Sarah", "patient"),
    ]
    assert post["stories"][0]["quote"].startswith("Ketamine is not just another antidepressant.")
    assert [e["node"] for e in post["comments"]["edges"]] == [
        {"author": "Ava Nguyen", "body": "mantap"},
        {"author": "Ava Nguyen", "body": "oke"},
        {"author": "Ava Nguyen", "body": "uuuu"},
    ]
    assert post["text"] == seed.removesuffix("\n")


async def test_anonymous_callers_cannot_import_and_nothing_is_written(
    client: httpx.AsyncClient,
) -> None:
    body = await graphql(client, IMPORT, {"text": seed_text()})

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["data"] is None
    assert await Post.all().count() == 0


async def test_editors_import_articles_and_a_second_import_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    token = await make_token()
    text = seed_text()

    first = await graphql(client, IMPORT, {"text": text}, token=token)
    updated_at = (await Post.get(slug=SEED_SLUG)).updated_at
    second = await graphql(client, IMPORT, {"text": text}, token=token)
    broken = await graphql(client, IMPORT, {"text": "Title\n- Someday"}, token=token)

    assert first["data"] == second["data"] == {"importArticle": {"slug": SEED_SLUG}}
    assert (await Post.get(slug=SEED_SLUG)).updated_at == updated_at
    assert error_codes(broken) == ["BAD_USER_INPUT"]
    assert broken["errors"][0]["message"].startswith("text:2: ")
    assert await Post.all().count() == 1


CREATE = """
mutation ($input: PostInput!) { createPost(input: $input) { id } }
"""
TEXT = """
query ($slug: String!) { post(slug: $slug) { id title tags excerpt text } }
"""


async def test_import_article_reads_windows_line_endings_as_the_cli_does(
    client: httpx.AsyncClient,
) -> None:
    token = await make_token()

    body = await graphql(client, IMPORT, {"text": seed_text().replace("\n", "\r\n")}, token=token)
    page = await graphql(client, TEXT, {"slug": SEED_SLUG})

    assert body["data"] == {"importArticle": {"slug": SEED_SLUG}}
    assert page["data"]["post"]["text"] == seed_text().removesuffix("\n")


async def test_a_post_made_and_renamed_in_the_api_comes_back_from_its_text(
    client: httpx.AsyncClient,
) -> None:
    token = await make_token()
    made = await graphql(
        client,
        CREATE,
        {"input": {"title": "First Name", "excerpt": "Short.", "tags": ["b", "a"]}},
        token=token,
    )
    post_id = made["data"]["createPost"]["id"]
    await graphql(
        client,
        'mutation ($id: ID!) { updatePost(id: $id, input: {title: "Second Name", slug: '
        '"first-name"}) { slug } }',
        {"id": post_id},
        token=token,
    )
    text = (await graphql(client, TEXT, {"slug": "first-name"}, token=token))["data"]["post"][
        "text"
    ]

    again = await graphql(client, IMPORT, {"text": text.replace("Short.", "Longer.")}, token=token)
    page = await graphql(client, TEXT, {"slug": "first-name"}, token=token)

    assert text.split("\n")[:5] == [
        "Second Name",
        "- Slug: first-name",
        "- Status: Draft",
        "- Tags: a, b",
        "- Excerpt: Short.",
    ]
    assert again["data"] == {"importArticle": {"slug": "first-name"}}
    assert page["data"]["post"] == {
        "id": post_id,
        "title": "Second Name",
        "tags": ["a", "b"],
        "excerpt": "Longer.",
        "text": text.replace("Short.", "Longer."),
    }
    assert await Post.all().count() == 1
