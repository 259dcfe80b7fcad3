"""Every document in schema/operations/ validates and runs against the seeded site."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from graphql import build_schema as parse_sdl
from graphql import parse, validate

from cms.api.schema import schema_sdl
from cms.services.article_import import import_article
from tests.conftest import graphql
from tests.factories import EDITOR
from tests.seed_article import SEED_SLUG, seed_text

ROOT = Path(__file__).parents[2]
OPERATIONS = sorted((ROOT / "schema" / "operations").glob("*.graphql"))
# Variables for the read operations; editor and engagement documents have their own tests.
READ_OPERATIONS = {
    "PostPage": {"slug": SEED_SLUG},
    "Feed": {},
    "Search": {"q": "ketamine depression"},
    "Stories": {"kind": "EXPERT"},
}


@pytest.mark.parametrize("path", OPERATIONS, ids=lambda p: p.name)
def test_every_operation_validates(path: Path) -> None:
    errors = validate(parse_sdl(schema_sdl()), parse(path.read_text(encoding="utf-8")))

    assert errors == []


async def test_read_operations_answer_on_the_seeded_site(client: httpx.AsyncClient) -> None:
    await import_article(EDITOR, seed_text())
    documents = {p.stem: p.read_text(encoding="utf-8") for p in OPERATIONS}

    page = await graphql(client, documents["post-page"], READ_OPERATIONS["PostPage"])
    feed = await graphql(client, documents["feed"], READ_OPERATIONS["Feed"])
    found = await graphql(client, documents["search"], READ_OPERATIONS["Search"])
    stories = await graphql(client, documents["stories"], READ_OPERATIONS["Stories"])

    for body in (page, feed, found, stories):
        assert "errors" not in body, body
    assert len(page["data"]["post"]["sections"]) == 7
    assert page["data"]["post"]["comments"]["totalCount"] == 3
    assert [e["node"]["slug"] for e in feed["data"]["posts"]["edges"]] == [SEED_SLUG]
    assert found["data"]["posts"]["totalCount"] == 1
    assert [e["node"]["name"] for e in stories["data"]["stories"]["edges"]] == ["Dr. John Krystal"]
