"""Revisions: every update keeps the previous values, and a revision can be restored.

Whole-post revisions (structure, diffs, restoring deleted sections): test_post_history.py.
"""

from __future__ import annotations

import httpx

from cms.api.ids import encode_id
from cms.models import Post, Revision, Section
from tests.conftest import error_codes, graphql
from tests.factories import make_post, make_token

UPDATE_POST = """
mutation($id: ID!, $input: PostPatch!) { updatePost(id: $id, input: $input) { title } }
"""
UPDATE_SECTION = """
mutation($id: ID!, $input: SectionPatch!) { updateSection(id: $id, input: $input) { body } }
"""
REVISIONS = """
query($slug: String!) {
  post(slug: $slug) {
    revisions { id editor createdAt changes { field previous } section { heading } }
  }
}
"""
RESTORE = """
mutation($id: ID!) {
  restoreRevision(id: $id) { title slug excerpt tags sections { heading body html } }
}
"""


async def _revisions(client: httpx.AsyncClient, slug: str, token: str) -> list[dict]:
    body = await graphql(client, REVISIONS, {"slug": slug}, token=token)
    return body["data"]["post"]["revisions"]


async def test_updates_keep_the_previous_values_newest_first(client: httpx.AsyncClient) -> None:
    post = await make_post(
        "Original", excerpt="First excerpt", tags=["a"], sections=[("Intro", "Old body")]
    )
    section = await Section.get(post_id=post.id)
    secret = await make_token("alice")
    post_id = encode_id("Post", post.id)

    await graphql(
        client,
        UPDATE_POST,
        {"id": post_id, "input": {"title": "Renamed", "tags": ["a", "b"]}},
        token=secret,
    )
    await graphql(
        client,
        UPDATE_SECTION,
        {"id": encode_id("Section", section.id), "input": {"body": "New body"}},
        token=secret,
    )
    await graphql(
        client, UPDATE_POST, {"id": post_id, "input": {"title": "Renamed"}}, token=secret
    )  # no change, no revision

    revisions = await _revisions(client, post.slug, secret)
    assert [{k: v for k, v in r.items() if k not in ("id", "createdAt")} for r in revisions] == [
        {
            "editor": "alice",
            "changes": [{"field": "body", "previous": "Old body"}],
            "section": {"heading": "Intro"},
        },
        {
            "editor": "alice",
            "changes": [
                {"field": "title", "previous": "Original"},
                {"field": "tags", "previous": "a"},
            ],
            "section": None,
        },
    ]


async def test_restoring_a_post_revision_brings_back_its_fields(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Original", excerpt="First excerpt", tags=["a"])
    secret = await make_token()
    post_id = encode_id("Post", post.id)
    await graphql(
        client,
        UPDATE_POST,
        {"id": post_id, "input": {"title": "Renamed", "excerpt": "Second", "tags": ["z"]}},
        token=secret,
    )
    [revision] = await _revisions(client, post.slug, secret)

    body = await graphql(client, RESTORE, {"id": revision["id"]}, token=secret)

    restored = body["data"]["restoreRevision"]
    assert (restored["title"], restored["excerpt"], restored["tags"]) == (
        "Original",
        "First excerpt",
        ["a"],
    )
    assert restored["slug"] == post.slug
    # The restore is an update too: what it replaced is kept and can be restored in turn.
    latest = (await _revisions(client, post.slug, secret))[0]
    assert latest["changes"] == [
        {"field": "title", "previous": "Renamed"},
        {"field": "excerpt", "previous": "Second"},
        {"field": "tags", "previous": "z"},
    ]


async def test_restoring_a_section_revision_rerenders_it(client: httpx.AsyncClient) -> None:
    post = await make_post("Doc", sections=[(None, "*Old*")])
    section = await Section.get(post_id=post.id)
    secret = await make_token()
    await graphql(
        client,
        UPDATE_SECTION,
        {"id": encode_id("Section", section.id), "input": {"body": "New"}},
        token=secret,
    )
    [revision] = await _revisions(client, post.slug, secret)

    body = await graphql(client, RESTORE, {"id": revision["id"]}, token=secret)

    assert body["data"]["restoreRevision"]["sections"] == [
        {"heading": None, "body": "*Old*", "html": "<p><em>Old</em></p>"}
    ]
    assert (await Post.get(id=post.id)).search_text == "*Old*"


async def test_anonymous_callers_see_no_revisions_and_cannot_restore(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Original")
    secret = await make_token()
    await graphql(
        client,
        UPDATE_POST,
        {"id": encode_id("Post", post.id), "input": {"title": "Renamed"}},
        token=secret,
    )
    revision = await Revision.get(post_id=post.id)

    listed = await graphql(client, REVISIONS, {"slug": post.slug})
    restore = await graphql(client, RESTORE, {"id": encode_id("Revision", revision.id)})

    assert error_codes(listed) == ["UNAUTHENTICATED"]
    assert error_codes(restore) == ["UNAUTHENTICATED"]
    assert (await Post.get(id=post.id)).title == "Renamed"
    assert await Revision.all().count() == 1


async def test_revisions_of_a_page_of_posts_load_in_one_statement(
    client: httpx.AsyncClient,
) -> None:
    secret = await make_token()
    query = "{ posts(first: 10) { edges { node { revisions { editor } } } } }"
    first = await make_post("Post 0")
    await graphql(
        client,
        UPDATE_POST,
        {"id": encode_id("Post", first.id), "input": {"title": "Edited 0"}},
        token=secret,
    )
    one = await graphql(client, query, token=secret)
    for i in range(1, 5):
        post = await make_post(f"Post {i}")
        await graphql(
            client,
            UPDATE_POST,
            {"id": encode_id("Post", post.id), "input": {"title": f"Edited {i}"}},
            token=secret,
        )

    five = await graphql(client, query, token=secret)

    assert len(five["data"]["posts"]["edges"]) == 5
    assert five["extensions"]["sql"]["count"] == one["extensions"]["sql"]["count"]


async def test_node_finds_a_revision_for_editors_only(client: httpx.AsyncClient) -> None:
    post = await make_post("Original")
    secret = await make_token()
    await graphql(
        client,
        UPDATE_POST,
        {"id": encode_id("Post", post.id), "input": {"title": "Renamed"}},
        token=secret,
    )
    revision_id = encode_id("Revision", (await Revision.get(post_id=post.id)).id)
    query = """query($id: ID!) {
      node(id: $id) { id ... on Revision { editor changes { field previous } } } }"""

    editor = await graphql(client, query, {"id": revision_id}, token=secret)
    anonymous = await graphql(client, query, {"id": revision_id})

    assert editor["data"]["node"]["changes"] == [{"field": "title", "previous": "Original"}]
    assert anonymous["data"]["node"] is None
