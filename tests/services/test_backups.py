"""Whole-site dumps: loaded into an empty database (or in place of one's content) they
answer the same, in one transaction, on SQLite and PostgreSQL and between them."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise.backends.base.executor import EXECUTOR_CACHE

from cms.db.lifecycle import close_database, open_database
from cms.enums import CommentStatus, HoldReason, PostStatus, StoryKind
from cms.errors import Conflict, InvalidInput
from cms.models import (
    Ban,
    Comment,
    CommentHold,
    CommentReaction,
    CommentReactionCount,
    CommentReport,
    CommentVote,
    Like,
    Post,
    PostActivity,
    PostReaction,
    PostReactionCount,
    Revision,
    Section,
    Tag,
)
from cms.services.backups import POST_TAGS, TABLES, dump_site, load_site, site_counts
from tests.conftest import graphql
from tests.factories import make_comment, make_post, make_story, make_token

EVERYTHING = """
{
  posts(first: 20, orderBy: OLDEST) {
    totalCount
    edges { cursor node {
      id slug title excerpt status publishedAt createdAt updatedAt tags likeCount viewCount
      commentCount text reactions(visitorId: "visitor-1") { kind count viewerReacted }
      sections { id position heading body html stories { id name } }
      stories { id kind name descriptor lead quote section { id } }
      comments(first: 10) { totalCount edges { node {
        id author body html status createdAt score upvotes downvotes
        reactions(visitorId: "visitor-1") { kind count viewerReacted }
        viewerVote(visitorId: "visitor-1")
        replies(first: 5) { edges { node { id body } } }
      } } }
    } }
  }
}
"""


async def build_site() -> dict[str, int]:
    """A small site with a row in every table the dump holds; the ids it made, by kind."""
    lead = [(None, "Norway’s fjords — cold, ✓ deep."), ("Gear", "A *dry* suit.\n\n- a paddle")]
    first = await make_post("Fjords", tags=["travel", "outdoors"], sections=lead, like_count=2)
    section = await Section.get(post_id=first.id, position=1)
    await make_story(first, section, kind=StoryKind.EXPERT, name="Dr. Ola", position=1)
    await make_story(first, None, name="Kari", quote="Unforgettable.")
    parent = await make_comment(first, "Top comment")
    reply = await make_comment(first, "A reply", parent=parent)
    held = await make_comment(first, "Held back", status=CommentStatus.PENDING)
    await CommentHold.create(comment=held, reason=HoldReason.LINKS, created_at=held.created_at)
    await CommentReport.create(comment=parent, visitor_id="visitor-1", reason="rude")
    await Ban.create(author="Troll", author_key="troll", client_key="a" * 64, reason="spam")
    await Like.create(post=first, visitor_id="visitor-1")
    await Like.create(post=first, visitor_id="visitor-2")
    await PostReaction.create(post=first, kind="HEART", visitor_id="visitor-1")
    await PostReactionCount.create(post=first, kind="HEART", count=1)
    await CommentReaction.create(comment=parent, kind="LAUGH", visitor_id="visitor-1")
    await CommentReactionCount.create(comment=parent, kind="LAUGH", count=1)
    await CommentVote.create(comment=parent, visitor_id="visitor-1", value=-1)
    await Comment.filter(id=parent.id).update(score=-1, downvotes=1)
    await PostActivity.create(
        post=first, day=date(2026, 1, 2), views=3, likes=2, reactions=2, bot_views=1
    )
    await Revision.create(post=first, editor="alice", previous={"title": "Fjörds", "tags": []})
    await Revision.create(
        post=first, section_id=section.id, editor="bob", previous={"body": "Old body"}
    )
    await make_post("A draft", status=PostStatus.DRAFT, tags=["travel"], excerpt="Soon.")
    later = datetime.now(UTC) + timedelta(days=3)
    await make_post("Scheduled", status=PostStatus.SCHEDULED, published_at=later)
    return {"post": first.id, "comment": reply.id}


def columns_once(document: dict[str, Any]) -> dict[str, list[str]]:
    """Each table's repeated columns (none expected)."""
    return {
        key: [c for c in document[key]["columns"] if document[key]["columns"].count(c) > 1]
        for key, _ in TABLES
    }


async def test_load_into_an_empty_database_reproduces_every_query_result(
    client: httpx.AsyncClient,
) -> None:
    await build_site()
    await Post.filter(title="Fjords").update(view_count=433)
    token = await make_token()
    before = await graphql(client, EVERYTHING, token=token)
    assert "errors" not in before, before
    steps: list[tuple[str, int, int]] = []
    document = json.loads(json.dumps(await dump_site(lambda *step: steps.append(step))))

    await Post.all().delete()
    await Tag.all().delete()
    await Ban.all().delete()
    counts = await load_site(document)

    after = await graphql(client, EVERYTHING, token=token)
    assert after["data"] == before["data"]
    assert counts == {
        "tags": 2,
        "posts": 3,
        "sections": 4,
        "stories": 2,
        "comments": 3,
        "likes": 2,
        "post_reactions": 1,
        "post_reaction_counts": 1,
        "comment_reactions": 1,
        "comment_reaction_counts": 1,
        "comment_votes": 1,
        "activity_days": 1,
        "revisions": 2,
        "comment_holds": 1,
        "comment_reports": 1,
        "bans": 1,
        POST_TAGS: 3,
    }
    assert columns_once(document) == {key: [] for key, _ in TABLES}
    assert document["comments"]["columns"].count("post_id") == 1
    assert ("posts", 3, 3) in steps
    assert ("sections", 4, 4) in steps


