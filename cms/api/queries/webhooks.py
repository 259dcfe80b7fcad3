"""Admin queries on webhooks: the endpoints and each one's delivery log."""

from __future__ import annotations

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id
from cms.api.permissions import IsEditor
from cms.api.types.connection import Connection
from cms.api.types.webhook import Webhook, WebhookDelivery
from cms.services import webhooks
from cms.services.pagination import PageRequest


@strawberry.type
class WebhookQueries:
    @strawberry.field(permission_classes=[IsEditor], description="Admins only: every webhook.")
    async def webhooks(self, info: Info) -> list[Webhook]:
        return [Webhook.from_model(e) for e in await webhooks.list_webhooks(info.context.viewer)]

    @strawberry.field(
        permission_classes=[IsEditor],
        description="Admins only: a webhook's deliveries, newest first.",
    )
    async def webhook_deliveries(
        self,
        info: Info,
        webhook_id: strawberry.ID,
        first: int | None = 20,
        after: str | None = None,
    ) -> Connection[WebhookDelivery]:
        pk = decode_id(webhook_id, "Webhook", "webhookId")
        page = await webhooks.deliveries(
            info.context.viewer, pk, PageRequest(first=first, after=after)
        )
        return Connection.from_page(page, WebhookDelivery.from_model)
