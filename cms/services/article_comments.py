"""An article's comment list merged into a post's comments, never touching readers' work.

A listed comment is matched to the post's approved comment with the same author and
body, in order (the key that stays the same from one import to the next); an edited
body updates the matched comment in place, so it keeps its id and its replies. A
comment the text no longer lists is removed only if it came from an article and
has no replies, reactions or votes; comments written here by readers always stay, as
do readers' reactions and votes (an import never writes them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from difflib import SequenceMatcher

from tortoise.expressions import F

from cms.enums import CommentStatus
from cms.models import Comment, CommentReaction, CommentVote, Post
from cms.services import comment_text
from cms.services.rendering import render_markdown


@dataclass
class CommentChanges:
    """What a merge did to a post's comments."""

    added: list[Comment] = field(default_factory=list)
    updated: int = 0
    removed: int = 0
    # Not listed in the text but kept: written by readers, or answered by one.
    kept: int = 0


def _new(post: Post, author: str, body: str, created_at: datetime) -> Comment:
    return Comment(
        post_id=post.id,
        author=author,
        body=body,
        html=render_markdown(body, user_generated=True),
        status=CommentStatus.APPROVED,
        # An article lists top-level comments, approved: public, as their thread is.
        is_public=True,
        fingerprint=comment_text.fingerprint(body),
        created_at=created_at,
        imported=True,
    )


async def _has_readers_work(comment: Comment) -> bool:
    """Replies, reactions or votes: what readers did with a comment, which stays."""
    return (
        await Comment.exists(parent_id=comment.id)
        or await CommentReaction.exists(comment_id=comment.id)
        or await CommentVote.exists(comment_id=comment.id)
    )


async def merge_comments(
    post: Post, listed: list[tuple[str, str]], created_at: datetime
) -> CommentChanges:
    """Make the post's approved comments say what `listed` (author, body) says.

    Call inside the import's transaction, with the post locked. New comments get the
    time of the comment listed before them (`created_at` for the first), so they read
    in the text's order. `comment_count` moves by what was added and removed.
    """
    rows = await Comment.filter(post_id=post.id, is_public=True).order_by("created_at", "id")
    keys = [(row.author, row.body) for row in rows]
    changes = CommentChanges()
    unlisted: list[Comment] = []
    inserts: list[Comment] = []
    matcher = SequenceMatcher(None, keys, listed, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        olds, news = rows[i1:i2], listed[j1:j2]
        paired = 0
        if tag == "replace":
            while paired < min(len(olds), len(news)) and olds[paired].author == news[paired][0]:
                row, body = olds[paired], news[paired][1]
                row.body, row.html = body, render_markdown(body, user_generated=True)
                row.fingerprint = comment_text.fingerprint(body)
                await row.save(update_fields=["body", "html", "fingerprint"])
                changes.updated += 1
                paired += 1
        unlisted += olds[paired:]
        anchor = rows[i1 - 1].created_at if i1 else created_at
        inserts += [_new(post, author, body, anchor) for author, body in news[paired:]]
    for row in unlisted:
        if row.imported and not await _has_readers_work(row):
            await row.delete()
            changes.removed += 1
        else:
            changes.kept += 1
    for comment in inserts:
        await comment.save()
        changes.added.append(comment)
    delta = len(changes.added) - changes.removed
    if delta:
        await Post.filter(id=post.id).update(comment_count=F("comment_count") + delta)
    return changes
