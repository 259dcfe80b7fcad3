"""Imports are merges: readers' work survives, every post round trips, one set of rules."""

from __future__ import annotations

import pytest

from cms.enums import CommentStatus, PostStatus, RevisionAction, VoteValue
from cms.errors import InvalidInput
from cms.models import (
    Comment,
    CommentReactionCount,
    CommentVote,
    Like,
    Post,
    PostReaction,
    PostReactionCount,
    Revision,
    Section,
    Story,
)
from cms.principal import ANONYMOUS
from cms.runtime import Runtime
from cms.services import likes, post_editing, reactions, votes
from cms.services.article_export import export_post
from cms.services.article_import import import_article
from cms.services.comments import NewComment, add_comment
from cms.services.events import comment_channel, stats_channel
from cms.settings import Limits, Settings
from tests.factories import EDITOR
from tests.seed_article import SEED_SLUG, seed_text

CLIENT = "203.0.113.7"
OPEN = Limits(hold_first_comment=False, comment_rate="1000/minute", like_rate="1000/minute")


def runtime_with(db: str) -> Runtime:
    return Runtime(Settings(database_url=db, limits=OPEN))


async def _engage(runtime: Runtime, post_id: int) -> tuple[Comment, Comment]:
    """Three readers like the post; one comments and another replies."""
    for visitor in ("v1", "v2", "v3"):
        await likes.like_post(ANONYMOUS, post_id, visitor, CLIENT, runtime.engagement)
    comment = await add_comment(
        ANONYMOUS, NewComment(post_id, "Reader", "Helpful, thanks."), CLIENT, runtime.engagement
    )
    reply = await add_comment(
        ANONYMOUS,
        NewComment(post_id, "Other", "Agreed.", parent_id=comment.id),
        CLIENT,
        runtime.engagement,
    )
    return comment, reply


async def _comments(post_id: int) -> list[tuple[int, str, str]]:
    rows = Comment.filter(post_id=post_id).order_by("id")
    return [(c.id, c.author, c.body) for c in await rows]


async def test_reimporting_the_unchanged_seed_keeps_what_readers_did(db: str) -> None:
    runtime = runtime_with(db)
    first = await import_article(EDITOR, seed_text())
    await _engage(runtime, first.post_id)
    before = await Post.get(id=first.post_id)
    comments = await _comments(first.post_id)

    again = await import_article(EDITOR, seed_text())

    after = await Post.get(id=first.post_id)
    assert (again.created, again.changed) == (False, False)
    assert await _comments(first.post_id) == comments  # same rows, same ids
    assert len(comments) == 5
    assert (after.like_count, after.view_count, after.comment_count) == (22, 430, 5)
    assert before.updated_at == after.updated_at
    assert await Like.filter(post_id=first.post_id).count() == 3


async def test_reimporting_its_own_export_after_readers_engaged_changes_nothing(db: str) -> None:
    runtime = runtime_with(db)
    first = await import_article(EDITOR, seed_text())
    await _engage(runtime, first.post_id)
    exported = await export_post(await Post.get(id=first.post_id))
    comments = await _comments(first.post_id)

    again = await import_article(EDITOR, exported)

    assert again.changed is False
    assert await _comments(first.post_id) == comments
    assert await export_post(await Post.get(id=first.post_id)) == exported


async def test_an_edited_article_keeps_readers_comments_and_imported_comments_ids(db: str) -> None:
    runtime = runtime_with(db)
    first = await import_article(EDITOR, seed_text())
    imported = await _comments(first.post_id)
    comment, reply = await _engage(runtime, first.post_id)
    await add_comment(
        ANONYMOUS,
        NewComment(first.post_id, "Third", "A reply to an imported one.", parent_id=imported[0][0]),
        CLIENT,
        runtime.engagement,
    )
    edited = (
        seed_text()
        .replace("\nmantap\n", "\nmantap sekali\n")  # an imported comment's body edited
        .replace("\nAva Nguyen\noke", "")  # one removed
        .replace("3 Comments", "2 Comments")
        .replace("Conclusion", "In Closing")
    )

    result = await import_article(EDITOR, edited)

    rows = {c.id: c for c in await Comment.filter(post_id=first.post_id)}
    assert rows[imported[0][0]].body == "mantap sekali"  # same id: its reply stays under it
    assert imported[1][0] not in rows
    assert {comment.id, reply.id, imported[2][0]} <= rows.keys()
    assert len(rows) == 5
    assert (await Post.get(id=first.post_id)).comment_count == 5
    assert result.changes == ("1 section changed", "1 comment changed", "1 comment removed")


