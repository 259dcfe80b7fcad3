"""`cms token create|list|revoke|delete` against a real database."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, date, datetime, timedelta

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
    header = ["NAME", "ROLE", "PREFIX", "CREATED", "LAST", "USED", "EXPIRES", "REVOKED"]
    assert lines[0].split() == header
    assert lines[1].split()[:2] == ["alice", "editor"]
    assert lines[1].split()[-2:] == ["never", "-"]
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


def test_create_with_a_lifetime_or_a_date_stores_the_expiry_and_list_shows_it(
    db_url: str,
) -> None:
    env = {"CMS_DATABASE_URL": db_url}
    day = date.today() + timedelta(days=400)
    before = datetime.now(UTC)

    month = runner.invoke(app, ["token", "create", "alice", "--expires-in", "30d"], env=env)
    dated = runner.invoke(app, ["token", "create", "bob", "--expires", day.isoformat()], env=env)
    listed = runner.invoke(app, ["token", "list"], env=env)

    alice, bob = _tokens(db_url)
    assert month.exit_code == 0, month.output
    assert dated.exit_code == 0, dated.output
    assert alice.expires_at is not None
    lifetime = alice.expires_at - before
    assert timedelta(days=30) <= lifetime < timedelta(days=30, minutes=1)
    assert bob.expires_at == datetime(day.year, day.month, day.day, tzinfo=UTC)
    assert f"expiring {day.isoformat()} 00:00 UTC" in dated.stderr
    assert listed.stdout.splitlines()[2].split()[7:10] == [day.isoformat(), "00:00", "UTC"]


def test_a_bad_expiry_fails_with_what_to_write_and_creates_nothing(db_url: str) -> None:
    env = {"CMS_DATABASE_URL": db_url}

    unit = runner.invoke(app, ["token", "create", "alice", "--expires-in", "1y"], env=env)
    past = runner.invoke(app, ["token", "create", "alice", "--expires", "2020-01-01"], env=env)
    nonsense = runner.invoke(app, ["token", "create", "alice", "--expires", "soon"], env=env)

    assert (unit.exit_code, past.exit_code, nonsense.exit_code) == (1, 1, 1)
    assert "whole number of hours, days or weeks, e.g. 12h, 30d, 8w" in unit.stderr
    assert "must be in the future" in past.stderr
    assert "ISO date or time, e.g. 2027-01-01" in nonsense.stderr
    assert _tokens(db_url) == []


def test_an_expired_token_is_marked_in_the_list(db_url: str) -> None:
    env = {"CMS_DATABASE_URL": db_url}
    runner.invoke(app, ["token", "create", "alice", "--expires-in", "1h"], env=env)

    async def expire() -> None:
        async with database(db_url):
            await ApiToken.filter(name="alice").update(
                expires_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
            )

    asyncio.run(expire())
    listed = runner.invoke(app, ["token", "list"], env=env)

    assert "2026-01-02 03:04 UTC (expired)" in listed.stdout.splitlines()[1]


def test_a_preview_token_is_created_with_its_role(db_url: str) -> None:
    result = runner.invoke(
        app, ["token", "create", "frontend", "--role", "preview"], env={"CMS_DATABASE_URL": db_url}
    )

    [token] = _tokens(db_url)
    assert result.exit_code == 0, result.output
    assert token.role.value == "PREVIEW"
    assert "Created preview token 'frontend'" in result.stderr


def test_a_revoked_name_can_be_reused_and_delete_removes_the_name(db_url: str) -> None:
    env = {"CMS_DATABASE_URL": db_url}
    runner.invoke(app, ["token", "create", "alice"], env=env)
    revoked = runner.invoke(app, ["token", "revoke", "alice"], env=env)

    reused = runner.invoke(app, ["token", "create", "alice", "--role", "admin"], env=env)
    rows = [(t.name, t.role.value, t.revoked_at is None) for t in _tokens(db_url)]
    deleted = runner.invoke(app, ["token", "delete", "alice"], env=env)
    after_delete = _tokens(db_url)
    again = runner.invoke(app, ["token", "delete", "alice"], env=env)

    assert "its name can be given to a new token" in revoked.stdout
    assert reused.exit_code == 0, reused.output
    assert rows == [("alice", "EDITOR", False), ("alice", "ADMIN", True)]
    assert deleted.exit_code == 0, deleted.output
    assert deleted.stdout.strip() == "Deleted 2 tokens named 'alice'."
    assert after_delete == []
    assert again.exit_code == 1
    assert "No token is named 'alice'" in again.stderr
