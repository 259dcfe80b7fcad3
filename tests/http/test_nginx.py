"""nginx (deploy/nginx.conf) in front of two `cms serve` instances on PostgreSQL and
Redis: edits, likes and client addresses as readers behind it meet them."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect

from cms.api.ids import encode_id
from tests.conftest import BROWSER
from tests.factories import make_post, make_token
from tests.nginx_server import Nginx
from tests.processes import Server, run_cms

pytestmark = pytest.mark.slow

PAGE = "query Page($slug: String!) { post(slug: $slug) { title } }"
RENAME = """
mutation Rename($id: ID!, $title: String!) { updatePost(id: $id, input: {title: $title}) { title } }
"""
LIKE = """
mutation Like($postId: ID!, $visitorId: String!) {
  likePost(postId: $postId, visitorId: $visitorId) { likeCount }
}
"""
POST_STATS = "subscription Stats($postId: ID!) { postStats(postId: $postId) { likeCount } }"
ARTICLE = (
    "{title}\n- Slug: imported-by-a-script\n- September 13, 2019\n- 0 Likes\n- 0 Views\n"
    "- 0 Comments\nA paragraph of the imported article.\n0 Comments\n"
)


class Site:
    """Two instances and nginx in front of them."""

    def __init__(self, one: Server, two: Server, nginx: Nginx, env: dict[str, str]) -> None:
        self.one, self.two, self.nginx, self.env = one, two, nginx, env


@pytest.fixture
def site(db: str, redis_url: str, redis_prefix: str, tmp_path: Path) -> Iterator[Site]:
    env = {
        "CMS_DATABASE_URL": db,
        "CMS_REDIS_URL": redis_url,
        "CMS_REDIS_PREFIX": redis_prefix,
        "CMS_SECRET_KEY": "shared-by-both-instances",
        "CMS_RESPONSE_CACHE_TTL": "60",
        "CMS_TRUSTED_PROXIES": "127.0.0.1",  # nginx's address, and only it
        "CMS_LIKE_RATE": "3/minute",
        "CMS_VIEW_FLUSH_INTERVAL_S": "3600",
    }
    servers: list[Server] = []
    nginx: Nginx | None = None
    try:
        for n in (1, 2):
            folder = tmp_path / f"instance-{n}"
            folder.mkdir()
            servers.append(Server(env, folder / "cms.log"))
        nginx = Nginx([f"127.0.0.1:{server.port}" for server in servers])
        yield Site(servers[0], servers[1], nginx, env)
    finally:
        if nginx is not None:
            nginx.stop()
        for server in servers:
            server.stop()


async def ask(
    url: str, query: str, variables: dict[str, Any], token: str | None = None
) -> dict[str, Any]:
    headers = {"User-Agent": BROWSER}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    async with httpx.AsyncClient(timeout=10, headers=headers) as http:
        response = await http.post(f"{url}/graphql", json={"query": query, "variables": variables})
    body: dict[str, Any] = response.json()
    return body


def title(body: dict[str, Any]) -> str:
    return str(body["data"]["post"]["title"])


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_an_edit_through_one_instance_shows_through_the_other_and_nginx_at_once(
    site: Site, tmp_path: Path
) -> None:
    post = await make_post("Before")
    token = await make_token()
    slug = {"slug": post.slug}
    cached = [title(await ask(url, PAGE, slug)) for url in (site.two.url, site.nginx.url)]
    params = {"query": PAGE, "variables": json.dumps(slug)}
    async with httpx.AsyncClient(timeout=10) as http:
        first_get = await http.get(f"{site.nginx.url}/graphql", params=params)
        second_get = await http.get(f"{site.nginx.url}/graphql", params=params)

    await ask(site.one.url, RENAME, {"id": encode_id("Post", post.id), "title": "After"}, token)
    after_edit = [title(await ask(url, PAGE, slug)) for url in (site.two.url, site.nginx.url)]

    article = tmp_path / "imported.txt"
    article.write_text(ARTICLE.format(title="Imported once"), encoding="utf-8")
    await asyncio.to_thread(run_cms, ["import", str(article)], site.env)
    imported = {"slug": "imported-by-a-script"}
    read_once = title(await ask(site.two.url, PAGE, imported))
    article.write_text(ARTICLE.format(title="Imported again, edited"), encoding="utf-8")
    await asyncio.to_thread(run_cms, ["import", str(article)], site.env)
    read_again = [title(await ask(url, PAGE, imported)) for url in (site.two.url, site.nginx.url)]

    assert cached == ["Before", "Before"]
    # nginx keeps anonymous GET answers as their Cache-Control says, keys passed on.
    assert (first_get.headers["x-cache-status"], second_get.headers["x-cache-status"]) == (
        "MISS",
        "HIT",
    )
    assert second_get.headers["surrogate-key"] == f"post:{post.id} site"
    assert second_get.json() == first_get.json()
    assert after_edit == ["After", "After"]  # with answers kept 60 s in each instance
    assert read_once == "Imported once"
    assert read_again == ["Imported again, edited", "Imported again, edited"]


async def subscribe_stats(url: str, post_id: str) -> ClientConnection:
    ws = await connect(
        url.replace("http://", "ws://") + "/graphql",
        subprotocols=["graphql-transport-ws"],  # type: ignore[list-item]
        user_agent_header=BROWSER,
    )
    await ws.send(json.dumps({"type": "connection_init"}))
    assert json.loads(await asyncio.wait_for(ws.recv(), 10)) == {"type": "connection_ack"}
    await ws.send(json.dumps({
        "id": "stats", "type": "subscribe",
        "payload": {"query": POST_STATS, "variables": {"postId": post_id}},
    }))  # fmt: skip
    return ws


async def next_count(ws: ClientConnection) -> int:
    message = json.loads(await asyncio.wait_for(ws.recv(), 10))
    assert message["type"] == "next", message
    return int(message["payload"]["data"]["postStats"]["likeCount"])


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_a_like_through_one_instance_reaches_subscribers_of_the_other_and_behind_nginx(
    site: Site,
) -> None:
    post = await make_post()
    post_id = encode_id("Post", post.id)
    direct = await subscribe_stats(site.two.url, post_id)
    behind_nginx = await subscribe_stats(site.nginx.url, post_id)
    try:
        initial = [await next_count(direct), await next_count(behind_nginx)]
        liked = await ask(site.one.url, LIKE, {"postId": post_id, "visitorId": "v1"})
        heard = [await next_count(direct), await next_count(behind_nginx)]
    finally:
        await direct.close()
        await behind_nginx.close()

    assert initial == [0, 0]
    assert liked["data"]["likePost"]["likeCount"] == 1
    assert heard == [1, 1]


async def like_from(nginx_url: str, source: str, post_id: str, n: int, **headers: str) -> str:
    """The error code (or "ok") of a like sent to nginx from the address `source`."""
    transport = httpx.AsyncHTTPTransport(local_address=source)
    async with httpx.AsyncClient(transport=transport, timeout=10) as http:
        response = await http.post(
            f"{nginx_url}/graphql",
            json={"query": LIKE, "variables": {"postId": post_id, "visitorId": f"{source}-{n}"}},
            headers={"User-Agent": BROWSER, **headers},
        )
    body = response.json()
    return str(body["errors"][0]["extensions"]["code"]) if "errors" in body else "ok"


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_clients_behind_nginx_are_told_apart_by_their_own_address(site: Site) -> None:
    post = await make_post()
    post_id = encode_id("Post", post.id)

    # 3 likes a minute per client, counted across both instances (Redis).
    first_client = [await like_from(site.nginx.url, "127.0.0.2", post_id, n) for n in range(4)]
    # Claiming another address in X-Forwarded-For does not make a new client.
    spoofed = await like_from(
        site.nginx.url, "127.0.0.2", post_id, 5, **{"X-Forwarded-For": "203.0.113.9"}
    )
    second_client = await like_from(site.nginx.url, "127.0.0.3", post_id, 0)

    assert first_client == ["ok", "ok", "ok", "RATE_LIMITED"]
    assert spoofed == "RATE_LIMITED"
    assert second_client == "ok"  # not nginx's own address, shared by everyone
