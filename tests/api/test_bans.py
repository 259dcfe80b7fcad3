"""Bans: an author name or a client (kept hashed, never as its address) whose new
comments are held for BANNED, until they expire or are lifted."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from asgi_lifespan import LifespanManager
from tortoise import timezone
from tortoise.connection import get_connection

from cms.api.ids import encode_id
from cms.enums import Role
from cms.http.app import create_app
from cms.models import Ban, Post
from cms.settings import Limits, Settings
from tests.conftest import app_client, error_codes, graphql
from tests.factories import make_post, make_token

ADDRESS = "198.51.100.23"
OTHER_ADDRESS = "198.51.100.24"
ADD = "mutation Add($input: AddCommentInput!) { addComment(input: $input) { id status } }"
BAN = """
mutation Ban($input: BanInput!) {
  banCommenter(input: $input) { id author clientBanned reason createdBy expiresAt active }
}
"""
UNBAN = "mutation Unban($id: ID!) { unban(id: $id) }"
BANS = """
query Bans($first: Int, $after: String) {
  bans(first: $first, after: $after) {
    totalCount edges { node { author clientBanned active } } pageInfo { hasNextPage endCursor }
  }
}
"""
HELD = """
query Held($reason: HoldReason) { moderationQueue(reason: $reason) { edges { node { author } } } }
"""


def _settings(db_url: str) -> Settings:
    limits = Limits(hold_first_comment=False, comment_rate="1000/minute")
    return Settings(database_url=db_url, debug=True, secret_key="server-side", limits=limits)


async def _add(http: httpx.AsyncClient, post: Post, author: str, body: str) -> dict[str, Any]:
    variables = {"input": {"postId": encode_id("Post", post.id), "author": author, "body": body}}
    answer = await graphql(http, ADD, variables)
    assert "errors" not in answer, answer
    return answer["data"]["addComment"]


def _client(app: Any, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 4000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def _database_text() -> str:
    """Every value of every table, as text."""
    connection = get_connection("default")
    if connection.capabilities.dialect == "sqlite":
        listing = "SELECT name FROM sqlite_master WHERE type = 'table'"
    else:
        listing = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    _, tables = await connection.execute_query(listing)
    values = []
    for (table,) in tables:
        _, rows = await connection.execute_query(f'SELECT * FROM "{table}"')
        values += [str(value) for row in rows for value in row]
    return "\n".join(values)


async def test_a_banned_client_is_held_whatever_name_it_uses_and_its_address_is_not_stored(
    db_url: str,
) -> None:
    app = create_app(_settings(db_url))
    async with (
        LifespanManager(app) as manager,
        _client(manager.app, ADDRESS) as banned,
        _client(manager.app, OTHER_ADDRESS) as other,
    ):
        post = await make_post()
        secret = await make_token("moderator")
        first = await _add(banned, post, "Troll", "First words")
        ban = await graphql(
            banned,
            BAN,
            {"input": {"clientOfCommentId": first["id"], "reason": "trolling", "expiresIn": 3600}},
            token=secret,
        )
        renamed = await _add(banned, post, "Someone else", "Second words")
        elsewhere = await _add(other, post, "Reader", "Nice words")
        queue = await graphql(banned, HELD, {"reason": "BANNED"}, token=secret)
        stored = await _database_text()
        key = (await Ban.get()).client_key

    assert first["status"] == "APPROVED"
    answer = ban["data"]["banCommenter"]
    assert answer == {
        "id": answer["id"],
        "author": None,
        "clientBanned": True,
        "reason": "trolling",
        "createdBy": "moderator",
        "expiresAt": answer["expiresAt"],
        "active": True,
    }
    assert (renamed["status"], elsewhere["status"]) == ("PENDING", "APPROVED")
    assert queue["data"]["moderationQueue"]["edges"] == [{"node": {"author": "Someone else"}}]
    assert len(key or "") == 64
    assert ADDRESS not in stored
    assert OTHER_ADDRESS not in stored


async def test_an_author_ban_matches_case_accents_and_lookalikes(client: httpx.AsyncClient) -> None:
    post = await make_post()
    secret = await make_token()
    await graphql(client, BAN, {"input": {"author": "Spammer"}}, token=secret)

    # "Ѕpammer" starts with a Cyrillic letter; "SPÄMMER" is upper case with an accent.
    answers = [await _add(client, post, name, f"Words {n}") for n, name in enumerate(
        ("SPAMMER", "Ѕpammer", "SPÄMMER", "Spammers")
    )]  # fmt: skip

    # The default rules hold a first comment too: only the reasons tell them apart.
    queue = await graphql(client, HELD, {"reason": "BANNED"}, token=secret)
    assert [a["status"] for a in answers] == ["PENDING"] * 4
    assert [e["node"]["author"] for e in queue["data"]["moderationQueue"]["edges"]] == [
        "SPAMMER",
        "Ѕpammer",
        "SPÄMMER",
    ]


async def test_expired_and_lifted_bans_hold_nothing(db_url: str) -> None:
    async with app_client(_settings(db_url)) as http:
        post = await make_post()
        secret = await make_token()
        expiring = await graphql(
            http, BAN, {"input": {"author": "Ana", "expiresIn": 60}}, token=secret
        )
        lifted = await graphql(http, BAN, {"input": {"author": "Bob"}}, token=secret)
        held = await _add(http, post, "Ana", "While banned")
        await Ban.filter(author="Ana").update(expires_at=timezone.now() - timedelta(seconds=1))
        after_expiry = await _add(http, post, "Ana", "After the ban")
        lift_id = lifted["data"]["banCommenter"]["id"]
        unban = await graphql(http, UNBAN, {"id": lift_id}, token=secret)
        again = await graphql(http, UNBAN, {"id": lift_id}, token=secret)
        after_lifting = await _add(http, post, "Bob", "After the lifting")
        listed = await graphql(http, BANS, {"first": 5}, token=secret)

    assert expiring["data"]["banCommenter"]["active"] is True
    assert (held["status"], after_expiry["status"]) == ("PENDING", "APPROVED")
    assert unban["data"]["unban"] == lift_id
    assert error_codes(again) == ["NOT_FOUND"]
    assert after_lifting["status"] == "APPROVED"
    assert listed["data"]["bans"] == {
        "totalCount": 1,
        "edges": [{"node": {"author": "Ana", "clientBanned": False, "active": False}}],
        "pageInfo": {
            "hasNextPage": False,
            "endCursor": listed["data"]["bans"]["pageInfo"]["endCursor"],
        },
    }


async def test_bans_are_listed_newest_first_a_page_at_a_time(client: httpx.AsyncClient) -> None:
    secret = await make_token()
    for name in ("One", "Two", "Three"):
        await graphql(client, BAN, {"input": {"author": name}}, token=secret)

    first = await graphql(client, BANS, {"first": 2}, token=secret)
    cursor = first["data"]["bans"]["pageInfo"]["endCursor"]
    rest = await graphql(client, BANS, {"first": 2, "after": cursor}, token=secret)

    assert [e["node"]["author"] for e in first["data"]["bans"]["edges"]] == ["Three", "Two"]
    assert first["data"]["bans"]["pageInfo"]["hasNextPage"] is True
    assert [e["node"]["author"] for e in rest["data"]["bans"]["edges"]] == ["One"]


async def test_bans_need_an_editor_and_something_to_ban(client: httpx.AsyncClient) -> None:
    secret = await make_token()
    preview = await make_token(role=Role.PREVIEW)

    anonymous = await graphql(client, BAN, {"input": {"author": "Ana"}})
    listing = await graphql(client, BANS, {})
    read_only = await graphql(client, BAN, {"input": {"author": "Ana"}}, token=preview)
    nothing = await graphql(client, BAN, {"input": {"reason": "no one"}}, token=secret)
    too_soon = await graphql(
        client, BAN, {"input": {"author": "Ana", "expiresIn": 5}}, token=secret
    )
    long_reason = await graphql(
        client, BAN, {"input": {"author": "Ana", "reason": "x" * 201}}, token=secret
    )
    no_comment = await graphql(
        client,
        BAN,
        {"input": {"clientOfCommentId": encode_id("Comment", 999)}},
        token=secret,
    )

    assert error_codes(anonymous) == ["UNAUTHENTICATED"]
    assert error_codes(listing) == ["UNAUTHENTICATED"]
    assert error_codes(read_only) == ["FORBIDDEN"]
    assert error_codes(nothing) == ["BAD_USER_INPUT"]
    assert error_codes(too_soon) == ["BAD_USER_INPUT"]
    assert too_soon["errors"][0]["extensions"]["field"] == "expiresIn"
    assert error_codes(long_reason) == ["BAD_USER_INPUT"]
    assert error_codes(no_comment) == ["NOT_FOUND"]
    assert await Ban.all().count() == 0
