"""API tokens: only a digest is stored, revoked and unknown secrets are refused."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from tortoise import timezone

from cms.enums import Role
from cms.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from cms.models import ApiToken
from cms.principal import Viewer
from cms.services import tokens
from cms.services.access import require_editor


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


NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expires_in", "expires", "at"),
    [
        ("12h", None, NOW + timedelta(hours=12)),
        ("30d", None, NOW + timedelta(days=30)),
        ("8W", None, NOW + timedelta(weeks=8)),
        (None, "2026-07-01", datetime(2026, 7, 1, tzinfo=UTC)),
        (None, "2026-07-01T09:30", datetime(2026, 7, 1, 9, 30, tzinfo=UTC)),
        (None, "2026-07-01T09:30+02:00", datetime(2026, 7, 1, 7, 30, tzinfo=UTC)),
        (None, None, None),
    ],
)
def test_an_expiry_is_a_lifetime_or_an_iso_date(
    expires_in: str | None, expires: str | None, at: datetime | None
) -> None:
    assert tokens.expiry(expires_in=expires_in, expires=expires, now=NOW) == at


@pytest.mark.parametrize(
    ("expires_in", "expires", "message"),
    [
        ("30", None, "hours, days or weeks"),
        ("0d", None, "hours, days or weeks"),
        ("1y", None, "hours, days or weeks"),
        ("-3d", None, "hours, days or weeks"),
        (None, "next tuesday", "ISO date or time"),
        (None, "2026-05-31", "in the future"),
        (None, "2040-01-01", "at most 10 years"),
        ("30d", "2026-07-01", "not both"),
    ],
)
def test_a_bad_expiry_is_refused_with_what_to_write(
    expires_in: str | None, expires: str | None, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        tokens.expiry(expires_in=expires_in, expires=expires, now=NOW)


async def test_an_expired_secret_is_refused_saying_so(db: str) -> None:
    token, secret = await tokens.create_token(
        "alice", Role.EDITOR, expires_at=timezone.now() + timedelta(hours=1)
    )
    viewer = await tokens.authenticate(secret)
    await ApiToken.filter(id=token.id).update(expires_at=datetime(2026, 1, 2, 3, 4, tzinfo=UTC))

    with pytest.raises(Unauthenticated) as refused:
        await tokens.authenticate(secret)
    assert refused.value.message == (
        "This API token expired on 2026-01-02 03:04 UTC: ask an administrator for a new one "
        "(`cms token create`)."
    )
    assert await tokens.still_valid(viewer) is False


async def test_a_revoked_tokens_name_can_be_given_to_a_new_one(db: str) -> None:
    old, old_secret = await tokens.create_token("alice", Role.EDITOR)
    await tokens.revoke_token("alice")

    new, new_secret = await tokens.create_token("alice", Role.ADMIN)
    with pytest.raises(Conflict, match="already exists"):
        await tokens.create_token("alice", Role.EDITOR)
    revoked_again = await tokens.revoke_token("alice")

    assert new.id != old.id
    assert revoked_again.id == new.id
    assert revoked_again.revoked_at is not None
    with pytest.raises(Unauthenticated, match="revoked"):
        await tokens.authenticate(old_secret)
    with pytest.raises(Unauthenticated, match="revoked"):
        await tokens.authenticate(new_secret)


async def test_deleting_removes_every_token_of_the_name(db: str) -> None:
    await tokens.create_token("alice", Role.EDITOR)
    await tokens.revoke_token("alice")
    _, secret = await tokens.create_token("alice", Role.EDITOR)
    await tokens.create_token("bob", Role.EDITOR)

    deleted = await tokens.delete_token("alice")

    assert deleted == 2
    assert await ApiToken.all().values_list("name", flat=True) == ["bob"]
    with pytest.raises(Unauthenticated, match="not valid"):
        await tokens.authenticate(secret)
    with pytest.raises(NotFound, match="cms token list"):
        await tokens.delete_token("alice")
    await tokens.create_token("alice", Role.PREVIEW)


async def test_a_preview_token_authenticates_read_only(db: str) -> None:
    token, secret = await tokens.create_token("frontend", Role.PREVIEW)

    viewer = await tokens.authenticate(secret)

    assert viewer == Viewer(name="frontend", role=Role.PREVIEW, token_id=token.id)
    assert (viewer.is_editor, viewer.read_only) == (True, True)
    with pytest.raises(Forbidden, match="preview token"):
        require_editor(viewer)
    assert require_editor(Viewer(name="alice", role=Role.EDITOR)) == "alice"
