"""CMS_ENV=production: no introspection or field suggestions for anonymous callers."""

from __future__ import annotations

import dataclasses

import pytest
from graphql import get_introspection_query

from cms.enums import Role
from cms.settings import Settings
from tests.conftest import app_client, graphql
from tests.factories import make_post, make_token

SCHEMA = "{ __schema { queryType { name } } }"
TYPE = '{ __type(name: "Post") { name } }'
TYPO = "{ posts { edges { node { titel } } } }"
BAD_ARGUMENT = "{ posts(frist: 1) { totalCount } }"
BAD_ENUM = "query($order: PostOrder) { posts(orderBy: $order) { totalCount } }"
HIDDEN = (
    "Introspection (`{field}`) is off for anonymous callers in production: send an "
    "editor's token (`Authorization: Bearer <token>`, in GraphiQL's Headers pane), or read "
    "the published schema (schema/schema.graphql)."
)


def production(settings: Settings, **changes: object) -> Settings:
    return dataclasses.replace(settings, env="production", **changes)


async def test_anonymous_introspection_is_forbidden_in_production(settings: Settings) -> None:
    async with app_client(production(settings)) as http:
        schema = await graphql(http, SCHEMA)
        type_ = await graphql(http, TYPE)
        full = await graphql(http, get_introspection_query())
        typename = await graphql(http, "{ __typename }")

    assert schema["data"] is None
    assert schema["errors"] == [
        {
            "message": HIDDEN.format(field="__schema"),
            "locations": [{"line": 1, "column": 3}],
            "extensions": {"code": "FORBIDDEN"},
        }
    ]
    assert [e["message"] for e in type_["errors"]] == [HIDDEN.format(field="__type")]
    assert {e["extensions"]["code"] for e in full["errors"]} == {"FORBIDDEN"}
    assert full["data"] is None
    assert typename["data"] == {"__typename": "Query"}


@pytest.mark.parametrize("role", [Role.EDITOR, Role.ADMIN, Role.PREVIEW])
async def test_a_token_still_gets_introspection_in_production(
    settings: Settings, role: Role
) -> None:
    async with app_client(production(settings)) as http:
        secret = await make_token(role=role)
        full = await graphql(http, get_introspection_query(), token=secret)
        type_ = await graphql(http, TYPE, token=secret)

    assert "errors" not in full
    assert full["data"]["__schema"]["queryType"]["name"] == "Query"
    assert "Post" in {t["name"] for t in full["data"]["__schema"]["types"]}
    assert type_["data"] == {"__type": {"name": "Post"}}


@pytest.mark.parametrize(
    ("query", "variables", "hidden", "shown"),
    [
        (
            TYPO,
            {},
            "Cannot query field 'titel' on type 'Post'.",
            "Cannot query field 'titel' on type 'Post'. Did you mean 'title'?",
        ),
        (
            BAD_ARGUMENT,
            {},
            "Unknown argument 'frist' on field 'Query.posts'.",
            "Unknown argument 'frist' on field 'Query.posts'. Did you mean 'first' or 'last'?",
        ),
        (
            BAD_ENUM,
            {"order": "NEWES"},
            "Variable '$order' has invalid value: "
            "Value 'NEWES' does not exist in 'PostOrder' enum.",
            "Variable '$order' has invalid value: "
            "Value 'NEWES' does not exist in 'PostOrder' enum. "
            "Did you mean the enum value 'NEWEST'?",
        ),
    ],
)
async def test_suggestions_are_left_out_for_anonymous_callers_in_production_only(
    settings: Settings, query: str, variables: dict[str, str], hidden: str, shown: str
) -> None:
    async with app_client(production(settings)) as http:
        secret = await make_token()
        anonymous = await graphql(http, query, variables)
        editor = await graphql(http, query, variables, token=secret)
    async with app_client(settings) as http:
        development = await graphql(http, query, variables)

    assert [(e["message"], e["extensions"]["code"]) for e in anonymous["errors"]] == [
        (hidden, "BAD_USER_INPUT")
    ]
    assert [e["message"] for e in editor["errors"]] == [shown]
    assert [e["message"] for e in development["errors"]] == [shown]


async def test_the_response_cache_never_hands_one_callers_answer_to_another(
    settings: Settings,
) -> None:
    cached = production(settings, debug=False, response_cache_ttl_s=60.0)
    async with app_client(cached) as http:
        await make_post("Live")
        secret = await make_token()
        editor_first = await graphql(http, SCHEMA, token=secret)
        anonymous = await graphql(http, SCHEMA)
        by_get = await http.get(
            "/graphql", params={"query": SCHEMA}, headers={"accept": "application/json"}
        )
        editor_after = await graphql(http, SCHEMA, token=secret)
        anonymous_typo = await graphql(http, TYPO)
        editor_typo = await graphql(http, TYPO, token=secret)
        public = await graphql(http, "{ posts { edges { node { title } } } }")
        public_again = await graphql(http, "{ posts { edges { node { title } } } }")

    assert (
        editor_first["data"]
        == editor_after["data"]
        == {"__schema": {"queryType": {"name": "Query"}}}
    )
    assert anonymous["data"] is None
    assert [e["extensions"]["code"] for e in anonymous["errors"]] == ["FORBIDDEN"]
    assert by_get.json()["data"] is None
    assert [e["extensions"]["code"] for e in by_get.json()["errors"]] == ["FORBIDDEN"]
    assert "Did you mean" not in anonymous_typo["errors"][0]["message"]
    assert "Did you mean 'title'?" in editor_typo["errors"][0]["message"]
    assert (
        public["data"]
        == public_again["data"]
        == {"posts": {"edges": [{"node": {"title": "Live"}}]}}
    )


async def test_introspection_stays_open_in_development(settings: Settings) -> None:
    async with app_client(settings) as http:
        body = await graphql(http, SCHEMA)

    assert body["data"] == {"__schema": {"queryType": {"name": "Query"}}}


async def test_graphiql_is_served_in_production_and_can_send_a_token(settings: Settings) -> None:
    async with app_client(production(settings)) as http:
        page = await http.get("/graphql", headers={"accept": "text/html"})

    assert page.status_code == 200
    assert "<title>cms · GraphiQL</title>" in page.text
    # The Headers pane is on (the schema loads with the token there); the browser does
    # not keep the token after the page closes.
    assert "isHeadersEditorEnabled: true" in page.text
    assert "shouldPersistHeaders: false" in page.text
