"""The frontend's sources: generated types match schema/schema.graphql, and strict tsc passes."""

from __future__ import annotations

import pytest

from tests.browser.frontend_servers import npm_run

pytestmark = pytest.mark.slow


def test_the_committed_types_are_generated_from_the_current_schema() -> None:
    result = npm_run("codegen:check")

    assert result.returncode == 0, (
        "frontend/src/generated/graphql.ts is stale: run `cd frontend && npm run codegen` "
        f"and commit it.\n{result.stdout}{result.stderr}"
    )


def test_strict_typescript_accepts_the_sources() -> None:
    result = npm_run("typecheck")

    assert result.returncode == 0, result.stdout + result.stderr
