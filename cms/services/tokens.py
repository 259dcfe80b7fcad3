"""API tokens: minting, listing, revoking, and turning a bearer secret into a viewer.

A secret is `cms_` followed by 43 URL-safe characters (32 random bytes). Only its
SHA-256 is stored, with the first characters kept as a `prefix` so an operator can
tell tokens apart without the secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import timedelta

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


async def create_token(name: str, role: Role) -> tuple[ApiToken, str]:
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
            name=name, role=role, prefix=secret[:PREFIX_LENGTH], secret_sha256=_digest(secret)
        )
    except IntegrityError:
        raise Conflict(
            f"A token named {name!r} already exists: pick another name or revoke it first.",
            extensions={"field": "name"},
        ) from None
    return token, secret


async def list_tokens() -> list[ApiToken]:
    """Every token, oldest first, revoked ones included."""
    return await ApiToken.all().order_by("created_at", "id")


async def revoke_token(name: str) -> ApiToken:
    """Revoke the token named `name`; revoking twice keeps the first time."""
    token = await ApiToken.get_or_none(name=name)
    if token is None:
        raise NotFound(f"No token is named {name!r}: `cms token list` shows the names.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        await token.save(update_fields=["revoked_at"])
    return token


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
    """The editor behind `secret`; UNAUTHENTICATED when it is unknown or revoked."""
    digest = _digest(secret)
    token = await ApiToken.get_or_none(secret_sha256=digest)
    # The lookup is by digest; the comparison is constant-time all the same.
    if token is None or not hmac.compare_digest(token.secret_sha256, digest):
        raise Unauthenticated(UNKNOWN)
    if token.revoked_at is not None:
        raise Unauthenticated(REVOKED)
    if clock is None or clock.due(token.id):
        await touch(token.id)
    return Viewer(name=token.name, role=token.role, token_id=token.id)


async def touch(token_id: int, interval_s: float = TOUCH_INTERVAL_S) -> None:
    """Record use; a conditional UPDATE, so several processes write once per interval too."""
    now = timezone.now()
    stale = Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - timedelta(seconds=interval_s))
    await ApiToken.filter(stale, id=token_id).update(last_used_at=now)


async def still_valid(viewer: Viewer) -> bool:
    """Whether the token behind an editor viewer has not been revoked (or deleted) since."""
    if viewer.token_id is None:
        return viewer.is_editor
    return await ApiToken.exists(id=viewer.token_id, revoked_at=None)
