"""A generated site in the benchmark's shape, written straight into a migrated database.

Each post has 6 sections (a lead and 5 headed ones), 2 stories, 25 approved top-level
comments (the first two with 2 replies each), one held comment, about 4 KB of search
text and 2 of 20 tags; one post in 50 is a draft. Ids are explicit and everything is
deterministic, so two sites of the same size are identical.

    .venv/bin/python bench/site.py --posts 20000 --database sqlite://./big.sqlite3

Used by `bench/side_by_side.py` and by the query-plan tests.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from tortoise.connection import get_connection  # noqa: E402

from bench.articles import WORDS  # noqa: E402

SECTIONS = 6
STORIES = 2
COMMENTS = 25
REPLIES = 2
TAGS = 20
BATCH = 2000
START = datetime(2020, 1, 1, tzinfo=UTC)


def slug_of(number: int) -> str:
    return f"generated-post-{number}"


def _sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


class _Rows:
    """Every row of the site, table by table, with ids counted from 1."""

    def __init__(self, posts: int) -> None:
        self.posts = posts

    def post_rows(self) -> Iterator[tuple[Any, ...]]:
        rng = random.Random(1)
        for n in range(1, self.posts + 1):
            at = START + timedelta(minutes=37 * n)
            status = "DRAFT" if n % 50 == 0 else "PUBLISHED"
            published = None if status == "DRAFT" else at
            title = f"Post {n}: {_sentence(rng, 6)[:-1]}"
            excerpt = _sentence(rng, 24)
            search = " ".join(_sentence(rng, 12) for _ in range(55))
            yield (
                n, slug_of(n), title, excerpt, status, published, at, at, at,
                rng.randrange(500), rng.randrange(5000), COMMENTS + REPLIES * 2, search,
                status != "DRAFT",
            )  # fmt: skip

    def section_rows(self) -> Iterator[tuple[Any, ...]]:
        rng = random.Random(2)
        for n in range(1, self.posts + 1):
            for position in range(SECTIONS):
                heading = None if position == 0 else _sentence(rng, 4)[:-1]
                paragraphs = [_sentence(rng, 18) for _ in range(3)]
                body = "\n\n".join(paragraphs)
                html = "".join(f"<p>{p}</p>\n" for p in paragraphs)
                yield ((n - 1) * SECTIONS + position + 1, n, position, heading, body, html)

    def story_rows(self) -> Iterator[tuple[Any, ...]]:
        rng = random.Random(3)
        for n in range(1, self.posts + 1):
            for i in range(STORIES):
                section = (n - 1) * SECTIONS + 2 + i * 2
                kind = "EXPERT" if i == 0 else "PERSONAL"
                name = rng.choice(("Dr. Ana Ruiz", "Sarah", "Tom", "Prof. Lee"))
                lead = f"{name} says:"
                yield ((n - 1) * STORIES + i + 1, n, section, 1, kind, name, None, lead,
                       _sentence(rng, 20))  # fmt: skip

    def comment_rows(self) -> Iterator[tuple[Any, ...]]:
        rng = random.Random(4)
        per_post = COMMENTS + REPLIES * 2 + 1
        for n in range(1, self.posts + 1):
            base = (n - 1) * per_post
            at = START + timedelta(minutes=37 * n)
            for i in range(COMMENTS):
                body = _sentence(rng, 14)
                yield (base + i + 1, n, None, 0, f"Reader {i}", body, f"<p>{body}</p>\n",
                       "APPROVED", at + timedelta(minutes=i + 1), True)  # fmt: skip
            for parent in range(REPLIES):
                for r in range(REPLIES):
                    body = _sentence(rng, 8)
                    yield (base + COMMENTS + parent * REPLIES + r + 1, n, base + parent + 1, 1,
                           f"Replier {r}", body, f"<p>{body}</p>\n", "APPROVED",
                           at + timedelta(hours=2, minutes=r), True)  # fmt: skip
            yield (base + per_post, n, None, 0, "Held", "Buy now", "<p>Buy now</p>\n",
                   "PENDING", at + timedelta(hours=3), False)  # fmt: skip

    def tag_rows(self) -> Iterator[tuple[Any, ...]]:
        return ((i, f"tag-{i}") for i in range(1, TAGS + 1))

    def post_tag_rows(self) -> Iterator[tuple[Any, ...]]:
        for n in range(1, self.posts + 1):
            yield (n, n % TAGS + 1)
            yield (n, (n * 7 + 3) % TAGS + 1)


TABLES: dict[str, tuple[str, ...]] = {
    "tag": ("id", "name"),
    "post": (
        "id",
        "slug",
        "title",
        "excerpt",
        "status",
        "published_at",
        "feed_at",
        "created_at",
        "updated_at",
        "like_count",
        "view_count",
        "comment_count",
        "search_text",
        "was_published",
    ),
    "post_tag": ("post_id", "tag_id"),
    "section": ("id", "post_id", "position", "heading", "body", "html"),
    "story": (
        "id",
        "post_id",
        "section_id",
        "position",
        "kind",
        "name",
        "descriptor",
        "lead",
        "quote",
    ),
    "comment": (
        "id",
        "post_id",
        "parent_id",
        "depth",
        "author",
        "body",
        "html",
        "status",
        "created_at",
        "is_public",
    ),
}


def _sqlite_value(value: Any) -> Any:
    return str(value) if isinstance(value, datetime) else value


async def generate_site(posts: int) -> None:
    """Write the site into the default Tortoise connection (an empty, migrated database)."""
    connection = get_connection("default")
    sqlite = connection.capabilities.dialect == "sqlite"
    rows = _Rows(posts)
    sources = {
        "tag": rows.tag_rows,
        "post": rows.post_rows,
        "post_tag": rows.post_tag_rows,
        "section": rows.section_rows,
        "story": rows.story_rows,
        "comment": rows.comment_rows,
    }
    for table, columns in TABLES.items():
        marks = ", ".join("?" if sqlite else f"${i + 1}" for i in range(len(columns)))
        names = ", ".join(f'"{c}"' for c in columns)
        sql = f'INSERT INTO "{table}" ({names}) VALUES ({marks})'
        batch: list[Sequence[Any]] = []
        for row in sources[table]():
            batch.append([_sqlite_value(v) for v in row] if sqlite else row)
            if len(batch) == BATCH:
                await connection.execute_many(sql, batch)
                batch = []
        if batch:
            await connection.execute_many(sql, batch)
    if not sqlite:
        for table in ("tag", "post", "section", "story", "comment"):
            await connection.execute_script(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
            )


async def _main(posts: int, database_url: str) -> None:
    from cms.db.lifecycle import database, migrate, refresh_statistics

    await migrate(database_url)
    async with database(database_url):
        await generate_site(posts)
        await refresh_statistics()  # as `cms import` leaves a database


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--database", required=True, help="an empty database's URL")
    args = parser.parse_args()
    asyncio.run(_main(args.posts, args.database))