async def test_new_rows_after_a_load_get_fresh_ids_in_every_table(db: str) -> None:
    await build_site()
    document = await dump_site()
    highest = {key: max(row[0] for row in document[key]["rows"]) for key, _ in TABLES}
    await Post.all().delete()
    await Tag.all().delete()
    await Ban.all().delete()
    await load_site(document)

    post = await make_post("After the load", tags=["new-tag"])
    section = await Section.get(post_id=post.id)
    story = await make_story(post, section)
    comment = await make_comment(post, "First after the load")
    like = await Like.create(post=post, visitor_id="visitor-3")
    reaction = await PostReaction.create(post=post, kind="HEART", visitor_id="visitor-3")
    vote = await CommentVote.create(comment=comment, visitor_id="visitor-3", value=1)
    bucket = await PostActivity.create(post=post, day=date(2026, 1, 3), views=1)
    revision = await Revision.create(post=post, editor="carol", previous={"title": "x"})
    tag = await Tag.get(name="new-tag")

    made = {
        "tags": tag.id,
        "posts": post.id,
        "sections": section.id,
        "stories": story.id,
        "comments": comment.id,
        "likes": like.id,
        "post_reactions": reaction.id,
        "comment_votes": vote.id,
        "activity_days": bucket.id,
        "revisions": revision.id,
    }
    assert {key: made[key] > highest[key] for key in made} == {key: True for key in made}


async def test_load_refuses_a_database_with_content_and_a_foreign_file(db: str) -> None:
    await make_post("Existing", tags=["kept"])
    document = await dump_site()

    with pytest.raises(Conflict, match=r"already holds 1 tags, 1 posts, 1 sections, 1 post tags"):
        await load_site(document)
    with pytest.raises(InvalidInput, match="not a cms-dump/1 document"):
        await load_site({"format": "something-else"})
    with pytest.raises(InvalidInput, match="posts: unknown columns password"):
        await load_site({**document, "posts": {"columns": ["id", "password"], "rows": []}})
    with pytest.raises(InvalidInput, match="sections: row 1 does not have 7 values"):
        await load_site({**document, "sections": {**document["sections"], "rows": [[1]]}})
    await Post.all().delete()  # the tag is left: still not empty
    with pytest.raises(Conflict, match=r"already holds 1 tags\.$"):
        await load_site(document)
    assert await site_counts() == {
        "tags": 1,
        "posts": 0,
        "sections": 0,
        "stories": 0,
        "comments": 0,
        "likes": 0,
        "post_reactions": 0,
        "post_reaction_counts": 0,
        "comment_reactions": 0,
        "comment_reaction_counts": 0,
        "comment_votes": 0,
        "activity_days": 0,
        "revisions": 0,
        "comment_holds": 0,
        "comment_reports": 0,
        "bans": 0,
        POST_TAGS: 0,
    }


async def test_replace_puts_the_dump_in_place_of_the_content_in_one_transaction(
    db: str,
) -> None:
    await build_site()
    document = json.loads(json.dumps(await dump_site()))
    await make_post("Written after the dump", tags=["later"])
    await Comment.filter(body="Top comment").delete()

    await load_site(document, replace=True)
    assert await dump_site() == document

    await make_post("Written after the restore")
    current = await dump_site()
    broken = json.loads(json.dumps(document))
    broken["comments"]["rows"][0][broken["comments"]["columns"].index("post_id")] = 999
    with pytest.raises(InvalidInput, match=r"^The dump does not fit this database \(.+\); nothing"):
        await load_site(broken, replace=True)
    assert await dump_site() == current


async def test_a_dump_written_with_repeated_foreign_keys_still_loads(db: str) -> None:
    await build_site()
    document = await dump_site()
    for key, _ in TABLES:
        table = document[key]
        extra = [c for c in table["columns"] if c.endswith("_id") and c != "id"]
        table["rows"] = [
            [*row, *(row[table["columns"].index(c)] for c in extra)] for row in table["rows"]
        ]
        table["columns"] = [*table["columns"], *extra]
    expected = await dump_site()

    await load_site(document, replace=True)

    assert await dump_site() == expected


async def _dump_of(url: str, load: dict[str, Any] | None = None) -> dict[str, Any]:
    """Open `url` (loading `load` first when given) and dump it."""
    EXECUTOR_CACHE.clear()  # Tortoise caches statements per connection name, not dialect
    await open_database(url)
    try:
        if load is None:
            await build_site()
        else:
            await load_site(json.loads(json.dumps(load)))
        return json.loads(json.dumps(await dump_site()))
    finally:
        await close_database()


async def test_a_site_moved_sqlite_to_postgresql_to_sqlite_dumps_the_same(
    sqlite_template: Path, postgres_url: str, tmp_path: Path
) -> None:
    urls = []
    for name in ("origin", "back"):
        shutil.copy(sqlite_template, tmp_path / f"{name}.sqlite3")
        urls.append(f"sqlite://{tmp_path / name}.sqlite3")

    origin = await _dump_of(urls[0])
    on_postgres = await _dump_of(postgres_url, load=origin)
    back = await _dump_of(urls[1], load=on_postgres)

    assert on_postgres == origin
    assert back == origin
    assert len(origin["comments"]["rows"]) == 3
