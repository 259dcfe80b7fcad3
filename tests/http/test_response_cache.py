"""The response cache: anonymous queries answer from memory until a mutation or the TTL."""

from __future__ import annotations

import asyncio
import dataclasses

from starlette.responses import Response

from cms.api.ids import encode_id
from cms.http.response_cache import ResponseCache
from cms.models import Post
from cms.settings import Settings
from tests.conftest import app_client, graphql
from tests.factories import make_post, make_token

TITLES = "{ posts { edges { node { title likeCount } } } }"
LIKE = 'mutation ($id: ID!) { likePost(postId: $id, visitorId: "v-1") { likeCount } }'
RENAME = 'mutation ($id: ID!) { updatePost(id: $id, input: {title: "Renamed"}) { title } }'


def production(settings: Settings, ttl_s: float = 5.0) -> Settings:
    """The test settings as a deployment runs them: no debug, the cache on."""
    return dataclasses.replace(settings, debug=False, response_cache_ttl_s=ttl_s)


def titles(body: dict) -> list[tuple[str, int]]:
    return [(e["node"]["title"], e["node"]["likeCount"]) for e in body["data"]["posts"]["edges"]]


async def test_a_repeated_query_is_answered_from_memory_until_content_changes(
    settings: Settings,
) -> None:
    async with app_client(production(settings)) as http:
        post = await make_post("Before")
        token = await make_token()
        first = await graphql(http, TITLES)
        await Post.filter(id=post.id).update(title="Changed behind the cache")

        cached = await graphql(http, TITLES)
        refused = await graphql(http, RENAME, {"id": encode_id("Post", post.id)})
        after_refused = await graphql(http, TITLES)
        liked = await graphql(http, LIKE, {"id": encode_id("Post", post.id)})
        after_like = await graphql(http, TITLES)
        await graphql(http, RENAME, {"id": encode_id("Post", post.id)}, token=token)
        fresh = await graphql(http, TITLES)

    assert titles(first) == titles(cached) == [("Before", 0)]
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert titles(after_refused) == [("Before", 0)]  # anonymous callers cannot empty it
    assert liked["data"]["likePost"]["likeCount"] == 1  # the liker sees the count at once
    assert titles(after_like) == [("Before", 0)]  # readers within the TTL
    assert titles(fresh) == [("Renamed", 1)]


async def test_entries_expire_and_editors_are_never_served_from_it(settings: Settings) -> None:
    async with app_client(production(settings, ttl_s=0.3)) as http:
        post = await make_post("Before")
        token = await make_token()
        await graphql(http, TITLES)
        await Post.filter(id=post.id).update(title="After")

        editor = await graphql(http, TITLES, token=token)
        await asyncio.sleep(0.4)
        expired = await graphql(http, TITLES)

    assert titles(editor) == [("After", 0)]
    assert titles(expired) == [("After", 0)]


def test_errors_and_failures_are_not_kept() -> None:
    cache = ResponseCache(ttl_s=5)
    cache.put("ok", Response(b'{"data":{"posts":null}}', media_type="application/json"))
    cache.put("error", Response(b'{"data":null,"errors":[]}', media_type="application/json"))
    cache.put("failure", Response(b"{}", status_code=500, media_type="application/json"))

    assert cache.get("ok") is not None
    assert cache.get("error") is None
    assert cache.get("failure") is None


async def test_oversized_documents_are_refused_before_the_cache_reads_them(
    settings: Settings,
) -> None:
    huge = "{ posts { " + " ".join(["totalCount"] * 2100) + " } }"
    async with app_client(production(settings)) as http:
        body = await graphql(http, huge)

    assert [e["extensions"]["code"] for e in body["errors"]] == ["QUERY_TOO_COMPLEX"]


async def test_requests_missing_together_run_the_query_once(settings: Settings) -> None:
    from cms.db.statements import count_statements

    async with app_client(production(settings)) as http:
        await make_post("Shared")
        with count_statements() as alone:
            await graphql(http, "{ posts(first: 3) { edges { node { title } } } }")
        with count_statements() as together:
            bodies = await asyncio.gather(*(graphql(http, TITLES) for _ in range(20)))

    assert alone.count == 1
    assert together.count == 1  # one execution for the 20 requests
    assert [titles(body) for body in bodies] == [[("Shared", 0)]] * 20


async def test_waiters_run_their_own_request_when_the_first_answer_is_not_cacheable() -> None:
    cache = ResponseCache(ttl_s=5)
    runs = 0

    async def failing() -> Response:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.01)
        return Response(b'{"errors":[{"message":"x"}]}', media_type="application/json")

    answers = await asyncio.gather(*(cache.answer("k", failing) for _ in range(5)))

    assert runs == 5
    assert {bytes(a.body) for a in answers} == {b'{"errors":[{"message":"x"}]}'}
    assert cache.get("k") is None
