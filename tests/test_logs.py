"""Log lines quote at most a few hundred characters of a value, and say so."""

from __future__ import annotations

import logging

import pytest
from graphql import GraphQLError

from cms.api.errors import client_error
from cms.logs import cap_logged_values, capped
from cms.settings import Settings
from tests.conftest import app_client

BIG = "a" * 1_000_000
SLUG_QUERY = "query ($s: String!) { post(slug: $s) { id } }"


def test_a_long_value_is_cut_with_a_note_of_how_much_was_left_out() -> None:
    assert capped("x" * 250) == "x" * 200 + "… (50 more)"
    assert capped("short") == "short"


async def test_a_request_with_a_1_mb_slug_adds_a_few_kb_of_log_at_debug_level(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    # SQLite's driver logs every statement with its values at DEBUG.
    async with app_client(Settings(database_url=sqlite_url)) as http:
        caplog.set_level(logging.DEBUG)
        caplog.clear()
        body = {"query": SLUG_QUERY, "variables": {"s": BIG}}
        response = await http.post("/graphql", json=body)

    assert response.json()["data"] == {"post": None}
    lookups = [r.getMessage() for r in caplog.records if "SELECT id, slug" in r.getMessage()]
    assert lookups
    assert all("… (1,000," in line and len(line) < 400 for line in lookups)
    assert len(caplog.text) < 8_000


def test_an_unexpected_error_quoting_a_value_is_logged_once_and_capped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cap_logged_values()
    try:
        try:
            raise ValueError(f"no such slug: {BIG}")
        except ValueError as error:
            raise RuntimeError(f"lookup failed for {BIG}") from error
    except RuntimeError as error:
        failure = GraphQLError("failed", original_error=error, path=["post"])

    with caplog.at_level(logging.ERROR):
        masked = client_error(failure)

    assert masked.extensions == {"code": "INTERNAL"}
    assert len(caplog.records) == 1  # logged once, not again by Strawberry
    assert len(caplog.text) < 8_000
    assert caplog.text.count("… (") == 2  # both exceptions' messages, each cut once
