"""Purges reach every instance's cache through Redis, and the CDN once per write."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from redis.asyncio import Redis
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from cms.api.ids import encode_id
from cms.http.response_cache import ResponseCache
from cms.services import cache_purge
from cms.services.cache_purge import PurgeListener
from cms.services.cdn_purge import CdnPurger
from cms.services.events import RedisBroker
from cms.settings import Settings
from tests.conftest import app_client, graphql
from tests.factories import make_post, make_token
from tests.processes import run_cms, serving

PAGE = "query Page($slug: String!) { post(slug: $slug) { title } }"
RENAME = """
mutation Rename($id: ID!, $title: String!) { updatePost(id: $id, input: {title: $title}) { title } }
"""
TOKEN = "cdn-secret-token"


class Receiver:
    """A CDN's purge endpoint: answers the first `failures` calls with 503."""

    def __init__(self, failures: int = 0) -> None:
        self.calls: list[dict[str, Any]] = []
        self.failures = failures
        self.arrived = asyncio.Event()
        self.app = Starlette(routes=[Route("/purge", self.purge, methods=["POST"])])

    async def purge(self, request: Request) -> JSONResponse:
        self.calls.append(
            {"tags": (await request.json())["tags"], "auth": request.headers.get("authorization")}
        )
        if len(self.calls) <= self.failures:
            return JSONResponse({"ok": False}, status_code=503)
        self.arrived.set()
        return JSONResponse({"ok": True})


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    found = Receiver(failures=1)
    async with serving(found.app) as port:
        yield found, f"http://127.0.0.1:{port}/purge?account=private-query"


def deployed(settings: Settings, **changes: Any) -> Settings:
    return dataclasses.replace(settings, debug=False, response_cache_ttl_s=3600, **changes)


async def test_a_purge_through_one_instance_has_emptied_the_others_when_it_returns(
    redis_url: str, redis_prefix: str
) -> None:
    """Two instances' brokers, listeners and caches on one Redis."""
    instances = []
    for _ in range(2):
        broker = RedisBroker(Redis.from_url(redis_url), redis_prefix)
        await broker.start()
        listener = PurgeListener(broker)
        cache = ResponseCache(ttl_s=3600)
        listener.follow(cache.purge)
        await listener.start()
        cache.put("page", Response(b'{"data":1}', headers={"surrogate-key": "post:7 posts"}))
        cache.put("other", Response(b'{"data":2}', headers={"surrogate-key": "post:8"}))
        instances.append((broker, listener, cache))
    (one, _, _), (_, _, far_cache) = instances
    try:
        await cache_purge.purge(one, ["post:7"])
        left = [(cache.get("page"), cache.get("other")) for _, _, cache in instances]
    finally:
        for broker, listener, _ in instances:
            await listener.stop()
            await broker.stop()

    assert [(page is None, other is None) for page, other in left] == [(True, False)] * 2
    assert far_cache.get("other") is not None


async def test_a_write_calls_the_cdn_with_its_keys_and_a_bearer_token(
    settings: Settings, receiver: tuple[Receiver, str]
) -> None:
    found, url = receiver
    configured = deployed(settings, cdn_purge_url=url, cdn_purge_token=TOKEN)
    async with app_client(configured) as http:
        post = await make_post("Before")
        token = await make_token()
        renamed = await graphql(
            http, RENAME, {"id": encode_id("Post", post.id), "title": "After"}, token=token
        )
        await asyncio.wait_for(found.arrived.wait(), 30)

    tags = ["feed", f"post:{post.id}", "posts", "sitemap"]
    assert renamed["data"]["updatePost"]["title"] == "After"  # answered before the CDN was
    # The first call failed (503) and was sent again.
    assert found.calls == [{"tags": tags, "auth": f"Bearer {TOKEN}"}] * 2


async def test_failed_purges_are_retried_then_logged_without_secrets(
    caplog: pytest.LogCaptureFixture,
) -> None:
    found = Receiver(failures=2)
    async with serving(found.app) as port:
        url = f"http://user:password@127.0.0.1:{port}/purge?key=query-secret"
        purger = CdnPurger(url, TOKEN, attempts=3, backoff_s=0.001)
        await purger.start()
        with caplog.at_level(logging.WARNING, logger="cms.cdn"):
            purger.enqueue(["post:1", "posts"])
            purger.enqueue(["posts", "post:2"])  # merged into the same call
            await asyncio.wait_for(found.arrived.wait(), 30)
            await purger.stop()

    assert [call["tags"] for call in found.calls] == [["post:1", "post:2", "posts"]] * 3
    logged = caplog.text
    assert logged.count("purging 3 tags at http://127.0.0.1:") == 2
    assert "HTTP 503" in logged
    for secret in (TOKEN, "password", "query-secret"):
        assert secret not in logged


async def test_an_unreachable_cdn_is_given_up_after_its_attempts(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with serving(Receiver().app) as port:
        pass  # the port is free again: nothing answers there
    purger = CdnPurger(f"http://127.0.0.1:{port}/purge", TOKEN, attempts=2, backoff_s=0.001)
    await purger.start()
    with caplog.at_level(logging.WARNING, logger="cms.cdn"):
        purger.enqueue(["posts"])
        await asyncio.wait_for(purger.idle(), 30)
        await purger.stop()

    assert f"gave up purging 1 tags at http://127.0.0.1:{port}/purge after 2 attempts" in (
        caplog.text
    )
    assert TOKEN not in caplog.text


ARTICLE = (
    "Imported by a script\n- September 13, 2019\n- 0 Likes\n- 0 Views\n- 0 Comments\n"
    "A paragraph of the imported article.\n0 Comments\n"
)


async def test_cms_import_tells_the_cdn_what_it_changed(
    sqlite_url: str, receiver: tuple[Receiver, str], tmp_path: Path
) -> None:
    found, url = receiver
    article = tmp_path / "imported.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    env = {
        "CMS_DATABASE_URL": sqlite_url,
        "CMS_REDIS_URL": "",
        "CMS_CDN_PURGE_URL": url,
        "CMS_CDN_PURGE_TOKEN": TOKEN,
    }

    output = await asyncio.to_thread(run_cms, ["import", str(article)], env)

    assert output.endswith("1 created, 0 updated, 0 unchanged, 0 failed\n")
    tags = ["feed", "post:1", "post:1:comments", "posts", "sitemap"]
    assert found.calls == [{"tags": tags, "auth": f"Bearer {TOKEN}"}] * 2  # one retry
