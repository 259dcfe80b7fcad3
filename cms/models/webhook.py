"""Webhooks: endpoints, the outbox of events and one delivery per (event, endpoint).

An event and its deliveries are written in the transaction of the change they tell of
(`services/outbox.py`); the delivery task (`services/webhook_delivery.py`) sends them.
Events keep the exact body that is signed and sent, so a replay sends the same bytes.
"""

from __future__ import annotations

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model

from cms.enums import DeliveryStatus


class WebhookEndpoint(Model):
    id = fields.IntField(primary_key=True)
    url = fields.CharField(max_length=2000)
    # The event types it receives (`WebhookEventType` values), in a JSON list.
    events: list[str] = fields.JSONField()
    description = fields.CharField(max_length=200, default="", db_default="")
    # Signs each delivery (HMAC-SHA256); shown once, when the endpoint is created.
    secret = fields.CharField(max_length=80)
    created_by = fields.CharField(max_length=80)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_endpoint"


class WebhookEvent(Model):
    id = fields.IntField(primary_key=True)
    # Sent as `X-CMS-Event-Id`: the same on every attempt and replay (receivers dedupe on it).
    uid = fields.CharField(max_length=36, unique=True)
    type = fields.CharField(max_length=32)
    # The post the event is about (no foreign key: a post.deleted event outlives its post).
    post_id = fields.IntField()
    # The JSON body exactly as it is signed and sent.
    body = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "webhook_event"


class WebhookDelivery(Model):
    id = fields.IntField(primary_key=True)
    endpoint: fields.ForeignKeyRelation[WebhookEndpoint] = fields.ForeignKeyField(
        "cms.WebhookEndpoint", related_name="deliveries", on_delete=fields.CASCADE
    )
    endpoint_id: int
    event: fields.ForeignKeyRelation[WebhookEvent] = fields.ForeignKeyField(
        "cms.WebhookEvent", related_name="deliveries", on_delete=fields.CASCADE
    )
    event_id: int
    # The event's post, repeated: deliveries to one endpoint about one post go in id order.
    post_id = fields.IntField()
    status = fields.CharEnumField(DeliveryStatus, max_length=16, default=DeliveryStatus.PENDING)
    # Attempts made (a claim counts one before the request is sent).
    attempts = fields.IntField(default=0, db_default=0)
    # When it may be claimed next: the retry time, or the end of a running attempt's lease.
    next_attempt_at = fields.DatetimeField()
    response_code = fields.IntField(null=True)
    # Why the last attempt failed, short and in our words (never the endpoint's body).
    last_error = fields.CharField(max_length=200, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    last_attempt_at = fields.DatetimeField(null=True)
    delivered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "webhook_delivery"
        indexes = (
            # What is due: pending deliveries by time.
            Index(fields=("status", "next_attempt_at", "id"), name="webhook_delivery_due_idx"),
            # Order per post: is an earlier delivery to this endpoint about this post pending?
            Index(
                fields=("endpoint_id", "post_id", "status", "id"),
                name="webhook_delivery_order_idx",
            ),
            # An endpoint's log, newest first.
            Index(fields=("endpoint_id", "id"), name="webhook_delivery_log_idx"),
        )
