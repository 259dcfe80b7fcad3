"""Webhook endpoints for admins: register, list, remove; the delivery log; replays.

Every function needs an admin (`require_admin`): endpoints hold signing secrets and
receive comments before moderation. A secret is returned once, by `create_webhook`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from tortoise import timezone

from cms.enums import DeliveryStatus, WebhookEventType
from cms.errors import InvalidInput, NotFound
from cms.models import WebhookDelivery, WebhookEndpoint
from cms.principal import Viewer
from cms.services import validation
from cms.services.access import require_admin
from cms.services.pagination import Page, PageRequest, SortKey, paginate
from cms.services.webhook_signing import new_secret

NEEDS_ADMIN = "Webhooks need an admin token (`cms token create --role admin`)."
MAX_URL = 2000
MAX_DESCRIPTION = 200
# Endpoints per site: each event is written once per subscribed endpoint.
MAX_ENDPOINTS = 50
NEWEST_FIRST = SortKey(("id",), descending=True, kinds=(int,))


@dataclass(frozen=True)
class NewWebhook:
    url: str
    events: Sequence[WebhookEventType]
    description: str | None = None


def valid_url(url: str) -> str:
    """An absolute http(s) URL with a host; BAD_USER_INPUT naming `url` otherwise."""
    url = validation.bounded_text(url.strip(), "url", MAX_URL)
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port  # a port that is not a number raises here
    except ValueError:
        host = None
        parts = urlsplit("")
    if parts.scheme not in ("http", "https") or not host or any(c.isspace() for c in url):
        raise InvalidInput(
            "`url` must be an http:// or https:// address with a host, "
            "e.g. https://example.com/hooks/cms.",
            field="url",
        )
    return url


def valid_events(events: Sequence[WebhookEventType]) -> list[str]:
    if not events:
        raise InvalidInput(
            "`events` must name at least one event, e.g. POST_PUBLISHED.", field="events"
        )
    return sorted({WebhookEventType(e).value for e in events})


async def create_webhook(viewer: Viewer, new: NewWebhook) -> tuple[WebhookEndpoint, str]:
    """The new endpoint and its signing secret (shown this once)."""
    admin = require_admin(viewer, NEEDS_ADMIN)
    url = valid_url(new.url)
    events = valid_events(new.events)
    description = validation.optional_text(new.description, "description", MAX_DESCRIPTION)
    if await WebhookEndpoint.all().count() >= MAX_ENDPOINTS:
        raise InvalidInput(
            f"A site has at most {MAX_ENDPOINTS} webhooks: delete one first.", field="url"
        )
    secret = new_secret()
    endpoint = await WebhookEndpoint.create(
        url=url, events=events, description=description or "", secret=secret, created_by=admin
    )
    return endpoint, secret


async def list_webhooks(viewer: Viewer) -> list[WebhookEndpoint]:
    """Every endpoint, oldest first (at most MAX_ENDPOINTS)."""
    require_admin(viewer, NEEDS_ADMIN)
    return await WebhookEndpoint.all().order_by("id").limit(MAX_ENDPOINTS)


async def _endpoint(webhook_id: int) -> WebhookEndpoint:
    endpoint = await WebhookEndpoint.get_or_none(id=webhook_id)
    if endpoint is None:
        raise NotFound("No webhook has this id: it may have been deleted (see `webhooks`).")
    return endpoint


async def delete_webhook(viewer: Viewer, webhook_id: int) -> None:
    """Delete the endpoint and its delivery log; nothing more is sent to it."""
    require_admin(viewer, NEEDS_ADMIN)
    endpoint = await _endpoint(webhook_id)
    await endpoint.delete()


async def deliveries(
    viewer: Viewer, webhook_id: int, request: PageRequest
) -> Page[WebhookDelivery]:
    """The endpoint's deliveries, newest first, each with its event."""
    require_admin(viewer, NEEDS_ADMIN)
    await _endpoint(webhook_id)
    query = WebhookDelivery.filter(endpoint_id=webhook_id).select_related("event")
    return await paginate(query, NEWEST_FIRST, request, 20)


async def replay_delivery(viewer: Viewer, delivery_id: int) -> WebhookDelivery:
    """A new delivery of the same event to the same endpoint, due now; it waits for the
    post's earlier pending deliveries like any other."""
    require_admin(viewer, NEEDS_ADMIN)
    old = await WebhookDelivery.get_or_none(id=delivery_id)
    if old is None:
        raise NotFound("No webhook delivery has this id: see `webhookDeliveries`.")
    now = timezone.now()
    replay = await WebhookDelivery.create(
        endpoint_id=old.endpoint_id,
        event_id=old.event_id,
        post_id=old.post_id,
        status=DeliveryStatus.PENDING,
        next_attempt_at=now,
        created_at=now,
    )
    await replay.fetch_related("event")
    return replay
