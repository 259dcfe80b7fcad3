"""Section.blocks: a section's HTML and its stories in reading order."""

from __future__ import annotations

from pathlib import Path

import httpx

from cms.api.ids import encode_id
from cms.models import Post, Section, Story
from cms.services.article_import import import_article
from tests.conftest import graphql
from tests.factories import EDITOR, make_post, make_story, make_token

POST_PAGE = (Path(__file__).parents[2] / "schema" / "operations" / "post-page.graphql").read_text(
    encoding="utf-8"
)
# A story between a list and the paragraph after it.
ARTICLE = """Walking For Health
- March 3, 2021
- 5 Likes
- 10 Views
- 0 Comments
Walking is good for you in many ways.
The Benefits
Three things happen when you walk:
- Your heart gets stronger.
- Your mood lifts.
One walker, Maria, shares her experience: “I sleep better since I started walking every morning.”
After a month, most people notice the change.
0 Comments"""
MARIA = {
    "kind": "PERSONAL",
    "name": "Maria",
    "descriptor": "walker",
    "lead": "One walker, Maria, shares her experience:",
    "quote": "I sleep better since I started walking every morning.",
}
BLOCKS = """
query($slug: String!) {
  post(slug: $slug) {
    sections {
      heading
      blocks { __typename ... on HtmlBlock { html } ... on StoryBlock { story { name position } } }
    }
  }
}
"""
ADD_STORY = """
mutation($input: StoryInput!) { addStory(input: $input) { name position } }
"""
UPDATE_STORY = """
mutation($id: ID!, $input: StoryPatch!) { updateStory(id: $id, input: $input) { position } }
"""


def _without_ids(sections: list[dict]) -> list[dict]:
    for section in sections:
        del section["id"]
        for block in section["blocks"]:
            if "story" in block:
                del block["story"]["id"]
    return sections


async def test_the_post_page_renders_a_story_between_a_list_and_a_paragraph_in_place(
    client: httpx.AsyncClient,
) -> None:
    await import_article(EDITOR, ARTICLE)

    body = await graphql(client, POST_PAGE, {"slug": "walking-for-health"})

    assert "errors" not in body, body
    assert _without_ids(body["data"]["post"]["sections"]) == [
        {
            "position": 0,
            "heading": None,
            "blocks": [
                {"__typename": "HtmlBlock", "html": "<p>Walking is good for you in many ways.</p>"}
            ],
        },
        {
            "position": 1,
            "heading": "The Benefits",
            "blocks": [
                {
                    "__typename": "HtmlBlock",
                    "html": "<p>Three things happen when you walk:</p>\n"
                    "<ul>\n<li>Your heart gets stronger.</li>\n<li>Your mood lifts.</li>\n</ul>",
                },
                {"__typename": "StoryBlock", "story": MARIA},
                {
                    "__typename": "HtmlBlock",
                    "html": "<p>After a month, most people notice the change.</p>",
                },
            ],
        },
    ]


async def test_stories_added_by_editors_take_their_place_and_can_move(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Walks", sections=[("Why", "First.\n\n- one\n- two\n\nLast.")])
    section = await Section.get(post_id=post.id)
    secret = await make_token()
    story = {**MARIA, "sectionId": encode_id("Section", section.id)}

    first = await graphql(client, ADD_STORY, {"input": {**story, "position": 1}}, token=secret)
    last = await graphql(client, ADD_STORY, {"input": {**story, "name": "Ana"}}, token=secret)
    moved = await graphql(
        client,
        UPDATE_STORY,
        {"id": encode_id("Story", (await Story.get(name="Maria")).id), "input": {"position": 3}},
        token=secret,
    )
    body = await graphql(client, BLOCKS, {"slug": post.slug})

    assert first["data"]["addStory"] == {"name": "Maria", "position": 1}
    assert last["data"]["addStory"] == {"name": "Ana", "position": 4}
    assert moved["data"]["updateStory"] == {"position": 3}
    assert body["data"]["post"]["sections"] == [
        {
            "heading": "Why",
            "blocks": [
                {
                    "__typename": "HtmlBlock",
                    "html": "<p>First.</p>\n<ul>\n<li>one</li>\n<li>two</li>\n</ul>",
                },
                {"__typename": "StoryBlock", "story": {"name": "Maria", "position": 3}},
                {"__typename": "HtmlBlock", "html": "<p>Last.</p>"},
                {"__typename": "StoryBlock", "story": {"name": "Ana", "position": 4}},
            ],
        }
    ]


async def test_a_story_inside_a_list_follows_the_list_and_loose_stories_join_the_lead(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Lists", sections=[(None, "- one\n- two\n\nAfter."), ("H", "Body.")])
    lead = await Section.get(post_id=post.id, position=0)
    await make_story(post, lead, name="Inside", position=1)
    await make_story(post, None, name="Loose", position=0)

    body = await graphql(client, BLOCKS, {"slug": post.slug})

    assert body["data"]["post"]["sections"] == [
        {
            "heading": None,
            "blocks": [
                {"__typename": "StoryBlock", "story": {"name": "Loose", "position": 0}},
                {"__typename": "HtmlBlock", "html": "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"},
                {"__typename": "StoryBlock", "story": {"name": "Inside", "position": 1}},
                {"__typename": "HtmlBlock", "html": "<p>After.</p>"},
            ],
        },
        {"heading": "H", "blocks": [{"__typename": "HtmlBlock", "html": "<p>Body.</p>"}]},
    ]


async def test_blocks_of_a_page_of_posts_cost_the_same_statements_for_2_posts_and_for_20(
    client: httpx.AsyncClient,
) -> None:
    query = """query { posts(first: 20) { edges { node { sections { heading blocks {
      ... on HtmlBlock { html } ... on StoryBlock { story { name } } } } } } } }"""
    counts = []
    for total in (2, 20):
        while await Post.all().count() < total:
            post = await make_post("P", sections=[(None, "Lead"), ("H", "Body\n\nMore")])
            await make_story(post, await Section.get(post_id=post.id, position=1), position=1)
        body = await graphql(client, query)
        assert len(body["data"]["posts"]["edges"]) == total
        assert body["data"]["posts"]["edges"][0]["node"]["sections"][1]["blocks"] == [
            {"html": "<p>Body</p>"},
            {"story": {"name": "Sarah"}},
            {"html": "<p>More</p>"},
        ]
        counts.append(body["extensions"]["sql"]["count"])

    # posts, sections, stories of the posts
    assert counts == [3, 3]
