"""Malformed GraphQL-over-HTTP requests are refused in GraphQL's shape, with a code."""

from __future__ import annotations

import base64
import json

import httpx
import pytest

from tests.factories import make_post

JSON = {"content-type": "application/json"}
SLUG_QUERY = "query ($s: String!) { post(slug: $s) { id } }"

CASES = [
    ("null", b"null", 400, "The request body must be a JSON object"),
    ("a number", b"1", 400, "The request body must be a JSON object"),
    ("a string", b'"x"', 400, "The request body must be a JSON object"),
    ("a batch", b'[{"query": "{ __typename }"}]', 400, "Batched requests are not supported"),
    ("cut short", b'{"query":', 400, "The request body is not valid JSON"),
    ("invalid UTF-8", b'{"query": "\xff"}', 400, "The request body is not valid JSON"),
    (
        "10,000 nested arrays",
        b'{"query":"{ __typename }","variables":{"a":' + b"[" * 10_000 + b"]" * 10_000 + b"}}",
        400,
        "The request body is not valid JSON (depth limit exceeded)",
    ),
    (
        "a lone surrogate",
        json.dumps({"query": SLUG_QUERY}).encode()[:-1] + b',"variables":{"s":"\\ud800"}}',
        400,
        "The request body is not valid JSON",
    ),
    (
        "two operations, no name",
        json.dumps({"query": "query A { __typename } query B { __typename }"}).encode(),
        400,
        "This document has 2 operations: name the one to run in `operationName`.",
    ),
    (
        "an unknown operation",
        json.dumps({"query": "query A { __typename }", "operationName": "B"}).encode(),
        400,
        "The document has no operation named 'B'.",
    ),
    (
        "a subscription",
        json.dumps({"query": 'subscription { commentAdded(postId: "UG9zdDox") { id } }'}).encode(),
        400,
        "Subscriptions run over WebSocket",
    ),
    ("no document", b"{}", 400, "The request has no GraphQL document: send it in `query`."),
    (
        "a document that is not a string",
        b'{"query": 1}',
        400,
        "`query` must be a string holding the GraphQL document.",
    ),
    (
        "variables that are not an object",
        json.dumps({"query": "{ __typename }", "variables": [1]}).encode(),
        400,
        "`variables` must be a JSON object.",
    ),
]


@pytest.mark.parametrize(
    ("body", "status", "message"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
async def test_malformed_bodies_are_refused_with_a_code(
    client: httpx.AsyncClient, body: bytes, status: int, message: str
) -> None:
    response = await client.post("/graphql", content=body, headers=JSON)

    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert error["message"].startswith(message), error["message"]


async def test_other_content_types_and_get_mutations_are_refused(
    client: httpx.AsyncClient,
) -> None:
    text = await client.post(
        "/graphql", content=b"{ __typename }", headers={"content-type": "text/plain"}
    )
    mutation = await client.get(
        "/graphql",
        params={"query": 'mutation { likePost(postId: "x", visitorId: "v") { likeCount } }'},
        headers={"accept": "application/json"},
    )

    assert text.status_code == 415
    assert text.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert mutation.status_code == 405
    assert mutation.headers["allow"] == "GET, POST"
    assert mutation.json()["errors"][0]["message"] == "Mutations need POST: GET runs queries only."


async def test_names_of_the_right_operation_still_run(client: httpx.AsyncClient) -> None:
    await make_post("Shown")
    body = {
        "query": "query A { __typename } query B { posts { totalCount } }",
        "operationName": "B",
    }

    response = await client.post("/graphql", json=body)

    assert response.json()["data"] == {"posts": {"totalCount": 1}}


async def test_values_longer_than_any_stored_are_simply_not_found(
    client: httpx.AsyncClient,
) -> None:
    slug = await client.post("/graphql", json={"query": SLUG_QUERY, "variables": {"s": "a" * 300}})
    tag = await client.post(
        "/graphql",
        json={"query": '{ posts(filter: {tag: "%s"}) { totalCount } }' % ("t" * 300)},
    )

    assert slug.json()["data"] == {"post": None}
    assert tag.json()["data"] == {"posts": {"totalCount": 0}}


async def test_nul_bytes_and_huge_integers_are_the_caller_s_fault_on_both_databases(
    client: httpx.AsyncClient,
) -> None:
    await make_post("Shown")
    huge_id = base64.b64encode(b"Post:99999999999999999999").decode()
    plain_cursor = b'[{"t":"2020-01-01T00:00:00+00:00"},' + b"9" * 20 + b"]"
    huge_cursor = base64.urlsafe_b64encode(plain_cursor).decode()
    nul = "a\x00b"

    slug = await client.post("/graphql", json={"query": SLUG_QUERY, "variables": {"s": nul}})
    tag = await client.post(
        "/graphql",
        json={
            "query": "query ($t: String) { posts(filter: {tag: $t}) { totalCount } }",
            "variables": {"t": nul},
        },
    )
    search = await client.post(
        "/graphql",
        json={
            "query": "query ($q: String) { posts(filter: {search: $q}) { totalCount } }",
            "variables": {"q": "shown\x00"},
        },
    )
    node = await client.post(
        "/graphql",
        json={"query": "query ($id: ID!) { node(id: $id) { id } }", "variables": {"id": huge_id}},
    )
    cursor = await client.post(
        "/graphql",
        json={
            "query": "query ($c: String) { posts(after: $c) { totalCount } }",
            "variables": {"c": huge_cursor},
        },
    )

    assert slug.json()["data"] == {"post": None}
    assert tag.json()["data"] == {"posts": {"totalCount": 0}}
    assert search.json()["data"] == {"posts": {"totalCount": 1}}
    assert node.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert cursor.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
