"""Adding comments: validation, every moderation rule, counts, and moderation decisions."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from tortoise import timezone

from cms.enums import CommentStatus, PostStatus
from cms.errors import Conflict, InvalidInput, NotFound, RateLimited
from cms.models import Comment, Post
from cms.principal import ANONYMOUS
from cms.runtime import Runtime
from cms.services.comments import NewComment, add_comment, set_comment_status
from cms.services.events import comment_channel, stats_channel
from cms.settings import Limits, Settings
from tests.factories import make_comment, make_post

CLIENT = "203.0.113.7"
OPEN = Limits(hold_first_comment=False, comment_rate="1000/minute")


def runtime_with(db: str, limits: Limits = OPEN) -> Runtime:
    return Runtime(Settings(database_url=db, limits=limits))


async def add(
    runtime: Runtime, post: Post, body: str = "Thanks.", author: str = "Ana", **kw: object
) -> Comment:
    new = NewComment(post_id=post.id, author=author, body=body, **kw)  # type: ignore[arg-type]
    return await add_comment(ANONYMOUS, new, CLIENT, runtime.engagement)


async def stored(post: Post) -> tuple[int, list[tuple[str, str]]]:
    """The post's comment_count and its comments as (body, status), oldest first."""
    count = (await Post.get(id=post.id)).comment_count
    rows = await Comment.filter(post_id=post.id).order_by("id").values_list("body", "status")
    return count, [(body, str(status)) for body, status in rows]


async def test_author_and_body_are_trimmed_and_the_body_rendered_for_the_public(db: str) -> None:
    post = await make_post()

    runtime = runtime_with(db)
    comment = await add(runtime, post, "  See [this](https://a.example) *now*  ", author="  Ana  ")

    assert (comment.author, comment.body) == ("Ana", "See [this](https://a.example) *now*")
    assert comment.html == (
        '<p>See <a href="https://a.example" rel="nofollow ugc noopener">this</a> <em>now</em></p>'
    )
    assert comment.client_key == runtime.engagement.client_key(CLIENT)
    assert CLIENT not in comment.client_key
    assert await stored(post) == (1, [("See [this](https://a.example) *now*", "APPROVED")])


async def test_author_and_body_lengths_are_checked_after_trimming(db: str) -> None:
    post = await make_post()
    cases = [("", "Hi"), ("  ", "Hi"), ("a" * 81, "Hi"), ("Ana", " \n "), ("Ana", "b" * 5001)]
    fields = []

    for author, body in cases:
        with pytest.raises(InvalidInput) as raised:
            await add(runtime_with(db), post, body, author=author)
        fields.append(raised.value.field)

    assert fields == ["author", "author", "author", "body", "body"]
    assert await stored(post) == (0, [])


async def test_the_longest_author_and_body_are_accepted(db: str) -> None:
    post = await make_post()

    comment = await add(runtime_with(db), post, "b" * 5000, author="a" * 80)

    assert comment.status == CommentStatus.APPROVED


async def test_two_links_or_more_hold_the_comment_for_moderation(db: str) -> None:
    post = await make_post()
    bodies = [
        "Visit https://a.example and https://b.example",
        "[one](http://a.example) [two](http://b.example)",
        "www.a.example or mailto:me@a.example",
    ]

    held = [(await add(runtime_with(db), post, body)).status for body in bodies]

    assert held == [CommentStatus.PENDING] * 3
    assert await stored(post) == (0, [(body, "PENDING") for body in bodies])


async def test_one_link_is_fine_and_the_link_rule_can_be_turned_off(db: str) -> None:
    post = await make_post()
    two_links = "https://a.example https://b.example"

    one = await add(runtime_with(db), post, "Source: https://a.example")
    off = await add(
        runtime_with(db, Limits(hold_first_comment=False, comment_hold_links=0)), post, two_links
    )

    assert (one.status, off.status) == (CommentStatus.APPROVED, CommentStatus.APPROVED)
    assert (await stored(post))[0] == 2


async def test_a_blocklisted_word_in_the_body_or_author_holds_the_comment(db: str) -> None:
    post = await make_post()
    runtime = runtime_with(db, Limits(hold_first_comment=False, comment_blocklist=("casino",)))

    in_body = await add(runtime, post, "Try the CASINO tonight")
    in_author = await add(runtime, post, "Hello", author="Casino Bot")
    clean = await add(runtime, post, "A fine post")

    assert [c.status for c in (in_body, in_author, clean)] == [
        CommentStatus.PENDING,
        CommentStatus.PENDING,
        CommentStatus.APPROVED,
    ]
    assert (await stored(post))[0] == 1


async def test_an_authors_first_comment_waits_until_one_of_theirs_is_approved(db: str) -> None:
    post = await make_post()
    runtime = runtime_with(db, Limits(comment_rate="1000/minute"))

    first = await add(runtime, post, "First words")
    still_held = await add(runtime, post, "Second words")
    await set_comment_status(first.id, CommentStatus.APPROVED, engagement=runtime.engagement)
    later = await add(runtime, post, "Third words", author="ana")
    other_author = await add(runtime, post, "Fourth words", author="Bob")

    assert [c.status for c in (first, still_held, later, other_author)] == [
        CommentStatus.PENDING,
        CommentStatus.PENDING,
        CommentStatus.APPROVED,
        CommentStatus.PENDING,
    ]
    assert (await stored(post))[0] == 2


async def test_the_same_body_on_the_same_post_within_the_window_is_a_conflict(db: str) -> None:
    post, other = await make_post(), await make_post()
    runtime = runtime_with(db)
    await add(runtime, post, "Great read", author="Ana")

    with pytest.raises(Conflict):
        await add(runtime, post, "  Great read ", author="Bob")
    elsewhere = await add(runtime, other, "Great read")

    assert elsewhere.status == CommentStatus.APPROVED
    assert await stored(post) == (1, [("Great read", "APPROVED")])


