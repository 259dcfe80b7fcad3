"""The delivery task's claim and an endpoint's log read through their indexes, with
and without planner statistics, on a log of thousands of deliveries (few pending)."""

from __future__ import annotations

from datetime import timedelta

from tortoise import timezone
from tortoise.connection import get_connection

from cms.enums import DeliveryStatus, Role
from cms.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from cms.principal import Viewer
from cms.services import webhook_delivery, webhooks
from cms.services.pagination import PageRequest
from cms.settings import Webhooks
from tests.services.test_query_plans import _pg_plan, _sqlite_plan, captured_sql

ADMIN = Viewer(name="admin", role=Role.ADMIN)
POSTS = 300
EVENTS_PER_POST = 5


async def _log() -> int:
    """Two endpoints, POSTS × EVENTS_PER_POST events each; the last event of every tenth
    post is still pending."""
    now = timezone.now()
    endpoints = [
        await WebhookEndpoint.create(
            url=f"https://{n}.example/", events=["post.updated"], secret="s", created_by="t"
        )
        for n in range(2)
    ]
    events = [
        WebhookEvent(uid=f"{post}-{n}", type="post.updated", post_id=post, body="{}")
        for post in range(POSTS)
        for n in range(EVENTS_PER_POST)
    ]
    await WebhookEvent.bulk_create(events, batch_size=500)
    saved = await WebhookEvent.all().order_by("id")
    deliveries = [
        WebhookDelivery(
            endpoint_id=endpoint.id,
            event_id=event.id,
            post_id=event.post_id,
            status=DeliveryStatus.PENDING
            if event.post_id % 10 == 0 and event.uid.endswith(f"-{EVENTS_PER_POST - 1}")
            else DeliveryStatus.DELIVERED,
            attempts=1,
            next_attempt_at=now - timedelta(seconds=1),
        )
        for endpoint in endpoints
        for event in saved
    ]
    await WebhookDelivery.bulk_create(deliveries, batch_size=500)
    return endpoints[0].id


def _problems(plan: list[str], dialect: str, expected: tuple[str, ...]) -> list[str]:
    text = " | ".join(plan)
    found = [f"not {name}" for name in expected if name not in text]
    if dialect == "sqlite":
        found += [p for p in plan if p.startswith("SCAN webhook_delivery") and "INDEX" not in p]
    else:
        found += [p for p in plan if p.startswith("Seq Scan webhook_delivery")]
    return [f"{problem}: {text}" for problem in found]


async def test_the_claim_and_the_log_use_their_indexes(db: str, dialect: str) -> None:
    endpoint_id = await _log()
    explain = _sqlite_plan if dialect == "sqlite" else _pg_plan
    reads = {
        "claim": (
            lambda: webhook_delivery.claim(Webhooks(), timezone.now(), limit=1),
            ("webhook_delivery_due_idx", "webhook_delivery_order_idx"),
        ),
        "log": (
            lambda: webhooks.deliveries(ADMIN, endpoint_id, PageRequest(first=20)),
            ("webhook_delivery_log_idx",),
        ),
    }
    failures: list[str] = []
    states = ("without statistics", "after ANALYZE") if dialect == "sqlite" else ("after ANALYZE",)
    for statistics in states:
        if statistics == "after ANALYZE":
            await get_connection("default").execute_script("ANALYZE")
        for name, (read, indexes) in reads.items():
            with captured_sql() as statements:
                await read()
            [(sql, values)] = [
                (s, v)
                for s, v in statements
                if s.lstrip().startswith("SELECT") and "webhook_delivery" in s
            ][:1]
            plan = await explain(sql, values)
            for problem in _problems(plan, dialect, indexes):
                failures.append(f"{name} ({statistics}): {problem}")
    assert not failures, "\n".join(failures)
