"""Import N generated articles into a fresh SQLite or PostgreSQL database.

    .venv/bin/python bench/import_articles.py --count 10000 --database sqlite
    .venv/bin/python bench/import_articles.py --count 10000 --database postgres

Files are written to a temporary folder first, then imported one by one exactly as
`cms import` does (one transaction per article); the resident memory is sampled as
it goes, to show that it stays flat.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

sys.path.insert(0, str(Path(__file__).parents[1]))

from bench.articles import articles
from cms.commands.articles import IMPORTER
from cms.db.lifecycle import database, migrate
from cms.services.article_import import import_article

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/cms_bench"


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def fresh_database(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        url = f"sqlite://{folder / 'bench.sqlite3'}"
    else:
        admin = await asyncpg.connect(PG_ADMIN)
        await admin.execute("DROP DATABASE IF EXISTS cms_bench WITH (FORCE)")
        await admin.execute("CREATE DATABASE cms_bench")
        await admin.close()
        url = PG_BENCH
    await migrate(url)
    return url


async def main(count: int, kind: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        for n, text in articles(count):
            path = folder / f"article-{n:06d}.txt"
            path.write_text(text, encoding="utf-8")
            files.append(path)
        url = await fresh_database(kind, folder)
        samples = []
        async with database(url):
            started = time.perf_counter()
            for i, path in enumerate(files, 1):
                await import_article(IMPORTER, path.read_text(encoding="utf-8"), source=str(path))
                if i % max(count // 10, 1) == 0:
                    samples.append((i, time.perf_counter() - started, rss_mib()))
        total = time.perf_counter() - started
    print(f"{kind}: {count:,} articles in {total:.1f} s ({count / total:,.0f} articles/s)")
    print("articles  seconds  RSS MiB")
    for done, seconds, rss in samples:
        print(f"{done:>8,}  {seconds:7.1f}  {rss:7.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.count, arguments.database))
