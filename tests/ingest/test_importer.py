"""Importing articles into the database and exporting them back, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from cms.enums import CommentStatus, PostStatus, StoryKind
from cms.errors import InvalidInput
from cms.models import Comment, Like, Post, Section, Story
from cms.services.article_export import export_post
from cms.services.article_import import import_article
from tests.factories import EDITOR, make_comment
from tests.seed_article import ALL_ARTICLES, SEED_HEADINGS, SEED_SLUG, seed_text

ARTICLES = ALL_ARTICLES


async def _row_counts() -> tuple[int, int, int, int]:
    return (
        await Post.all().count(),
        await Section.all().count(),
        await Story.all().count(),
        await Comment.all().count(),
    )


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
async def test_import_then_export_gives_back_the_same_text(db: str, path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    result = await import_article(EDITOR, text)
    post = await Post.get(id=result.post_id)

    assert await export_post(post) == text.removesuffix("\n")


async def test_the_seed_article_lands_whole(db: str) -> None:
    result = await import_article(EDITOR, seed_text())

    post = await Post.get(id=result.post_id)
    sections = await Section.filter(post_id=post.id).order_by("position")
    stories = await Story.filter(post_id=post.id).order_by("id")
    comments = await Comment.filter(post_id=post.id).order_by("id")
    assert result.slug == SEED_SLUG
    assert result.created is True
    assert (post.status, post.published_at) == (
        PostStatus.PUBLISHED,
        datetime(2019, 9, 13, tzinfo=UTC),
    )
    assert (post.like_count, post.view_count, post.comment_count) == (19, 430, 3)
    assert [s.heading for s in sections] == SEED_HEADINGS
    assert sections[3].html.count("<li>") == 4
    assert [(s.kind, s.name, s.descriptor, s.section_id) for s in stories] == [
        (
            StoryKind.EXPERT,
            "Dr. John Krystal",
            "a leading researcher in ketamine therapy",
            sections[1].id,
        ),
        (StoryKind.PERSONAL, "Sarah", "patient", sections[5].id),
    ]
    assert [(c.author, c.body, c.status) for c in comments] == [
        ("Ava Nguyen", "mantap", CommentStatus.APPROVED),
        ("Ava Nguyen", "oke", CommentStatus.APPROVED),
        ("Ava Nguyen", "uuuu", CommentStatus.APPROVED),
    ]
    assert all(c.created_at == post.published_at for c in comments)
    assert "glutamate" in post.search_text


async def test_importing_the_same_text_twice_changes_nothing(db: str) -> None:
    text = seed_text()
    first = await import_article(EDITOR, text)
    before = await Post.get(id=first.post_id)
    section_ids = sorted(await Section.filter(post_id=first.post_id).values_list("id", flat=True))

    again = await import_article(EDITOR, text)

    after = await Post.get(id=first.post_id)
    assert (again.created, again.changed, again.post_id) == (False, False, first.post_id)
    assert after.updated_at == before.updated_at
    assert sorted(await Section.filter(post_id=first.post_id).values_list("id", flat=True)) == (
        section_ids
    )


async def test_an_edited_article_updates_the_post_in_place(db: str) -> None:
    text = seed_text()
    first = await import_article(EDITOR, text)
    edited = (
        text.replace("- 19 Likes", "- 2,315 Likes")
        .replace("Addressing the Stigma", "Facing the Stigma")
        .replace("3 Comments", "4 Comments")
        .removesuffix("\n")
        + "\nLee\nGreat read!"
    )

    again = await import_article(EDITOR, edited)

    post = await Post.get(id=first.post_id)
    assert (again.post_id, again.created, again.changed) == (first.post_id, False, True)
    assert (post.like_count, post.comment_count) == (2315, 4)
    assert await Section.filter(post_id=post.id, heading="Facing the Stigma").count() == 1
    assert await Section.filter(post_id=post.id).count() == 7
    assert await Comment.filter(post_id=post.id).count() == 4
    assert await Story.filter(post_id=post.id).count() == 2
    assert await export_post(post) == edited


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "seed.txt:1: "),
        (
            "Title\n- Sept 13, 2019\n- 1 Like\n- 1 View\n- 0 Comments\nBody.\n0 Comments",
            "seed.txt:2: ",
        ),
        (
            "Title\n- May 1, 2020\n- 19 Lykes\n- 1 View\n- 0 Comments\nBody.\n0 Comments",
            "seed.txt:3: ",
        ),
        (
            "Title\n- May 1, 2020\n- 1 Like\n- 1 View\n- 2 Comments\nBody.\n1 Comment\nAnn\nHi",
            "seed.txt:",
        ),
        (
            "Title\n- May 1, 2020\n- 1 Like\n- 1 View\n- 1 Comment\nBody.\n1 Comment\nAnn",
            "seed.txt:",
        ),
    ],
    ids=["empty", "bad-date", "bad-likes", "count-mismatch", "author-without-body"],
)
async def test_bad_input_fails_with_file_and_line_and_writes_nothing(
    db: str, text: str, message: str
) -> None:
    await import_article(EDITOR, seed_text())
    before = await _row_counts()

    with pytest.raises(InvalidInput) as raised:
        await import_article(EDITOR, text, source="seed.txt")

    assert raised.value.message.startswith(message)
    assert raised.value.code == "BAD_USER_INPUT"
    assert await _row_counts() == before


async def test_a_draft_import_stays_hidden_and_keeps_its_date(db: str) -> None:
    result = await import_article(EDITOR, seed_text(), publish=False)

    post = await Post.get(id=result.post_id)
    assert post.status == PostStatus.DRAFT
    title, rest = seed_text().removesuffix("\n").split("\n", 1)
    assert await export_post(post) == f"{title}\n- Status: Draft\n{rest}"


async def test_readers_likes_and_views_survive_a_reimport(db: str) -> None:
    text = seed_text()
    result = await import_article(EDITOR, text)
    await Like.create(post_id=result.post_id, visitor_id="reader")
    await Post.filter(id=result.post_id).update(like_count=20, view_count=431)

    same = await import_article(EDITOR, text)
    lowered = await import_article(
        EDITOR, text.replace("- 19 Likes", "- 0 Likes").replace("Conclusion", "In Closing")
    )

    post = await Post.get(id=result.post_id)
    assert (same.changed, lowered.changed) == (False, True)
    assert (post.like_count, post.view_count) == (20, 431)  # an import never lowers a count
    assert await Like.filter(post_id=post.id).count() == 1


async def test_held_comments_stay_when_an_edited_article_is_imported(db: str) -> None:
    text = seed_text()
    result = await import_article(EDITOR, text)
    post = await Post.get(id=result.post_id)
    held = await make_comment(post, "Waiting for an editor", status=CommentStatus.PENDING)

    await import_article(EDITOR, text.replace("Conclusion", "In Closing"))

    assert await Comment.filter(id=held.id).exists()
    assert await Comment.filter(post_id=post.id, status=CommentStatus.APPROVED).count() == 3
    assert (await Post.get(id=post.id)).comment_count == 3


async def test_create_only_leaves_an_existing_post_alone(db: str) -> None:
    result = await import_article(EDITOR, seed_text())
    await Post.filter(id=result.post_id).update(title="Edited by an editor")

    again = await import_article(
        EDITOR, seed_text().replace("Conclusion", "In Closing"), create_only=True
    )

    assert (again.created, again.changed) == (False, False)
    assert (await Post.get(id=result.post_id)).title == "Edited by an editor"


async def test_an_article_over_the_size_limits_is_refused_with_what_to_fix(db: str) -> None:
    long_title = "Long " * 70
    text = seed_text().replace(
        "Ketamine Therapy Can Change Your Life: Work With a Therapist Today", long_title.strip()
    )
    long_author = seed_text().replace("\nAva Nguyen\nmantap", "\n" + "A" * 81 + "\nmantap")

    with pytest.raises(InvalidInput) as title:
        await import_article(EDITOR, text, source="a.txt")
    with pytest.raises(InvalidInput) as author:
        await import_article(EDITOR, long_author, source="b.txt")

    assert title.value.message == (
        "a.txt:1: `title` is 349 characters long; shorten it to at most 300."
    )
    assert author.value.message == (
        "b.txt: comment 1: `author` must be 1–80 characters after trimming spaces."
    )
    assert await Post.all().count() == 0
