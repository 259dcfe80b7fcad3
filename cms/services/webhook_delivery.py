"""Sending webhook deliveries: claim what is due, POST it signed, record the outcome.

A claim is one short transaction: it takes pending deliveries that are due and are the
earliest pending one to their endpoint about their post (so one post's events arrive
in order), counts an attempt and leases each by moving `next_attempt_at` past the
longest an attempt can take. On PostgreSQL `FOR UPDATE SKIP LOCKED` lets instances
claim side by side without taking the same row; SQLite has one writer. The request is
sent outside any transaction, and its outcome is written only while the lease is still
this attempt's, so a delivery that succeeded is marked DELIVERED once and not sent
again. Should a process die mid-attempt, the lease runs out and the delivery is tried
again: receivers dedupe on `X-CMS-Event-Id`.

A failed attempt is retried after `retry_base_s * 2^(attempts-1)` seconds (at most
`retry_cap_s`); after `max_attempts` the delivery is FAILED and stops holding back
the post's later events. A replay is a new delivery of the same event.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise import timezone
from tortoise.connection import get_connection
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from cms.db.failures import is_database_unavailable
from cms.db.outage_log import OutageLog
from cms.enums import DeliveryStatus
from cms.models import WebhookDelivery
from cms.services.read_statements import Statement, fetch
from cms.services.webhook_sender import Sender, SendFailed
from cms.services.webhook_signing import signature
from cms.settings import Webhooks

log = logging.getLogger("cms.webhooks")

BATCH = 20
# Seconds a claim outlives the attempt's own time limit (clocks of instances drift).
LEASE_MARGIN_S = 30.0
USER_AGENT = "cms-webhooks/1"

_DUE = (
    "SELECT d.id FROM webhook_delivery d"
    " WHERE d.status = 'PENDING' AND d.next_attempt_at <= ?"
    " AND NOT EXISTS (SELECT 1 FROM webhook_delivery e"
    " WHERE e.endpoint_id = d.endpoint_id AND e.post_id = d.post_id"
    " AND e.status = 'PENDING' AND e.id < d.id)"
    " ORDER BY d.next_attempt_at, d.id LIMIT ?"
)
DUE = Statement(_DUE)
DUE_SKIPPING_LOCKED = Statement(_DUE + " FOR UPDATE OF d SKIP LOCKED")


def retry_delay_s(settings: Webhooks, attempts: int) -> float:
    """Seconds before the next attempt once `attempts` have failed."""
    return float(min(settings.retry_cap_s, settings.retry_base_s * 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class Outcome:
    status: DeliveryStatus
    response_code: int | None
    error: str | None


async def claim(settings: Webhooks, now: datetime, limit: int = BATCH) -> list[WebhookDelivery]:
    """Deliveries now this process's to send, each with its attempt counted, its endpoint
    and its event loaded."""
    lease = now + timedelta(seconds=settings.timeout_s + LEASE_MARGIN_S)
    async with in_transaction("default"):
        sqlite = get_connection("default").capabilities.dialect == "sqlite"
        rows = await fetch(DUE if sqlite else DUE_SKIPPING_LOCKED, now, limit)
        ids = []
        for row in rows:
            # Taken only if still due: a compare-and-set, so even claimers without row
            # locks (processes sharing one SQLite file) never take one delivery twice.
            taken = await WebhookDelivery.filter(
                id=int(row[0]), status=DeliveryStatus.PENDING, next_attempt_at__lte=now
            ).update(attempts=F("attempts") + 1, next_attempt_at=lease, last_attempt_at=now)
            if taken:
                ids.append(int(row[0]))
    if not ids:
        return []
    return (
        await WebhookDelivery.filter(id__in=ids).select_related("endpoint", "event").order_by("id")
    )


def request_headers(delivery: WebhookDelivery, timestamp: str, body: bytes) -> dict[str, str]:
    event = delivery.event
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-CMS-Event": event.type,
        "X-CMS-Event-Id": event.uid,
        "X-CMS-Delivery": str(delivery.id),
        "X-CMS-Timestamp": timestamp,
        "X-CMS-Signature": signature(delivery.endpoint.secret, timestamp, body),
    }


async def attempt(delivery: WebhookDelivery, sender: Sender, now: datetime) -> Outcome:
    """Send one claimed delivery; 2xx is DELIVERED, anything else a failed attempt."""
    body = delivery.event.body.encode()
    timestamp = str(int(now.timestamp()))
    try:
        headers = request_headers(delivery, timestamp, body)
        code = await sender.post(delivery.endpoint.url, body, headers)
    except SendFailed as failure:
        return Outcome(DeliveryStatus.PENDING, None, failure.reason)
    if 200 <= code < 300:
        return Outcome(DeliveryStatus.DELIVERED, code, None)
    return Outcome(DeliveryStatus.PENDING, code, f"answered HTTP {code}")


async def record(
    settings: Webhooks, delivery: WebhookDelivery, outcome: Outcome, now: datetime
) -> None:
    """Write the attempt's outcome, unless another attempt has taken the delivery since."""
    mine = WebhookDelivery.filter(
        id=delivery.id, status=DeliveryStatus.PENDING, attempts=delivery.attempts
    )
    if outcome.status == DeliveryStatus.DELIVERED:
        await mine.update(
            status=DeliveryStatus.DELIVERED,
            response_code=outcome.response_code,
            last_error=None,
            delivered_at=now,
        )
        return
    failed = delivery.attempts >= settings.max_attempts
    retry_at = now + timedelta(seconds=retry_delay_s(settings, delivery.attempts))
    await mine.update(
        status=DeliveryStatus.FAILED if failed else DeliveryStatus.PENDING,
        response_code=outcome.response_code,
        last_error=(outcome.error or "")[:200],
        next_attempt_at=now if failed else retry_at,
    )


async def deliver_due(settings: Webhooks, sender: Sender, now: datetime | None = None) -> int:
    """Claim and send what is due now, side by side (never two about one post to one
    endpoint); how many were sent."""
    now = now or timezone.now()
    claimed = await claim(settings, now)

    async def one(delivery: WebhookDelivery) -> None:
        outcome = await attempt(delivery, sender, now)
        await record(settings, delivery, outcome, timezone.now())

    await asyncio.gather(*(one(d) for d in claimed))
    return len(claimed)


class DeliveryTask:
    """The background task of a serving process: delivers until stopped, at once while
    work is found, else every poll interval. A stop lets attempts in flight finish (each
    within its time limit), so none is left to be sent twice."""

    def __init__(self, settings: Webhooks, sender: Sender) -> None:
        self.settings = settings
        self.sender = sender
        self._stopping = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._outages = OutageLog(log)

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="cms-webhook-delivery")

    async def stop(self) -> None:
        self._stopping.set()
        task, self._task = self._task, None
        if task is not None:
            # Past the limit, wait_for cancels the task.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(task, self.settings.timeout_s + 1)
        await self.sender.close()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                sent = await deliver_due(self.settings, self.sender)
            except Exception as error:
                # Nothing is lost: unsent deliveries stay PENDING and are claimed again.
                if is_database_unavailable(error):
                    self._outages.failed("webhook delivery", error)
                else:
                    log.exception("delivering webhooks failed")
                sent = 0
            if not sent:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stopping.wait(), self.settings.poll_interval_s)
