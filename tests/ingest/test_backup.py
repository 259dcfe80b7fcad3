"""`cms dump` / `cms load`: a dump loaded into an empty database answers the same."""

from __future__ import annotations

import json

import httpx
import pytest

from cms.errors import Conflict, InvalidInput
from cms.ingest.backup import dump_site, load_site
from cms.models import Like, Post, Revision, Tag
from cms.services.article_import import import_article
from tests.conftest import graphql
from tests.factories import EDITOR, make_comment, make_post
from tests.seed_article import ALL_ARTICLES

ARTICLES = ALL_ARTICLES

EVERYTHING = """
{
  posts(first: 20, orderBy: OLDEST) {
    totalCount
    edges { cursor node {
      id slug title excerpt status publishedAt createdAt updatedAt tags likeCount viewCount
      commentCount text
      sections { id position heading body html stories { id name } }
      stories { id kind name descriptor lead quote section { id } }
      comments(first: 10) { totalCount edges { node {
        id author body html status createdAt replies(first: 5) { edges { node { id body } } }
      } } }
    } }
  }
}
"""


async def test_load_into_an_empty_database_reproduces_every_query_result(
    client: httpx.AsyncClient,
) -> None:
    for path in ARTICLES:
        await import_article(EDITOR, path.read_text(encoding="utf-8"))
    post = await make_post("Tagged", tags=["health", "news"])
    parent = await make_comment(post, "Top")
    await make_comment(post, "A reply", parent=parent)
    await Like.create(post=post, visitor_id="v1")
    await Revision.create(post=post, editor="alice", previous={"title": "Draft title"})
    before = await graphql(client, EVERYTHING)
    assert "errors" not in before, before
    document = json.loads(json.dumps(await dump_site()))

    await Post.all().delete()
    await Tag.all().delete()
    assert (await graphql(client, EVERYTHING))["data"]["posts"]["totalCount"] == 0
    counts = await load_site(document)

    after = await graphql(client, EVERYTHING)
    assert after["data"] == before["data"]
    assert counts["posts"] == len(ARTICLES) + 1
    assert counts["likes"] == 1
    assert await Like.filter(post_id=post.id, visitor_id="v1").exists()
    revision = await Revision.get(post_id=post.id)
    assert (revision.editor, revision.previous) == ("alice", {"title": "Draft title"})
    fresh = await make_post("After load")
    assert fresh.id > post.id


async def test_load_refuses_a_database_with_posts_and_a_foreign_file(db: str) -> None:
    await make_post("Existing", tags=["kept"])
    document = await dump_site()

    with pytest.raises(Conflict):
        await load_site(document)
    with pytest.raises(InvalidInput):
        await load_site({"format": "something-else"})
    await Post.all().delete()  # tags are left: still not empty
    with pytest.raises(Conflict):
        await load_site(document)
    assert await Post.all().count() == 0
