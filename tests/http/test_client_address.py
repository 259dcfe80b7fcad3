"""The client's address: the socket peer, or X-Forwarded-For only behind a trusted proxy."""

from __future__ import annotations

import pytest

from cms.api.ids import encode_id
from cms.http.client_address import client_address
from cms.models import Comment
from cms.settings import Limits, Settings
from tests.conftest import app_client, error_codes
from tests.factories import make_post

PROXIES = ("10.0.0.0/8", "192.0.2.1")


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("203.0.113.9", "", "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", "203.0.113.9"),  # the peer is not a proxy: ignored
        ("10.1.2.3", "198.51.100.1", "198.51.100.1"),
        ("10.1.2.3", "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # only the hop the proxy saw
        ("10.1.2.3", "198.51.100.1, 192.0.2.1, 10.9.9.9", "198.51.100.1"),  # proxy chain
        ("10.1.2.3", "", "10.1.2.3"),
        ("10.1.2.3", "not-an-address, 10.0.0.5", "not-an-address"),
        (None, "198.51.100.1", "unknown"),
    ],
)
def test_forwarded_hops_are_walked_from_the_right_while_they_are_trusted_proxies(
    peer: str | None, forwarded: str, expected: str
) -> None:
    headers = {"x-forwarded-for": forwarded} if forwarded else {}

    assert client_address(peer, headers, PROXIES) == expected


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert client_address("10.1.2.3", {"x-forwarded-for": "198.51.100.1"}, ()) == "10.1.2.3"


ADD_COMMENT = """
mutation Add($input: AddCommentInput!) { addComment(input: $input) { status } }
"""


async def comment_as(http, post_id: str, body: str, forwarded: str) -> dict:  # type: ignore[no-untyped-def]
    response = await http.post(
        "/graphql",
        json={
            "query": ADD_COMMENT,
            "variables": {"input": {"postId": post_id, "author": "A", "body": body}},
        },
        headers={"X-Forwarded-For": forwarded},
    )
    return response.json()


@pytest.mark.parametrize(
    ("trusted", "outcomes"),
    [
        (("127.0.0.1",), [[], []]),  # behind the proxy: two clients, two buckets
        ((), [[], ["RATE_LIMITED"]]),  # no proxy configured: one peer, one bucket
    ],
)
async def test_rate_limits_follow_the_forwarded_address_only_behind_a_trusted_proxy(
    db_url: str, trusted: tuple[str, ...], outcomes: list[list[str]]
) -> None:
    settings = Settings(
        database_url=db_url,
        trusted_proxies=trusted,
        limits=Limits(comment_rate="1/minute", hold_first_comment=False),
    )
    async with app_client(settings, client=("127.0.0.1", 5000)) as http:
        post = await make_post()
        pid = encode_id("Post", post.id)
        first = await comment_as(http, pid, "From one", "198.51.100.1")
        second = await comment_as(http, pid, "From two", "198.51.100.2")

        assert [error_codes(first), error_codes(second)] == outcomes
        assert await Comment.filter(post_id=post.id).count() == 2 - len(outcomes[1])
