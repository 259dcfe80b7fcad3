"""/feed.xml (Atom, the newest published posts) and /sitemap.xml (every published post).

Both link to the reading site (`CMS_SITE_URL`: `{site}/posts/{slug}`), are public for
`CMS_FEED_MAX_AGE` seconds and carry an ETag and Last-Modified: the feed's from the
rows it lists (a revalidation that matches is answered 304 before anything is
rendered), the sitemap's from one aggregate (304 before any post is read). The sitemap
is written as it is read, batch by batch.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import quote
from xml.sax.saxutils import escape

from feedgen.feed import FeedGenerator
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from cms.http.caching import Freshness, tag_headers
from cms.runtime import Runtime
from cms.services import cache_purge, feeds
from cms.services.feeds import Version

ATOM = "application/atom+xml; charset=utf-8"
XML = "application/xml; charset=utf-8"
# Characters XML 1.0 cannot hold, even escaped.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_SITEMAP_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)


def _text(value: str) -> str:
    return _NOT_XML.sub("", value)


def post_url(site_url: str, slug: str) -> str:
    return f"{site_url}/posts/{quote(slug)}"


def _headers(request: Request, state: Version, kind: str) -> dict[str, str]:
    runtime: Runtime = request.app.state.runtime
    settings = runtime.settings
    # The document also depends on where it links to and the address it was asked at.
    tag = f"{kind}:{state.tag}:{settings.site_url}:{request.base_url}"
    freshness = Freshness(
        settings.feed_max_age_s, settings.stale_while_revalidate_s, settings.stale_if_error_s
    )
    headers = {
        "ETag": f'W/"{hashlib.sha256(tag.encode()).hexdigest()[:32]}"',
        "Cache-Control": freshness.cache_control(),
        # Any post's change purges them (services/cache_purge.py).
        **tag_headers(
            [
                cache_purge.SITE,
                cache_purge.POSTS,
                cache_purge.FEED if kind == "feed" else cache_purge.SITEMAP,
            ]
        ),
    }
    if state.last_modified is not None:
        headers["Last-Modified"] = format_datetime(state.last_modified.astimezone(UTC), usegmt=True)
    return headers


def _not_modified(request: Request, headers: dict[str, str], state: Version) -> bool:
    match = request.headers.get("if-none-match")
    if match is not None:
        return headers["ETag"] in match or match.strip() == "*"
    since = request.headers.get("if-modified-since")
    if since is None or state.last_modified is None:
        return False
    try:
        return state.last_modified.replace(microsecond=0) <= parsedate_to_datetime(since)
    except (TypeError, ValueError):
        return False


async def feed(request: Request) -> Response:
    posts, state = await feeds.newest_posts()
    headers = _headers(request, state, "feed")
    if _not_modified(request, headers, state):
        return Response(status_code=304, headers=headers)
    site = request.app.state.runtime.settings.site_url
    generator = FeedGenerator()
    generator.id(f"{site}/")
    generator.title("Newest posts")
    generator.link(href=f"{site}/", rel="alternate")
    generator.link(href=str(request.url_for("feed")), rel="self")
    generator.generator("cms")
    generator.updated(state.last_modified or datetime.now(UTC))
    for post in posts:
        url = post_url(site, post.slug)
        entry = generator.add_entry(order="append")
        entry.id(url)
        entry.title(_text(post.title))
        entry.link(href=url)
        entry.updated(post.updated_at)
        if post.published_at is not None:
            entry.published(post.published_at)
        if post.excerpt:
            entry.summary(_text(post.excerpt))
    return Response(generator.atom_str(pretty=True), media_type=ATOM, headers=headers)


async def _sitemap_body(site: str) -> AsyncIterator[bytes]:
    yield _SITEMAP_HEAD.encode()
    async for batch in feeds.sitemap_entries():
        lines = (
            f"<url><loc>{escape(post_url(site, entry.slug))}</loc>"
            f"<lastmod>{entry.updated_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}</lastmod></url>\n"
            for entry in batch
        )
        yield "".join(lines).encode()
    yield b"</urlset>\n"


async def sitemap(request: Request) -> Response:
    state = await feeds.sitemap_state()
    headers = _headers(request, state, "sitemap")
    if _not_modified(request, headers, state):
        return Response(status_code=304, headers=headers)
    site = request.app.state.runtime.settings.site_url
    return StreamingResponse(_sitemap_body(site), media_type=XML, headers=headers)
