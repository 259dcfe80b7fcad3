"""Relay `node` for every type, and the stories list, both behind visibility."""

from __future__ import annotations

import httpx

from cms.api.ids import encode_id
from cms.enums import CommentStatus, PostStatus, StoryKind
from cms.models import Section
from tests.conftest import error_codes, graphql
from tests.factories import make_comment, make_post, make_story

NODE = """
query ($id: ID!) {
  node(id: $id) {
    __typename id
    ... on Post { slug }
    ... on Section { heading post { slug } }
    ... on Story { name section { heading } storyPost: post { slug } }
    ... on Comment { author post { slug } }
  }
}
"""

STORIES = """
query ($kind: StoryKind) {
  stories(kind: $kind) { totalCount edges { node { name kind post { slug } } } }
}
"""


async def test_node_finds_each_type_of_a_visible_post(client: httpx.AsyncClient) -> None:
    post = await make_post("Visible", sections=[(None, "Lead"), ("Part", "Body")])
    section = await Section.get(post_id=post.id, position=1)
    story = await make_story(post, section, name="Ann")
    comment = await make_comment(post, "Hello", author="Bo")

    found = {
        kind: (await graphql(client, NODE, {"id": encode_id(kind, pk)}))["data"]["node"]
        for kind, pk in [
            ("Post", post.id),
            ("Section", section.id),
            ("Story", story.id),
            ("Comment", comment.id),
        ]
    }

    assert found["Post"] == {
        "__typename": "Post",
        "id": encode_id("Post", post.id),
        "slug": post.slug,
    }
    assert found["Section"]["post"] == {"slug": post.slug}
    assert found["Story"]["section"] == {"heading": "Part"}
    assert found["Comment"]["author"] == "Bo"


async def test_children_of_hidden_posts_and_unapproved_comments_are_null(
    client: httpx.AsyncClient,
) -> None:
    draft = await make_post("Draft", status=PostStatus.DRAFT)
    section = await Section.get(post_id=draft.id, position=0)
    story = await make_story(draft)
    live = await make_post("Live")
    pending = await make_comment(live, "Wait", status=CommentStatus.PENDING)

    for kind, pk in [("Section", section.id), ("Story", story.id), ("Comment", pending.id)]:
        body = await graphql(client, NODE, {"id": encode_id(kind, pk)})
        assert body["data"]["node"] is None, kind


async def test_malformed_ids_are_bad_user_input(client: httpx.AsyncClient) -> None:
    body = await graphql(client, NODE, {"id": "not-an-id"})

    assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_stories_list_only_published_posts_and_filters_by_kind(
    client: httpx.AsyncClient,
) -> None:
    live = await make_post("Live")
    await make_story(live, name="Sarah")
    await make_story(live, name="Dr. Lee", kind=StoryKind.EXPERT, descriptor="psychiatrist")
    draft = await make_post("Draft", status=PostStatus.DRAFT)
    await make_story(draft, name="Hidden")

    every = await graphql(client, STORIES)
    experts = await graphql(client, STORIES, {"kind": "EXPERT"})

    assert [e["node"]["name"] for e in every["data"]["stories"]["edges"]] == ["Dr. Lee", "Sarah"]
    assert every["data"]["stories"]["totalCount"] == 2
    assert [e["node"]["name"] for e in experts["data"]["stories"]["edges"]] == ["Dr. Lee"]
