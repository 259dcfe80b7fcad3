"""Trusted documents: registering the documents a frontend runs, and finding them by hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from cms.models import TrustedDocument

MAX_DOCUMENT_BYTES = 100_000


def document_hash(text: str) -> str:
    """What `extensions.persistedQuery.sha256Hash` carries: hex SHA-256 of the text."""
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class Registered:
    name: str
    sha256: str
    created: bool


async def register(documents: Iterable[tuple[str, str]]) -> list[Registered]:
    """Register (name, text) pairs in one transaction; registering again changes nothing."""
    results: list[Registered] = []
    async with in_transaction("default"):
        for name, text in documents:
            digest = document_hash(text)
            _, created = await TrustedDocument.get_or_create(
                sha256=digest, defaults={"name": name[:200], "body": text}
            )
            results.append(Registered(name, digest, created))
    return results


async def trusted_text(sha256: str) -> str | None:
    """The registered document with this hash, if any."""
    found = await TrustedDocument.get_or_none(sha256=sha256).values_list("body", flat=True)
    return str(found) if found is not None else None


async def list_documents() -> list[TrustedDocument]:
    return await TrustedDocument.all().order_by("name", "id")


async def remove(sha256_prefix: str) -> int:
    """Remove the documents whose hash starts with the prefix (at least 8 characters)."""
    if len(sha256_prefix) < 8:
        return 0
    return await TrustedDocument.filter(sha256__startswith=sha256_prefix.lower()).delete()
