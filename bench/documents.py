"""The two documents every server in the side-by-side benchmark answers."""

from __future__ import annotations

import json

POST_PAGE = """query BenchPost($slug: String!) {
  post(slug: $slug) {
    title likeCount viewCount
    sections { heading body }
    stories { name quote }
    comments(first: 20) { edges { node { author body createdAt } } }
  }
}"""

FEED = """query BenchFeed {
  posts(first: 20) { edges { node { slug title excerpt likeCount } } }
}"""


def post_page_body(slug: str) -> bytes:
    return json.dumps(
        {"query": POST_PAGE, "operationName": "BenchPost", "variables": {"slug": slug}}
    ).encode()


def feed_body() -> bytes:
    return json.dumps({"query": FEED, "operationName": "BenchFeed", "variables": {}}).encode()
