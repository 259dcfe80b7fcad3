"""Readers' reports: once per visitor, capped reasons, rate limited, and the threshold
that holds an approved comment exact however many reports arrive at once."""

from __future__ import annotations

import asyncio

import pytest

from cms.enums import CommentStatus
from cms.errors import InvalidInput, NotFound, RateLimited
from cms.models import Comment, CommentHold, CommentReport, Post
from cms.principal import ANONYMOUS
from cms.runtime import Runtime
from cms.services.events import LocalBroker
from cms.services.moderation_events import MODERATION_CHANNEL
from cms.services.reports import report_comment
from cms.settings import Limits, Settings
from tests.factories import make_comment, make_post

CLIENT = "203.0.113.9"


def runtime_with(db: str, threshold: int = 3, rate: str = "1000/minute") -> Runtime:
    limits = Limits(comment_report_threshold=threshold, report_rate=rate)
    return Runtime(Settings(database_url=db, limits=limits))


async def _state(comment: Comment) -> tuple[str, int, int, list[str], int]:
    """Status, report_count, reports stored, hold reasons, and the post's comment_count."""
    row = await Comment.get(id=comment.id)
    reports = await CommentReport.filter(comment_id=comment.id).count()
    holds = await CommentHold.filter(comment_id=comment.id).values_list("reason", flat=True)
    count = (await Post.get(id=comment.post_id)).comment_count
    return str(row.status), row.report_count, reports, sorted(map(str, holds)), count


async def test_reporting_twice_counts_once_and_keeps_the_first_reason(db: str) -> None:
    runtime = runtime_with(db)
    post = await make_post()
    comment = await make_comment(post)

    first = await report_comment(ANONYMOUS, comment.id, "v1", " rude ", CLIENT, runtime.engagement)
    again = await report_comment(ANONYMOUS, comment.id, "v1", "other", CLIENT, runtime.engagement)

    assert (first and first.id, again and again.id) == (comment.id, comment.id)
    assert await _state(comment) == ("APPROVED", 1, 1, [], 1)
    assert await CommentReport.filter(comment_id=comment.id).values_list("reason", flat=True) == [
        "rude"
    ]


async def test_the_threshold_holds_the_comment_once_under_concurrent_reports(db: str) -> None:
    runtime = runtime_with(db, threshold=5)
    broker = runtime.events
    assert isinstance(broker, LocalBroker)
    post = await make_post()
    comment = await make_comment(post)
    await make_comment(post, author="Other")

    async with broker.subscribe(MODERATION_CHANNEL) as events:
        answers = await asyncio.gather(
            *(
                report_comment(
                    ANONYMOUS, comment.id, f"v{n % 30}", None, CLIENT, runtime.engagement
                )
                for n in range(40)
            ),
            return_exceptions=True,
        )
        kinds = [(await events.next())["kind"] for _ in range(events.waiting)]

    # 30 distinct visitors (10 of them twice): the fifth distinct report held it, once.
    # A report that starts after the hold meets a comment anonymous readers no longer
    # see (NOT_FOUND); every report that got in is counted exactly once.
    status, counted, stored, reasons, comment_count = await _state(comment)
    assert (status, reasons, comment_count) == ("PENDING", ["REPORTS"], 1)
    assert 5 <= counted == stored <= 30
    assert kinds.count("REPORTED") == stored
    assert kinds.count("HELD") == 1
    refused = [answer for answer in answers if isinstance(answer, BaseException)]
    assert all(isinstance(answer, NotFound) for answer in refused)
    # Anonymous reporters see the comment until it is held, then null.
    assert sum(answer is None for answer in answers) >= 1


async def test_a_held_or_missing_comment_cannot_be_reported_anonymously(db: str) -> None:
    runtime = runtime_with(db)
    post = await make_post()
    held = await make_comment(post, status=CommentStatus.PENDING)

    for comment_id in (held.id, held.id + 100):
        with pytest.raises(NotFound):
            await report_comment(ANONYMOUS, comment_id, "v1", None, CLIENT, runtime.engagement)

    assert await CommentReport.all().count() == 0


async def test_long_reasons_and_bad_visitor_ids_are_refused_and_write_nothing(db: str) -> None:
    runtime = runtime_with(db)
    post = await make_post()
    comment = await make_comment(post)

    with pytest.raises(InvalidInput) as long_reason:
        await report_comment(ANONYMOUS, comment.id, "v1", "x" * 201, CLIENT, runtime.engagement)
    with pytest.raises(InvalidInput) as no_visitor:
        await report_comment(ANONYMOUS, comment.id, " ", None, CLIENT, runtime.engagement)

    assert (long_reason.value.field, no_visitor.value.field) == ("reason", "visitorId")
    assert await _state(comment) == ("APPROVED", 0, 0, [], 1)


async def test_reports_are_rate_limited_per_client(db: str) -> None:
    runtime = runtime_with(db, rate="2/minute")
    post = await make_post()
    comment = await make_comment(post)

    for visitor in ("v1", "v2"):
        await report_comment(ANONYMOUS, comment.id, visitor, None, CLIENT, runtime.engagement)
    with pytest.raises(RateLimited):
        await report_comment(ANONYMOUS, comment.id, "v3", None, CLIENT, runtime.engagement)
    await report_comment(ANONYMOUS, comment.id, "v3", None, "203.0.113.10", runtime.engagement)

    assert await _state(comment) == ("PENDING", 3, 3, ["REPORTS"], 0)


async def test_a_threshold_of_zero_never_holds(db: str) -> None:
    runtime = runtime_with(db, threshold=0)
    post = await make_post()
    comment = await make_comment(post)

    for n in range(4):
        await report_comment(ANONYMOUS, comment.id, f"v{n}", None, CLIENT, runtime.engagement)

    assert await _state(comment) == ("APPROVED", 4, 4, [], 1)
