"""Subscriptions resolved in-process: what each viewer receives, and when."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator
from typing import Any

import pytest

from cms.api.context import Context
from cms.api.ids import encode_id
from cms.api.schema import build_schema
from cms.enums import CommentStatus, PostStatus, Role, VoteValue
from cms.principal import ANONYMOUS, Viewer
from cms.runtime import Runtime
from cms.services import moderation, post_editing, tokens
from cms.services.comments import NewComment, add_comment, set_comment_status
from cms.services.likes import like_post, unlike_post
from cms.services.reactions import react_to_comment, react_to_post
from cms.services.votes import vote_comment
from cms.settings import Limits, Settings
from tests.factories import make_comment, make_post

COMMENT_ADDED = """
subscription Comments($postId: ID!) {
  commentAdded(postId: $postId) { id author html status post { slug commentCount } }
}
"""

POST_STATS = """
subscription Stats($postId: ID!, $visitorId: String) {
  postStats(postId: $postId, visitorId: $visitorId) {
    postId likeCount viewCount commentCount viewerHasLiked
  }
}
"""

EDITOR = Viewer(name="Eve", role=Role.EDITOR)
CLIENT = "203.0.113.7"


@pytest.fixture
def runtime(db: str) -> Runtime:
    return Runtime(Settings(database_url=db, limits=Limits(comment_blocklist=("casino",))))


async def subscribe(
    runtime: Runtime,
    document: str,
    post_id: int,
    viewer: Viewer = ANONYMOUS,
    visitor_id: str | None = None,
) -> AsyncGenerator[Any, None]:
    schema = build_schema(runtime.settings.limits)
    context = Context(runtime=runtime, viewer=viewer)
    variables = {"postId": encode_id("Post", post_id), "visitorId": visitor_id}
    results = await schema.subscribe(document, variables, context_value=context)
    assert not hasattr(results, "errors") or hasattr(results, "__anext__"), results
    return results  # type: ignore[return-value]


async def next_data(results: AsyncGenerator[Any, None]) -> dict[str, Any]:
    result = await asyncio.wait_for(anext(results), 2)
    assert result.errors is None, result.errors
    return result.data


async def comment(runtime: Runtime, post_id: int, body: str, author: str = "Ana") -> int:
    new = NewComment(post_id=post_id, author=author, body=body)
    return (await add_comment(ANONYMOUS, new, CLIENT, runtime.engagement)).id


async def test_the_public_receives_approved_comments_and_editors_every_new_one(
    runtime: Runtime,
) -> None:
    post = await make_post()
    public = await subscribe(runtime, COMMENT_ADDED, post.id)
    editor = await subscribe(runtime, COMMENT_ADDED, post.id, EDITOR)
    public_first = asyncio.ensure_future(next_data(public))
    editor_first = asyncio.ensure_future(next_data(editor))
    await asyncio.sleep(0.05)  # both subscribers are listening

    held = await comment(runtime, post.id, "First words")  # an author's first comment: held
    editor_saw = await editor_first
    await set_comment_status(held, CommentStatus.APPROVED, engagement=runtime.engagement)
    public_saw = await public_first

    assert editor_saw["commentAdded"]["status"] == "PENDING"
    assert public_saw["commentAdded"] == {
        "id": encode_id("Comment", held),
        "author": "Ana",
        "html": "<p>First words</p>",
        "status": "APPROVED",
        "post": {"slug": post.slug, "commentCount": 1},
    }
    await public.aclose()
    await editor.aclose()


async def test_post_stats_start_with_the_current_counts_then_follow_changes(
    runtime: Runtime,
) -> None:
    post = await make_post(like_count=4)
    stats = await subscribe(runtime, POST_STATS, post.id)

    current = await next_data(stats)
    await like_post(ANONYMOUS, post.id, "visitor-a", CLIENT, runtime.engagement)
    after_like = await next_data(stats)
    await like_post(ANONYMOUS, post.id, "visitor-a", CLIENT, runtime.engagement)  # no change
    await runtime.views.record(post.id, "b")
    held = await comment(runtime, post.id, "Hello", author="Bob")  # held: no count, no event
    await set_comment_status(held, CommentStatus.APPROVED, engagement=runtime.engagement)
    after_approval = await next_data(stats)

    pid = encode_id("Post", post.id)
    assert current["postStats"] == {
        "postId": pid,
        "likeCount": 4,
        "viewCount": 0,
        "commentCount": 0,
        "viewerHasLiked": False,
    }
    assert after_like["postStats"]["likeCount"] == 5
    assert after_approval["postStats"] == {
        "postId": pid,
        "likeCount": 5,
        "viewCount": 1,
        "commentCount": 1,
        "viewerHasLiked": False,
    }
    await stats.aclose()


async def test_with_a_visitor_id_viewer_has_liked_follows_that_visitors_likes(
    runtime: Runtime,
) -> None:
    post = await make_post()
    engagement = runtime.engagement
    await like_post(ANONYMOUS, post.id, "me", CLIENT, engagement)
    stats = await subscribe(runtime, POST_STATS, post.id, visitor_id="me")
    seen = [await next_data(stats)]

    await like_post(ANONYMOUS, post.id, "someone-else", CLIENT, engagement)
    seen.append(await next_data(stats))
    await unlike_post(ANONYMOUS, post.id, "me", CLIENT, engagement)
    seen.append(await next_data(stats))

    assert [(s["postStats"]["likeCount"], s["postStats"]["viewerHasLiked"]) for s in seen] == [
        (1, True),
        (2, True),
        (1, False),
    ]
    await stats.aclose()


@pytest.mark.parametrize("document", [COMMENT_ADDED, POST_STATS])
async def test_subscribing_to_a_post_the_viewer_cannot_see_is_not_found(
    runtime: Runtime, document: str
) -> None:
    draft = await make_post(status=PostStatus.DRAFT)
    results = await subscribe(runtime, document, draft.id)

    result = await asyncio.wait_for(anext(results), 2)

    assert [error.extensions["code"] for error in result.errors] == ["NOT_FOUND"]


async def test_an_editor_approving_a_held_comment_announces_it(runtime: Runtime) -> None:
    post = await make_post()
    held = await comment(runtime, post.id, "Visit casino.example")  # blocklisted: PENDING
    public = await subscribe(runtime, COMMENT_ADDED, post.id)
    first = asyncio.ensure_future(next_data(public))
    await asyncio.sleep(0.05)

    await moderation.moderate_comment(EDITOR, held, CommentStatus.APPROVED, runtime.engagement)

    data = await first
    assert data["commentAdded"]["id"] == encode_id("Comment", held)
    assert data["commentAdded"]["status"] == "APPROVED"
    assert data["commentAdded"]["post"]["commentCount"] == 1


async def test_unpublishing_a_post_ends_public_subscriptions_to_it(runtime: Runtime) -> None:
    post = await make_post()
    before = await make_comment(post, "Before", status=CommentStatus.PENDING)
    after = await make_comment(post, "After", status=CommentStatus.PENDING)
    public = await subscribe(runtime, COMMENT_ADDED, post.id)
    first = asyncio.ensure_future(next_data(public))
    await asyncio.sleep(0.05)
    await set_comment_status(before.id, CommentStatus.APPROVED, engagement=runtime.engagement)
    assert (await first)["commentAdded"]["id"] == encode_id("Comment", before.id)

    await post_editing.unpublish_post(EDITOR, post.id)
    await asyncio.sleep(1.1)  # past the visibility re-check interval
    await set_comment_status(after.id, CommentStatus.APPROVED, engagement=runtime.engagement)
    result = await asyncio.wait_for(anext(public), 2)

    assert result.data is None
    assert [e.extensions["code"] for e in result.errors or []] == ["NOT_FOUND"]


async def test_revoking_a_token_ends_that_editors_subscriptions(runtime: Runtime) -> None:
    post = await make_post()
    _, secret = await tokens.create_token("Rita", Role.EDITOR)
    editor = await tokens.authenticate(secret)
    live = await subscribe(runtime, COMMENT_ADDED, post.id, editor)
    pending = asyncio.ensure_future(anext(live))
    await asyncio.sleep(0.05)

    await tokens.revoke_token("Rita")
    await asyncio.sleep(1.1)  # past the re-check interval
    await comment(runtime, post.id, "Held for review")
    result = await asyncio.wait_for(pending, 2)

    assert result.data is None
    assert [e.extensions["code"] for e in result.errors or []] == ["UNAUTHENTICATED"]


POST_REACTIONS = """
subscription Stats($postId: ID!, $visitorId: String) {
  postStats(postId: $postId, visitorId: $visitorId) {
    likeCount reactions { kind count viewerReacted }
    comment { commentId score reactions { kind count } viewerVote }
  }
}
"""


async def test_reactions_and_votes_arrive_live_with_the_visitors_own(runtime: Runtime) -> None:
    post = await make_post()
    remark = await make_comment(post)
    engagement = runtime.engagement
    stats = await subscribe(runtime, POST_REACTIONS, post.id, visitor_id="me")
    seen = [await next_data(stats)]

    await react_to_post(ANONYMOUS, post.id, "HEART", "me", CLIENT, engagement)
    seen.append(await next_data(stats))
    await react_to_post(ANONYMOUS, post.id, "HEART", "someone-else", CLIENT, engagement)
    seen.append(await next_data(stats))
    await vote_comment(ANONYMOUS, remark.id, VoteValue.UP, "someone-else", CLIENT, engagement)
    seen.append(await next_data(stats))
    await react_to_comment(ANONYMOUS, remark.id, "LAUGH", "me", CLIENT, engagement)
    seen.append(await next_data(stats))

    hearts = [
        (s["postStats"]["reactions"][1]["count"], s["postStats"]["reactions"][1]["viewerReacted"])
        for s in seen
    ]
    assert hearts == [(0, False), (1, True), (2, True), (2, True), (2, True)]
    assert [s["postStats"]["comment"] for s in seen[:3]] == [None, None, None]
    cid = encode_id("Comment", remark.id)
    no_reactions = [{"kind": kind, "count": 0} for kind in ("THUMBS_UP", "HEART", "INSIGHT")]
    assert seen[3]["postStats"]["comment"] == {
        "commentId": cid,
        "score": 1,
        "reactions": [*no_reactions, {"kind": "LAUGH", "count": 0}],
        "viewerVote": None,
    }
    assert seen[4]["postStats"]["comment"]["reactions"][3] == {"kind": "LAUGH", "count": 1}
    await stats.aclose()
