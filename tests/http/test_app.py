"""The HTTP surface: GraphiQL, GET and POST, probes, limits and error masking."""

from __future__ import annotations

import base64
import hashlib
import logging
import re

import httpx
import pytest
from asgi_lifespan import LifespanManager
from tortoise.connection import get_connection

from cms.api.extensions.guards import validation_counts
from cms.http.app import create_app
from cms.http.graphiql import DEFAULT_QUERY
from cms.settings import Settings
from tests.conftest import error_codes, graphql
from tests.factories import make_post, make_token
from tests.seed_article import SEED_HEADINGS, SEED_SLUG, SEED_TITLE, seed_text

DEEP = "{ posts { edges { node { sections { post { sections { post { sections { post { sections { post { sections { post { title } } } } } } } } } } } } } }"  # noqa: E501


async def test_browsers_get_graphiql_with_every_file_served_here(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assets = re.findall(r'(?:src|href)="(/static/graphiql/[^"]+)"', response.text)

    assert response.status_code == 200
    assert "unpkg.com" not in response.text
    assert len(assets) == 7
    for path in assets:
        asset = await client.get(path)
        integrity = re.search(rf'"{re.escape(path)}"\s+integrity="sha384-([^"]+)"', response.text)
        assert asset.status_code == 200, path
        assert integrity is not None, path
        digest = base64.b64encode(hashlib.sha384(asset.content).digest()).decode()
        assert digest == integrity.group(1), path  # the browser's SRI check passes


async def test_graphiql_subscribes_over_websocket_and_opens_on_the_demo_post(
    client: httpx.AsyncClient,
) -> None:
    page = (await client.get("/graphql", headers={"Accept": "text/html"})).text

    # The WebSocket address is this page's, ws:// or wss://, given to GraphiQL's fetcher
    # (whose bundle holds the graphql-ws client).
    assert 'const protocol = parsedURL.protocol === "http:" ? "ws:" : "wss:";' in page
    assert "const subscriptionUrl = httpUrlToWebSockeUrl(fetchURL);" in page
    assert "subscriptionUrl,\n" in page
    assert 'post(slug: "ketamine-therapy-can-change-your-life-work-with-a-therapist-today")' in page
    assert "subscription DemoStats($postId: ID!)" in page
    assert "Welcome to GraphiQL" not in page
    assert "shouldPersistHeaders: false" in page
    assert "shouldPersistHeaders: true" not in page
    graphiql = (await client.get("/static/graphiql/graphiql.min.js")).text
    assert "const GRAPHQL_TRANSPORT_WS_PROTOCOL" in graphiql


async def test_graphiql_s_default_document_runs_against_the_demo_post(
    client: httpx.AsyncClient,
) -> None:
    editor = await make_token()
    imported = await graphql(
        client, "mutation($t: String!) { importArticle(text: $t) { slug } }", {"t": seed_text()},
        token=editor,
    )  # fmt: skip

    response = await client.post(
        "/graphql", json={"query": DEFAULT_QUERY, "operationName": "DemoPost"}
    )

    assert imported["data"] == {"importArticle": {"slug": SEED_SLUG}}
    post = response.json()["data"]["post"]
    assert post["title"] == SEED_TITLE
    assert [section["heading"] for section in post["sections"]] == SEED_HEADINGS
    assert len(post["comments"]["edges"]) == 3


async def test_queries_work_over_get_and_mutations_do_not(client: httpx.AsyncClient) -> None:
    post = await make_post("Over GET")

    query = await client.get("/graphql", params={"query": "{ posts { edges { node { slug } } } }"})
    mutation = await client.get(
        "/graphql", params={"query": 'mutation { importArticle(text: "x") { slug } }'}
    )

    assert query.json()["data"]["posts"]["edges"] == [{"node": {"slug": post.slug}}]
    assert mutation.status_code == 405  # as GraphQL over HTTP says
    assert mutation.json()["errors"] == [
        {
            "message": "Mutations need POST: GET runs queries only.",
            "extensions": {"code": "BAD_USER_INPUT"},
        }
    ]


async def test_probes_answer(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {
        "status": "ok",
        "database": "ok",
        "migrations": "ok",
    }


async def test_readyz_says_503_while_the_database_does_not_answer() -> None:
    app = create_app(Settings(database_url="postgres://postgres@127.0.0.1:1/unreachable"))
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            ready = await http.get("/readyz")
            alive = await http.get("/healthz")

    assert (ready.status_code, ready.json()["database"]) == (503, "unreachable")
    assert alive.status_code == 200


async def test_unexpected_errors_are_masked_and_logged(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    await get_connection("default").execute_script('DROP TABLE "story"')

    with caplog.at_level(logging.ERROR, logger="cms.api"):
        body = await graphql(client, "{ stories { edges { node { name } } } }")

    assert error_codes(body) == ["INTERNAL"]
    message = body["errors"][0]["message"]
    assert "story" not in message.lower()
    assert "SELECT" not in message
    assert any(record.exc_info for record in caplog.records)


async def test_depth_aliases_and_size_are_limited(client: httpx.AsyncClient) -> None:
    aliases = "{ " + " ".join(f"a{i}: posts {{ totalCount }}" for i in range(16)) + " }"
    huge = "{ posts { " + " ".join(["totalCount"] * 2100) + " } }"
    costly = (
        "{ posts(first: 100) { edges { node { comments(first: 100) { edges { node {"
        " replies(first: 100) { edges { node { id } } } } } } } } } }"
    )

    # A variable counts as the largest page, whatever default the document declares.
    by_variable = (
        "query ($n: Int = 1) { posts(first: $n) { edges { node { comments(first: $n) {"
        " edges { node { replies(first: $n) { edges { node { id } } } } } } } } } }"
    )

    for query in (DEEP, aliases, huge, costly, by_variable):
        body = await graphql(client, query)
        assert set(error_codes(body)) == {"QUERY_TOO_COMPLEX"}, body
        assert body["data"] is None


async def test_bad_documents_are_bad_user_input(client: httpx.AsyncClient) -> None:
    syntax = await graphql(client, "{ posts { ")
    unknown = await graphql(client, "{ nothingHere }")

    assert error_codes(syntax) == ["BAD_USER_INPUT"]
    assert error_codes(unknown) == ["BAD_USER_INPUT"]


async def test_validation_runs_once_per_distinct_document(client: httpx.AsyncClient) -> None:
    query = "{ posts(first: 3) { edges { node { slug title } } } }"
    await graphql(client, query)
    hits, misses = validation_counts.hits, validation_counts.misses

    await graphql(client, query)
    await graphql(client, query)

    assert (validation_counts.hits, validation_counts.misses) == (hits + 2, misses)


async def test_anonymous_get_answers_are_cacheable_and_revalidate(
    client: httpx.AsyncClient,
) -> None:
    await make_post("Cached")
    params = {"query": "{ posts { edges { node { slug } } } }"}

    first = await client.get("/graphql", params=params)
    again = await client.get(
        "/graphql", params=params, headers={"If-None-Match": first.headers["ETag"]}
    )
    posted = await client.post("/graphql", json=params)

    assert first.headers["Cache-Control"].startswith("public, max-age=10")
    assert (again.status_code, again.content) == (304, b"")
    assert posted.headers["Cache-Control"] == "no-store"


async def test_metrics_count_requests_by_route_and_status(client: httpx.AsyncClient) -> None:
    await client.get("/healthz")
    await client.get("/healthz")
    await client.post("/graphql", json={"query": "{ posts { totalCount } }"})

    text = (await client.get("/metrics")).text

    assert 'cms_http_requests_total{method="GET",route="/healthz",status="200"} 2.0' in text
    assert 'cms_http_requests_total{method="POST",route="/graphql",status="200"} 1.0' in text
    assert "cms_http_request_seconds_bucket" in text


def _doubling_fragments(levels: int) -> str:
    """~10 tokens a level; each fragment spreads the one before twice (2^levels spreads)."""
    fragments = ["fragment F0 on Query { me { name } }"] + [
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels + 1)
    ]
    return f"query {{ ...F{levels} }}\n" + "\n".join(fragments)


async def test_fragments_spread_again_and_again_are_measured_once(
    client: httpx.AsyncClient,
) -> None:
    # 2^40 spreads: a limit that walked each spread would never finish this request.
    body = await graphql(client, _doubling_fragments(40))
    aliased = await graphql(
        client,
        "fragment A on Query { a: me { name } b: me { name } }\n"
        + "fragment B on Query { ...A ...A ...A ...A ...A ...A ...A ...A }\n"
        + "query { ...B }",
    )

    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    assert body["errors"][0]["message"].startswith("This query could return about ")
    assert error_codes(aliased) == ["QUERY_TOO_COMPLEX"]
    assert aliased["errors"][0]["message"].startswith("16 aliases found. Allowed: 15.")


async def test_a_negative_page_size_cannot_cancel_the_cost_of_the_rest(
    client: httpx.AsyncClient,
) -> None:
    costly = (
        "posts(first: 100) { edges { node { comments(first: 100) { edges { node {"
        " replies(first: 100) { edges { node { id } } } } } } } } }"
    )
    body = await graphql(
        client,
        f'{{ a: post(slug: "x") {{ comments(first: -100000000) {{ totalCount }} }} {costly} }}',
    )

    assert error_codes(body) == ["QUERY_TOO_COMPLEX"]
    assert body["data"] is None
