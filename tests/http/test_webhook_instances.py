"""Two real `cms serve` processes on one PostgreSQL share the webhook deliveries: each
event reaches the receiver once, and one post's events arrive in order."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cms.enums import DeliveryStatus, PostStatus, Role, WebhookEventType
from cms.models import WebhookDelivery
from cms.principal import Viewer
from cms.services import post_editing, webhooks
from tests.factories import EDITOR, make_post
from tests.processes import Servers, free_port, wait_until_healthy
from tests.webhook_receiver import WAIT_S, running_receiver

pytestmark = pytest.mark.slow

CMS = str(Path(sys.executable).parent / "cms")
POSTS = 15


async def _all_delivered(count: int) -> None:
    while True:
        if await WebhookDelivery.filter(status=DeliveryStatus.DELIVERED).count() >= count:
            return
        await asyncio.sleep(0.05)


def _start_servers(db: str, tmp_path: Path) -> Servers:
    """Two servers on one database, delivering with tiny poll and retry delays."""
    servers = Servers()
    for n in range(2):
        port = free_port()
        env = {
            **os.environ,
            "CMS_DATABASE_URL": db,
            "CMS_PORT": str(port),
            "CMS_WEBHOOK_POLL_INTERVAL_S": "0.01",
            "CMS_WEBHOOK_RETRY_BASE_S": "0.01",
            "CMS_WEBHOOK_RETRY_CAP_S": "0.01",
        }
        log = (tmp_path / f"server-{n}.log").open("wb")
        servers.processes.append(
            subprocess.Popen([CMS, "serve"], env=env, cwd=tmp_path, stdout=log, stderr=log)
        )
        servers.urls.append(f"http://127.0.0.1:{port}")
    for process, url in zip(servers.processes, servers.urls, strict=True):
        wait_until_healthy(process, url)
    return servers


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_two_instances_deliver_each_event_once_in_order_per_post(
    db: str, tmp_path: Path
) -> None:
    admin = Viewer(name="admin", role=Role.ADMIN)
    async with running_receiver(answers=[500] * 5) as receiver:
        await webhooks.create_webhook(
            admin,
            webhooks.NewWebhook(
                receiver.url, [WebhookEventType.POST_PUBLISHED, WebhookEventType.POST_UPDATED]
            ),
        )
        for n in range(POSTS):
            post = await make_post(f"Shared {n}", status=PostStatus.DRAFT)
            await post_editing.publish_post(EDITOR, post.id)
            await post_editing.update_post(EDITOR, post.id, {"title": f"Shared {n}, again"})
        # Both start on a full outbox: they claim the same rows at the same moment.
        servers = await asyncio.to_thread(_start_servers, db, tmp_path)
        try:
            await asyncio.wait_for(_all_delivered(2 * POSTS), WAIT_S * 3)
        finally:
            servers.stop()

    delivered = [r for r in receiver.received if r.answered == 200]
    ids = [r.headers["x-cms-event-id"] for r in delivered]
    by_post: dict[str, list[str]] = {}
    for r in delivered:
        message = json.loads(r.body)
        by_post.setdefault(message["data"]["post"]["id"], []).append(message["type"])
    assert len(ids) == 2 * POSTS
    assert len(set(ids)) == 2 * POSTS
    assert (
        list(by_post.values()) == [["post.published", "post.updated"]] * POSTS
        or sorted(by_post.values()) == [["post.published", "post.updated"]] * POSTS
    )
    attempts = await WebhookDelivery.all().values_list("attempts", flat=True)
    assert sum(attempts) == 2 * POSTS + 5
