"""API tokens: only a digest is stored, revoked and unknown secrets are refused."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from tortoise import timezone

from cms.enums import Role
from cms.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from cms.models import ApiToken
from cms.principal import Viewer
from cms.services import tokens


async def test_a_new_token_stores_only_the_digest_of_its_secret(db: str) -> None:
    token, secret = await tokens.create_token("alice", Role.EDITOR)

    stored = await ApiToken.get(id=token.id)
    assert secret.startswith("cms_")
    assert len(secret) == 4 + 43
    assert stored.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert stored.prefix == secret[:12]
    assert secret not in {stored.name, stored.prefix, stored.secret_sha256}


async def test_two_tokens_never_share_a_secret(db: str) -> None:
    _, first = await tokens.create_token("one", Role.EDITOR)
    _, second = await tokens.create_token("two", Role.ADMIN)

    assert first != second


async def test_a_taken_or_bad_name_is_refused(db: str) -> None:
    await tokens.create_token("alice", Role.EDITOR)

    with pytest.raises(Conflict):
        await tokens.create_token("alice", Role.ADMIN)
    with pytest.raises(InvalidInput):
        await tokens.create_token("  ", Role.EDITOR)
    assert await ApiToken.all().count() == 1


async def test_a_secret_authenticates_as_its_editor(db: str) -> None:
    token, secret = await tokens.create_token("alice", Role.ADMIN)

    viewer = await tokens.authenticate(secret)

    assert viewer == Viewer(name="alice", role=Role.ADMIN, token_id=token.id)


async def test_unknown_and_revoked_secrets_are_refused(db: str) -> None:
    _, secret = await tokens.create_token("alice", Role.EDITOR)
    await tokens.revoke_token("alice")

    with pytest.raises(Unauthenticated, match="revoked"):
        await tokens.authenticate(secret)
    with pytest.raises(Unauthenticated, match="not valid"):
        await tokens.authenticate("cms_" + "A" * 43)


async def test_revoking_twice_keeps_the_first_time_and_unknown_names_are_not_found(
    db: str,
) -> None:
    await tokens.create_token("alice", Role.EDITOR)
    first = await tokens.revoke_token("alice")
    again = await tokens.revoke_token("alice")

    assert again.revoked_at == first.revoked_at
    with pytest.raises(NotFound):
        await tokens.revoke_token("bob")


@pytest.mark.parametrize(
    "header",
    ["Basic abc", "Bearer", "Bearer cms_short", "Bearer xyz_" + "A" * 43, "cms_" + "A" * 43],
)
def test_malformed_authorization_headers_are_refused(header: str) -> None:
    with pytest.raises(Unauthenticated, match="malformed"):
        tokens.parse_authorization(header)


def test_no_authorization_header_means_anonymous() -> None:
    assert tokens.parse_authorization(None) is None
    assert tokens.parse_authorization("") is None


async def test_last_use_is_written_at_most_once_per_interval(db: str) -> None:
    token, secret = await tokens.create_token("alice", Role.EDITOR)
    clock = tokens.UsageClock(interval_s=60)

    await tokens.authenticate(secret, clock)
    first = (await ApiToken.get(id=token.id)).last_used_at
    await tokens.authenticate(secret, clock)
    second = (await ApiToken.get(id=token.id)).last_used_at

    assert first is not None
    assert second == first


async def test_another_process_does_not_rewrite_a_fresh_last_use(db: str) -> None:
    token, _ = await tokens.create_token("alice", Role.EDITOR)
    recent = timezone.now() - timedelta(seconds=10)
    stale = timezone.now() - timedelta(minutes=5)
    await ApiToken.filter(id=token.id).update(last_used_at=recent)

    await tokens.touch(token.id)
    kept = (await ApiToken.get(id=token.id)).last_used_at
    await ApiToken.filter(id=token.id).update(last_used_at=stale)
    await tokens.touch(token.id)
    moved = (await ApiToken.get(id=token.id)).last_used_at

    assert kept == recent
    assert moved is not None
    assert moved > stale + timedelta(minutes=4)
