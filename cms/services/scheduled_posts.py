"""Scheduled posts going live: the moment a SCHEDULED post's time comes, it is stored as
PUBLISHED, its `post.published` webhook event is written in the same transaction and
editors' `postPublished` subscribers are told.

Readers never wait for this: a SCHEDULED post whose time has passed already reads as
PUBLISHED (`services/visibility.py`). The runtime's housekeeping loop calls
`publish_due` every few seconds on every instance; one UPDATE claims the due posts, so
each goes live once however many instances run it at the same moment (PostgreSQL
re-checks the WHERE of a row another transaction changed; SQLite has one writer).
"""

from __future__ import annotations

from datetime import datetime

from tortoise import timezone
from tortoise.transactions import in_transaction

from cms.enums import WebhookEventType
from cms.services import outbox, post_events
from cms.services.events import Broker
from cms.services.read_statements import Statement, bound

# Walks post_scheduled_idx (migration 0014): scheduled posts only, by time.
_CLAIM_DUE = Statement(
    "UPDATE post {indexed_by:post_scheduled_idx} SET status = 'PUBLISHED' "
    "WHERE status = 'SCHEDULED' AND published_at <= ? RETURNING id"
)


async def publish_due(events: Broker | None, now: datetime | None = None) -> list[int]:
    """Publish every SCHEDULED post whose time is `now` or earlier; their ids, in order."""
    async with in_transaction("default") as connection:
        dialect = connection.capabilities.dialect
        moment = bound(now or timezone.now(), dialect == "sqlite")
        # (execute_query on PostgreSQL drops an UPDATE's RETURNING rows.)
        rows = await connection.execute_query_dict(_CLAIM_DUE.text(dialect), [moment])
        published = sorted(int(row["id"]) for row in rows)
        for post_id in published:
            await outbox.post_event(WebhookEventType.POST_PUBLISHED, post_id)
    for post_id in published:
        await post_events.announce(events, post_id, published=True)
    return published
