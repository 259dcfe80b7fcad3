"""Text no database may store (NUL, half a surrogate pair) is the caller's mistake, by name."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from cms.api.ids import encode_id
from cms.errors import InvalidInput
from cms.models import Comment, Like, Post, Section, Story
from cms.principal import ANONYMOUS
from cms.runtime import Runtime
from cms.services import validation
from cms.services.comments import NewComment, add_comment
from cms.services.likes import like_post
from cms.settings import Limits, Settings
from tests.conftest import graphql
from tests.factories import make_post, make_token

ADD_COMMENT = "mutation($input: AddCommentInput!) { addComment(input: $input) { id } }"
LIKE = "mutation($p: ID!, $v: String!) { likePost(postId: $p, visitorId: $v) { likeCount } }"
VIEW = "mutation($p: ID!, $v: String) { recordView(postId: $p, visitorId: $v) { viewCount } }"
CREATE = "mutation($input: PostInput!) { createPost(input: $input) { id } }"
ADD_SECTION = (
    "mutation($p: ID!, $input: SectionInput!) { addSection(postId: $p, input: $input) { id } }"
)
ADD_STORY = "mutation($input: StoryInput!) { addStory(input: $input) { id } }"
IMPORT = "mutation($text: String!) { importArticle(text: $text) { id } }"


def refusals(body: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["extensions"]["code"], e["message"]) for e in body.get("errors", [])]


def nul(field: str) -> list[tuple[str, str]]:
    message = f"`{field}` contains a NUL character (\\u0000) at character 3: remove it."
    return [("BAD_USER_INPUT", message)]


async def test_a_nul_in_any_public_text_input_is_bad_user_input(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post()
    pid = encode_id("Post", post.id)
    comment = {"postId": pid, "author": "Ana", "body": "Fine"}

    in_body = await graphql(client, ADD_COMMENT, {"input": {**comment, "body": "ab\x00c"}})
    in_author = await graphql(client, ADD_COMMENT, {"input": {**comment, "author": "An\x00a"}})
    liked = await graphql(client, LIKE, {"p": pid, "v": "v1\x00"})
    viewed = await graphql(client, VIEW, {"p": pid, "v": "v1\x00"})

    assert refusals(in_body) == nul("body")
    assert refusals(in_author) == nul("author")
    assert refusals(liked) == nul("visitorId")
    assert refusals(viewed) == nul("visitorId")
    assert await Comment.all().count() == 0
    assert await Like.all().count() == 0
    assert (await Post.get(id=post.id)).view_count == 0


async def test_a_nul_in_any_editor_text_input_is_bad_user_input(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post()
    pid = encode_id("Post", post.id)
    secret = await make_token()
    story = {"postId": pid, "kind": "EXPERT", "name": "Dr", "lead": "Says:", "quote": "Hi"}
    before = (await Section.all().count(), await Story.all().count())

    answers = [
        await graphql(client, CREATE, {"input": {"title": "Ti\x00tle"}}, token=secret),
        await graphql(client, CREATE, {"input": {"title": "T", "slug": "ab\x00"}}, token=secret),
        await graphql(client, CREATE, {"input": {"title": "T", "tags": ["ta\x00"]}}, token=secret),
        await graphql(client, CREATE, {"input": {"title": "T", "excerpt": "Ex\x00"}}, token=secret),
        await graphql(client, ADD_SECTION, {"p": pid, "input": {"body": "Bo\x00dy"}}, token=secret),
        await graphql(client, ADD_STORY, {"input": {**story, "name": "Dr\x00"}}, token=secret),
        await graphql(client, IMPORT, {"text": "Ti\x00tle\n"}, token=secret),
    ]

    assert [refusals(answer) for answer in answers] == [
        nul(field) for field in ("title", "slug", "tags", "excerpt", "body", "name", "text")
    ]
    assert await Post.all().count() == 1
    assert (await Section.all().count(), await Story.all().count()) == before


@pytest.mark.parametrize("half", [chr(0xD800), chr(0xDFFF)], ids=["high", "low"])
async def test_half_a_surrogate_pair_is_bad_user_input_before_anything_is_stored(
    db: str, half: str
) -> None:
    # JSON over HTTP cannot carry one (the transport refuses it); other callers can.
    post = await make_post()
    engagement = Runtime(
        Settings(database_url=db, limits=Limits(hold_first_comment=False))
    ).engagement
    message = (
        "`body` contains half of a surrogate pair (not valid Unicode) at character 4: remove it."
    )

    with pytest.raises(InvalidInput) as comment:
        await add_comment(
            ANONYMOUS, NewComment(post.id, "Ana", f"abc{half}"), "192.0.2.1", engagement
        )
    with pytest.raises(InvalidInput) as like:
        await like_post(ANONYMOUS, post.id, f"v{half}", "192.0.2.1", engagement)

    assert (str(comment.value), comment.value.field) == (message, "body")
    assert like.value.field == "visitorId"
    assert await Comment.all().count() == 0
    assert await Like.all().count() == 0


def test_paired_surrogates_and_other_control_characters_are_text() -> None:
    assert validation.storable("emoji 😀 tab\t", "body") == "emoji 😀 tab\t"
