"""Editor mutations on sections: positions stay dense and unique, search text follows."""

from __future__ import annotations

import httpx
import pytest

from cms.api.ids import encode_id
from cms.models import Post, Section, Story
from tests.conftest import error_codes, graphql
from tests.factories import make_post, make_story, make_token

ADD = """
mutation Add($postId: ID!, $input: SectionInput!, $position: Int) {
  addSection(postId: $postId, input: $input, position: $position) { position heading html }
}
"""
UPDATE = """
mutation Update($id: ID!, $input: SectionPatch!) {
  updateSection(id: $id, input: $input) { position heading body html }
}
"""
MOVE = """
mutation Move($id: ID!, $position: Int!) {
  moveSection(id: $id, position: $position) { sections { position heading } }
}
"""
DELETE = "mutation Delete($id: ID!) { deleteSection(id: $id) }"


async def _layout(post: Post) -> list[tuple[int, str | None]]:
    sections = await Section.filter(post_id=post.id).order_by("position")
    return [(s.position, s.heading) for s in sections]


async def _three() -> tuple[Post, list[Section]]:
    post = await make_post("Three", sections=[(None, "Lead"), ("A", "Alpha"), ("B", "Beta")])
    return post, await Section.filter(post_id=post.id).order_by("position")


async def test_a_section_is_added_at_the_end_by_default(client: httpx.AsyncClient) -> None:
    post, _ = await _three()
    secret = await make_token()

    body = await graphql(
        client,
        ADD,
        {"postId": encode_id("Post", post.id), "input": {"heading": "C", "body": "**Gamma**"}},
        token=secret,
    )

    assert body["data"]["addSection"] == {
        "position": 3,
        "heading": "C",
        "html": "<p><strong>Gamma</strong></p>",
    }
    assert await _layout(post) == [(0, None), (1, "A"), (2, "B"), (3, "C")]
    assert (await Post.get(id=post.id)).search_text.endswith("C\n**Gamma**")


async def test_a_section_inserted_in_the_middle_moves_later_ones_down(
    client: httpx.AsyncClient,
) -> None:
    post, _ = await _three()
    secret = await make_token()

    await graphql(
        client,
        ADD,
        {
            "postId": encode_id("Post", post.id),
            "input": {"heading": "X", "body": "x"},
            "position": 1,
        },
        token=secret,
    )

    assert await _layout(post) == [(0, None), (1, "X"), (2, "A"), (3, "B")]


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"input": {"body": " "}}, "body"),
        ({"input": {"heading": "h" * 301, "body": "b"}}, "heading"),
        ({"input": {"body": "b" * 100_001}}, "body"),
        ({"input": {"body": "b"}, "position": 4}, "position"),
        ({"input": {"body": "b"}, "position": -1}, "position"),
    ],
)
async def test_invalid_sections_are_refused_and_nothing_moves(
    client: httpx.AsyncClient, variables: dict, field: str
) -> None:
    post, _ = await _three()
    secret = await make_token()

    body = await graphql(
        client, ADD, {"postId": encode_id("Post", post.id), **variables}, token=secret
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert await _layout(post) == [(0, None), (1, "A"), (2, "B")]


async def test_an_update_rerenders_html_and_refreshes_search_text(
    client: httpx.AsyncClient,
) -> None:
    post, sections = await _three()
    secret = await make_token()

    body = await graphql(
        client,
        UPDATE,
        {
            "id": encode_id("Section", sections[1].id),
            "input": {"body": "Now with a [link](https://e.org)"},
        },
        token=secret,
    )

    assert body["data"]["updateSection"] == {
        "position": 1,
        "heading": "A",
        "body": "Now with a [link](https://e.org)",
        "html": '<p>Now with a <a href="https://e.org" rel="noopener">link</a></p>',
    }
    stored = await Post.get(id=post.id)
    assert stored.search_text == "Lead\nA\nNow with a [link](https://e.org)\nB\nBeta"


async def test_an_update_with_an_empty_body_is_refused(client: httpx.AsyncClient) -> None:
    _, sections = await _three()
    secret = await make_token()

    body = await graphql(
        client,
        UPDATE,
        {"id": encode_id("Section", sections[1].id), "input": {"body": ""}},
        token=secret,
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "body"
    assert (await Section.get(id=sections[1].id)).body == "Alpha"


@pytest.mark.parametrize(
    ("moving", "to", "expected"),
    [
        (2, 0, ["B", None, "A"]),
        (0, 2, ["A", "B", None]),
        (1, 1, [None, "A", "B"]),
    ],
)
async def test_moving_a_section_keeps_positions_dense(
    client: httpx.AsyncClient, moving: int, to: int, expected: list[str | None]
) -> None:
    post, sections = await _three()
    secret = await make_token()

    body = await graphql(
        client,
        MOVE,
        {"id": encode_id("Section", sections[moving].id), "position": to},
        token=secret,
    )

    assert body["data"]["moveSection"]["sections"] == [
        {"position": i, "heading": h} for i, h in enumerate(expected)
    ]
    assert await _layout(post) == list(enumerate(expected))


async def test_moving_past_the_end_is_refused(client: httpx.AsyncClient) -> None:
    post, sections = await _three()
    secret = await make_token()

    body = await graphql(
        client, MOVE, {"id": encode_id("Section", sections[0].id), "position": 3}, token=secret
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "position"
    assert await _layout(post) == [(0, None), (1, "A"), (2, "B")]


async def test_deleting_a_section_closes_the_gap_and_keeps_its_stories(
    client: httpx.AsyncClient,
) -> None:
    post, sections = await _three()
    story = await make_story(post, sections[1], quote="Unforgettable.")
    secret = await make_token()

    body = await graphql(client, DELETE, {"id": encode_id("Section", sections[1].id)}, token=secret)

    assert body["data"] == {"deleteSection": encode_id("Section", sections[1].id)}
    assert await _layout(post) == [(0, None), (1, "B")]
    assert (await Story.get(id=story.id)).section_id is None
    assert (await Post.get(id=post.id)).search_text == "Lead\nB\nBeta\nUnforgettable."


async def test_anonymous_callers_cannot_change_sections(client: httpx.AsyncClient) -> None:
    post, sections = await _three()
    section_id = encode_id("Section", sections[1].id)

    results = [
        await graphql(client, ADD, {"postId": encode_id("Post", post.id), "input": {"body": "x"}}),
        await graphql(client, UPDATE, {"id": section_id, "input": {"body": "x"}}),
        await graphql(client, MOVE, {"id": section_id, "position": 0}),
        await graphql(client, DELETE, {"id": section_id}),
    ]

    assert [error_codes(body) for body in results] == [["UNAUTHENTICATED"]] * 4
    assert await _layout(post) == [(0, None), (1, "A"), (2, "B")]
    assert (await Section.get(id=sections[1].id)).body == "Alpha"


async def test_a_missing_section_is_not_found(client: httpx.AsyncClient) -> None:
    secret = await make_token()

    body = await graphql(client, DELETE, {"id": encode_id("Section", 404)}, token=secret)

    assert error_codes(body) == ["NOT_FOUND"]
