"""A request's objects are freed as it ends, by reference counting alone.

Whatever a request builds inside a reference cycle waits for the garbage collector, and
the collector's pauses grow with all it waits for: under load they were most of the
executed p99. A post page and a feed leave nothing of the CMS, Strawberry or graphql-core
for the collector (`bench/README.md`, "The executed p99 was the garbage collector's").
The check runs in a process of its own (`tests/garbage_probe.py`), since the collector's
settings are the whole process's; the cycles it looks for are in code every database
shares, so SQLite shows them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

ROOT = Path(__file__).parents[2]


def test_a_post_page_and_a_feed_leave_nothing_to_collect(sqlite_url: str) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "tests.garbage_probe", sqlite_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    found = orjson.loads(run.stdout.splitlines()[-1])

    assert found["post_page"]["data"]["post"]["comments"]["totalCount"] == 3
    feed = found["feed"]["data"]["posts"]["edges"]
    assert [edge["node"]["slug"] for edge in feed] == [found["slug"]]
    assert found["left"] == []
