"""The floor: the benchmark's two answers from hand-written SQL + orjson in bare Starlette.

    CMS_DATABASE_URL=sqlite://./site.sqlite3 uvicorn bench.floor:app

`POST /graphql` answers the two benchmark documents (told apart by `operationName`)
with the same JSON the CMS gives, through aiosqlite as the CMS does, 3 statements for
the post page and 1 for the feed (`x-statements` says how many). `POST /bytes` answers
the same bodies with bytes computed once: the cost of the HTTP stack alone.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiosqlite
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DATABASE = os.environ.get("CMS_DATABASE_URL", "sqlite://./cms.sqlite3").removeprefix("sqlite://")

POST = (
    "SELECT id, title, like_count, view_count FROM post WHERE slug = ? "
    "AND status IN ('PUBLISHED', 'SCHEDULED') AND published_at <= ?"
)
SECTIONS = "SELECT heading, body FROM section WHERE post_id = ? ORDER BY position"
STORIES = "SELECT name, quote FROM story WHERE post_id = ? ORDER BY position, id"
COMMENTS = (
    "SELECT author, body, created_at FROM comment WHERE post_id = ? AND parent_id IS NULL "
    "AND status = 'APPROVED' ORDER BY created_at, id LIMIT 20"
)
FEED = (
    "SELECT slug, title, excerpt, like_count FROM post WHERE status IN ('PUBLISHED', "
    "'SCHEDULED') AND published_at <= ? ORDER BY feed_at DESC, id DESC LIMIT 20"
)

state: dict[str, Any] = {}


def _now() -> str:
    from datetime import UTC, datetime

    return str(datetime.now(UTC))


async def post_page(db: aiosqlite.Connection, slug: str) -> tuple[dict[str, Any], int]:
    async with db.execute(POST, (slug, _now())) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return {"data": {"post": None}}, 1
    post_id = row[0]
    # Sections and stories in one statement, as a hand-written page would.
    async with db.execute(
        f"SELECT 's', heading, body FROM ({SECTIONS}) UNION ALL "
        f"SELECT 't', name, quote FROM ({STORIES})",
        (post_id, post_id),
    ) as cursor:
        parts = await cursor.fetchall()
    async with db.execute(COMMENTS, (post_id,)) as cursor:
        comments = await cursor.fetchall()
    post = {
        "title": row[1],
        "likeCount": row[2],
        "viewCount": row[3],
        "sections": [{"heading": a, "body": b} for kind, a, b in parts if kind == "s"],
        "stories": [{"name": a, "quote": b} for kind, a, b in parts if kind == "t"],
        "comments": {
            "edges": [
                {"node": {"author": a, "body": b, "createdAt": c.replace(" ", "T", 1)}}
                for a, b, c in comments
            ]
        },
    }
    return {"data": {"post": post}}, 3


async def feed(db: aiosqlite.Connection) -> tuple[dict[str, Any], int]:
    async with db.execute(FEED, (_now(),)) as cursor:
        rows = await cursor.fetchall()
    edges = [{"node": {"slug": s, "title": t, "excerpt": e, "likeCount": n}} for s, t, e, n in rows]
    return {"data": {"posts": {"edges": edges}}}, 1


async def answer(body: bytes) -> tuple[bytes, int]:
    payload = orjson.loads(body)
    db = state["db"]
    if payload.get("operationName") == "BenchPost":
        data, statements = await post_page(db, payload["variables"]["slug"])
    else:
        data, statements = await feed(db)
    return orjson.dumps(data), statements


async def graphql(request: Request) -> Response:
    content, statements = await answer(await request.body())
    return Response(
        content, media_type="application/json", headers={"x-statements": str(statements)}
    )


async def precomputed(request: Request) -> Response:
    body = await request.body()
    content = state["bytes"].get(body)
    if content is None:
        content = state["bytes"][body] = (await answer(body))[0]
    return Response(content, media_type="application/json", headers={"x-statements": "0"})


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    state["db"] = await aiosqlite.connect(DATABASE)
    state["bytes"] = {}
    try:
        yield
    finally:
        await state["db"].close()


app = Starlette(
    routes=[
        Route("/graphql", graphql, methods=["POST"]),
        Route("/bytes", precomputed, methods=["POST"]),
    ],
    lifespan=lifespan,
)
