"""Comment votes: one per visitor, changing it moves the score exactly, under concurrency
too; TOP threads page stably by (score, id)."""

from __future__ import annotations

import asyncio

import pytest

from cms.enums import CommentOrder, CommentStatus, VoteValue
from cms.errors import NotFound, RateLimited
from cms.models import Comment, CommentVote
from cms.principal import ANONYMOUS
from cms.runtime import Runtime
from cms.services import comment_reads
from cms.services.pagination import PageRequest
from cms.services.votes import vote_comment
from cms.settings import Limits, Settings
from tests.factories import make_comment, make_post

CLIENT = "203.0.113.6"
UP, DOWN, NONE = VoteValue.UP, VoteValue.DOWN, VoteValue.NONE


@pytest.fixture
def runtime(db: str) -> Runtime:
    return Runtime(Settings(database_url=db, limits=Limits(vote_rate="10000/minute")))


async def counts(comment: Comment) -> tuple[int, int, int]:
    row = await Comment.get(id=comment.id)
    return row.score, row.upvotes, row.downvotes


async def test_one_vote_per_visitor_and_changing_it_moves_the_score(runtime: Runtime) -> None:
    comment = await make_comment(await make_post())
    engagement = runtime.engagement

    up = await vote_comment(ANONYMOUS, comment.id, UP, "a", CLIENT, engagement)
    again = await vote_comment(ANONYMOUS, comment.id, UP, " a ", CLIENT, engagement)
    await vote_comment(ANONYMOUS, comment.id, UP, "b", CLIENT, engagement)
    down = await vote_comment(ANONYMOUS, comment.id, DOWN, "a", CLIENT, engagement)
    taken_back = await vote_comment(ANONYMOUS, comment.id, NONE, "b", CLIENT, engagement)
    none_again = await vote_comment(ANONYMOUS, comment.id, NONE, "b", CLIENT, engagement)

    assert (up.score, up.upvotes, up.downvotes, up.viewer_vote) == (1, 1, 0, 1)
    assert (again.score, again.viewer_vote) == (1, 1)
    assert (down.score, down.upvotes, down.downvotes, down.viewer_vote) == (0, 1, 1, -1)
    assert (taken_back.score, taken_back.upvotes, taken_back.downvotes) == (-1, 0, 1)
    assert (none_again.score, none_again.viewer_vote) == (-1, 0)
    assert await counts(comment) == (-1, 0, 1)
    assert await CommentVote.filter(comment_id=comment.id).values_list("visitor_id", "value") == [
        ("a", -1)
    ]


async def test_many_visitors_voting_at_once_are_counted_exactly(runtime: Runtime) -> None:
    comment = await make_comment(await make_post())
    engagement = runtime.engagement

    await asyncio.gather(
        *(
            vote_comment(ANONYMOUS, comment.id, UP if n % 3 else DOWN, f"v{n}", CLIENT, engagement)
            for n in range(60)
            for _ in range(2)
        )
    )
    assert await counts(comment) == (40 - 20, 40, 20)

    # Every visitor changes their mind at once, some twice over.
    await asyncio.gather(
        *(
            vote_comment(ANONYMOUS, comment.id, DOWN if n % 3 else UP, f"v{n}", CLIENT, engagement)
            for n in range(60)
        ),
        *(
            vote_comment(ANONYMOUS, comment.id, NONE, f"v{n}", CLIENT, engagement)
            for n in range(10)
        ),
    )

    votes = await CommentVote.filter(comment_id=comment.id).values_list("value", flat=True)
    up, down = votes.count(1), votes.count(-1)
    assert await counts(comment) == (up - down, up, down)


async def test_hidden_comments_cannot_be_voted_on(runtime: Runtime) -> None:
    comment = await make_comment(await make_post(), status=CommentStatus.PENDING)

    with pytest.raises(NotFound):
        await vote_comment(ANONYMOUS, comment.id, UP, "a", CLIENT, runtime.engagement)

    assert await counts(comment) == (0, 0, 0)
    assert not await CommentVote.exists()


async def test_votes_past_the_rate_limit_are_refused_and_not_counted(db: str) -> None:
    runtime = Runtime(Settings(database_url=db, limits=Limits(vote_rate="2/minute")))
    comment = await make_comment(await make_post())
    for visitor in ("a", "b"):
        await vote_comment(ANONYMOUS, comment.id, UP, visitor, CLIENT, runtime.engagement)

    with pytest.raises(RateLimited):
        await vote_comment(ANONYMOUS, comment.id, UP, "c", CLIENT, runtime.engagement)

    assert await counts(comment) == (2, 2, 0)


async def test_top_threads_page_by_score_then_newest_and_cursors_hold(runtime: Runtime) -> None:
    post = await make_post()
    comments = [await make_comment(post, f"Comment {n}.") for n in range(6)]
    scores = [2, 0, 5, 2, -1, 0]
    engagement = runtime.engagement
    for comment, score in zip(comments, scores, strict=True):
        for n in range(abs(score)):
            value = UP if score > 0 else DOWN
            await vote_comment(ANONYMOUS, comment.id, value, f"v{n}", CLIENT, engagement)
    top = CommentOrder.TOP

    first = (
        await comment_reads.thread_pages(ANONYMOUS, "post_id", [(post.id, PageRequest(3))], top)
    )[0]
    # Votes after the first page was read do not repeat or skip anything on the next one.
    await vote_comment(ANONYMOUS, comments[1].id, UP, "late", CLIENT, engagement)
    after = PageRequest(first=3, after=first.cursors[-1])
    second = (await comment_reads.thread_pages(ANONYMOUS, "post_id", [(post.id, after)], top))[0]
    newest = (
        await comment_reads.thread_pages(
            ANONYMOUS, "post_id", [(post.id, PageRequest(2))], CommentOrder.NEWEST
        )
    )[0]

    names = [c.body for c in first.items], [c.body for c in second.items]
    assert names == (
        ["Comment 2.", "Comment 3.", "Comment 0."],
        ["Comment 1.", "Comment 5.", "Comment 4."],
    )
    assert [c.score for c in second.items] == [1, 0, -1]
    assert (first.has_next, second.has_next, second.has_previous) == (True, False, True)
    assert [c.body for c in newest.items] == ["Comment 5.", "Comment 4."]


async def test_votes_and_reactions_racing_a_deletion_answer_not_found(runtime: Runtime) -> None:
    from cms.enums import Role
    from cms.principal import Viewer
    from cms.services.moderation import delete_comment
    from cms.services.reactions import react_to_comment

    editor = Viewer(name="moderator", role=Role.EDITOR)
    engagement = runtime.engagement
    comment = await make_comment(await make_post())

    async def vote(n: int) -> object:
        return await vote_comment(ANONYMOUS, comment.id, UP, f"v{n}", CLIENT, engagement)

    async def react(n: int) -> object:
        return await react_to_comment(ANONYMOUS, comment.id, "HEART", f"r{n}", CLIENT, engagement)

    answers = await asyncio.gather(
        *(vote(n) for n in range(15)),
        delete_comment(editor, comment.id, engagement),
        *(react(n) for n in range(15)),
        return_exceptions=True,
    )

    failures = [a for a in answers if isinstance(a, BaseException)]
    assert all(isinstance(a, NotFound) for a in failures), failures
    assert not await Comment.filter(id=comment.id).exists()
    assert await CommentVote.filter(comment_id=comment.id).count() == 0
