"""Request bodies are bounded in size (413) and in time (408), in GraphQL's error shape."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import orjson

from cms.settings import Limits, Settings
from tests.conftest import app_client

JSON = {"content-type": "application/json"}
MIB = 1024 * 1024
TOO_LARGE = (
    "The request body is larger than the limit of 1,048,576 bytes (1 MiB): send a smaller request."
)


def padded_query(size: int) -> bytes:
    """A valid request body of exactly `size` bytes."""
    head, tail = b'{"query": "{ __typename }", "operationName": null', b"}"
    return head + b" " * (size - len(head) - len(tail)) + tail


async def test_a_body_over_the_default_limit_is_refused_with_413(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", content=padded_query(MIB + 1), headers=JSON)

    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    assert response.headers["connection"] == "close"
    assert response.json() == {
        "errors": [{"message": TOO_LARGE, "extensions": {"code": "BAD_USER_INPUT"}}]
    }


async def test_a_body_at_the_limit_is_answered(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", content=padded_query(MIB), headers=JSON)

    assert response.status_code == 200
    assert response.json()["data"] == {"__typename": "Query"}


async def test_a_chunked_body_is_refused_once_it_passes_the_limit_and_read_no_further(
    client: httpx.AsyncClient,
) -> None:
    chunk = b" " * (64 * 1024)
    sent = 0

    async def ten_mebibytes() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(160):
            sent += 1
            yield chunk

    response = await client.post("/graphql", content=ten_mebibytes(), headers=JSON)

    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert response.json()["errors"][0]["message"] == TOO_LARGE
    assert sent == 17  # 16 chunks make 1 MiB: the 17th passes the limit, no more is read


async def test_a_body_that_stops_arriving_is_refused_with_408(settings: Settings) -> None:
    slow = Settings(database_url=settings.database_url, limits=Limits(body_timeout_s=0.2))

    async def stalls() -> AsyncIterator[bytes]:
        yield b'{"query": '
        await asyncio.sleep(5)
        yield b'"{ __typename }"}'

    async with app_client(slow) as http:
        response = await asyncio.wait_for(http.post("/graphql", content=stalls(), headers=JSON), 10)

    assert response.status_code == 408
    assert response.json() == {
        "errors": [
            {
                "message": "The request body did not arrive within 0.2 s: send it at once.",
                "extensions": {"code": "BAD_USER_INPUT"},
            }
        ]
    }


async def test_the_limit_is_configurable_and_says_its_size(settings: Settings) -> None:
    small = Settings(database_url=settings.database_url, limits=Limits(max_body_bytes=100))
    body = orjson.dumps({"query": "{ __typename }", "variables": {"pad": "x" * 100}})

    async with app_client(small) as http:
        refused = await http.post("/graphql", content=body, headers=JSON)
        answered = await http.post("/graphql", json={"query": "{ __typename }"})

    assert refused.status_code == 413
    assert refused.json()["errors"][0]["message"] == (
        "The request body is larger than the limit of 100 bytes: send a smaller request."
    )
    assert answered.json()["data"] == {"__typename": "Query"}
