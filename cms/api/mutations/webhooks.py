"""Admin mutations on webhooks: register, delete, replay a delivery."""

from __future__ import annotations

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id
from cms.api.permissions import IsEditor
from cms.api.types.enums import WebhookEventEnum
from cms.api.types.webhook import CreatedWebhook, Webhook, WebhookDelivery
from cms.services import webhooks


@strawberry.input
class WebhookInput:
    url: str = strawberry.field(description="An http:// or https:// address.")
    events: list[WebhookEventEnum]
    description: str | None = None


@strawberry.type
class WebhookMutations:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Admins only: a new webhook and its signing secret, shown this once.",
    )
    async def create_webhook(self, info: Info, input: WebhookInput) -> CreatedWebhook:
        new = webhooks.NewWebhook(url=input.url, events=input.events, description=input.description)
        endpoint, secret = await webhooks.create_webhook(info.context.viewer, new)
        return CreatedWebhook(webhook=Webhook.from_model(endpoint), secret=secret)

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Admins only: deletes the webhook and its delivery log.",
    )
    async def delete_webhook(self, info: Info, id: strawberry.ID) -> strawberry.ID:
        await webhooks.delete_webhook(info.context.viewer, decode_id(id, "Webhook"))
        return id

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Admins only: sends the delivery's event again, as a new delivery "
        "(the same body and X-CMS-Event-Id).",
    )
    async def replay_webhook_delivery(self, info: Info, id: strawberry.ID) -> WebhookDelivery:
        pk = decode_id(id, "WebhookDelivery")
        return WebhookDelivery.from_model(await webhooks.replay_delivery(info.context.viewer, pk))
