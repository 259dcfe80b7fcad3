"""The Ban type: what an editor banned (a client is shown as banned, never as a key)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from cms.api.ids import encode_id


@strawberry.type(description="New comments from this author name or client are held (BANNED).")
class Ban:
    id: strawberry.ID
    author: str | None = strawberry.field(description="The author name banned, if any.")
    client_banned: bool = strawberry.field(
        description="Whether a client is banned (kept as a keyed hash of its address)."
    )
    reason: str
    created_by: str
    created_at: datetime
    expires_at: datetime | None = strawberry.field(description="Null: until lifted.")
    active: bool = strawberry.field(description="Whether the ban holds comments now.")

    @classmethod
    def from_model(cls, ban: Any, now: datetime) -> Ban:
        return cls(
            id=strawberry.ID(encode_id("Ban", ban.id)),
            author=ban.author,
            client_banned=bool(ban.client_key),
            reason=ban.reason,
            created_by=ban.created_by,
            created_at=ban.created_at,
            expires_at=ban.expires_at,
            active=ban.expires_at is None or ban.expires_at > now,
        )
