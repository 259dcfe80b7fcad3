"""Reactions: one per visitor and kind, exact counts under concurrency, configured kinds,
rate limits, visibility, daily buckets and trending."""

from __future__ import annotations

import asyncio

import pytest

from cms.enums import CommentStatus, PostStatus
from cms.errors import InvalidInput, NotFound, RateLimited
from cms.models import (
    CommentReaction,
    CommentReactionCount,
    Post,
    PostActivity,
    PostReaction,
    PostReactionCount,
)
from cms.principal import ANONYMOUS
from cms.runtime import Runtime
from cms.services import activity
from cms.services.likes import like_post
from cms.services.reactions import react_to_comment, react_to_post
from cms.settings import Limits, Settings
from tests.factories import make_comment, make_post

CLIENT = "203.0.113.8"


@pytest.fixture
def runtime(db: str) -> Runtime:
    return Runtime(Settings(database_url=db, limits=Limits(reaction_rate="10000/minute")))


async def post_counts(post: Post) -> dict[str, int]:
    rows = await PostReactionCount.filter(post_id=post.id).values_list("kind", "count")
    return {kind: count for kind, count in rows if count}


async def test_reacting_twice_counts_once_and_each_kind_apart(runtime: Runtime) -> None:
    post = await make_post()
    engagement = runtime.engagement

    first = await react_to_post(ANONYMOUS, post.id, "HEART", "visitor-a", CLIENT, engagement)
    again = await react_to_post(ANONYMOUS, post.id, "heart", " visitor-a ", CLIENT, engagement)
    other = await react_to_post(ANONYMOUS, post.id, "LAUGH", "visitor-a", CLIENT, engagement)
    await react_to_post(ANONYMOUS, post.id, "HEART", "visitor-b", CLIENT, engagement)

    assert first.reaction_counts == again.reaction_counts == {"HEART": 1}
    assert again.viewer_reactions == frozenset({"HEART"})
    assert other.viewer_reactions == frozenset({"HEART", "LAUGH"})
    assert await post_counts(post) == {"HEART": 2, "LAUGH": 1}
    assert await PostReaction.filter(post_id=post.id).count() == 3
    assert (await Post.get(id=post.id)).like_count == 0  # likes are their own thing


async def test_unreacting_takes_one_back_once(runtime: Runtime) -> None:
    post = await make_post()
    engagement = runtime.engagement
    for visitor in ("a", "b"):
        await react_to_post(ANONYMOUS, post.id, "INSIGHT", visitor, CLIENT, engagement)

    first = await react_to_post(ANONYMOUS, post.id, "INSIGHT", "a", CLIENT, engagement, add=False)
    second = await react_to_post(ANONYMOUS, post.id, "INSIGHT", "a", CLIENT, engagement, add=False)

    assert first.reaction_counts == second.reaction_counts == {"INSIGHT": 1}
    assert second.viewer_reactions == frozenset()
    assert await post_counts(post) == {"INSIGHT": 1}


async def test_many_visitors_at_once_are_counted_exactly(runtime: Runtime) -> None:
    post = await make_post()
    engagement = runtime.engagement

    await asyncio.gather(
        *(
            react_to_post(ANONYMOUS, post.id, kind, f"visitor-{n}", CLIENT, engagement)
            for n in range(40)
            for kind in ("HEART", "THUMBS_UP")
        ),
        # The same visitor double-clicking: once.
        *(
            react_to_post(ANONYMOUS, post.id, "LAUGH", "clicker", CLIENT, engagement)
            for _ in range(20)
        ),
    )

    assert await post_counts(post) == {"HEART": 40, "THUMBS_UP": 40, "LAUGH": 1}
    assert await PostReaction.filter(post_id=post.id).count() == 81
    today = await PostActivity.get(post_id=post.id, day=activity.utc_day())
    assert today.reactions == 81
    assert (await Post.get(id=post.id)).trending_score == 81 * activity.WEIGHTS["reactions"]

    await asyncio.gather(
        *(
            react_to_post(
                ANONYMOUS, post.id, "HEART", f"visitor-{n}", CLIENT, engagement, add=False
            )
            for n in range(40)
            for _ in range(2)
        )
    )

    assert await post_counts(post) == {"THUMBS_UP": 40, "LAUGH": 1}
    today = await PostActivity.get(post_id=post.id, day=activity.utc_day())
    assert today.reactions == 41
    assert (await Post.get(id=post.id)).trending_score == 41 * activity.WEIGHTS["reactions"]


