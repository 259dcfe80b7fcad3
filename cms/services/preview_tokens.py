"""Preview tokens: `pv1.<link id>.<post id>.<expiry>.<signature>`, signed with HMAC-SHA256.

The signature covers the link, the post and the expiry (Unix seconds), so a token cannot
be moved to another post or given a longer life without the key; a forged one is refused
before the database is asked. The key is derived from the process secret
(`CMS_SECRET_KEY`), so the secret's other uses never sign a preview.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime

from cms.errors import Forbidden

VERSION = "pv1"
# Longer than any token we make; anything longer is refused unread.
MAX_TOKEN_CHARS = 128
NOT_VALID = "This preview link is not valid: ask an editor for a new one."
_DERIVATION = b"cms preview links v1"


@dataclass(frozen=True)
class PreviewClaims:
    """What a verified token says: which link, which post, until when."""

    link_id: int
    post_id: int
    expires_at: datetime


@dataclass(frozen=True)
class PreviewSigner:
    key: bytes

    @classmethod
    def from_secret(cls, secret: bytes) -> PreviewSigner:
        return cls(hmac.new(secret, _DERIVATION, hashlib.sha256).digest())

    def sign(self, link_id: int, post_id: int, expires_at: datetime) -> str:
        payload = f"{VERSION}.{link_id}.{post_id}.{int(expires_at.timestamp())}"
        return f"{payload}.{self._signature(payload).decode()}"

    def verify(self, token: str) -> PreviewClaims:
        """The token's claims, expiry not checked; FORBIDDEN when it is not one we signed."""
        if len(token) > MAX_TOKEN_CHARS:
            raise Forbidden(NOT_VALID)
        payload, _, signature = token.rpartition(".")
        if not hmac.compare_digest(signature.encode(errors="replace"), self._signature(payload)):
            raise Forbidden(NOT_VALID)
        version, link_id, post_id, expires = payload.split(".")
        if version != VERSION:  # signed by us, so well formed; another version is not read
            raise Forbidden(NOT_VALID)
        return PreviewClaims(
            link_id=int(link_id),
            post_id=int(post_id),
            expires_at=datetime.fromtimestamp(int(expires), UTC),
        )

    def _signature(self, payload: str) -> bytes:
        digest = hmac.new(self.key, payload.encode(errors="replace"), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).rstrip(b"=")