async def test_a_comment_the_text_leaves_out_stays_when_a_reader_wrote_it(db: str) -> None:
    runtime = runtime_with(db)
    first = await import_article(EDITOR, seed_text())
    comment, reply = await _engage(runtime, first.post_id)
    exported = await export_post(await Post.get(id=first.post_id))
    trimmed = exported.replace("\nReader\nHelpful, thanks.", "").replace("\nOther\nAgreed.", "")
    trimmed = trimmed.replace("5 Comments", "3 Comments")

    result = await import_article(EDITOR, trimmed)

    assert await Comment.filter(id__in=[comment.id, reply.id]).count() == 2
    assert result.notes == ("kept 2 comments written here that the text leaves out",)
    assert result.changed is False


async def test_a_reimport_keeps_readers_reactions_and_votes_and_their_comments(db: str) -> None:
    limits = Limits(reaction_rate="1000/minute", vote_rate="1000/minute")
    engagement = Runtime(Settings(database_url=db, limits=limits)).engagement
    first = await import_article(EDITOR, seed_text())
    imported = await _comments(first.post_id)
    voted, reacted = imported[1][0], imported[2][0]
    await reactions.react_to_post(ANONYMOUS, first.post_id, "HEART", "v1", CLIENT, engagement)
    await votes.vote_comment(ANONYMOUS, voted, VoteValue.UP, "v1", CLIENT, engagement)
    await reactions.react_to_comment(ANONYMOUS, reacted, "LAUGH", "v1", CLIENT, engagement)
    edited = (
        seed_text()
        .replace("\nAva Nguyen\noke", "")
        .replace("\nAva Nguyen\nuuuu", "")
        .replace("3 Comments", "1 Comment")
    )

    await import_article(EDITOR, edited)

    rows = {c.id: c for c in await Comment.filter(post_id=first.post_id)}
    assert {voted, reacted} <= rows.keys()
    assert (rows[voted].score, rows[voted].upvotes) == (1, 1)
    assert await CommentVote.filter(comment_id=voted).count() == 1
    assert (await CommentReactionCount.get(comment_id=reacted, kind="LAUGH")).count == 1
    assert await PostReaction.filter(post_id=first.post_id).count() == 1
    assert (await PostReactionCount.get(post_id=first.post_id, kind="HEART")).count == 1


async def test_counts_never_fall_below_the_like_rows_or_the_post(db: str) -> None:
    first = await import_article(EDITOR, seed_text())
    await Like.bulk_create([Like(post_id=first.post_id, visitor_id=f"v{i}") for i in range(25)])
    await Post.filter(id=first.post_id).update(like_count=10)  # below its rows

    await import_article(EDITOR, seed_text().replace("Conclusion", "In Closing"))
    await import_article(EDITOR, seed_text().replace("- 430 Views", "- 500 Views"))

    post = await Post.get(id=first.post_id)
    assert (post.like_count, post.view_count) == (25, 500)


async def test_a_post_made_in_the_api_round_trips_and_an_edit_changes_only_that(db: str) -> None:
    post = await post_editing.create_post(
        EDITOR,
        post_editing.PostDraft(
            title="Walking in Winter",
            excerpt="Cold air,\nwarm boots.",
            tags=["outdoors", "health"],
            sections=[
                post_editing.SectionDraft(body="Lead paragraph.\n\nThanks for reading"),
                post_editing.SectionDraft(heading="gear, briefly.", body="Boots.\nA soft break."),
            ],
        ),
    )
    await post_editing.publish_post(EDITOR, post.id)
    await post_editing.update_post(EDITOR, post.id, {"title": "Walking When It Is Cold"})
    exported = await export_post(await Post.get(id=post.id))

    same = await import_article(EDITOR, exported)
    edited = await import_article(EDITOR, exported.replace("Lead paragraph.", "A new lead."))

    assert exported.split("\n")[:5] == [
        "Walking When It Is Cold",
        "- Slug: walking-in-winter",
        "- Tags: health, outdoors",
        "- Excerpt: Cold air,\\nwarm boots.",
        exported.split("\n")[4],
    ]
    assert (same.post_id, same.changed) == (post.id, False)
    assert (edited.post_id, edited.changes) == (post.id, ("1 section changed",))
    assert await Post.all().count() == 1
    sections = await Section.filter(post_id=post.id).order_by("position")
    assert [(s.heading, s.body) for s in sections] == [
        (None, "A new lead.\n\nThanks for reading"),
        ("gear, briefly.", "Boots.\nA soft break."),  # untouched, though it reads otherwise
    ]
    stored = await Post.get(id=post.id)
    assert (stored.slug, stored.excerpt, stored.status) == (
        "walking-in-winter",
        "Cold air,\nwarm boots.",
        PostStatus.PUBLISHED,
    )
    assert await (await Post.get(id=post.id)).tags.all().values_list("name", flat=True) in (
        ["health", "outdoors"],
        ["outdoors", "health"],
    )
    revision = await Revision.filter(post_id=post.id, section_id=sections[0].id).get()
    assert (revision.editor, revision.previous) == (
        "editor",
        {"body": "Lead paragraph.\n\nThanks for reading"},
    )


