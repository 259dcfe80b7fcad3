"""Editor mutations on stories."""

from __future__ import annotations

import httpx
import pytest

from cms.api.ids import encode_id
from cms.models import Post, Section, Story
from tests.conftest import error_codes, graphql
from tests.factories import make_post, make_story, make_token

ADD = """
mutation Add($input: StoryInput!) {
  addStory(input: $input) { kind name descriptor lead quote section { heading } post { slug } }
}
"""
UPDATE = """
mutation Update($id: ID!, $input: StoryPatch!) {
  updateStory(id: $id, input: $input) { kind name descriptor lead quote }
}
"""
DELETE = "mutation Delete($id: ID!) { deleteStory(id: $id) }"

STORY = {
    "kind": "EXPERT",
    "name": "Dr. Ada",
    "descriptor": "a sleep researcher",
    "lead": "Dr. Ada explains:",
    "quote": "“Rest is a skill.”",
}


async def _post_with_section() -> tuple[Post, Section]:
    post = await make_post("Sleep", sections=[(None, "Lead"), ("Why", "One.\nTwo.")])
    return post, await Section.get(post_id=post.id, position=1)


async def test_a_story_placed_in_a_section_goes_after_its_paragraphs(
    client: httpx.AsyncClient,
) -> None:
    post, section = await _post_with_section()
    secret = await make_token()

    body = await graphql(
        client,
        ADD,
        {"input": {**STORY, "sectionId": encode_id("Section", section.id)}},
        token=secret,
    )

    assert body["data"]["addStory"] == {
        "kind": "EXPERT",
        "name": "Dr. Ada",
        "descriptor": "a sleep researcher",
        "lead": "Dr. Ada explains:",
        "quote": "Rest is a skill.",
        "section": {"heading": "Why"},
        "post": {"slug": post.slug},
    }
    story = await Story.get(post_id=post.id)
    assert story.position == 2
    assert (await Post.get(id=post.id)).search_text.endswith("Rest is a skill.")


async def test_a_story_can_belong_to_the_post_alone(client: httpx.AsyncClient) -> None:
    post, _ = await _post_with_section()
    secret = await make_token()

    body = await graphql(
        client, ADD, {"input": {**STORY, "postId": encode_id("Post", post.id)}}, token=secret
    )

    assert body["data"]["addStory"]["section"] is None
    assert await Story.filter(post_id=post.id, section_id=None).count() == 1


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"name": " "}, "name"),
        ({"quote": "“”"}, "quote"),
        ({"lead": "l" * 2001}, "lead"),
        ({"descriptor": "d" * 301}, "descriptor"),
        ({"postId": None}, "postId"),
    ],
)
async def test_invalid_stories_are_refused(
    client: httpx.AsyncClient, extra: dict, field: str
) -> None:
    post, _ = await _post_with_section()
    secret = await make_token()
    story_input = {**STORY, "postId": encode_id("Post", post.id), **extra}

    body = await graphql(client, ADD, {"input": story_input}, token=secret)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert await Story.all().count() == 0


async def test_a_section_of_another_post_is_refused(client: httpx.AsyncClient) -> None:
    _, section = await _post_with_section()
    other = await make_post("Other")
    secret = await make_token()
    story_input = {
        **STORY,
        "postId": encode_id("Post", other.id),
        "sectionId": encode_id("Section", section.id),
    }

    body = await graphql(client, ADD, {"input": story_input}, token=secret)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "sectionId"
    assert await Story.all().count() == 0


async def test_an_update_changes_only_the_fields_sent(client: httpx.AsyncClient) -> None:
    post, section = await _post_with_section()
    story = await make_story(post, section)
    secret = await make_token()

    body = await graphql(
        client,
        UPDATE,
        {"id": encode_id("Story", story.id), "input": {"descriptor": None, "quote": "Better."}},
        token=secret,
    )

    assert body["data"]["updateStory"] == {
        "kind": "PERSONAL",
        "name": "Sarah",
        "descriptor": None,
        "lead": "One patient, Sarah, shares her journey:",
        "quote": "Better.",
    }
    assert (await Post.get(id=post.id)).search_text.endswith("Better.")


async def test_an_update_with_an_empty_name_is_refused(client: httpx.AsyncClient) -> None:
    post, _ = await _post_with_section()
    story = await make_story(post)
    secret = await make_token()

    body = await graphql(
        client, UPDATE, {"id": encode_id("Story", story.id), "input": {"name": ""}}, token=secret
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "name"
    assert (await Story.get(id=story.id)).name == "Sarah"


async def test_deleting_a_story_removes_its_quote_from_search(client: httpx.AsyncClient) -> None:
    post, section = await _post_with_section()
    story = await make_story(post, section, quote="Gone soon.")
    secret = await make_token()

    body = await graphql(client, DELETE, {"id": encode_id("Story", story.id)}, token=secret)

    assert body["data"] == {"deleteStory": encode_id("Story", story.id)}
    assert await Story.all().count() == 0
    assert "Gone soon." not in (await Post.get(id=post.id)).search_text


async def test_anonymous_callers_cannot_change_stories(client: httpx.AsyncClient) -> None:
    post, _ = await _post_with_section()
    story = await make_story(post)
    story_id = encode_id("Story", story.id)

    results = [
        await graphql(client, ADD, {"input": {**STORY, "postId": encode_id("Post", post.id)}}),
        await graphql(client, UPDATE, {"id": story_id, "input": {"name": "X"}}),
        await graphql(client, DELETE, {"id": story_id}),
    ]

    assert [error_codes(body) for body in results] == [["UNAUTHENTICATED"]] * 3
    assert await Story.all().values_list("name", flat=True) == ["Sarah"]
