"""The webhook outbox: events written in the transaction of the change they tell of.

Writers call `post_event` or `comment_event` inside their transaction, after the
change: one event row (its JSON body, signed and sent as is) and one delivery per
endpoint subscribed to its type then commit or roll back with the change. Nothing is
written when no endpoint subscribes. Every writer of a post holds the post's row lock
when it records, so one post's events get ids in commit order, the order the delivery
task keeps (`webhook_delivery.py`).
"""

from __future__ import annotations

import base64
import uuid
from datetime import datetime
from typing import Any

import orjson
from tortoise import timezone

from cms.enums import WebhookEventType
from cms.models import Comment, Post, WebhookDelivery, WebhookEndpoint, WebhookEvent


def global_id(type_name: str, pk: int) -> str:
    """The id the GraphQL API gives the object (`base64("Type:id")`), for `node(id:)`."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def _time(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def post_data(post: Post) -> dict[str, Any]:
    """What an event tells of a post (as it now is; as it was, for post.deleted)."""
    return {
        "id": global_id("Post", post.id),
        "slug": post.slug,
        "title": post.title,
        "status": str(post.status),
        "publishedAt": _time(post.published_at),
        "updatedAt": _time(post.updated_at),
    }


def comment_data(comment: Comment) -> dict[str, Any]:
    """What an event tells of a comment (never its client key)."""
    return {
        "id": global_id("Comment", comment.id),
        "postId": global_id("Post", comment.post_id),
        "parentId": global_id("Comment", comment.parent_id) if comment.parent_id else None,
        "author": comment.author,
        "body": comment.body,
        "status": str(comment.status),
        "createdAt": _time(comment.created_at),
    }


async def _subscribed(type: WebhookEventType) -> list[WebhookEndpoint]:
    return [e for e in await WebhookEndpoint.all() if type.value in e.events]


async def post_event(type: WebhookEventType, post: Post | int) -> None:
    """Record a post event (inside the change's transaction); a post given by id is read
    only when an endpoint subscribes."""
    endpoints = await _subscribed(type)
    if not endpoints:
        return
    row = post if isinstance(post, Post) else await Post.get(id=post)
    await _write(type, row.id, {"post": post_data(row)}, endpoints)


async def comment_event(type: WebhookEventType, comment: Comment) -> None:
    """Record a comment event (inside the change's transaction)."""
    endpoints = await _subscribed(type)
    if endpoints:
        await _write(type, comment.post_id, {"comment": comment_data(comment)}, endpoints)


async def _write(
    type: WebhookEventType, post_id: int, data: dict[str, Any], endpoints: list[WebhookEndpoint]
) -> None:
    """The event and a PENDING delivery per subscribed endpoint, due now."""
    now = timezone.now()
    uid = str(uuid.uuid4())
    body = {"id": uid, "type": type.value, "createdAt": _time(now), "data": data}
    event = await WebhookEvent.create(
        uid=uid,
        type=type.value,
        post_id=post_id,
        body=orjson.dumps(body).decode(),
        created_at=now,
    )
    await WebhookDelivery.bulk_create(
        [
            WebhookDelivery(
                endpoint_id=endpoint.id,
                event_id=event.id,
                post_id=post_id,
                next_attempt_at=now,
                created_at=now,
            )
            for endpoint in endpoints
        ]
    )
