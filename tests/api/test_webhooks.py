"""Webhooks end to end: registered through GraphQL, delivered by the running app's task
to a real receiver (uvicorn on a free port), signed, retried, in order, replayed."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from tortoise import timezone

from cms.api.ids import encode_id
from cms.enums import DeliveryStatus, PostStatus, Role
from cms.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from cms.services import webhook_delivery
from cms.settings import Settings, Webhooks
from tests.conftest import app_client, error_codes, graphql
from tests.factories import make_post, make_token
from tests.webhook_receiver import WAIT_S, Receiver, running_receiver

CREATE = """
mutation Create($input: WebhookInput!) {
  createWebhook(input: $input) { secret webhook { id url events description createdBy } }
}
"""
LIST = "{ webhooks { id url events } }"
DELETE = "mutation Delete($id: ID!) { deleteWebhook(id: $id) }"
DELIVERIES = """
query Log($id: ID!, $first: Int, $after: String) {
  webhookDeliveries(webhookId: $id, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id event eventId status attempts responseCode lastError body } }
  }
}
"""
REPLAY = "mutation Replay($id: ID!) { replayWebhookDelivery(id: $id) { id status attempts } }"
PUBLISH = "mutation Publish($id: ID!) { publishPost(id: $id) { status } }"
UPDATE = 'mutation Update($id: ID!) { updatePost(id: $id, input: {title: "New title"}) { title } }'

# Retries without waiting: a test never depends on how long a delay is.
FAST = Webhooks(retry_base_s=0.01, retry_cap_s=0.02, max_attempts=5, poll_interval_s=0.02)


@pytest.fixture
def hook_settings(settings: Settings) -> Settings:
    return replace(settings, webhooks=FAST)


@pytest.fixture
async def http(hook_settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(hook_settings) as client:
        yield client


@pytest.fixture
async def admin(http: httpx.AsyncClient) -> str:
    return await make_token("root", role=Role.ADMIN)


async def register(
    http: httpx.AsyncClient, admin: str, url: str, events: list[str]
) -> dict[str, Any]:
    body = await graphql(http, CREATE, {"input": {"url": url, "events": events}}, token=admin)
    assert "errors" not in body, body
    created: dict[str, Any] = body["data"]["createWebhook"]
    return created


def verified(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """The README's verification, as a receiver writes it."""
    signed = headers["x-cms-timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers["x-cms-signature"])


async def settled(count: int = 1) -> list[WebhookDelivery]:
    """Deliveries once `count` of them are no longer PENDING (the app's task sends them)."""

    async def done() -> list[WebhookDelivery]:
        while True:
            rows = await WebhookDelivery.all().order_by("id").select_related("event")
            if sum(r.status != DeliveryStatus.PENDING for r in rows) >= count:
                return rows
            await asyncio.sleep(0.02)

    return await asyncio.wait_for(done(), WAIT_S)


async def test_publishing_a_post_delivers_post_published_once_signed(
    http: httpx.AsyncClient, admin: str
) -> None:
    post = await make_post("Hello", status=PostStatus.DRAFT)
    post_id = encode_id("Post", post.id)
    async with running_receiver() as receiver:
        created = await register(http, admin, receiver.url, ["POST_PUBLISHED"])
        await graphql(http, PUBLISH, {"id": post_id}, token=admin)
        [got] = await receiver.wait_for(1)
        [delivery] = await settled()
        leftover = await webhook_delivery.deliver_due(FAST, _never_sender(), far_future())

    message = json.loads(got.body)
    assert created["webhook"]["events"] == ["POST_PUBLISHED"]
    assert created["webhook"]["createdBy"] == "root"
    assert created["secret"].startswith("whsec_")
    assert verified(created["secret"], got.headers, got.body)
    assert not verified("whsec_other", got.headers, got.body)
    assert got.headers["x-cms-event"] == "post.published"
    assert got.headers["x-cms-event-id"] == message["id"]
    assert got.headers["content-type"] == "application/json"
    assert message["type"] == "post.published"
    assert message["data"]["post"]["id"] == post_id
    assert (message["data"]["post"]["slug"], message["data"]["post"]["status"]) == (
        post.slug,
        "PUBLISHED",
    )
    assert (delivery.status, delivery.attempts, delivery.response_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    assert leftover == 0
    assert len(receiver.received) == 1


def far_future() -> Any:
    return timezone.now().replace(year=timezone.now().year + 1)


def _never_sender() -> Any:
    class Never:
        async def post(self, *args: object) -> int:
            raise AssertionError("nothing is left to send")

        async def close(self) -> None:
            pass

    return Never()


async def test_a_failing_receiver_gets_each_event_exactly_once_in_order_per_post(
    http: httpx.AsyncClient, admin: str
) -> None:
    post = await make_post("Ordered", status=PostStatus.DRAFT)
    post_id = encode_id("Post", post.id)
    # The first event fails twice (500), then everything succeeds.
    async with running_receiver(answers=[500, 500]) as receiver:
        await register(http, admin, receiver.url, ["POST_PUBLISHED", "POST_UPDATED"])
        await graphql(http, PUBLISH, {"id": post_id}, token=admin)
        await graphql(http, UPDATE, {"id": post_id}, token=admin)
        got = await receiver.wait_for(4)
        rows = await settled(2)

    kinds = [(json.loads(r.body)["type"], r.answered) for r in got]
    assert kinds == [
        ("post.published", 500),
        ("post.published", 500),
        ("post.published", 200),
        ("post.updated", 200),
    ]
    assert [(r.event.type, r.status, r.attempts, r.response_code) for r in rows] == [
        ("post.published", DeliveryStatus.DELIVERED, 3, 200),
        ("post.updated", DeliveryStatus.DELIVERED, 1, 200),
    ]
    assert [r.last_error for r in rows] == [None, None]


async def test_a_receiver_that_is_down_then_back_gets_the_event_once(
    http: httpx.AsyncClient, admin: str
) -> None:
    post = await make_post("Down", status=PostStatus.DRAFT)
    receiver = Receiver()
    await register(http, admin, receiver.url, ["POST_PUBLISHED"])
    await graphql(http, PUBLISH, {"id": encode_id("Post", post.id)}, token=admin)

    async def failed_twice() -> WebhookDelivery:
        while True:
            row = await WebhookDelivery.get()
            if row.attempts >= 2 and row.next_attempt_at is not None:
                return row
            await asyncio.sleep(0.02)

    while_down = await asyncio.wait_for(failed_twice(), WAIT_S)
    await receiver.start()
    try:
        [got] = await receiver.wait_for(1)
        [delivery] = await settled()
    finally:
        await receiver.stop()

    assert (while_down.status, while_down.last_error) == (
        DeliveryStatus.PENDING,
        "could not connect",
    )
    assert json.loads(got.body)["type"] == "post.published"
    assert delivery.status == DeliveryStatus.DELIVERED
    # The attempt in flight when the receiver came back may be the one that delivered.
    assert delivery.attempts >= while_down.attempts >= 2
    assert (delivery.response_code, delivery.last_error) == (200, None)


async def test_attempts_run_out_as_failed_and_a_replay_sends_the_same_event_again(
    http: httpx.AsyncClient, admin: str
) -> None:
    post = await make_post("Replayed", status=PostStatus.DRAFT)
    async with running_receiver(status=503) as receiver:
        created = await register(http, admin, receiver.url, ["POST_PUBLISHED"])
        await graphql(http, PUBLISH, {"id": encode_id("Post", post.id)}, token=admin)
        await receiver.wait_for(FAST.max_attempts)
        await settled()
        log = await graphql(http, DELIVERIES, {"id": created["webhook"]["id"]}, token=admin)
        [edge] = log["data"]["webhookDeliveries"]["edges"]
        receiver.status = 200
        replayed = await graphql(http, REPLAY, {"id": edge["node"]["id"]}, token=admin)
        got = await receiver.wait_for(FAST.max_attempts + 1)
        rows = await settled(2)

    failed = edge["node"]
    assert (failed["status"], failed["attempts"], failed["responseCode"]) == (
        "FAILED",
        FAST.max_attempts,
        503,
    )
    assert failed["lastError"] == "answered HTTP 503"
    assert failed["event"] == "POST_PUBLISHED"
    assert replayed["data"]["replayWebhookDelivery"]["status"] == "PENDING"
    assert [r.answered for r in got] == [503] * FAST.max_attempts + [200]
    assert got[-1].body == got[0].body == failed["body"].encode()
    assert got[-1].headers["x-cms-event-id"] == got[0].headers["x-cms-event-id"]
    assert [(r.status, r.attempts) for r in rows] == [
        (DeliveryStatus.FAILED, FAST.max_attempts),
        (DeliveryStatus.DELIVERED, 1),
    ]
    assert log["data"]["webhookDeliveries"]["totalCount"] == 1


async def test_admins_list_and_delete_webhooks(http: httpx.AsyncClient, admin: str) -> None:
    first = await register(http, admin, "https://example.com/a", ["POST_DELETED"])
    await register(http, admin, "http://example.com:8080/b", ["COMMENT_CREATED", "POST_UPDATED"])

    deleted = await graphql(http, DELETE, {"id": first["webhook"]["id"]}, token=admin)
    listed = await graphql(http, LIST, token=admin)

    assert deleted["data"]["deleteWebhook"] == first["webhook"]["id"]
    assert [(w["url"], w["events"]) for w in listed["data"]["webhooks"]] == [
        ("http://example.com:8080/b", ["COMMENT_CREATED", "POST_UPDATED"])
    ]


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "javascript:alert(1)",
        "http://",
        "example.com/hook",
        "https://exa mple.com/",
        "http://example.com:port/",
    ],
)
async def test_only_http_and_https_urls_are_accepted(
    http: httpx.AsyncClient, admin: str, url: str
) -> None:
    body = await graphql(
        http, CREATE, {"input": {"url": url, "events": ["POST_PUBLISHED"]}}, token=admin
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["extensions"]["field"] == "url"
    assert await WebhookEndpoint.all().count() == 0


async def test_no_event_is_refused(http: httpx.AsyncClient, admin: str) -> None:
    body = await graphql(
        http, CREATE, {"input": {"url": "https://example.com", "events": []}}, token=admin
    )

    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert await WebhookEndpoint.all().count() == 0


async def test_editors_and_anonymous_callers_are_refused_and_nothing_changes(
    http: httpx.AsyncClient, admin: str
) -> None:
    created = await register(http, admin, "https://example.com/a", ["POST_PUBLISHED"])
    post = await make_post("Seen", status=PostStatus.DRAFT)
    await graphql(http, PUBLISH, {"id": encode_id("Post", post.id)}, token=admin)
    hook_id = created["webhook"]["id"]
    delivery_id = encode_id("WebhookDelivery", (await WebhookDelivery.get()).id)
    editor = await make_token("writer", role=Role.EDITOR)
    preview = await make_token("viewer", role=Role.PREVIEW)
    attempts: list[tuple[str, dict[str, Any]]] = [
        (CREATE, {"input": {"url": "https://evil.example", "events": ["POST_PUBLISHED"]}}),
        (LIST, {}),
        (DELETE, {"id": hook_id}),
        (DELIVERIES, {"id": hook_id}),
        (REPLAY, {"id": delivery_id}),
    ]

    answers = {
        who: [error_codes(await graphql(http, q, v, token=token)) for q, v in attempts]
        for who, token in (("editor", editor), ("preview", preview), ("anonymous", None))
    }

    assert answers == {
        "editor": [["FORBIDDEN"]] * 5,
        "preview": [["FORBIDDEN"]] * 5,
        "anonymous": [["UNAUTHENTICATED"]] * 5,
    }
    assert [e.url for e in await WebhookEndpoint.all()] == ["https://example.com/a"]
    assert await WebhookDelivery.all().count() == 1
    assert await WebhookEvent.all().count() == 1


async def test_the_delivery_log_is_paged_newest_first(http: httpx.AsyncClient, admin: str) -> None:
    created = await register(http, admin, "https://example.invalid/", ["POST_PUBLISHED"])
    for title in ("One", "Two", "Three"):
        post = await make_post(title, status=PostStatus.DRAFT)
        await graphql(http, PUBLISH, {"id": encode_id("Post", post.id)}, token=admin)
    hook = created["webhook"]["id"]

    first = await graphql(http, DELIVERIES, {"id": hook, "first": 2}, token=admin)
    page = first["data"]["webhookDeliveries"]
    rest = await graphql(
        http,
        DELIVERIES,
        {"id": hook, "first": 2, "after": page["pageInfo"]["endCursor"]},
        token=admin,
    )

    titles = [
        json.loads(e["node"]["body"])["data"]["post"]["title"]
        for e in page["edges"] + rest["data"]["webhookDeliveries"]["edges"]
    ]
    assert titles == ["Three", "Two", "One"]
    assert (page["totalCount"], page["pageInfo"]["hasNextPage"]) == (3, True)


async def test_the_operations_file_runs_for_an_admin(http: httpx.AsyncClient, admin: str) -> None:
    from pathlib import Path

    document = (Path(__file__).parents[2] / "schema/operations/webhooks.graphql").read_text()
    post = await make_post("Filed", status=PostStatus.DRAFT)

    async def run(name: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = await http.post(
            "/graphql",
            json={"query": document, "operationName": name, "variables": variables},
            headers={"Authorization": f"Bearer {admin}"},
        )
        body: dict[str, Any] = response.json()
        assert "errors" not in body, body
        return body["data"]

    hook = (
        await run(
            "CreateWebhook",
            {"input": {"url": "https://example.invalid/", "events": ["POST_PUBLISHED"]}},
        )
    )["createWebhook"]["webhook"]
    listed = await run("Webhooks", {})
    await graphql(http, PUBLISH, {"id": encode_id("Post", post.id)}, token=admin)
    log = await run("WebhookDeliveries", {"webhookId": hook["id"], "first": 5})
    [edge] = log["webhookDeliveries"]["edges"]
    replayed = await run("ReplayWebhookDelivery", {"id": edge["node"]["id"]})
    deleted = await run("DeleteWebhook", {"id": hook["id"]})

    assert [w["id"] for w in listed["webhooks"]] == [hook["id"]]
    assert edge["node"]["event"] == "POST_PUBLISHED"
    assert replayed["replayWebhookDelivery"]["eventId"] == edge["node"]["eventId"]
    assert deleted["deleteWebhook"] == hook["id"]
    assert await WebhookEndpoint.all().count() == 0
