"""Editor mutations on posts: create, update, publish, schedule, unpublish, delete."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from tortoise import timezone

from cms.api.ids import encode_id
from cms.enums import PostStatus, Role
from cms.models import Comment, Like, Post, Section, Story
from cms.services import tokens
from tests.conftest import error_codes, graphql
from tests.factories import make_comment, make_post, make_story, make_token

CREATE = """
mutation Create($input: PostInput!) {
  createPost(input: $input) {
    id slug title excerpt status publishedAt tags
    sections { position heading body html }
  }
}
"""
UPDATE = """
mutation Update($id: ID!, $input: PostPatch!) {
  updatePost(id: $id, input: $input) { slug title excerpt tags status }
}
"""
PUBLISH = """
mutation Publish($id: ID!, $at: DateTime) {
  publishPost(id: $id, at: $at) { status publishedAt }
}
"""
UNPUBLISH = "mutation Unpublish($id: ID!) { unpublishPost(id: $id) { status publishedAt } }"
DELETE = "mutation Delete($id: ID!) { deletePost(id: $id) }"
ARCHIVE = "mutation Archive($id: ID!) { archivePost(id: $id) { status publishedAt } }"
PUBLIC_POST = "query($slug: String!) { post(slug: $slug) { title status } }"
SEARCH = '{ posts(filter: {search: "kayak"}) { edges { node { slug } } } }'


async def _snapshot() -> list[tuple]:
    return [
        tuple(p) for p in await Post.all().order_by("id").values_list("slug", "title", "status")
    ]


async def test_an_editor_creates_a_draft_with_sections_and_tags(
    client: httpx.AsyncClient,
) -> None:
    secret = await make_token()
    post_input = {
        "title": "Kayaking the Fjords",
        "excerpt": "  Cold water, warm hearts. ",
        "tags": ["Travel", "outdoors", "travel"],
        "sections": [
            {"body": "We set off at *dawn*."},
            {"heading": "Gear", "body": "A dry suit <script>x</script>."},
        ],
    }

    body = await graphql(client, CREATE, {"input": post_input}, token=secret)

    created = body["data"]["createPost"]
    stored = await Post.get(slug="kayaking-the-fjords")
    assert created["id"] == encode_id("Post", stored.id)
    assert {k: v for k, v in created.items() if k not in ("id", "sections")} == {
        "slug": "kayaking-the-fjords",
        "title": "Kayaking the Fjords",
        "excerpt": "Cold water, warm hearts.",
        "status": "DRAFT",
        "publishedAt": None,
        "tags": ["outdoors", "travel"],
    }
    assert created["sections"] == [
        {
            "position": 0,
            "heading": None,
            "body": "We set off at *dawn*.",
            "html": "<p>We set off at <em>dawn</em>.</p>",
        },
        {
            "position": 1,
            "heading": "Gear",
            "body": "A dry suit <script>x</script>.",
            "html": "<p>A dry suit &lt;script&gt;x&lt;/script&gt;.</p>",
        },
    ]
    assert stored.feed_at == stored.created_at
    assert stored.search_text == "We set off at *dawn*.\nGear\nA dry suit <script>x</script>."


async def test_a_new_post_is_a_draft_hidden_from_the_public(client: httpx.AsyncClient) -> None:
    secret = await make_token()
    await graphql(client, CREATE, {"input": {"title": "Secret plans"}}, token=secret)

    body = await graphql(client, PUBLIC_POST, {"slug": "secret-plans"})

    assert body["data"] == {"post": None}
    assert "errors" not in body


async def test_a_slug_clash_is_a_conflict_and_creates_nothing(client: httpx.AsyncClient) -> None:
    secret = await make_token()
    await graphql(client, CREATE, {"input": {"title": "Hello World"}}, token=secret)
    before = await _snapshot()

    same_title = await graphql(client, CREATE, {"input": {"title": "Hello, world!"}}, token=secret)
    same_slug = await graphql(
        client, CREATE, {"input": {"title": "Other", "slug": "hello-world"}}, token=secret
    )

    assert error_codes(same_title) == ["CONFLICT"]
    assert same_title["errors"][0]["extensions"]["field"] == "slug"
    assert error_codes(same_slug) == ["CONFLICT"]
    assert await _snapshot() == before


@pytest.mark.parametrize(
    ("post_input", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": "!!!"}, "slug"),
        ({"title": "Fine", "slug": "Not A Slug"}, "slug"),
        ({"title": "Fine", "slug": "a" * 201}, "slug"),
        ({"title": "Fine", "excerpt": "e" * 2001}, "excerpt"),
        ({"title": "Fine", "tags": ["ok", " "]}, "tags"),
        ({"title": "Fine", "tags": [f"t{i}" for i in range(21)]}, "tags"),
        ({"title": "Fine", "sections": [{"body": "ok"}, {"body": "  "}]}, "sections[1].body"),
        (
            {"title": "Fine", "sections": [{"heading": "h" * 301, "body": "b"}]},
            "sections[0].heading",
        ),
    ],
)
async def test_invalid_input_names_the_field_and_creates_nothing(
    client: httpx.AsyncClient, post_input: dict, field: str
) -> None:
    secret = await make_token()

    body = await graphql(client, CREATE, {"input": post_input}, token=secret)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == field
    assert await Post.all().count() == 0
    assert await Section.all().count() == 0


async def test_anonymous_callers_cannot_run_any_post_mutation(client: httpx.AsyncClient) -> None:
    post = await make_post("Untouchable")
    post_id = encode_id("Post", post.id)
    before = await _snapshot()

    results = [
        await graphql(client, CREATE, {"input": {"title": "New"}}),
        await graphql(client, UPDATE, {"id": post_id, "input": {"title": "Changed"}}),
        await graphql(client, PUBLISH, {"id": post_id}),
        await graphql(client, UNPUBLISH, {"id": post_id}),
        await graphql(client, DELETE, {"id": post_id}),
        await graphql(client, ARCHIVE, {"id": post_id}),
    ]

    assert [error_codes(body) for body in results] == [["UNAUTHENTICATED"]] * 6
    assert all(body["data"] is None for body in results)
    assert await _snapshot() == before


async def test_a_revoked_token_cannot_update_or_delete(client: httpx.AsyncClient) -> None:
    post = await make_post("Untouchable")
    secret = await make_token("gone")
    await tokens.revoke_token("gone")
    before = await _snapshot()

    update = await graphql(
        client, UPDATE, {"id": encode_id("Post", post.id), "input": {"title": "X"}}, token=secret
    )
    delete = await graphql(client, DELETE, {"id": encode_id("Post", post.id)}, token=secret)

    assert error_codes(update) == ["UNAUTHENTICATED"]
    assert error_codes(delete) == ["UNAUTHENTICATED"]
    assert await _snapshot() == before


async def test_renaming_a_draft_moves_its_slug_but_not_a_published_ones(
    client: httpx.AsyncClient,
) -> None:
    secret = await make_token()
    created = await graphql(client, CREATE, {"input": {"title": "First name"}}, token=secret)
    post_id = created["data"]["createPost"]["id"]

    draft = await graphql(
        client, UPDATE, {"id": post_id, "input": {"title": "Second name"}}, token=secret
    )
    await graphql(client, PUBLISH, {"id": post_id}, token=secret)
    published = await graphql(
        client, UPDATE, {"id": post_id, "input": {"title": "Third name"}}, token=secret
    )
    asked = await graphql(
        client, UPDATE, {"id": post_id, "input": {"slug": "third-name"}}, token=secret
    )

    assert draft["data"]["updatePost"]["slug"] == "second-name"
    assert published["data"]["updatePost"]["slug"] == "second-name"
    assert published["data"]["updatePost"]["title"] == "Third name"
    assert asked["data"]["updatePost"]["slug"] == "third-name"


async def test_an_update_changes_only_the_fields_sent(client: httpx.AsyncClient) -> None:
    post = await make_post("Keep me", excerpt="Old excerpt", tags=["a", "b"])
    secret = await make_token()

    body = await graphql(
        client,
        UPDATE,
        {"id": encode_id("Post", post.id), "input": {"excerpt": None, "tags": ["Z", "a"]}},
        token=secret,
    )

    assert body["data"]["updatePost"] == {
        "slug": post.slug,
        "title": "Keep me",
        "excerpt": "",
        "tags": ["a", "z"],
        "status": "PUBLISHED",
    }


async def test_an_update_refuses_a_taken_slug_a_null_title_and_a_missing_post(
    client: httpx.AsyncClient,
) -> None:
    taken = await make_post("Taken")
    post = await make_post("Mine")
    secret = await make_token()
    post_id = encode_id("Post", post.id)
    before = await _snapshot()

    clash = await graphql(
        client, UPDATE, {"id": post_id, "input": {"slug": taken.slug}}, token=secret
    )
    null_title = await graphql(
        client, UPDATE, {"id": post_id, "input": {"title": None}}, token=secret
    )
    missing = await graphql(
        client, UPDATE, {"id": encode_id("Post", 999), "input": {"title": "X"}}, token=secret
    )
    wrong_type = await graphql(
        client, UPDATE, {"id": encode_id("Story", post.id), "input": {"title": "X"}}, token=secret
    )

    assert error_codes(clash) == ["CONFLICT"]
    assert error_codes(null_title) == ["BAD_USER_INPUT"]
    assert null_title["errors"][0]["extensions"]["field"] == "title"
    assert error_codes(missing) == ["NOT_FOUND"]
    assert error_codes(wrong_type) == ["BAD_USER_INPUT"]
    assert wrong_type["errors"][0]["extensions"]["field"] == "id"
    assert await _snapshot() == before


async def test_publishing_now_makes_a_draft_public(client: httpx.AsyncClient) -> None:
    post = await make_post("Ready", status=PostStatus.DRAFT)
    secret = await make_token()

    body = await graphql(client, PUBLISH, {"id": encode_id("Post", post.id)}, token=secret)

    public = await graphql(client, PUBLIC_POST, {"slug": post.slug})
    stored = await Post.get(id=post.id)
    assert body["data"]["publishPost"]["status"] == "PUBLISHED"
    assert public["data"]["post"] == {"title": "Ready", "status": "PUBLISHED"}
    assert stored.published_at is not None
    assert stored.feed_at == stored.published_at


async def test_a_scheduled_post_appears_when_its_time_comes(client: httpx.AsyncClient) -> None:
    post = await make_post("Soon", status=PostStatus.DRAFT)
    secret = await make_token()
    at = timezone.now() + timedelta(seconds=1.5)

    body = await graphql(
        client, PUBLISH, {"id": encode_id("Post", post.id), "at": at.isoformat()}, token=secret
    )
    before = await graphql(client, PUBLIC_POST, {"slug": post.slug})
    await asyncio.sleep(2)
    after = await graphql(client, PUBLIC_POST, {"slug": post.slug})

    assert body["data"]["publishPost"]["status"] == "SCHEDULED"
    assert before["data"]["post"] is None
    assert after["data"]["post"] == {"title": "Soon", "status": "PUBLISHED"}
    assert (await Post.get(id=post.id)).feed_at == at


async def test_republishing_a_live_post_keeps_its_date(client: httpx.AsyncClient) -> None:
    post = await make_post("Old news")
    secret = await make_token()

    body = await graphql(client, PUBLISH, {"id": encode_id("Post", post.id)}, token=secret)

    assert body["data"]["publishPost"]["publishedAt"] == post.published_at.isoformat()


async def test_unpublishing_hides_the_post_again(client: httpx.AsyncClient) -> None:
    post = await make_post("Oops")
    secret = await make_token()

    body = await graphql(client, UNPUBLISH, {"id": encode_id("Post", post.id)}, token=secret)

    public = await graphql(client, PUBLIC_POST, {"slug": post.slug})
    stored = await Post.get(id=post.id)
    assert body["data"]["unpublishPost"] == {"status": "DRAFT", "publishedAt": None}
    assert public["data"]["post"] is None
    assert stored.feed_at == stored.created_at


async def test_deleting_a_post_removes_everything_that_belongs_to_it(
    client: httpx.AsyncClient,
) -> None:
    doomed = await make_post("Doomed", sections=[(None, "Lead"), ("More", "Body")])
    kept = await make_post("Kept")
    await make_story(doomed)
    parent = await make_comment(doomed)
    await make_comment(doomed, parent=parent)
    await make_comment(kept)
    await Like.create(post=doomed, visitor_id="v1")
    editor = await make_token()
    admin = await make_token(role=Role.ADMIN)

    refused = await graphql(client, DELETE, {"id": encode_id("Post", doomed.id)}, token=editor)
    assert error_codes(refused) == ["FORBIDDEN"]
    assert await Post.filter(id=doomed.id).exists()
    body = await graphql(client, DELETE, {"id": encode_id("Post", doomed.id)}, token=admin)

    assert body["data"] == {"deletePost": encode_id("Post", doomed.id)}
    assert await Post.all().values_list("id", flat=True) == [kept.id]
    assert await Section.filter(post_id=doomed.id).count() == 0
    assert await Story.filter(post_id=doomed.id).count() == 0
    assert await Comment.all().values_list("post_id", flat=True) == [kept.id]
    assert await Like.all().count() == 0


async def test_editing_sections_keeps_the_post_findable_by_search(
    client: httpx.AsyncClient,
) -> None:
    secret = await make_token()
    created = await graphql(
        client,
        CREATE,
        {"input": {"title": "Paddling", "sections": [{"body": "A kayak trip."}]}},
        token=secret,
    )
    await graphql(client, PUBLISH, {"id": created["data"]["createPost"]["id"]}, token=secret)

    body = await graphql(client, SEARCH)

    assert body["data"]["posts"]["edges"] == [{"node": {"slug": "paddling"}}]


async def test_a_title_without_letters_needs_and_keeps_an_explicit_slug(
    client: httpx.AsyncClient,
) -> None:
    secret = await make_token()
    created = await graphql(
        client, CREATE, {"input": {"title": "!!!", "slug": "exclamations"}}, token=secret
    )

    body = await graphql(
        client,
        UPDATE,
        {"id": created["data"]["createPost"]["id"], "input": {"excerpt": "Loud."}},
        token=secret,
    )

    assert body["data"]["updatePost"]["slug"] == "exclamations"
    assert body["data"]["updatePost"]["excerpt"] == "Loud."


async def test_a_time_without_an_offset_is_taken_as_utc(client: httpx.AsyncClient) -> None:
    post = await make_post("Far off", status=PostStatus.DRAFT)
    secret = await make_token()

    body = await graphql(
        client,
        PUBLISH,
        {"id": encode_id("Post", post.id), "at": "2030-01-01T09:00:00"},
        token=secret,
    )

    assert body["data"]["publishPost"] == {
        "status": "SCHEDULED",
        "publishedAt": "2030-01-01T09:00:00+00:00",
    }


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
async def test_a_time_outside_the_years_of_a_date_is_refused_and_the_post_stays_readable(
    client: httpx.AsyncClient, at: str
) -> None:
    post = await make_post("Timeless", status=PostStatus.DRAFT)
    secret = await make_token()

    body = await graphql(
        client, PUBLISH, {"id": encode_id("Post", post.id), "at": at}, token=secret
    )
    then = await graphql(client, UNPUBLISH, {"id": encode_id("Post", post.id)}, token=secret)

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == (
        "`at` must fall between the years 1 and 9999 in UTC; "
        f"got {at}: pass a time such as 2030-01-01T09:00:00Z."
    )
    assert body["errors"][0]["extensions"]["field"] == "at"
    assert then["data"]["unpublishPost"] == {"status": "DRAFT", "publishedAt": None}


async def test_a_time_with_an_offset_is_kept_in_utc(client: httpx.AsyncClient) -> None:
    post = await make_post("Elsewhere", status=PostStatus.DRAFT)
    secret = await make_token()

    body = await graphql(
        client,
        PUBLISH,
        {"id": encode_id("Post", post.id), "at": "2030-01-01T09:00:00+14:00"},
        token=secret,
    )

    assert body["data"]["publishPost"] == {
        "status": "SCHEDULED",
        "publishedAt": "2029-12-31T19:00:00+00:00",
    }
    assert (await Post.get(id=post.id)).published_at.isoformat() == "2029-12-31T19:00:00+00:00"


async def test_archiving_hides_a_post_until_it_is_published_again_with_its_date(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Evergreen")
    secret = await make_token()
    post_id = encode_id("Post", post.id)

    archived = await graphql(client, ARCHIVE, {"id": post_id}, token=secret)
    hidden = await graphql(client, PUBLIC_POST, {"slug": post.slug})
    anonymous = await graphql(client, ARCHIVE, {"id": post_id})
    back = await graphql(client, PUBLISH, {"id": post_id}, token=secret)

    assert archived["data"]["archivePost"] == {
        "status": "ARCHIVED",
        "publishedAt": post.published_at.isoformat(),
    }
    assert hidden["data"]["post"] is None
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert back["data"]["publishPost"] == {
        "status": "PUBLISHED",
        "publishedAt": post.published_at.isoformat(),
    }


async def test_a_post_once_published_keeps_its_slug_after_unpublishing(
    client: httpx.AsyncClient,
) -> None:
    token = await make_token()
    created = await graphql(client, CREATE, {"input": {"title": "Hello world"}}, token=token)
    post_id = created["data"]["createPost"]["id"]
    await graphql(client, PUBLISH, {"id": post_id}, token=token)
    await graphql(client, UNPUBLISH, {"id": post_id}, token=token)

    renamed = await graphql(
        client, UPDATE, {"id": post_id, "input": {"title": "Hello again"}}, token=token
    )

    assert renamed["data"]["updatePost"]["slug"] == "hello-world"


async def test_an_over_long_tag_is_quoted_only_up_to_the_limit(client: httpx.AsyncClient) -> None:
    secret = await make_token()
    post_input = {"title": "Tagged", "tags": ["t" * 100_000]}

    body = await graphql(client, CREATE, {"input": post_input}, token=secret)

    (error,) = body["errors"]
    assert error["message"] == f"A tag is at most 64 characters: {'t' * 64!r}… has 100,000."
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert await Post.all().count() == 0
