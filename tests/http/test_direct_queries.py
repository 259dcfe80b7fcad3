"""Queries that validate are answered past Strawberry's view, with the same answer."""

from __future__ import annotations

import httpx
import orjson
from asgi_lifespan import LifespanManager

from cms.api.context import Context
from cms.http.app import create_app
from cms.http.direct_queries import direct_counts
from cms.settings import Settings
from tests.conftest import error_codes, graphql
from tests.factories import make_post

FEED = "query Feed($n: Int) { posts(first: $n) { edges { node { slug title likeCount } } } }"


async def test_a_valid_query_is_answered_directly_as_strawberry_would(
    settings: Settings,
) -> None:
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            await make_post("One")
            await make_post("Two")
            answered, handed_on = direct_counts.answered, direct_counts.handed_on
            response = await http.post("/graphql", json={"query": FEED, "variables": {"n": 1}})
            assert (direct_counts.answered, direct_counts.handed_on) == (answered + 1, handed_on)
            full = await app.state.schema.execute(
                FEED, variable_values={"n": 1}, context_value=Context(runtime=app.state.runtime)
            )
    assert full.errors is None
    assert full.extensions == {"sql": {"count": 1}}
    assert response.content == orjson.dumps({"data": full.data, "extensions": full.extensions})
    assert response.json()["data"]["posts"]["edges"][0]["node"]["title"] == "One"


async def test_what_this_path_does_not_cover_goes_through_the_full_path(
    client: httpx.AsyncClient,
) -> None:
    handed_on = direct_counts.handed_on

    bad_field = await graphql(client, "{ posts { edges { node { nope } } } }")
    bad_token = await client.post(
        "/graphql", json={"query": FEED}, headers={"Authorization": "Bearer nonsense"}
    )

    assert direct_counts.handed_on == handed_on + 2
    assert error_codes(bad_field) == ["BAD_USER_INPUT"]
    assert error_codes(bad_token.json()) == ["UNAUTHENTICATED"]


async def test_errors_of_variables_keep_their_code_and_message(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": FEED, "variables": {"n": "ten"}})

    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert "Int cannot represent non-integer value: 'ten'" in body["errors"][0]["message"]