async def test_a_kind_that_is_not_configured_is_refused_naming_the_allowed_ones(
    db: str,
) -> None:
    limits = Limits(reaction_kinds=(("CLAP", "👏"), ("WOW", "😮")))
    runtime = Runtime(Settings(database_url=db, limits=limits))
    post = await make_post()

    with pytest.raises(InvalidInput) as raised:
        await react_to_post(ANONYMOUS, post.id, "HEART", "visitor-a", CLIENT, runtime.engagement)
    allowed = await react_to_post(
        ANONYMOUS, post.id, "wow", "visitor-a", CLIENT, runtime.engagement
    )

    assert raised.value.field == "kind"
    assert str(raised.value) == "`kind` must be one of CLAP, WOW; got 'HEART'."
    assert allowed.reaction_counts == {"WOW": 1}
    assert await post_counts(post) == {"WOW": 1}


async def test_reactions_past_the_rate_limit_are_refused_and_not_counted(db: str) -> None:
    runtime = Runtime(Settings(database_url=db, limits=Limits(reaction_rate="3/minute")))
    post = await make_post()
    for n in range(3):
        await react_to_post(ANONYMOUS, post.id, "HEART", f"v{n}", CLIENT, runtime.engagement)

    with pytest.raises(RateLimited) as raised:
        await react_to_post(ANONYMOUS, post.id, "HEART", "v9", CLIENT, runtime.engagement)
    other = await react_to_post(
        ANONYMOUS, post.id, "HEART", "v8", "198.51.100.2", runtime.engagement
    )

    assert 1 <= raised.value.retry_after_s <= 60
    assert other.reaction_counts == {"HEART": 4}
    assert not await PostReaction.exists(visitor_id="v9")


async def test_hidden_posts_and_comments_cannot_be_reacted_to(runtime: Runtime) -> None:
    draft = await make_post(status=PostStatus.DRAFT)
    post = await make_post()
    pending = await make_comment(post, status=CommentStatus.PENDING)
    engagement = runtime.engagement

    with pytest.raises(NotFound):
        await react_to_post(ANONYMOUS, draft.id, "HEART", "a", CLIENT, engagement)
    with pytest.raises(NotFound):
        await react_to_comment(ANONYMOUS, pending.id, "HEART", "a", CLIENT, engagement)

    assert not await PostReaction.exists()
    assert not await CommentReaction.exists()


async def test_comment_reactions_count_per_comment_and_on_the_posts_day(
    runtime: Runtime,
) -> None:
    post = await make_post()
    comment, other = await make_comment(post), await make_comment(post, "Second.")
    engagement = runtime.engagement

    await asyncio.gather(
        *(
            react_to_comment(ANONYMOUS, comment.id, "LAUGH", f"v{n}", CLIENT, engagement)
            for n in range(30)
            for _ in range(2)
        )
    )
    stats = await react_to_comment(ANONYMOUS, other.id, "HEART", "v1", CLIENT, engagement)
    back = await react_to_comment(
        ANONYMOUS, comment.id, "LAUGH", "v1", CLIENT, engagement, add=False
    )

    counts = await CommentReactionCount.filter(comment__post_id=post.id).values_list(
        "comment_id", "kind", "count"
    )
    assert sorted(counts) == sorted([(comment.id, "LAUGH", 29), (other.id, "HEART", 1)])
    assert (stats.reaction_counts, stats.viewer_reactions) == ({"HEART": 1}, {"HEART"})
    assert (back.reaction_counts, back.viewer_reactions) == ({"LAUGH": 29}, frozenset())
    today = await PostActivity.get(post_id=post.id, day=activity.utc_day())
    assert today.reactions == 30
    assert await post_counts(post) == {}


async def test_reactions_likes_and_comment_reactions_at_once_all_count(db: str) -> None:
    limits = Limits(reaction_rate="10000/minute", like_rate="10000/minute")
    engagement = Runtime(Settings(database_url=db, limits=limits)).engagement
    post = await make_post()
    comment = await make_comment(post)

    await asyncio.gather(
        *(
            call
            for n in range(25)
            for call in (
                like_post(ANONYMOUS, post.id, f"v{n}", CLIENT, engagement),
                react_to_post(ANONYMOUS, post.id, "HEART", f"v{n}", CLIENT, engagement),
                react_to_comment(ANONYMOUS, comment.id, "INSIGHT", f"v{n}", CLIENT, engagement),
            )
        )
    )

    stored = await Post.get(id=post.id)
    today = await PostActivity.get(post_id=post.id, day=activity.utc_day())
    assert (stored.like_count, today.likes, today.reactions) == (25, 25, 50)
    assert await post_counts(post) == {"HEART": 25}
    assert (await CommentReactionCount.get(comment_id=comment.id)).count == 25
    weights = activity.WEIGHTS
    assert stored.trending_score == 25 * weights["likes"] + 50 * weights["reactions"]
