"""Webhook types: an endpoint (never its secret, but once on creation) and its deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import strawberry

from cms.api.ids import encode_id
from cms.api.types.enums import DeliveryStatusEnum, WebhookEventEnum
from cms.enums import DeliveryStatus, WebhookEventType

if TYPE_CHECKING:
    from cms.models import WebhookDelivery as DeliveryModel
    from cms.models import WebhookEndpoint


@strawberry.type(description="An address told of events, each delivery signed with its secret.")
class Webhook:
    id: strawberry.ID
    url: str
    events: list[WebhookEventEnum]
    description: str
    created_by: str
    created_at: datetime

    @classmethod
    def from_model(cls, endpoint: WebhookEndpoint) -> Webhook:
        return cls(
            id=strawberry.ID(encode_id("Webhook", endpoint.id)),
            url=endpoint.url,
            events=[WebhookEventType(e) for e in endpoint.events],
            description=endpoint.description,
            created_by=endpoint.created_by,
            created_at=endpoint.created_at,
        )


@strawberry.type
class CreatedWebhook:
    webhook: Webhook
    secret: str = strawberry.field(
        description="Signs every delivery (HMAC-SHA256 of `timestamp.body`); shown this once."
    )


@strawberry.type(description="One event sent, or to be sent, to one webhook.")
class WebhookDelivery:
    id: strawberry.ID
    event: WebhookEventEnum
    event_id: str = strawberry.field(
        description="Sent as X-CMS-Event-Id: the same on every attempt and replay."
    )
    status: DeliveryStatusEnum
    attempts: int
    response_code: int | None = strawberry.field(
        description="The HTTP status of the last answer; null when none came."
    )
    last_error: str | None
    created_at: datetime
    last_attempt_at: datetime | None
    next_attempt_at: datetime | None = strawberry.field(
        description="When a PENDING delivery is tried again; null otherwise."
    )
    delivered_at: datetime | None
    body: str = strawberry.field(description="The JSON sent, exactly as signed.")

    @classmethod
    def from_model(cls, delivery: DeliveryModel) -> WebhookDelivery:
        event = delivery.event
        pending = delivery.status == DeliveryStatus.PENDING
        return cls(
            id=strawberry.ID(encode_id("WebhookDelivery", delivery.id)),
            event=WebhookEventType(event.type),
            event_id=event.uid,
            status=delivery.status,
            attempts=delivery.attempts,
            response_code=delivery.response_code,
            last_error=delivery.last_error,
            created_at=delivery.created_at,
            last_attempt_at=delivery.last_attempt_at,
            next_attempt_at=delivery.next_attempt_at if pending else None,
            delivered_at=delivery.delivered_at,
            body=event.body,
        )
