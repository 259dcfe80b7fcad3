"""The exported schema keeps the public contract and stays in sync with the code."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema as parse_sdl
from graphql import find_breaking_changes

from cms.api.schema import schema_sdl

SCHEMA_DIR = Path(__file__).parents[2] / "schema"


def test_the_schema_contains_the_whole_contract_unchanged() -> None:
    contract = parse_sdl((SCHEMA_DIR / "contract.graphql").read_text(encoding="utf-8"))
    ours = parse_sdl(schema_sdl())

    breaking = [change.description for change in find_breaking_changes(contract, ours)]

    assert breaking == []


def test_the_committed_schema_is_the_one_the_code_exports() -> None:
    committed = (SCHEMA_DIR / "schema.graphql").read_text(encoding="utf-8")

    assert committed == schema_sdl(), "run `make schema` and commit schema/schema.graphql"
