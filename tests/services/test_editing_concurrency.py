"""Concurrent editors: positions stay dense and counts stay exact."""

from __future__ import annotations

import asyncio

from cms.enums import CommentStatus, Role
from cms.models import Comment, Post, Section
from cms.principal import Viewer
from cms.runtime import Runtime
from cms.services import moderation, section_editing
from cms.services.post_editing import SectionDraft
from cms.settings import Settings
from tests.factories import make_comment, make_post

EDITOR = Viewer(name="alice", role=Role.EDITOR, token_id=1)


async def test_concurrent_moves_and_adds_leave_positions_dense_and_unique(db: str) -> None:
    post = await make_post("Busy", sections=[(f"S{i}", f"Body {i}") for i in range(5)])
    sections = await Section.filter(post_id=post.id).order_by("position")

    await asyncio.gather(
        *(section_editing.move_section(EDITOR, s.id, (i * 3) % 5) for i, s in enumerate(sections)),
        *(
            section_editing.add_section(EDITOR, post.id, SectionDraft(body=f"New {i}"), 0)
            for i in range(3)
        ),
    )

    positions = (
        await Section.filter(post_id=post.id)
        .order_by("position")
        .values_list("position", flat=True)
    )
    assert positions == list(range(8))


async def test_concurrent_approvals_of_one_comment_count_once(db: str) -> None:
    post = await make_post("Talk")
    comment = await make_comment(post, status=CommentStatus.PENDING)

    engagement = Runtime(Settings(database_url=db)).engagement

    await asyncio.gather(
        *(
            moderation.moderate_comment(EDITOR, comment.id, CommentStatus.APPROVED, engagement)
            for _ in range(8)
        )
    )

    assert (await Post.get(id=post.id)).comment_count == 1


async def test_deleting_a_thread_while_a_reply_is_approved_keeps_the_count_exact(
    db: str,
) -> None:
    engagement = Runtime(Settings(database_url=db)).engagement
    post = await make_post("Talk")
    for _ in range(10):
        parent = await make_comment(post, "Parent")
        reply = await make_comment(post, "Reply", parent=parent, status=CommentStatus.PENDING)

        await asyncio.gather(
            moderation.delete_comment(EDITOR, parent.id, engagement),
            moderation.moderate_comment(EDITOR, reply.id, CommentStatus.APPROVED, engagement),
            return_exceptions=True,  # the approval may find the reply already deleted
        )

    approved = await Comment.filter(post_id=post.id, status=CommentStatus.APPROVED).count()
    assert (await Post.get(id=post.id)).comment_count == approved == 0
