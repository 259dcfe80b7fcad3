"""Run by `tests/http/test_request_garbage.py` in a process of its own (the collector's
settings are process-wide): a post page and a feed through the ASGI app on a migrated
SQLite database, then prints as JSON the answers and the CMS, Strawberry and
graphql-core types that one collection found unreachable.

    python -m tests.garbage_probe sqlite:///path/to/migrated.sqlite3
"""

from __future__ import annotations

import asyncio
import gc
import sys
from pathlib import Path
from typing import Any

import orjson

from cms.db.lifecycle import close_database, open_database
from cms.settings import Settings
from tests.conftest import app_client, graphql
from tests.factories import make_comment, make_post

OPERATIONS = Path(__file__).parents[1] / "schema" / "operations"
POST_PAGE = (OPERATIONS / "post-page.graphql").read_text()
FEED = "{ posts(first: 20) { edges { node { slug title excerpt likeCount viewCount tags } } } }"
OWN_MODULES = ("cms", "strawberry", "graphql")


def _own(objects: list[object]) -> list[str]:
    names = {
        f"{type(o).__module__}.{type(o).__qualname__}"
        for o in objects
        if type(o).__module__.split(".")[0] in OWN_MODULES
    }
    return sorted(names)


async def probe(database_url: str) -> dict[str, Any]:
    await open_database(database_url)
    try:
        post = await make_post(sections=[(None, "Lead."), ("Why", "Because.")], tags=["care"])
        for n in range(3):
            parent = await make_comment(post, f"Comment {n}")
            await make_comment(post, "A reply.", parent=parent)
    finally:
        await close_database()
    page = {"slug": post.slug, "visitorId": "reader-1"}
    async with app_client(Settings(database_url=database_url, debug=True)) as http:
        # Documents are parsed and validated once, plans compiled once: warm them.
        await graphql(http, POST_PAGE, page)
        await graphql(http, FEED)
        gc.collect()
        gc.disable()  # one collection, right after, sees all the requests left
        answered = await graphql(http, POST_PAGE, page)
        fed = await graphql(http, FEED)
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = _own(gc.garbage)
    return {"post_page": answered, "feed": fed, "slug": post.slug, "left": left}


if __name__ == "__main__":
    print(orjson.dumps(asyncio.run(probe(sys.argv[1]))).decode())
