"""application/graphql-response+json per the GraphQL over HTTP spec, application/json kept."""

from __future__ import annotations

import httpx
import pytest

from cms.http.media_types import negotiate
from cms.settings import Settings
from tests.conftest import app_client
from tests.factories import make_post

GRAPHQL_RESPONSE = "application/graphql-response+json"
NEW = {"accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"}
LEGACY = {"accept": "application/json"}
SLUG_QUERY = "query ($s: String!) { post(slug: $s) { title } }"


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE}", GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE};q=0.5, application/json", "application/json"),
        (f"{GRAPHQL_RESPONSE};q=0, */*", "application/json"),
        ("text/html, */*;q=0.8", "application/json"),
        ("text/html", None),
        ("application/json;q=0", None),
    ],
)
def test_the_accept_header_picks_the_media_type(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept) == chosen


async def test_answers_come_in_the_media_type_asked_for(client: httpx.AsyncClient) -> None:
    post = await make_post("Shown")
    body = {"query": SLUG_QUERY, "variables": {"s": post.slug}}

    new = await client.post("/graphql", json=body, headers=NEW)
    legacy = await client.post("/graphql", json=body, headers=LEGACY)

    assert (new.status_code, new.headers["content-type"]) == (200, GRAPHQL_RESPONSE)
    assert (legacy.status_code, legacy.headers["content-type"]) == (200, "application/json")
    assert new.json()["data"] == legacy.json()["data"] == {"post": {"title": "Shown"}}


REQUEST_ERRORS = [
    ("a syntax error", {"query": "{ posts { "}, 400, "BAD_USER_INPUT"),
    ("an unknown field", {"query": "{ nothing }"}, 400, "BAD_USER_INPUT"),
    ("a missing variable", {"query": SLUG_QUERY}, 400, "BAD_USER_INPUT"),
    (
        "too many aliases",
        {"query": "{ " + " ".join(f"a{n}: __typename" for n in range(20)) + " }"},
        400,
        "QUERY_TOO_COMPLEX",
    ),
]


@pytest.mark.parametrize(
    ("body", "status", "code"), [c[1:] for c in REQUEST_ERRORS], ids=[c[0] for c in REQUEST_ERRORS]
)
async def test_documents_that_fail_before_execution_get_4xx_under_the_graphql_media_type(
    settings: Settings, body: dict[str, object], status: int, code: str
) -> None:
    limited = Settings(database_url=settings.database_url)
    async with app_client(limited) as http:
        new = await http.post("/graphql", json=body, headers=NEW)
        legacy = await http.post("/graphql", json=body, headers=LEGACY)

    assert new.status_code == status
    assert new.headers["content-type"] == GRAPHQL_RESPONSE
    assert "data" not in new.json()
    assert [e["extensions"]["code"] for e in new.json()["errors"]] == [code]
    assert legacy.status_code == 200  # application/json keeps today's answer
    assert legacy.json()["data"] is None
    assert legacy.json()["errors"] == new.json()["errors"]


async def test_a_bad_token_is_401_under_the_graphql_media_type(client: httpx.AsyncClient) -> None:
    headers = {**NEW, "authorization": "Bearer cms_not-a-real-token"}

    response = await client.post("/graphql", json={"query": "{ me { name } }"}, headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_errors_during_execution_keep_200_and_data(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", json={"query": '{ node(id: "not-an-id") { id } }'}, headers=NEW
    )

    assert response.status_code == 200
    assert response.json()["data"] == {"node": None}
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_transport_refusals_use_the_negotiated_media_type(
    client: httpx.AsyncClient,
) -> None:
    body = {"query": "query A { __typename } query B { __typename }"}

    response = await client.post("/graphql", json=body, headers=NEW)

    assert response.status_code == 400
    assert response.headers["content-type"] == GRAPHQL_RESPONSE
    assert response.json()["errors"][0]["extensions"] == {"code": "BAD_USER_INPUT"}


async def test_an_accept_header_naming_neither_media_type_is_406(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": "text/html"}
    )
    page = await client.get("/graphql", headers={"accept": "text/html"})

    assert response.status_code == 406
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {
        "errors": [
            {
                "message": f"This endpoint answers {GRAPHQL_RESPONSE} or application/json: "
                "accept one of them (the Accept header names neither).",
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ]
    }
    assert (page.status_code, page.headers["content-type"]) == (200, "text/html; charset=utf-8")


async def test_the_response_cache_keeps_each_media_type_apart(settings: Settings) -> None:
    cached = Settings(database_url=settings.database_url, response_cache_ttl_s=60)

    async with app_client(cached) as http:
        post = await make_post("Shown")
        params = {"query": SLUG_QUERY, "variables": f'{{"s": "{post.slug}"}}'}
        answers = [
            await http.get("/graphql", params=params, headers=headers)
            for headers in (LEGACY, NEW, LEGACY, NEW)
        ]

    assert [a.headers["content-type"] for a in answers] == [
        "application/json",
        GRAPHQL_RESPONSE,
        "application/json",
        GRAPHQL_RESPONSE,
    ]
    assert {a.text for a in answers} == {'{"data":{"post":{"title":"Shown"}}}'}
    assert all(a.headers["vary"] == "Authorization, Accept" for a in answers)
