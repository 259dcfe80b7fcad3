"""The client's address: the socket peer, or X-Forwarded-For only behind a trusted proxy."""

from __future__ import annotations

import re

import pytest
from starlette.datastructures import Headers

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
        (None, "198.51.100.1", "unknown"),
        # A hop that is not an address ends the walk at the last address read.
        ("10.1.2.3", "198.51.100.1, not-an-address, 10.0.0.5", "10.0.0.5"),
        ("10.1.2.3", "unknown", "10.1.2.3"),
        ("10.1.2.3", "x" * 5000, "10.1.2.3"),
        ("10.1.2.3", "198.51.100.1, , 10.0.0.5", "10.0.0.5"),
        # Ports and brackets as some proxies write them; addresses in canonical form.
        ("10.1.2.3", "198.51.100.1:5678", "198.51.100.1"),
        ("10.1.2.3", "[2001:DB8:0::1]:443", "2001:db8::1"),
        ("10.1.2.3", "2001:db8:0:0::7", "2001:db8::7"),
        # Only the last 20 hops are read: all trusted, the walk stops at the 20th.
        (
            "10.1.2.3",
            ", ".join(["198.51.100.1"] + [f"10.0.0.{i}" for i in range(1, 21)]),
            "10.0.0.1",
        ),
        (
            "10.1.2.3",
            ", ".join(["198.51.100.1"] + [f"10.0.0.{i}" for i in range(1, 20)]),
            "198.51.100.1",
        ),
    ],
)
def test_forwarded_hops_are_walked_from_the_right_while_they_are_trusted_proxies(
    peer: str | None, forwarded: str, expected: str
) -> None:
    headers = {"x-forwarded-for": forwarded} if forwarded else {}

    assert client_address(peer, headers, PROXIES) == expected


def test_without_trusted_proxies_the_header_is_never_read() -> None:
    assert client_address("10.1.2.3", {"x-forwarded-for": "198.51.100.1"}, ()) == "10.1.2.3"


def test_every_header_line_counts_in_order() -> None:
    # HAProxy's `option forwardfor` appends its own line after the client's.
    headers = Headers(
        raw=[(b"x-forwarded-for", b"6.6.6.6, 7.7.7.7"), (b"x-forwarded-for", b"198.51.100.1")]
    )

    assert client_address("10.1.2.3", headers, PROXIES) == "198.51.100.1"


def test_a_trusted_proxy_entry_that_is_not_an_address_is_refused_by_name() -> None:
    with pytest.raises(
        ValueError, match=re.escape("CMS_TRUSTED_PROXIES: '10.0.0.0/33' is not an IP")
    ):
        client_address("10.1.2.3", {}, ("10.0.0.0/33",))


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


async def test_forged_first_lines_behind_a_proxy_that_appends_its_own_line_share_one_bucket(
    db_url: str,
) -> None:
    settings = Settings(
        database_url=db_url,
        trusted_proxies=("127.0.0.1",),
        limits=Limits(comment_rate="5/minute", hold_first_comment=False),
    )
    async with app_client(settings, client=("127.0.0.1", 5000)) as http:
        post = await make_post()
        pid = encode_id("Post", post.id)
        outcomes = []
        for n in range(8):
            response = await http.post(
                "/graphql",
                json={
                    "query": ADD_COMMENT,
                    "variables": {"input": {"postId": pid, "author": "A", "body": f"Try {n}"}},
                },
                # The client's forged line first, then the one the proxy appended.
                headers=[
                    ("X-Forwarded-For", f"198.51.100.{n + 10}"),
                    ("X-Forwarded-For", "203.0.113.5"),
                ],
            )
            outcomes.append(error_codes(response.json()))

        assert outcomes == [[]] * 5 + [["RATE_LIMITED"]] * 3
        assert await Comment.filter(post_id=post.id).count() == 5
