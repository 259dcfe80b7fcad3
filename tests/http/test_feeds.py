"""/feed.xml and /sitemap.xml: published posts only, escaped, cacheable, revalidated."""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from datetime import timedelta

import httpx
import pytest
from tortoise import timezone

from cms.enums import PostStatus
from cms.models import Post
from cms.services import feeds
from cms.settings import Settings
from tests.factories import make_post

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = "https://read.example"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, debug=True, site_url=SITE)


async def _hidden_posts() -> None:
    await make_post("A draft", status=PostStatus.DRAFT)
    await make_post("Archived", status=PostStatus.ARCHIVED)
    later = timezone.now() + timedelta(days=1)
    await make_post("Tomorrow", status=PostStatus.SCHEDULED, published_at=later)


async def test_the_feed_lists_published_posts_newest_first(client: httpx.AsyncClient) -> None:
    older = await make_post("Older", excerpt="The first one.")
    newer = await make_post("Newer", excerpt="The second one.")
    await Post.filter(id=older.id).update(published_at=timezone.now() - timedelta(days=2))
    await Post.filter(id=older.id).update(feed_at=timezone.now() - timedelta(days=2))
    await _hidden_posts()

    response = await client.get("/feed.xml")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert response.headers["cache-control"] == (
        "public, max-age=300, stale-while-revalidate=30, stale-if-error=86400"
    )
    assert response.headers["surrogate-key"] == "feed posts site"
    assert response.headers["cache-tag"] == "feed,posts,site"
    root = ElementTree.fromstring(response.content)
    assert root.findtext(f"{ATOM}id") == f"{SITE}/"
    entries = [
        (
            entry.findtext(f"{ATOM}title"),
            entry.find(f"{ATOM}link").get("href"),  # type: ignore[union-attr]
            entry.findtext(f"{ATOM}summary"),
        )
        for entry in root.iter(f"{ATOM}entry")
    ]
    assert entries == [
        ("Newer", f"{SITE}/posts/{newer.slug}", "The second one."),
        ("Older", f"{SITE}/posts/{older.slug}", "The first one."),
    ]


async def test_hostile_titles_are_escaped(client: httpx.AsyncClient) -> None:
    title = '</title><script>alert("x")</script> & \x01 <![CDATA[ ]]>'
    post = await make_post("Placeholder", excerpt="<b>bold</b> & ]]>")
    await Post.filter(id=post.id).update(title=title)

    response = await client.get("/feed.xml")

    assert b"<script>" not in response.content
    entry = ElementTree.fromstring(response.content).find(f"{ATOM}entry")
    assert entry is not None
    assert entry.findtext(f"{ATOM}title") == title.replace("\x01", "")
    assert entry.findtext(f"{ATOM}summary") == "<b>bold</b> & ]]>"


async def test_the_feed_holds_the_fifty_newest(client: httpx.AsyncClient) -> None:
    made = [await make_post(f"Post {n}") for n in range(feeds.FEED_SIZE + 2)]

    response = await client.get("/feed.xml")

    titles = [
        e.findtext(f"{ATOM}title")
        for e in ElementTree.fromstring(response.content).iter(f"{ATOM}entry")
    ]
    # make_post publishes each a minute before the previous one: the first made is newest.
    assert titles == [post.title for post in made[: feeds.FEED_SIZE]]


async def test_the_sitemap_lists_every_published_post(client: httpx.AsyncClient) -> None:
    posts = [await make_post(f"Page {n}") for n in range(3)]
    await _hidden_posts()

    response = await client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/xml; charset=utf-8"
    root = ElementTree.fromstring(response.content)
    urls = [u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")]
    assert urls == [f"{SITE}/posts/{post.slug}" for post in posts]
    stored = await Post.get(id=posts[0].id)
    lastmod = root.find(f"{SITEMAP}url/{SITEMAP}lastmod")
    assert lastmod is not None
    assert lastmod.text == f"{stored.updated_at:%Y-%m-%dT%H:%M:%SZ}"


async def test_the_sitemap_is_read_in_batches_up_to_its_limit(db: str) -> None:
    posts = [await make_post(f"Page {n}") for n in range(7)]

    batches = [
        [entry.slug for entry in batch] async for batch in feeds.sitemap_entries(limit=6, batch=4)
    ]

    slugs = [post.slug for post in posts]
    assert batches == [slugs[:4], slugs[4:6]]


@pytest.mark.parametrize("path", ["/feed.xml", "/sitemap.xml"])
async def test_a_matching_revalidation_is_answered_304(
    client: httpx.AsyncClient, path: str
) -> None:
    post = await make_post("Cached")
    first = await client.get(path)
    etag = first.headers["etag"]

    same = await client.get(path, headers={"If-None-Match": etag})
    since = await client.get(path, headers={"If-Modified-Since": first.headers["last-modified"]})
    await Post.filter(id=post.id).update(
        title="Edited", updated_at=timezone.now() + timedelta(seconds=5)
    )
    changed = await client.get(path, headers={"If-None-Match": etag})

    assert (same.status_code, same.content) == (304, b"")
    assert same.headers["etag"] == etag
    assert since.status_code == 304
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


@pytest.mark.parametrize("path", ["/feed.xml", "/sitemap.xml"])
async def test_publishing_or_unpublishing_changes_the_etag(
    client: httpx.AsyncClient, path: str
) -> None:
    post = await make_post("First")
    before = (await client.get(path)).headers["etag"]
    draft = await make_post("Second", status=PostStatus.DRAFT)
    with_draft = (await client.get(path)).headers["etag"]
    await Post.filter(id=draft.id).update(
        status=PostStatus.PUBLISHED, published_at=timezone.now() - timedelta(days=9)
    )
    published = (await client.get(path)).headers["etag"]
    await Post.filter(id=post.id).update(status=PostStatus.DRAFT)
    unpublished = (await client.get(path)).headers["etag"]

    if path == "/feed.xml":  # the sitemap's version moves with any post's latest edit
        assert with_draft == before
    assert len({before, published, unpublished}) == 3


async def test_an_empty_site_has_empty_documents(client: httpx.AsyncClient) -> None:
    feed = await client.get("/feed.xml")
    sitemap = await client.get("/sitemap.xml")

    assert list(ElementTree.fromstring(feed.content).iter(f"{ATOM}entry")) == []
    assert "last-modified" not in feed.headers
    assert sitemap.text == (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n</urlset>\n'
    )
