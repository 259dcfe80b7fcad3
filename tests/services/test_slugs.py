"""The slug a title gets: apostrophes join words, whatever writes the post."""

from __future__ import annotations

import httpx
import pytest

from cms.errors import InvalidInput
from cms.services.validation import slug_from_title, title_slug
from tests.conftest import graphql
from tests.factories import make_token

CREATE = "mutation($input: PostInput!) { createPost(input: $input) { id slug } }"
UPDATE = "mutation($id: ID!, $input: PostPatch!) { updatePost(id: $id, input: $input) { slug } }"


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Norway's Fjords", "norways-fjords"),
        ("Norway’s Fjords", "norways-fjords"),
        ("A Beginner’s Guide to Stargazing", "a-beginners-guide-to-stargazing"),
        ("‘Quoted’ words and rock'n'roll", "quoted-words-and-rocknroll"),
        (
            "Ketamine Therapy: Work With a Therapist Today",
            "ketamine-therapy-work-with-a-therapist-today",
        ),
        ("Cómo empezar un huerto urbano 🌱", "como-empezar-un-huerto-urbano"),
    ],
)
def test_a_title_becomes_lowercase_words_with_apostrophes_dropped(title: str, slug: str) -> None:
    assert title_slug(title) == slug
    assert slug_from_title(title) == slug


def test_a_title_without_letters_has_no_slug() -> None:
    assert title_slug("’'!") == ""
    with pytest.raises(InvalidInput, match="no letters or digits"):
        slug_from_title("’'!")


async def test_a_draft_named_with_an_apostrophe_keeps_following_its_title(
    client: httpx.AsyncClient,
) -> None:
    secret = await make_token()
    created = await graphql(client, CREATE, {"input": {"title": "Norway's Fjords"}}, token=secret)
    post = created["data"]["createPost"]

    renamed = await graphql(
        client, UPDATE, {"id": post["id"], "input": {"title": "Norway's Lakes"}}, token=secret
    )

    assert post["slug"] == "norways-fjords"
    assert renamed["data"]["updatePost"]["slug"] == "norways-lakes"
