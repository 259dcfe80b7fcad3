"""The outbox and the delivery task's rules, on the services: events commit with their
change, one post's deliveries go in order, claims never overlap, retries back off."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from datetime import timedelta

import pytest
from tortoise import timezone
from tortoise.transactions import in_transaction

from cms.enums import CommentStatus, DeliveryStatus, PostStatus, Role, WebhookEventType
from cms.errors import Forbidden, Unauthenticated
from cms.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from cms.principal import ANONYMOUS, Viewer
from cms.runtime import Runtime
from cms.services import moderation, post_editing, webhook_delivery, webhooks
from cms.services.comments import set_comment_status
from cms.services.webhook_sender import SendFailed
from cms.settings import Settings, Webhooks
from tests.factories import EDITOR, make_comment, make_post

ADMIN = Viewer(name="admin", role=Role.ADMIN)
SETTINGS = Webhooks(retry_base_s=1.0, retry_cap_s=8.0, max_attempts=3)
ALL = list(WebhookEventType)


class Recorder:
    """A sender answering from a script: a status code, or SendFailed for None."""

    def __init__(self, *answers: int | None) -> None:
        self.answers = list(answers)
        self.sent: list[tuple[str, dict[str, str]]] = []

    async def post(self, url: str, body: bytes, headers: Mapping[str, str]) -> int:
        self.sent.append((json.loads(body)["type"], dict(headers)))
        answer = self.answers.pop(0) if self.answers else 200
        if answer is None:
            raise SendFailed("could not connect")
        return answer

    async def close(self) -> None:
        pass


async def subscribe(events: list[WebhookEventType] = ALL, url: str = "https://a.example/") -> int:
    endpoint, _ = await webhooks.create_webhook(ADMIN, webhooks.NewWebhook(url, events))
    return endpoint.id


async def types() -> list[str]:
    return [e.type for e in await WebhookEvent.all().order_by("id")]


async def test_an_event_is_written_only_with_its_change(db: str) -> None:
    await subscribe()
    post = await make_post("Draft", status=PostStatus.DRAFT)

    async def publish_then_fail() -> None:
        async with in_transaction():
            await post_editing.publish_post(EDITOR, post.id)
            raise RuntimeError("the change is rolled back")

    with pytest.raises(RuntimeError):
        await publish_then_fail()

    assert await types() == []
    assert await WebhookDelivery.all().count() == 0


async def test_nothing_is_written_when_no_endpoint_subscribes(db: str) -> None:
    await subscribe([WebhookEventType.POST_DELETED])
    post = await make_post("Draft", status=PostStatus.DRAFT)

    await post_editing.publish_post(EDITOR, post.id)

    assert await types() == []


async def test_each_change_of_a_post_and_its_comments_is_an_event(db: str) -> None:
    await subscribe()
    other = await subscribe([WebhookEventType.POST_DELETED], "https://b.example/")
    post = await make_post("Story", status=PostStatus.DRAFT)
    comment = await make_comment(post, status=CommentStatus.PENDING)
    engagement = Runtime(Settings(database_url=db)).engagement

    await post_editing.publish_post(EDITOR, post.id)
    await post_editing.publish_post(EDITOR, post.id)  # already out: nothing changes
    await post_editing.update_post(EDITOR, post.id, {"title": "Story, told"})
    await post_editing.update_post(EDITOR, post.id, {"title": "Story, told"})  # the same
    await post_editing.archive_post(EDITOR, post.id)
    await post_editing.publish_post(EDITOR, post.id)
    await post_editing.unpublish_post(EDITOR, post.id)
    await set_comment_status(comment.id, CommentStatus.APPROVED, engagement=engagement)
    await set_comment_status(comment.id, CommentStatus.SPAM, engagement=engagement)
    await moderation.delete_comment(EDITOR, comment.id, engagement)
    await post_editing.delete_post(ADMIN, post.id)

    assert await types() == [
        "post.published",
        "post.updated",
        "post.unpublished",
        "post.published",
        "post.unpublished",
        "comment.approved",
        "comment.rejected",
        "comment.deleted",
        "post.deleted",
    ]
    deleted = await WebhookEvent.get(type="post.deleted")
    assert await WebhookDelivery.filter(event_id=deleted.id, endpoint_id=other).count() == 1
    assert json.loads(deleted.body)["data"]["post"]["title"] == "Story, told"


async def test_a_new_comment_is_an_event_with_its_status(db: str) -> None:
    from cms.services.comments import NewComment, add_comment

    await subscribe([WebhookEventType.COMMENT_CREATED])
    post = await make_post("Open")
    engagement = Runtime(Settings(database_url=db)).engagement

    comment = await add_comment(
        ANONYMOUS, NewComment(post.id, "Ann", "First!"), "10.0.0.1", engagement
    )

    [event] = await WebhookEvent.all()
    data = json.loads(event.body)["data"]["comment"]
    assert (event.type, event.post_id) == ("comment.created", post.id)
    assert (data["author"], data["body"], data["status"]) == ("Ann", "First!", "PENDING")
    assert "client_key" not in json.dumps(data)
    assert comment.client_key not in event.body


async def _deliveries() -> list[tuple[str, DeliveryStatus, int]]:
    rows = await WebhookDelivery.all().order_by("id").select_related("event")
    return [(r.event.type, r.status, r.attempts) for r in rows]


async def test_a_later_event_of_a_post_waits_for_the_earlier_one(db: str) -> None:
    await subscribe()
    first = await make_post("First", status=PostStatus.DRAFT)
    second = await make_post("Second", status=PostStatus.DRAFT)
    await post_editing.publish_post(EDITOR, first.id)
    await post_editing.update_post(EDITOR, first.id, {"title": "First, again"})
    await post_editing.publish_post(EDITOR, second.id)
    sender = Recorder(500)  # the first attempt about `first` fails
    now = timezone.now()

    sent_first = await webhook_delivery.deliver_due(SETTINGS, sender, now)
    # Its retry is not due yet: the update of `first` waits behind it; `second` had gone.
    sent_waiting = await webhook_delivery.deliver_due(SETTINGS, sender, now)
    waiting = await _deliveries()
    later = now + timedelta(seconds=SETTINGS.retry_base_s + 0.1)
    sent_retry = await webhook_delivery.deliver_due(SETTINGS, sender, later)
    sent_update = await webhook_delivery.deliver_due(SETTINGS, sender, later)

    assert (sent_first, sent_waiting, sent_retry, sent_update) == (2, 0, 1, 1)
    assert waiting == [
        ("post.published", DeliveryStatus.PENDING, 1),
        ("post.updated", DeliveryStatus.PENDING, 0),
        ("post.published", DeliveryStatus.DELIVERED, 1),
    ]
    assert [t for t, _ in sender.sent] == [
        "post.published",
        "post.published",
        "post.published",
        "post.updated",
    ]
    assert await _deliveries() == [
        ("post.published", DeliveryStatus.DELIVERED, 2),
        ("post.updated", DeliveryStatus.DELIVERED, 1),
        ("post.published", DeliveryStatus.DELIVERED, 1),
    ]


async def test_a_failed_delivery_stops_holding_back_the_next(db: str) -> None:
    await subscribe()
    post = await make_post("Stuck", status=PostStatus.DRAFT)
    await post_editing.publish_post(EDITOR, post.id)
    await post_editing.unpublish_post(EDITOR, post.id)
    sender = Recorder(None, None, None)
    at = timezone.now()

    for _ in range(SETTINGS.max_attempts):
        await webhook_delivery.deliver_due(SETTINGS, sender, at)
        at += timedelta(seconds=SETTINGS.retry_cap_s)
    [failed, _] = await WebhookDelivery.all().order_by("id")
    await webhook_delivery.deliver_due(SETTINGS, sender, at)

    assert (failed.status, failed.attempts, failed.last_error) == (
        DeliveryStatus.FAILED,
        SETTINGS.max_attempts,
        "could not connect",
    )
    assert failed.response_code is None
    assert await _deliveries() == [
        ("post.published", DeliveryStatus.FAILED, 3),
        ("post.unpublished", DeliveryStatus.DELIVERED, 1),
    ]


def test_retries_back_off_exponentially_up_to_the_cap() -> None:
    delays = [webhook_delivery.retry_delay_s(SETTINGS, n) for n in range(1, 7)]

    assert delays == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


async def test_instances_claiming_at_once_never_take_the_same_delivery(db: str) -> None:
    await subscribe([WebhookEventType.POST_PUBLISHED])
    for n in range(12):
        post = await make_post(f"Post {n}", status=PostStatus.DRAFT)
        await post_editing.publish_post(EDITOR, post.id)
    now = timezone.now()

    claims = await asyncio.gather(
        *(webhook_delivery.claim(SETTINGS, now, limit=5) for _ in range(4))
    )

    ids = [d.id for claim in claims for d in claim]
    assert sorted(ids) == sorted(set(ids))
    assert len(ids) == 12
    assert {d.attempts for claim in claims for d in claim} == {1}


async def test_a_claimed_delivery_is_not_claimed_again_while_its_attempt_runs(db: str) -> None:
    await subscribe([WebhookEventType.POST_PUBLISHED])
    post = await make_post("Once", status=PostStatus.DRAFT)
    await post_editing.publish_post(EDITOR, post.id)
    now = timezone.now()

    [claimed] = await webhook_delivery.claim(SETTINGS, now)
    again = await webhook_delivery.claim(SETTINGS, now + timedelta(seconds=SETTINGS.timeout_s))
    # A stale outcome (another attempt took the delivery since) is not written.
    await WebhookDelivery.filter(id=claimed.id).update(attempts=2)
    await webhook_delivery.record(
        SETTINGS, claimed, webhook_delivery.Outcome(DeliveryStatus.DELIVERED, 200, None), now
    )

    row = await WebhookDelivery.get(id=claimed.id)
    assert again == []
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 2)


async def test_deliveries_carry_the_signature_headers(db: str) -> None:
    from cms.services.webhook_signing import verify

    await subscribe([WebhookEventType.POST_PUBLISHED])
    secret = (await WebhookEndpoint.get()).secret
    post = await make_post("Signed", status=PostStatus.DRAFT)
    await post_editing.publish_post(EDITOR, post.id)
    sender = Recorder()
    now = timezone.now()

    await webhook_delivery.deliver_due(SETTINGS, sender, now)

    [(_, headers)] = sender.sent
    body = (await WebhookEvent.get()).body.encode()
    assert headers["X-CMS-Timestamp"] == str(int(now.timestamp()))
    assert verify(secret, headers["X-CMS-Timestamp"], body, headers["X-CMS-Signature"])
    assert not verify(secret, str(int(now.timestamp()) + 1), body, headers["X-CMS-Signature"])


@pytest.mark.parametrize(
    ("viewer", "error"),
    [(ANONYMOUS, Unauthenticated), (EDITOR, Forbidden), (Viewer("p", Role.PREVIEW), Forbidden)],
)
async def test_only_admins_manage_webhooks(db: str, viewer: Viewer, error: type) -> None:
    new = webhooks.NewWebhook("https://a.example/", [WebhookEventType.POST_PUBLISHED])

    with pytest.raises(error):
        await webhooks.create_webhook(viewer, new)

    assert await WebhookEndpoint.all().count() == 0
