"""`/`: what the server is, with its addresses."""

from __future__ import annotations

import re

import httpx
import pytest

from cms.settings import Settings


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, site_url="https://read.example/?a=1&b=2")


async def test_the_home_page_links_every_address(client: httpx.AsyncClient) -> None:
    response = await client.get("/")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    links = re.findall(r'href="([^"]+)"', response.text)
    assert links == [
        "/graphql",
        "https://read.example/?a=1&amp;b=2",
        "/feed.xml",
        "/sitemap.xml",
        "/healthz",
        "/readyz",
    ]
    for path in ("/graphql", "/feed.xml", "/sitemap.xml", "/healthz", "/readyz"):
        linked = await client.get(path, headers={"Accept": "text/html"})
        assert linked.status_code == 200, path