async def test_a_draft_made_in_the_api_stays_a_draft_through_its_export(db: str) -> None:
    post = await post_editing.create_post(
        EDITOR, post_editing.PostDraft(title="Notes", sections=[])
    )
    exported = await export_post(post)

    result = await import_article(EDITOR, exported.replace("0 Comments", "1 Comment") + "\nAna\nHi")

    stored = await Post.get(id=post.id)
    assert exported.split("\n")[1] == "- Status: Draft"
    assert (result.post_id, result.changes) == (post.id, ("1 comment added",))
    assert (stored.status, stored.comment_count) == (PostStatus.DRAFT, 1)


async def test_a_retitled_article_with_its_slug_line_updates_the_post_with_a_revision(
    db: str,
) -> None:
    first = await import_article(EDITOR, seed_text())
    title = seed_text().split("\n", 1)[0]
    renamed = seed_text().replace(title, f"A New Title\n- Slug: {SEED_SLUG}", 1)

    result = await import_article(EDITOR, renamed)

    post = await Post.get(id=first.post_id)
    assert (result.post_id, result.changes) == (first.post_id, ("title",))
    assert (post.title, post.slug) == ("A New Title", SEED_SLUG)
    # The first import's publication is a revision too; the retitling is the edit.
    revision = await Revision.filter(post_id=post.id, action=RevisionAction.POST_EDITED).get()
    assert revision.previous == {"title": title}


async def test_draft_applies_to_new_posts_only(db: str) -> None:
    first = await import_article(EDITOR, seed_text())

    again = await import_article(EDITOR, seed_text(), publish=False)
    stated = await import_article(
        EDITOR, seed_text().replace("\n- September", "\n- Status: Draft\n- September", 1)
    )

    assert (again.changed, again.notes) == (
        False,
        ("kept PUBLISHED: --draft applies to new posts only",),
    )
    assert stated.changes == ("status",)
    assert (await Post.get(id=first.post_id)).status == PostStatus.DRAFT


async def test_a_story_name_longer_than_editors_may_write_is_refused(db: str) -> None:
    long_name = " ".join(["S" + "a" * 44] * 5)  # 229 characters
    text = seed_text().replace("One patient, Sarah, shares", f"One patient, {long_name}, shares")

    with pytest.raises(InvalidInput) as raised:
        await import_article(EDITOR, text, source="a.txt")

    assert raised.value.message == (
        "a.txt: section 6 (Personal Stories of Transformation): "
        "`name` is 229 characters long; shorten it to at most 200."
    )
    assert await Post.all().count() == await Story.all().count() == 0


async def test_imports_announce_new_comments_and_counts_after_commit(db: str) -> None:
    runtime = runtime_with(db)
    first = await import_article(EDITOR, seed_text())
    events = runtime.engagement.events
    text = seed_text().replace("3 Comments", "4 Comments").removesuffix("\n") + "\nLee\nHi!"

    async with (
        events.subscribe(comment_channel(first.post_id)) as comments,
        events.subscribe(stats_channel(first.post_id)) as stats,
    ):
        await import_article(EDITOR, text, engagement=runtime.engagement)
        added, counts = await comments.next(), await stats.next()

    assert (added["author"], added["body"], added["status"]) == ("Lee", "Hi!", "APPROVED")
    assert (counts["like_count"], counts["comment_count"]) == (19, 4)


async def test_a_comment_added_to_a_text_is_kept_approved_and_marked_imported(db: str) -> None:
    first = await import_article(EDITOR, seed_text())

    rows = await Comment.filter(post_id=first.post_id)

    assert {(c.status, c.imported) for c in rows} == {(CommentStatus.APPROVED, True)}
