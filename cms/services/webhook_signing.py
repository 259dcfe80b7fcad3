"""How a delivery is signed: HMAC-SHA256 over `timestamp + "." + body` with the
endpoint's secret, sent as `X-CMS-Signature: sha256=<hex>` beside `X-CMS-Timestamp`
(Unix seconds). Receivers recompute it and compare in constant time (README, Webhooks)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SECRET_PREFIX = "whsec_"
SIGNATURE_PREFIX = "sha256="


def new_secret() -> str:
    """A signing secret: `whsec_` and 43 URL-safe characters (32 random bytes)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + digest.hexdigest()


def verify(secret: str, timestamp: str, body: bytes, header: str) -> bool:
    """Whether `header` is the signature of this timestamp and body."""
    return hmac.compare_digest(signature(secret, timestamp, body), header)
