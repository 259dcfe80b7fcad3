"""`cms token create|list|revoke` against a real database."""

from __future__ import annotations

import asyncio
import hashlib

from typer.testing import CliRunner

from cms.cli import app
from cms.db.lifecycle import database
from cms.models import ApiToken

runner = CliRunner()


def _tokens(db_url: str) -> list[ApiToken]:
    async def load() -> list[ApiToken]:
        async with database(db_url):
            return await ApiToken.all().order_by("id")

    return asyncio.run(load())


def test_create_prints_the_secret_once_and_stores_its_digest(db_url: str) -> None:
    result = runner.invoke(
        app,
        ["token", "create", "--name", "alice", "--role", "admin"],
        env={"CMS_DATABASE_URL": db_url},
    )

    secret = result.stdout.strip()
    [token] = _tokens(db_url)
    assert result.exit_code == 0, result.output
    assert secret.startswith("cms_")
    assert (token.name, token.role.value) == ("alice", "ADMIN")
    assert token.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert "cannot be shown again" in result.stderr


def test_list_shows_tokens_and_revoke_marks_one(db_url: str) -> None:
    env = {"CMS_DATABASE_URL": db_url}
    runner.invoke(app, ["token", "create", "--name", "alice"], env=env)
    runner.invoke(app, ["token", "create", "--name", "bob"], env=env)

    revoked = runner.invoke(app, ["token", "revoke", "bob"], env=env)
    listed = runner.invoke(app, ["token", "list"], env=env)

    lines = listed.stdout.splitlines()
    assert revoked.exit_code == 0, revoked.output
    assert lines[0].split() == ["NAME", "ROLE", "PREFIX", "CREATED", "LAST", "USED", "REVOKED"]
    assert lines[1].split()[:2] == ["alice", "editor"]
    assert lines[1].endswith("-")
    assert lines[2].split()[:2] == ["bob", "editor"]
    assert lines[2].endswith("UTC")
    assert [t.revoked_at is not None for t in _tokens(db_url)] == [False, True]


def test_a_duplicate_name_or_unknown_token_fails_with_a_message(db_url: str) -> None:
    env = {"CMS_DATABASE_URL": db_url}
    runner.invoke(app, ["token", "create", "--name", "alice"], env=env)

    duplicate = runner.invoke(app, ["token", "create", "--name", "alice"], env=env)
    unknown = runner.invoke(app, ["token", "revoke", "nobody"], env=env)

    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.stderr
    assert unknown.exit_code == 1
    assert "cms token list" in unknown.stderr
    assert len(_tokens(db_url)) == 1
