"""Automatic persisted queries (Apollo's protocol) and the trusted-documents mode."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from pathlib import Path
from typing import Any

import httpx

from cms.services import documents
from cms.settings import Settings
from tests.conftest import app_client
from tests.factories import make_post, make_token
from tests.test_cli import cms

TITLES = "query Titles { posts(first: 5) { edges { node { title } } } }"
OTHER = "{ posts(first: 1) { totalCount } }"
ROOT = Path(__file__).parents[2]


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def persisted(text: str, *, with_query: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest(text)}}
    }
    if with_query:
        body["query"] = text
    return body


async def post(http: httpx.AsyncClient, body: dict[str, Any], token: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return await http.post("/graphql", json=body, headers=headers)


TITLES_DATA = {"posts": {"edges": [{"node": {"title": "Kept"}}]}}
NOT_FOUND = {
    "errors": [
        {"message": "PersistedQueryNotFound", "extensions": {"code": "PERSISTED_QUERY_NOT_FOUND"}}
    ]
}


async def test_a_hash_alone_runs_once_the_server_has_seen_the_document(
    settings: Settings,
) -> None:
    async with app_client(settings) as http:
        await make_post("Kept")
        unknown = await post(http, persisted(TITLES, with_query=False))
        registered = await post(http, persisted(TITLES, with_query=True))
        by_hash = await post(http, persisted(TITLES, with_query=False))
        params = {"extensions": json.dumps(persisted(TITLES, with_query=False)["extensions"])}
        by_get = await http.get("/graphql", params=params, headers={"accept": "application/json"})

    assert (unknown.status_code, unknown.json()) == (200, NOT_FOUND)
    assert registered.json()["data"] == TITLES_DATA
    assert by_hash.json()["data"] == TITLES_DATA
    assert by_get.status_code == 200
    assert by_get.json()["data"] == TITLES_DATA
    assert by_get.headers["cache-control"].startswith("public")


async def test_a_hash_that_does_not_match_its_document_is_refused(settings: Settings) -> None:
    async with app_client(settings) as http:
        body = persisted(TITLES, with_query=True)
        body["query"] = OTHER
        wrong = await post(http, body)
        then = await post(http, persisted(TITLES, with_query=False))
        bad_version = await post(
            http, {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": digest(OTHER)}}}
        )

    assert wrong.status_code == 400
    assert wrong.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert wrong.json()["errors"][0]["message"] == "provided sha does not match query"
    assert then.json() == NOT_FOUND  # nothing was kept under the wrong hash
    assert bad_version.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_registered_documents_are_known_by_hash_on_every_instance(
    settings: Settings,
) -> None:
    async with app_client(settings) as http:
        await make_post("Kept")
        await documents.register([("titles.graphql", TITLES)])
        by_hash = await post(http, persisted(TITLES, with_query=False))

    assert by_hash.json()["data"] == TITLES_DATA


async def test_trusted_mode_runs_only_registered_documents_for_anonymous_callers(
    settings: Settings,
) -> None:
    trusted = dataclasses.replace(settings, trusted_documents=True)
    async with app_client(trusted) as http:
        await make_post("Kept")
        token = await make_token()
        await documents.register([("titles.graphql", TITLES)])
        registered_text = await post(http, {"query": TITLES})
        registered_hash = await post(http, persisted(TITLES, with_query=False))
        unknown_text = await post(http, {"query": OTHER})
        unknown_apq = await post(http, persisted(OTHER, with_query=True))
        then_by_hash = await post(http, persisted(OTHER, with_query=False))
        editor = await post(http, {"query": OTHER}, token=token)
        page = await http.get("/graphql", headers={"accept": "text/html"})

    assert registered_text.json()["data"] == TITLES_DATA
    assert registered_hash.json()["data"] == TITLES_DATA
    assert unknown_text.status_code == 400
    assert unknown_text.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert "cms documents register" in unknown_text.json()["errors"][0]["message"]
    assert unknown_apq.status_code == 400
    assert then_by_hash.json() == NOT_FOUND
    assert editor.json()["data"] == {"posts": {"totalCount": 1}}
    assert page.status_code == 200  # GraphiQL still opens


def test_the_documents_command_registers_lists_and_removes(sqlite_url: str) -> None:
    feed = ROOT / "schema" / "operations" / "feed.graphql"
    feed_hash = digest(feed.read_text(encoding="utf-8"))

    first = cms(sqlite_url, "documents", "register", str(feed))
    again = cms(sqlite_url, "documents", "register", str(feed))
    listed = cms(sqlite_url, "documents", "list")
    removed = cms(sqlite_url, "documents", "remove", feed_hash[:8])
    empty = cms(sqlite_url, "documents", "list")

    assert first.stdout == f"{feed_hash}  feed.graphql  (registered)\n", first.stderr
    assert again.stdout == f"{feed_hash}  feed.graphql  (already registered)\n"
    assert listed.stdout == f"{feed_hash}  feed.graphql\n"
    assert removed.stdout == "Removed 1 document.\n"
    assert empty.stdout.startswith("No documents yet")


def test_an_invalid_document_is_refused_with_what_is_wrong(sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.graphql"
    bad.write_text("{ posts { nope } }", encoding="utf-8")

    result = cms(sqlite_url, "documents", "register", str(bad))

    assert result.returncode == 1
    assert result.stderr.startswith(f"{bad}: not a valid document: Cannot query field 'nope'")
    assert cms(sqlite_url, "documents", "list").stdout.startswith("No documents yet")
