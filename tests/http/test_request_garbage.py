"""A request's objects are freed as it ends, by reference counting alone.

Whatever a request builds inside a reference cycle waits for the garbage collector, and
the collector's pauses grow with all it waits for: under load they were most of the
executed p99. A post page and a feed leave nothing of the CMS, Strawberry or graphql-core
for the collector (`bench/README.md`, "The executed p99 was the garbage collector's").
"""

from __future__ import annotations

import gc
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import graphql
from tests.factories import make_comment, make_post

OPERATIONS = Path(__file__).parents[2] / "schema" / "operations"
POST_PAGE = (OPERATIONS / "post-page.graphql").read_text()
FEED = "{ posts(first: 20) { edges { node { slug title excerpt likeCount viewCount tags } } } }"
OWN_MODULES = ("cms", "strawberry", "graphql")


async def _left_by(requests: Callable[[], Awaitable[None]]) -> list[str]:
    """The CMS, Strawberry and graphql-core types of what `requests` left for the collector.

    Automatic collection is off meanwhile, so that one collection, made right after,
    sees all of it; only that collection keeps what it finds (`DEBUG_SAVEALL`)."""

    gc.collect()
    gc.disable()
    try:
        await requests()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            gc.collect()
            found = _own(gc.garbage)
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
    finally:
        gc.enable()
    gc.collect()
    return found


def _own(objects: list[object]) -> list[str]:
    names = {
        f"{type(o).__module__}.{type(o).__qualname__}"
        for o in objects
        if type(o).__module__.split(".")[0] in OWN_MODULES
    }
    return sorted(names)


async def test_a_post_page_and_a_feed_leave_nothing_to_collect(client: httpx.AsyncClient) -> None:
    post = await make_post(sections=[(None, "Lead."), ("Why", "Because.")], tags=["care"])
    for n in range(3):
        parent = await make_comment(post, f"Comment {n}")
        await make_comment(post, "A reply.", parent=parent)
    page = {"slug": post.slug, "visitorId": "reader-1"}
    # Documents are parsed and validated once, plans compiled once: warm them.
    assert "errors" not in await graphql(client, POST_PAGE, page)
    assert "errors" not in await graphql(client, FEED)
    answers: list[dict[str, Any]] = []

    async def read() -> None:
        answers.append(await graphql(client, POST_PAGE, page))
        answers.append(await graphql(client, FEED))

    left = await _left_by(read)

    answered, fed = answers
    assert answered["data"]["post"]["comments"]["totalCount"] == 3
    assert [edge["node"]["slug"] for edge in fed["data"]["posts"]["edges"]] == [post.slug]
    assert left == []