async def test_the_same_body_after_the_window_is_accepted(db: str) -> None:
    post = await make_post()
    await make_comment(post, "Great read", created_at=timezone.now() - timedelta(seconds=301))

    comment = await add(runtime_with(db), post, "Great read")

    assert comment.status == CommentStatus.APPROVED


async def test_comments_past_the_rate_limit_are_refused_and_write_nothing(db: str) -> None:
    post = await make_post()
    runtime = runtime_with(db, Limits(hold_first_comment=False, comment_rate="2/minute"))
    await add(runtime, post, "One")
    await add(runtime, post, "Two")

    with pytest.raises(RateLimited) as raised:
        await add(runtime, post, "Three")

    assert 1 <= raised.value.retry_after_s <= 60
    assert await stored(post) == (2, [("One", "APPROVED"), ("Two", "APPROVED")])


async def test_replies_nest_up_to_the_configured_depth(db: str) -> None:
    post = await make_post()
    runtime = runtime_with(db, Limits(hold_first_comment=False, comment_max_depth=2))
    top = await add(runtime, post, "depth 0")
    reply = await add(runtime, post, "depth 1", parent_id=top.id)
    deepest = await add(runtime, post, "depth 2", parent_id=reply.id)

    with pytest.raises(InvalidInput) as raised:
        await add(runtime, post, "depth 3", parent_id=deepest.id)

    assert [c.depth for c in (top, reply, deepest)] == [0, 1, 2]
    assert (deepest.parent_id, raised.value.field) == (reply.id, "parentId")
    assert (await stored(post))[0] == 3


async def test_a_reply_to_a_comment_of_another_post_or_a_hidden_one_is_not_found(db: str) -> None:
    post, other = await make_post(), await make_post()
    elsewhere = await make_comment(other, "Elsewhere")
    pending = await make_comment(post, "Waiting", status=CommentStatus.PENDING)
    runtime = runtime_with(db)

    for parent in (elsewhere, pending):
        with pytest.raises(NotFound):
            await add(runtime, post, "Reply", parent_id=parent.id)

    assert await stored(post) == (0, [("Waiting", "PENDING")])


async def test_comments_on_a_post_the_public_cannot_see_are_not_found(db: str) -> None:
    post = await make_post(status=PostStatus.DRAFT)

    with pytest.raises(NotFound):
        await add(runtime_with(db), post)

    assert await stored(post) == (0, [])


async def test_an_added_comment_is_published_after_it_is_stored(db: str) -> None:
    post = await make_post()
    runtime = runtime_with(db)
    events = runtime.events

    async with (
        events.subscribe(comment_channel(post.id)) as comments,
        events.subscribe(stats_channel(post.id)) as stats,
    ):
        comment = await add(runtime, post, "Live")
        message = await asyncio.wait_for(comments.next(), 1)
        counts = await asyncio.wait_for(stats.next(), 1)

    assert (message["id"], message["body"], message["status"]) == (comment.id, "Live", "APPROVED")
    assert "client_key" not in message
    assert counts == {
        "post_id": post.id,
        "like_count": 0,
        "view_count": 0,
        "comment_count": 1,
        "reactions": {},
    }


async def test_moderation_moves_the_count_in_and_out_of_approved(db: str) -> None:
    post = await make_post()
    runtime = runtime_with(db)
    pending = await make_comment(post, "Held", status=CommentStatus.PENDING)
    engagement = runtime.engagement

    async with runtime.events.subscribe(comment_channel(post.id)) as comments:
        approved = await set_comment_status(
            pending.id, CommentStatus.APPROVED, engagement=engagement
        )
        again = await set_comment_status(pending.id, CommentStatus.APPROVED, engagement=engagement)
        announced = await asyncio.wait_for(comments.next(), 1)
    count_when_approved = (await Post.get(id=post.id)).comment_count
    await set_comment_status(pending.id, CommentStatus.SPAM, engagement=engagement)
    await set_comment_status(pending.id, CommentStatus.REJECTED, engagement=engagement)

    assert (approved.status, again.status) == (CommentStatus.APPROVED, CommentStatus.APPROVED)
    assert (announced["id"], announced["status"]) == (pending.id, "APPROVED")
    assert count_when_approved == 1
    assert await stored(post) == (0, [("Held", "REJECTED")])


async def test_concurrent_decisions_on_one_comment_count_it_once(db: str) -> None:
    post = await make_post()
    pending = await make_comment(post, "Held", status=CommentStatus.PENDING)
    engagement = runtime_with(db).engagement

    await asyncio.gather(
        *(
            set_comment_status(pending.id, CommentStatus.APPROVED, engagement=engagement)
            for _ in range(10)
        )
    )

    assert await stored(post) == (1, [("Held", "APPROVED")])


async def test_moderating_an_unknown_comment_is_not_found(db: str) -> None:
    with pytest.raises(NotFound):
        await set_comment_status(
            999, CommentStatus.APPROVED, engagement=runtime_with(db).engagement
        )


async def test_a_double_submit_adds_the_comment_once(db: str) -> None:
    post = await make_post()
    runtime = runtime_with(db)

    outcomes = await asyncio.gather(
        *(add(runtime, post, "Sent twice") for _ in range(5)), return_exceptions=True
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == [
        "Comment",
        "Conflict",
        "Conflict",
        "Conflict",
        "Conflict",
    ]
    assert await stored(post) == (1, [("Sent twice", "APPROVED")])
