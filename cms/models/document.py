"""Trusted documents: the GraphQL documents a production frontend may run."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class TrustedDocument(Model):
    id = fields.IntField(primary_key=True)
    # Hex SHA-256 of the document's exact text: what persisted-query requests send.
    sha256 = fields.CharField(max_length=64, unique=True)
    name = fields.CharField(max_length=200)
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "trusted_document"
