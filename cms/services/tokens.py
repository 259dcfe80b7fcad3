"""API tokens: minting, listing, revoking, deleting, and turning a bearer secret into a viewer.

A secret is `cms_` followed by 43 URL-safe characters (32 random bytes). Only its
SHA-256 is stored, with the first characters kept as a `prefix` so an operator can
tell tokens apart without the secret. A token may expire; a name is unique among
tokens that are not revoked, so a revoked token's name can be given to a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from tortoise import timezone
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q

from cms.enums import Role
from cms.errors import Conflict, InvalidInput, NotFound, Unauthenticated
from cms.models import ApiToken
from cms.principal import Viewer

SECRET_PREFIX = "cms_"
SECRET_BYTES = 32
PREFIX_LENGTH = 12
# How often `last_used_at` is written per token, at most.
TOUCH_INTERVAL_S = 60.0

_SECRET = re.compile(rf"^{SECRET_PREFIX}[A-Za-z0-9_-]{{43}}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,79}$")

MALFORMED = (
    "The Authorization header is malformed: send `Authorization: Bearer cms_...` "
    "with a token from `cms token create`."
)
UNKNOWN = "This API token is not valid: check it was copied whole, or create a new one."
REVOKED = "This API token was revoked: ask an administrator for a new one (`cms token create`)."
EXPIRED = (
    "This API token expired on {when}: ask an administrator for a new one (`cms token create`)."
)

# `--expires-in`: a whole number of hours, days or weeks.
_DURATION = re.compile(r"^([1-9][0-9]{0,5})([hdw])$")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}
# The furthest expiry accepted, from now.
MAX_LIFETIME = timedelta(days=3660)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class UsageClock:
    """Remembers when each token's `last_used_at` was last written by this process."""

    interval_s: float = TOUCH_INTERVAL_S
    _written: dict[int, float] = field(default_factory=dict)

    def due(self, token_id: int) -> bool:
        """True at most once per interval per token; the caller then writes."""
        now = time.monotonic()
        last = self._written.get(token_id)
        if last is not None and now - last < self.interval_s:
            return False
        self._written[token_id] = now
        return True


def format_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def expiry(
    expires_in: str | None = None, expires: str | None = None, now: datetime | None = None
) -> datetime | None:
    """When a new token expires: `expires_in` a duration (`12h`, `30d`, `8w`) or `expires`
    an ISO date or time (`2027-01-01`, `2027-01-01T09:00+02:00`; UTC unless it says);
    None for a token that does not expire."""
    now = now or timezone.now()
    if expires_in is not None and expires is not None:
        raise InvalidInput("Give either an expiry date or a lifetime, not both.", field="expires")
    if expires_in is not None:
        match = _DURATION.match(expires_in.strip().lower())
        if match is None:
            raise InvalidInput(
                "A token's lifetime is a whole number of hours, days or weeks, e.g. 12h, 30d, 8w.",
                field="expires_in",
            )
        at = now + int(match.group(1)) * _UNITS[match.group(2)]
    elif expires is not None:
        at = _parse_time(expires.strip())
    else:
        return None
    if at <= now:
        raise InvalidInput("A token's expiry must be in the future.", field="expires")
    if at - now > MAX_LIFETIME:
        raise InvalidInput(
            "A token's expiry is at most 10 years away; leave it out for a token that "
            "does not expire.",
            field="expires",
        )
    return at


def _parse_time(text: str) -> datetime:
    try:
        if len(text) == 10:
            day = date.fromisoformat(text)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        at = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "An expiry is an ISO date or time, e.g. 2027-01-01 or 2027-01-01T09:00+02:00.",
            field="expires",
        ) from None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def is_expired(token: ApiToken, now: datetime | None = None) -> bool:
    return token.expires_at is not None and token.expires_at <= (now or timezone.now())


async def create_token(
    name: str, role: Role, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """A new token and its secret; the secret is never stored and cannot be shown again."""
    name = name.strip()
    if not _NAME.match(name):
        raise InvalidInput(
            "A token name is 1-80 letters, digits or `_.@-`, starting with a letter or digit.",
            field="name",
        )
    secret = SECRET_PREFIX + secrets.token_urlsafe(SECRET_BYTES)
    try:
        token = await ApiToken.create(
            name=name,
            role=role,
            prefix=secret[:PREFIX_LENGTH],
            secret_sha256=_digest(secret),
            expires_at=expires_at,
        )
    except IntegrityError:
        raise Conflict(
            f"A token named {name!r} already exists: pick another name, or revoke or delete "
            "that token first (`cms token revoke NAME`).",
            extensions={"field": "name"},
        ) from None
    return token, secret


async def list_tokens() -> list[ApiToken]:
    """Every token, oldest first, revoked and expired ones included."""
    return await ApiToken.all().order_by("created_at", "id")


def _no_such(name: str) -> NotFound:
    return NotFound(f"No token is named {name!r}: `cms token list` shows the names.")


async def revoke_token(name: str) -> ApiToken:
    """Revoke the token named `name` that is not revoked yet; revoking twice keeps the
    first time."""
    token = await ApiToken.get_or_none(name=name, revoked_at=None)
    if token is None:
        token = await ApiToken.filter(name=name).order_by("-revoked_at", "-id").first()
        if token is None:
            raise _no_such(name)
        return token
    token.revoked_at = timezone.now()
    await token.save(update_fields=["revoked_at"])
    return token


async def delete_token(name: str) -> int:
    """Delete every token named `name`, revoked ones included; how many there were."""
    deleted = await ApiToken.filter(name=name).delete()
    if not deleted:
        raise _no_such(name)
    return int(deleted)


def parse_authorization(header: str | None) -> str | None:
    """The bearer secret of an Authorization header; None when there is no header."""
    if header is None or not header.strip():
        return None
    scheme, _, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not _SECRET.match(secret):
        raise Unauthenticated(MALFORMED)
    return secret


async def authenticate(secret: str, clock: UsageClock | None = None) -> Viewer:
    """The viewer behind `secret`; UNAUTHENTICATED when it is unknown, revoked or expired."""
    digest = _digest(secret)
    token = await ApiToken.get_or_none(secret_sha256=digest)
    # The lookup is by digest; the comparison is constant-time all the same.
    if token is None or not hmac.compare_digest(token.secret_sha256, digest):
        raise Unauthenticated(UNKNOWN)
    if token.revoked_at is not None:
        raise Unauthenticated(REVOKED)
    if token.expires_at is not None and is_expired(token):
        raise Unauthenticated(EXPIRED.format(when=format_time(token.expires_at)))
    if clock is None or clock.due(token.id):
        await touch(token.id)
    return Viewer(name=token.name, role=token.role, token_id=token.id)


async def touch(token_id: int, interval_s: float = TOUCH_INTERVAL_S) -> None:
    """Record use; a conditional UPDATE, so several processes write once per interval too."""
    now = timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - timedelta(seconds=interval_s))
    await ApiToken.filter(stale, id=token_id).update(last_used_at=now)


async def still_valid(viewer: Viewer) -> bool:
    """Whether the token behind a viewer has not been revoked, deleted or expired since."""
    if viewer.token_id is None:
        return viewer.is_editor
    unexpired = Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    return await ApiToken.filter(unexpired, id=viewer.token_id, revoked_at=None).exists()
