"""Scheduled posts go live once: stored as PUBLISHED, with their post.published event and
editors' postPublished message, whichever instance gets there first."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from tortoise import timezone

from cms.enums import PostStatus, Role, WebhookEventType
from cms.models import Post, WebhookEndpoint, WebhookEvent
from cms.principal import Viewer
from cms.services import post_editing, post_events, scheduled_posts
from cms.services.events import LocalBroker
from tests.conftest import graphql
from tests.factories import make_post

EVE = Viewer(name="Eve", role=Role.EDITOR)
PUBLIC_POST = "query ($slug: String!) { post(slug: $slug) { title status } }"


async def _hooked() -> None:
    await WebhookEndpoint.create(
        url="http://127.0.0.1:9/hooks",
        events=[WebhookEventType.POST_PUBLISHED.value, WebhookEventType.POST_UNPUBLISHED.value],
        secret="s" * 40,
        created_by="test",
    )


async def _events() -> list[tuple[str, int]]:
    return [(e.type, e.post_id) for e in await WebhookEvent.all().order_by("id")]


async def test_due_posts_go_live_once_with_their_event_and_message(db: str) -> None:
    await _hooked()
    now = timezone.now()
    due = await make_post(
        "Due", status=PostStatus.SCHEDULED, published_at=now - timedelta(seconds=1)
    )
    later = await make_post(
        "Later", status=PostStatus.SCHEDULED, published_at=now + timedelta(hours=1)
    )
    draft = await make_post("Draft", status=PostStatus.DRAFT)
    broker = LocalBroker()
    heard: list[int] = []

    async def listen() -> None:
        async for post_id in post_events.watch_posts(EVE, broker, published_only=True):
            heard.append(post_id)
            return

    listener = asyncio.create_task(listen())
    await asyncio.sleep(0.05)
    first = await scheduled_posts.publish_due(broker, now)
    again = await scheduled_posts.publish_due(broker, now)
    await asyncio.wait_for(listener, 2)

    assert (first, again) == ([due.id], [])
    assert heard == [due.id]
    statuses = {p.id: p.status for p in await Post.filter(id__in=[due.id, later.id, draft.id])}
    assert statuses == {
        due.id: PostStatus.PUBLISHED,
        later.id: PostStatus.SCHEDULED,
        draft.id: PostStatus.DRAFT,
    }
    assert await _events() == [(WebhookEventType.POST_PUBLISHED.value, due.id)]


async def test_instances_racing_publish_each_post_once(db: str) -> None:
    await _hooked()
    now = timezone.now()
    due = [
        await make_post(status=PostStatus.SCHEDULED, published_at=now - timedelta(seconds=n))
        for n in range(1, 6)
    ]

    claims = await asyncio.gather(*(scheduled_posts.publish_due(None, now) for _ in range(4)))

    claimed = [post_id for claim in claims for post_id in claim]
    assert sorted(claimed) == sorted(p.id for p in due)
    assert sorted(await _events()) == sorted(
        (WebhookEventType.POST_PUBLISHED.value, p.id) for p in due
    )


async def test_scheduling_tells_webhooks_when_the_post_goes_live_not_before(db: str) -> None:
    await _hooked()
    live = await make_post("Live")
    draft = await make_post("Draft", status=PostStatus.DRAFT)
    at = timezone.now() + timedelta(hours=2)

    await post_editing.publish_post(EVE, draft.id, at)
    await post_editing.publish_post(EVE, live.id, at)  # off the site until `at`
    before = await _events()
    await scheduled_posts.publish_due(None, at)

    assert before == [(WebhookEventType.POST_UNPUBLISHED.value, live.id)]
    assert (await _events())[1:] == sorted(
        (WebhookEventType.POST_PUBLISHED.value, p.id) for p in (live, draft)
    )


async def test_the_running_server_stores_a_scheduled_post_as_published(
    client: httpx.AsyncClient,
) -> None:
    post = await make_post("Soon", status=PostStatus.DRAFT)
    await post_editing.publish_post(EVE, post.id, timezone.now() + timedelta(milliseconds=300))
    scheduled = (await Post.get(id=post.id)).status

    for _ in range(100):  # the app's housekeeping runs every view_flush_interval_s
        await asyncio.sleep(0.1)
        if (await Post.get(id=post.id)).status == PostStatus.PUBLISHED:
            break
    public = await graphql(client, PUBLIC_POST, {"slug": post.slug})

    assert scheduled == PostStatus.SCHEDULED
    assert (await Post.get(id=post.id)).status == PostStatus.PUBLISHED
    assert public["data"]["post"] == {"title": "Soon", "status": "PUBLISHED"}
