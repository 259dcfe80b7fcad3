"""`cms serve` as a real process: uvicorn, the lifespan and the ORM context together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.conftest import BROWSER
from tests.processes import free_port, wait_until_healthy
from tests.seed_article import SEED_SLUG, SEED_TITLE

ROOT = Path(__file__).parents[2]


def seeded_server(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """`cms seed`, then `cms serve` with `env`; its output is kept for the test."""
    subprocess.run([sys.executable, "-m", "cms", "seed"], env=env, cwd=ROOT, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "cms", "serve"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return server, f"http://127.0.0.1:{env['CMS_PORT']}"


def test_cms_serve_answers_queries_over_a_socket(sqlite_url: str) -> None:
    env = {**os.environ, "CMS_DATABASE_URL": sqlite_url, "CMS_PORT": str(free_port())}
    server, base = seeded_server(env)
    try:
        wait_until_healthy(server, base)
        query = "{ posts(first: 5) { edges { node { slug title } } } }"
        body = httpx.post(f"{base}/graphql", json={"query": query}, timeout=10).json()
        ready = httpx.get(f"{base}/readyz", timeout=5)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)

    assert body["data"]["posts"]["edges"] == [{"node": {"slug": SEED_SLUG, "title": SEED_TITLE}}]
    assert ready.status_code == 200
    assert "Application shutdown complete." in output  # the lifespan closed the database
    assert "Traceback" not in output


def test_sigterm_writes_buffered_views_and_stops_promptly(sqlite_url: str) -> None:
    env = {
        **os.environ,
        "CMS_DATABASE_URL": sqlite_url,
        "CMS_PORT": str(free_port()),
        "CMS_VIEW_FLUSH_INTERVAL_S": "3600",  # nothing is written until the server stops
    }
    server, base = seeded_server(env)
    view = "mutation($id: ID!, $v: String) { recordView(postId: $id, visitorId: $v) { viewCount } }"
    try:
        wait_until_healthy(server, base)
        post = httpx.post(
            f"{base}/graphql", json={"query": f'{{ post(slug: "{SEED_SLUG}") {{ id }} }}'}
        ).json()["data"]["post"]
        counts = [
            httpx.post(
                f"{base}/graphql",
                json={"query": view, "variables": {"id": post["id"], "v": f"visitor-{n}"}},
                headers={"User-Agent": BROWSER},
            ).json()["data"]["recordView"]["viewCount"]
            for n in range(7)
        ]
    finally:
        server.terminate()
        stopping = time.monotonic()
        output, _ = server.communicate(timeout=20)
    stopped_in = time.monotonic() - stopping

    stored = subprocess.run(
        [sys.executable, "-c", _STORED_VIEWS, sqlite_url.removeprefix("sqlite://"), SEED_SLUG],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert counts == list(range(counts[0], counts[0] + 7))
    # Uvicorn finishes its graceful shutdown, then ends by the signal it was sent.
    assert server.returncode == -signal.SIGTERM
    assert "Application shutdown complete." in output
    assert stopped_in < 10
    assert stored == str(counts[-1])  # the seed's views and all seven new ones
    assert "Traceback" not in output


_STORED_VIEWS = """
import sqlite3, sys
row = sqlite3.connect(sys.argv[1]).execute(
    "SELECT view_count FROM post WHERE slug = ?", (sys.argv[2],)).fetchone()
print(row[0])
"""
