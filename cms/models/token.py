"""API tokens: only the SHA-256 of the secret is stored.

A name is unique among tokens that are not revoked (the partial index
`api_token_live_name_idx` of migration 0006), so a revoked token's name can be used again.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from cms.enums import Role


class ApiToken(Model):
    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=80)
    role = fields.CharEnumField(Role, max_length=16)
    prefix = fields.CharField(max_length=16)
    secret_sha256 = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_used_at = fields.DatetimeField(null=True)
    revoked_at = fields.DatetimeField(null=True)
    # Requests carrying the token fail as UNAUTHENTICATED from this time on; null: never.
    expires_at = fields.DatetimeField(null=True)

    class Meta:
        table = "api_token"
