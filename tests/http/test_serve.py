"""`cms serve` as a real process: uvicorn, the lifespan and the ORM context together."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.seed_article import SEED_SLUG, SEED_TITLE

ROOT = Path(__file__).parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_cms_serve_answers_queries_over_a_socket(sqlite_url: str) -> None:
    env = {**os.environ, "CMS_DATABASE_URL": sqlite_url, "CMS_PORT": str(free_port())}
    subprocess.run([sys.executable, "-m", "cms", "seed"], env=env, cwd=ROOT, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "cms", "serve"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{env['CMS_PORT']}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
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
