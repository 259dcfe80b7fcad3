"""The response cache: anonymous queries answer from memory until a mutation or the TTL."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

import pytest
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


def production(settings: Settings, ttl_s: float = 5.0, stale_s: int = 0) -> Settings:
    """The test settings as a deployment runs them: no debug, the cache on (serving
    nothing stale past `ttl_s` unless `stale_s` says)."""
    return dataclasses.replace(
        settings, debug=False, response_cache_ttl_s=ttl_s, stale_while_revalidate_s=stale_s
    )


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


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def answer(body: bytes, keys: str = "post:1") -> Response:
    return Response(body, media_type="application/json", headers={"surrogate-key": keys})


async def test_a_stale_answer_is_served_while_one_request_refreshes_it() -> None:
    clock = Clock()
    cache = ResponseCache(ttl_s=60, stale_s=30, clock=clock)
    release = asyncio.Event()
    runs = 0

    async def run() -> Response:
        nonlocal runs
        runs += 1
        if runs > 1:
            await release.wait()
        return answer(f'{{"data":{{"n":{runs}}}}}'.encode())

    first = await cache.answer("k", run)
    clock.now += 61  # stale, within stale-while-revalidate
    during = await asyncio.gather(*(cache.answer("k", run) for _ in range(10)))
    release.set()
    await cache.refreshed()
    refreshed = await cache.answer("k", run)
    clock.now += 61 + 31  # past both windows: executed again, waiting for it
    expired = await cache.answer("k", run)

    assert first.body == b'{"data":{"n":1}}'
    assert {bytes(r.body) for r in during} == {b'{"data":{"n":1}}'}
    assert refreshed.body == b'{"data":{"n":2}}'
    assert expired.body == b'{"data":{"n":3}}'
    assert runs == 3  # one refresh for the ten stale reads


async def test_a_stale_answer_stands_in_for_a_failure_within_stale_if_error() -> None:
    clock = Clock()
    cache = ResponseCache(ttl_s=60, stale_s=0, error_s=600, clock=clock)

    async def works() -> Response:
        return answer(b'{"data":{"ok":true}}')

    async def fails() -> Response:
        raise OSError("the database went away")

    async def errs() -> Response:
        return Response(b'{"errors":[{"message":"x"}]}', status_code=500)

    await cache.answer("k", works)
    clock.now += 120
    raised = await cache.answer("k", fails)
    answered_500 = await cache.answer("k", errs)
    clock.now += 600
    with pytest.raises(OSError, match="went away"):
        await cache.answer("k", fails)

    assert raised.body == answered_500.body == b'{"data":{"ok":true}}'


async def test_a_purge_drops_the_entries_of_its_keys_only() -> None:
    cache = ResponseCache(ttl_s=60, stale_s=60)
    cache.put("page-1", answer(b'{"data":1}', "post:1 post:1:comments"))
    cache.put("page-2", answer(b'{"data":2}', "post:2"))
    cache.put("feed", answer(b'{"data":3}', "post:1 post:2 posts"))

    dropped = cache.purge(["post:1:comments"])

    assert dropped == 1
    assert cache.get("page-1") is None
    assert cache.get("page-2") is not None
    assert cache.get("feed") is not None
    assert cache.purge(["post:2"]) == 2
    assert cache.get("feed") is None


async def test_an_answer_executed_across_a_purge_is_not_kept() -> None:
    cache = ResponseCache(ttl_s=60)
    started, finish = asyncio.Event(), asyncio.Event()

    async def slow() -> Response:
        started.set()
        await finish.wait()
        return answer(b'{"data":"read before the edit committed"}')

    running = asyncio.create_task(cache.answer("k", slow))
    await started.wait()
    cache.purge(["post:1"])
    finish.set()
    served = await running

    assert served.body == b'{"data":"read before the edit committed"}'
    assert cache.get("k") is None


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_an_answer_from_memory_has_the_executed_answers_bytes_and_headers(
    settings: Settings, method: str
) -> None:
    async with app_client(production(settings)) as http:
        await make_post("Kept", tags=["care"])

        def ask(headers: dict[str, str] | None = None) -> Any:
            if method == "GET":
                return http.get("/graphql", params={"query": TITLES}, headers=headers)
            return http.post("/graphql", json={"query": TITLES}, headers=headers)

        executed = await ask()
        # Changed behind the cache's back (no purge): what follows comes from memory.
        await Post.filter(title="Kept").update(title="Changed")
        cached = [await ask() for _ in range(2)]

        assert all(answer.content == executed.content for answer in cached)
        assert all(answer.headers == executed.headers for answer in cached)
        if method == "GET":
            assert "ETag" in executed.headers
            assert "post:" in executed.headers["Surrogate-Key"]
            revalidated = await ask({"If-None-Match": executed.headers["ETag"]})
            assert (revalidated.status_code, revalidated.content) == (304, b"")
            assert revalidated.headers["ETag"] == executed.headers["ETag"]
        else:
            assert executed.headers["Cache-Control"] == "no-store"
            assert "Surrogate-Key" not in executed.headers


async def test_answers_from_memory_pass_cors_and_metrics_and_keep_media_types_apart(
    settings: Settings,
) -> None:
    origin = "https://site.example"
    cors = dataclasses.replace(production(settings), cors_origins=(origin,))
    async with app_client(cors) as http:
        await make_post("Kept")

        def ask(accept: str = "application/json") -> Any:
            headers = {"Origin": origin, "Accept": accept}
            return http.post("/graphql", json={"query": TITLES}, headers=headers)

        executed = await ask()
        await Post.filter(title="Kept").update(title="Changed")
        cached = await ask()
        other_type = await ask("application/graphql-response+json")
        metrics = (await http.get("/metrics")).text

    assert cached.headers["access-control-allow-origin"] == origin
    assert (cached.content, cached.headers) == (executed.content, executed.headers)
    # A media type not asked for before is executed for itself (the row changed since).
    assert other_type.headers["content-type"] == "application/graphql-response+json"
    assert titles(other_type.json()) == [("Changed", 0)]
    assert 'cms_http_requests_total{method="POST",route="/graphql",status="200"} 3.0' in metrics
