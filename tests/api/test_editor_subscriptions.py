"""Editors' live streams: moderation events and post changes; refused to anyone else."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import pytest

from cms.api.context import Context
from cms.api.ids import encode_id
from cms.api.schema import build_schema
from cms.enums import CommentStatus, Role
from cms.principal import ANONYMOUS, Viewer
from cms.runtime import Runtime
from cms.services import moderation, post_editing, reports
from cms.services.comments import NewComment, add_comment
from cms.settings import Limits, Settings
from tests.factories import make_comment, make_post

MODERATION = """
subscription {
  moderationEvents { kind decidedBy comment { id author status heldBecause } }
}
"""
PUBLISHED = "subscription { postPublished { id title status } }"
UPDATED = "subscription { postUpdated { id title status } }"

EVE = Viewer(name="Eve", role=Role.EDITOR)
BOB = Viewer(name="Bob", role=Role.EDITOR)
CLIENT = "203.0.113.7"


@pytest.fixture
def runtime(db: str) -> Runtime:
    limits = Limits(comment_report_threshold=2, comment_blocklist=("casino",))
    return Runtime(Settings(database_url=db, limits=limits))


async def subscribe(runtime: Runtime, document: str, viewer: Viewer) -> Any:
    schema = build_schema(runtime.settings.limits)
    context = Context(runtime=runtime, viewer=viewer)
    return await schema.subscribe(document, context_value=context)


async def next_data(results: AsyncGenerator[Any, None]) -> dict[str, Any]:
    result = await asyncio.wait_for(anext(results), 2)
    assert result.errors is None, result.errors
    return result.data


async def listening(results: AsyncGenerator[Any, None]) -> asyncio.Future[dict[str, Any]]:
    """The next event, subscribed before this returns."""
    waiting = asyncio.ensure_future(next_data(results))
    await asyncio.sleep(0.05)
    return waiting


async def test_editors_hear_held_comments_reports_and_each_others_decisions(
    runtime: Runtime,
) -> None:
    post = await make_post()
    reported = await make_comment(post, author="Loud")
    events = await subscribe(runtime, MODERATION, EVE)

    first = await listening(events)
    new = NewComment(post_id=post.id, author="Ana", body="Visit casino.example")
    held = await add_comment(ANONYMOUS, new, CLIENT, runtime.engagement)
    on_hold = await first
    await moderation.moderate_comment(BOB, held.id, CommentStatus.SPAM, runtime.engagement)
    decided = await next_data(events)
    for visitor in ("v1", "v2"):
        await reports.report_comment(
            ANONYMOUS, reported.id, visitor, None, CLIENT, runtime.engagement
        )
    after_reports = [await next_data(events) for _ in range(3)]
    await events.aclose()

    held_id, reported_id = encode_id("Comment", held.id), encode_id("Comment", reported.id)
    assert on_hold["moderationEvents"] == {
        "kind": "HELD",
        "decidedBy": None,
        "comment": {
            "id": held_id,
            "author": "Ana",
            "status": "PENDING",
            "heldBecause": ["FIRST_COMMENT", "BLOCKLIST"],
        },
    }
    assert decided["moderationEvents"] == {
        "kind": "DECIDED",
        "decidedBy": "Bob",
        "comment": {
            "id": held_id,
            "author": "Ana",
            "status": "SPAM",
            "heldBecause": ["FIRST_COMMENT", "BLOCKLIST"],
        },
    }
    assert [
        (e["moderationEvents"]["kind"], e["moderationEvents"]["comment"]["status"])
        for e in after_reports
    ] == [("REPORTED", "APPROVED"), ("REPORTED", "PENDING"), ("HELD", "PENDING")]
    assert after_reports[2]["moderationEvents"]["comment"] == {
        "id": reported_id,
        "author": "Loud",
        "status": "PENDING",
        "heldBecause": ["REPORTS"],
    }


async def test_a_decision_that_changes_nothing_is_not_announced(runtime: Runtime) -> None:
    post = await make_post()
    comment = await make_comment(post)
    events = await subscribe(runtime, MODERATION, EVE)

    waiting = await listening(events)
    await moderation.moderate_comment(BOB, comment.id, CommentStatus.APPROVED, runtime.engagement)
    await moderation.moderate_comment(BOB, comment.id, CommentStatus.REJECTED, runtime.engagement)
    only = await waiting
    await events.aclose()

    assert only["moderationEvents"]["kind"] == "DECIDED"
    assert only["moderationEvents"]["comment"]["status"] == "REJECTED"


async def test_editors_hear_who_deleted_a_comment(runtime: Runtime) -> None:
    post = await make_post()
    comment = await make_comment(post, author="Gone")
    events = await subscribe(runtime, MODERATION, EVE)

    waiting = await listening(events)
    await moderation.delete_comment(BOB, comment.id, runtime.engagement)
    deleted = await waiting
    await events.aclose()

    assert deleted["moderationEvents"] == {
        "kind": "DELETED",
        "decidedBy": "Bob",
        "comment": {
            "id": encode_id("Comment", comment.id),
            "author": "Gone",
            "status": "APPROVED",
            "heldBecause": [],
        },
    }


async def test_editors_hear_posts_published_and_changed(runtime: Runtime) -> None:
    draft = await post_editing.create_post(EVE, post_editing.PostDraft(title="Plans"))
    published = await subscribe(runtime, PUBLISHED, EVE)
    updated = await subscribe(runtime, UPDATED, EVE)

    first_update = await listening(updated)
    first_publication = await listening(published)
    events = runtime.events
    await post_editing.update_post(EVE, draft.id, {"title": "Plans, revised"}, events=events)
    renamed = await first_update
    await post_editing.publish_post(BOB, draft.id, events=events)
    went_live = await first_publication
    status_changed = await next_data(updated)
    await published.aclose()
    await updated.aclose()

    post_id = encode_id("Post", draft.id)
    assert renamed["postUpdated"] == {"id": post_id, "title": "Plans, revised", "status": "DRAFT"}
    assert went_live["postPublished"] == {
        "id": post_id,
        "title": "Plans, revised",
        "status": "PUBLISHED",
    }
    assert status_changed["postUpdated"]["status"] == "PUBLISHED"


@pytest.mark.parametrize("document", [MODERATION, PUBLISHED, UPDATED])
async def test_anonymous_subscribers_of_editor_streams_are_refused(
    runtime: Runtime, document: str
) -> None:
    results = await subscribe(runtime, document, ANONYMOUS)

    if hasattr(results, "__anext__"):
        result = await asyncio.wait_for(anext(results), 2)
        await results.aclose()
    else:
        result = results
    assert result.data is None
    assert [e.extensions["code"] for e in result.errors] == ["UNAUTHENTICATED"]
