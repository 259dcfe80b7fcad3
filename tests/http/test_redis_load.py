"""Many writes in flight against one app on Redis: they wait for a connection, none fails."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from cms.api.ids import encode_id
from cms.models import Like, Post
from cms.settings import Limits, Settings
from tests.conftest import app_client
from tests.factories import make_post

pytestmark = pytest.mark.slow

LIKE = """
mutation Like($postId: ID!, $visitorId: String!) {
  likePost(postId: $postId, visitorId: $visitorId) { likeCount }
}
"""
CONCURRENT = 1000


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
async def test_a_thousand_concurrent_likes_all_count_through_a_small_redis_pool(
    settings: Settings, redis_url: str, redis_prefix: str
) -> None:
    settings = replace(
        settings,
        debug=False,
        redis_url=redis_url,
        redis_prefix=redis_prefix,
        limits=Limits(like_rate=f"{CONCURRENT * 2}/minute"),
    )
    async with app_client(settings) as http:
        post = await make_post()
        post_id = encode_id("Post", post.id)

        async def like(n: int) -> dict[str, object]:
            variables = {"postId": post_id, "visitorId": f"visitor-{n}"}
            response = await http.post("/graphql", json={"query": LIKE, "variables": variables})
            return dict(response.json())

        bodies = await asyncio.gather(*(like(n) for n in range(CONCURRENT)))
        stored = (await Post.get(id=post.id)).like_count, await Like.filter(post_id=post.id).count()

    codes = [e["extensions"]["code"] for b in bodies for e in b.get("errors", [])]
    assert codes == []
    assert stored == (CONCURRENT, CONCURRENT)
