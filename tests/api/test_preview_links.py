"""Preview links: editors make and revoke them; anyone holding one reads the post."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from tortoise import timezone

from cms.api.ids import encode_id
from cms.enums import CommentStatus, PostStatus, Role
from cms.models import Post, PreviewLink
from cms.services.preview_tokens import PreviewSigner
from cms.settings import Settings
from tests.conftest import app_client, error_codes, graphql
from tests.factories import make_comment, make_post, make_story, make_token

SECRET = "preview-test-secret"
CREATE = """
mutation Create($postId: ID!, $expiresIn: Int) {
  createPreviewLink(postId: $postId, expiresIn: $expiresIn) {
    id url token expiresAt createdAt createdBy revokedAt post { slug }
  }
}
"""
REVOKE = "mutation Revoke($id: ID!) { revokePreviewLink(id: $id) }"
LINKS = """
query Links($postId: ID!, $first: Int, $after: String) {
  previewLinks(postId: $postId, first: $first, after: $after) {
    totalCount edges { node { id revokedAt } } pageInfo { hasNextPage endCursor }
  }
}
"""
# Exactly what the reference frontend's preview page sends.
PREVIEW = """
query Preview($token: String!) {
  preview(token: $token) { id slug title status sections { heading html } stories { name quote } }
}
"""
PREVIEW_COMMENTS = """
query Preview($token: String!) {
  preview(token: $token) { title comments { totalCount edges { node { author } } } }
}
"""


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, debug=True, secret_key=SECRET)


async def _draft() -> Post:
    post = await make_post(
        "Not yet out",
        status=PostStatus.DRAFT,
        sections=[(None, "The lead."), ("Second", "More *text*.")],
    )
    await make_story(post, name="Sarah", quote="It changed my life.")
    return post


async def _link(http: httpx.AsyncClient, post: Post, editor: str, **variables: object) -> dict:
    body = await graphql(
        http, CREATE, {"postId": encode_id("Post", post.id), **variables}, token=editor
    )
    assert "errors" not in body, body
    link: dict = body["data"]["createPreviewLink"]
    return link


async def test_a_link_shows_a_draft_to_a_reader_without_a_token(
    client: httpx.AsyncClient,
) -> None:
    post = await _draft()
    editor = await make_token("alice")

    link = await _link(client, post, editor)
    response = await client.post(
        "/graphql", json={"query": PREVIEW, "variables": {"token": link["token"]}}
    )

    created = datetime.fromisoformat(link["createdAt"])
    assert link["url"] == f"http://127.0.0.1:5173/preview?token={link['token']}"
    assert datetime.fromisoformat(link["expiresAt"]) - created == timedelta(days=1)
    assert (link["createdBy"], link["revokedAt"], link["post"]) == (
        "alice",
        None,
        {"slug": post.slug},
    )
    assert link["token"].split(".")[::2][:2] == ["pv1", str(post.id)]
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["data"] == {
        "preview": {
            "id": encode_id("Post", post.id),
            "slug": post.slug,
            "title": "Not yet out",
            "status": "DRAFT",
            "sections": [
                {"heading": None, "html": "<p>The lead.</p>"},
                {"heading": "Second", "html": "<p>More <em>text</em>.</p>"},
            ],
            "stories": [{"name": "Sarah", "quote": "It changed my life."}],
        }
    }
    # The link, the post, its sections and its stories.
    assert body["extensions"]["sql"]["count"] == 4


def test_the_published_preview_document_is_the_one_tested() -> None:
    text = (Path(__file__).parents[2] / "schema" / "operations" / "preview.graphql").read_text()

    assert PREVIEW.strip() in text


async def test_a_preview_shows_the_public_comments_only(client: httpx.AsyncClient) -> None:
    post = await _draft()
    await make_comment(post, author="Approved")
    await make_comment(post, author="Waiting", status=CommentStatus.PENDING)
    link = await _link(client, post, await make_token())

    body = await graphql(client, PREVIEW_COMMENTS, {"token": link["token"]})

    assert body["data"]["preview"] == {
        "title": "Not yet out",
        "comments": {"totalCount": 1, "edges": [{"node": {"author": "Approved"}}]},
    }


async def test_preview_answers_are_never_kept_by_the_response_cache(db_url: str) -> None:
    settings = Settings(database_url=db_url, secret_key=SECRET, response_cache_ttl_s=600)
    async with app_client(settings) as http:
        post = await _draft()
        published = await make_post("Public page")
        link = await _link(http, post, await make_token())
        preview = {"query": PREVIEW, "variables": {"token": link["token"]}}
        page = {"query": "query P($s: String!) { post(slug: $s) { title } }"}
        page["variables"] = {"s": published.slug}  # type: ignore[assignment]
        await http.post("/graphql", json=preview)
        await http.post("/graphql", json=page)

        # Changed behind the API's back: the cache is not emptied.
        await Post.filter(id=post.id).update(title="Edited draft")
        await Post.filter(id=published.id).update(title="Edited page")
        again = await http.post("/graphql", json=preview)
        cached_page = await http.post("/graphql", json=page)

    assert again.json()["data"]["preview"]["title"] == "Edited draft"
    assert again.headers["cache-control"] == "no-store"
    assert cached_page.json()["data"]["post"]["title"] == "Public page"  # the control


async def test_a_get_preview_is_no_store_for_browsers_and_proxies(
    client: httpx.AsyncClient,
) -> None:
    post = await _draft()
    link = await _link(client, post, await make_token())

    response = await client.get(
        "/graphql",
        params={"query": "query($t: String!) { preview(token: $t) { title } }",
                "variables": f'{{"t": "{link["token"]}"}}'},
    )  # fmt: skip

    assert response.json()["data"] == {"preview": {"title": "Not yet out"}}
    assert response.headers["cache-control"] == "no-store"
    assert "etag" not in response.headers


def _expired_token(link: dict, post: Post) -> str:
    pk = int(link["token"].split(".")[1])
    past = timezone.now().replace(microsecond=0) - timedelta(minutes=1)
    return PreviewSigner.from_secret(SECRET.encode()).sign(pk, post.id, past)


def _forged(link: dict) -> str:
    version, pk, post_id, expires, signature = link["token"].split(".")
    return f"{version}.{pk}.{post_id}.{int(expires) + 86_400}.{signature}"


NOT_VALID = "This preview link is not valid: ask an editor for a new one."
BAD_TOKENS = {
    "garbage": lambda link, post: "not-a-token",
    "longer-life": lambda link, post: _forged(link),
    "cut": lambda link, post: link["token"][:-2],
    "huge": lambda link, post: "x" * 5000,
}


@pytest.mark.parametrize("kind", list(BAD_TOKENS))
async def test_forged_tokens_are_forbidden(client: httpx.AsyncClient, kind: str) -> None:
    post = await _draft()
    link = await _link(client, post, await make_token())

    body = await graphql(client, PREVIEW, {"token": BAD_TOKENS[kind](link, post)})

    assert body["data"] == {"preview": None}
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["message"] == NOT_VALID


async def test_an_expired_token_is_forbidden(client: httpx.AsyncClient) -> None:
    post = await _draft()
    token = _expired_token(await _link(client, post, await make_token()), post)

    body = await graphql(client, PREVIEW, {"token": token})

    expired = datetime.fromtimestamp(int(token.split(".")[3]), UTC)
    assert body["data"] == {"preview": None}
    assert error_codes(body) == ["FORBIDDEN"]
    assert body["errors"][0]["message"] == (
        f"This preview link expired at {expired:%Y-%m-%d %H:%M} UTC: ask an editor for a new one."
    )


async def test_a_revoked_link_stops_working_and_stays_listed(client: httpx.AsyncClient) -> None:
    post = await _draft()
    editor = await make_token()
    link = await _link(client, post, editor)
    kept = await _link(client, post, editor)

    revoked = await graphql(client, REVOKE, {"id": link["id"]}, token=editor)
    again = await graphql(client, REVOKE, {"id": link["id"]}, token=editor)
    refused = await graphql(client, PREVIEW, {"token": link["token"]})
    still = await graphql(client, PREVIEW, {"token": kept["token"]})
    listed = await graphql(client, LINKS, {"postId": encode_id("Post", post.id)}, token=editor)

    assert revoked["data"] == again["data"] == {"revokePreviewLink": link["id"]}
    assert (refused["data"], error_codes(refused)) == ({"preview": None}, ["FORBIDDEN"])
    assert refused["errors"][0]["message"] == (
        "This preview link was revoked: ask an editor for a new one."
    )
    assert still["data"]["preview"]["title"] == "Not yet out"
    edges = listed["data"]["previewLinks"]["edges"]
    assert [edge["node"]["id"] for edge in edges] == [kept["id"], link["id"]]  # newest first
    assert edges[0]["node"]["revokedAt"] is None
    assert edges[1]["node"]["revokedAt"] is not None
    assert listed["data"]["previewLinks"]["totalCount"] == 2


async def test_the_list_is_paged(client: httpx.AsyncClient) -> None:
    post = await _draft()
    editor = await make_token()
    ids = [(await _link(client, post, editor))["id"] for _ in range(3)]
    post_id = encode_id("Post", post.id)

    first = await graphql(client, LINKS, {"postId": post_id, "first": 2}, token=editor)
    cursor = first["data"]["previewLinks"]["pageInfo"]["endCursor"]
    rest = await graphql(
        client, LINKS, {"postId": post_id, "first": 2, "after": cursor}, token=editor
    )

    page = first["data"]["previewLinks"]
    assert [e["node"]["id"] for e in page["edges"]] == [ids[2], ids[1]]
    assert page["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["id"] for e in rest["data"]["previewLinks"]["edges"]] == [ids[0]]


async def test_a_deleted_post_takes_its_links_with_it(client: httpx.AsyncClient) -> None:
    post = await _draft()
    link = await _link(client, post, await make_token())
    await post.delete()

    body = await graphql(client, PREVIEW, {"token": link["token"]})

    assert (body["data"], error_codes(body)) == ({"preview": None}, ["NOT_FOUND"])
    assert await PreviewLink.all().count() == 0


async def test_another_secret_makes_every_link_invalid(db_url: str, settings: Settings) -> None:
    async with app_client(settings) as http:
        link = await _link(http, await _draft(), await make_token())
    async with app_client(replace(settings, secret_key="rotated")) as http:
        body = await graphql(http, PREVIEW, {"token": link["token"]})

    assert (body["data"], error_codes(body)) == ({"preview": None}, ["FORBIDDEN"])


@pytest.mark.parametrize("seconds", [59, 30 * 86_400 + 1, -1])
async def test_lifetimes_outside_a_minute_to_30_days_are_refused(
    client: httpx.AsyncClient, seconds: int
) -> None:
    post = await _draft()

    body = await graphql(
        client,
        CREATE,
        {"postId": encode_id("Post", post.id), "expiresIn": seconds},
        token=await make_token(),
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "expiresIn"
    assert await PreviewLink.all().count() == 0


async def test_thirty_days_is_the_longest_life(client: httpx.AsyncClient) -> None:
    link = await _link(client, await _draft(), await make_token(), expiresIn=30 * 86_400)

    life = datetime.fromisoformat(link["expiresAt"]) - datetime.fromisoformat(link["createdAt"])
    assert life == timedelta(days=30)


async def test_only_editors_make_list_and_revoke_links(client: httpx.AsyncClient) -> None:
    post = await _draft()
    link = await _link(client, post, await make_token())
    post_id = encode_id("Post", post.id)
    preview_token = await make_token(role=Role.PREVIEW)

    anonymous = [
        await graphql(client, CREATE, {"postId": post_id}),
        await graphql(client, REVOKE, {"id": link["id"]}),
        await graphql(client, LINKS, {"postId": post_id}),
    ]
    read_only = [
        await graphql(client, CREATE, {"postId": post_id}, token=preview_token),
        await graphql(client, REVOKE, {"id": link["id"]}, token=preview_token),
        await graphql(client, LINKS, {"postId": post_id}, token=preview_token),
    ]

    assert [error_codes(body) for body in anonymous] == [["UNAUTHENTICATED"]] * 3
    assert [error_codes(body) for body in read_only] == [["FORBIDDEN"]] * 3
    assert await PreviewLink.all().count() == 1
    assert await PreviewLink.filter(revoked_at=None).count() == 1


async def test_a_link_to_a_missing_post_is_not_made(client: httpx.AsyncClient) -> None:
    body = await graphql(
        client, CREATE, {"postId": encode_id("Post", 999_999)}, token=await make_token()
    )

    assert error_codes(body) == ["NOT_FOUND"]
    assert await PreviewLink.all().count() == 0
