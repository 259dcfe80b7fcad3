"""Which comments the public sees: APPROVED ones whose every ancestor is APPROVED too.

A reply under a comment that is pending, rejected or spam is hidden with it, by every
route. The answer is stored on each row (`comment.is_public`) and kept in the same
transaction as the status change that moves it, so public reads stay one indexed
filter and `post.comment_count` (public comments only) stays a stored number.
"""

from __future__ import annotations

from collections import defaultdict

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.connection import get_connection

from cms.enums import CommentStatus
from cms.models import Comment
from cms.services.read_statements import Statement, fetch

_APPROVED = CommentStatus.APPROVED.value

# The comment and every reply below it, at any depth (replies walk comment_reply_idx).
_SUBTREE = Statement(
    """WITH RECURSIVE thread(id) AS (
        SELECT id FROM comment WHERE id = ?
        UNION ALL
        SELECT reply.id FROM comment AS reply JOIN thread ON reply.parent_id = thread.id
        WHERE reply.parent_id IS NOT NULL
    )
    SELECT comment.id, comment.parent_id, comment.status, comment.is_public,
        (SELECT above.is_public FROM comment AS above WHERE above.id = comment.parent_id)
    FROM comment JOIN thread ON comment.id = thread.id"""
)

# Every row from its status, roots first (migration 0006 and `cms load` run these).
REFRESH_ALL = (
    "UPDATE comment SET is_public = FALSE",
    f"""UPDATE comment SET is_public = TRUE WHERE id IN (
        WITH RECURSIVE shown(id) AS (
            SELECT id FROM comment WHERE parent_id IS NULL AND status = '{_APPROVED}'
            UNION ALL
            SELECT reply.id FROM comment AS reply JOIN shown ON reply.parent_id = shown.id
            WHERE reply.status = '{_APPROVED}'
        )
        SELECT id FROM shown
    )""",
    """UPDATE post SET comment_count = (
        SELECT COUNT(*) FROM comment WHERE comment.post_id = post.id AND comment.is_public = TRUE
    )""",
)


async def refresh_subtree(comment_id: int) -> tuple[bool, int]:
    """Recompute `is_public` below and at a comment whose status changed.

    Returns the comment's own new value and how many public comments the thread
    gained (negative: lost), for `comment_count`. Call inside the transaction that
    changed the status, with the post row locked.
    """
    rows = await fetch(_SUBTREE, comment_id)
    children: dict[int, list[int]] = defaultdict(list)
    status: dict[int, str] = {}
    before: dict[int, bool] = {}
    root_parent_public = True
    for comment, parent, state, public, parent_public in rows:
        status[comment], before[comment] = str(state), bool(public)
        if comment == comment_id:
            root_parent_public = parent is None or bool(parent_public)
        elif parent is not None:
            children[parent].append(comment)
    after: dict[int, bool] = {}
    frontier = [(comment_id, root_parent_public)]
    while frontier:
        comment, parent_public = frontier.pop()
        after[comment] = parent_public and status[comment] == _APPROVED
        frontier += [(child, after[comment]) for child in children[comment]]
    for value in (True, False):
        changed = [c for c in after if after[c] == value and before[c] != value]
        if changed:
            await _set_public(changed, value)
    return after[comment_id], sum(after.values()) - sum(before.values())


async def _set_public(ids: list[int], value: bool) -> None:
    await Comment.filter(id__in=ids).update(is_public=value)


async def refresh_all(connection: BaseDBAsyncClient | None = None) -> None:
    """Every comment's `is_public` and every post's `comment_count`, from the statuses
    (in `connection`'s transaction when given: `execute_script` would commit it)."""
    connection = connection or get_connection("default")
    for sql in REFRESH_ALL:
        await connection.execute_query(sql)
