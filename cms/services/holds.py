"""Why comments are held: the reasons recorded with each, and the queue of one reason."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import lru_cache

from tortoise.backends.base.client import BaseDBAsyncClient

from cms.enums import CommentStatus, HoldReason
from cms.models import Comment, CommentHold
from cms.principal import Viewer
from cms.services import comment_text
from cms.services.comment_reads import OLDEST_FIRST
from cms.services.pagination import Page, PageRequest, keyset_page, keyset_values, page_size
from cms.services.read_statements import Statement, fetch
from cms.services.records import COMMENT_COLUMNS, CommentRecord
from cms.settings import Limits

_COLUMNS = ", ".join(f"c.{name}" for name in COMMENT_COLUMNS.split(", "))
# The order reasons are listed in: the enum's.
_ORDER = {reason: n for n, reason in enumerate(HoldReason)}


def text_reasons(author: str, body: str, html: str, limits: Limits) -> list[HoldReason]:
    """What the text rules hold a comment for (LINKS, BLOCKLIST), or nothing.

    `html` is the body as rendered: links are counted as readers get them, and the
    blocklist reads the source (link addresses included) and the text shown.
    """
    reasons = []
    if limits.comment_hold_links and comment_text.link_count(html) >= limits.comment_hold_links:
        reasons.append(HoldReason.LINKS)
    texts = (author, body, comment_text.visible_text(html))
    if comment_text.has_blocked_word(texts, limits.comment_blocklist):
        reasons.append(HoldReason.BLOCKLIST)
    return reasons


def ordered(reasons: Iterable[HoldReason]) -> list[HoldReason]:
    return sorted(set(reasons), key=_ORDER.__getitem__)


async def record_holds(
    comment: Comment, reasons: Sequence[HoldReason], connection: BaseDBAsyncClient
) -> None:
    """Keep why `comment` is held (in its transaction); reasons already kept stay once."""
    rows = (
        await CommentHold.filter(comment_id=comment.id)
        .using_db(connection)
        .values_list("reason", flat=True)
    )
    kept = {HoldReason(str(reason)) for reason in rows}
    new = [
        CommentHold(
            comment_id=comment.id,
            reason=reason,
            status=comment.status,
            created_at=comment.created_at,
        )
        for reason in ordered(reasons)
        if reason not in kept
    ]
    if new:
        await CommentHold.bulk_create(new, using_db=connection)


async def follow_status(
    comment_id: int, status: CommentStatus, connection: BaseDBAsyncClient
) -> None:
    """The holds carry their comment's status (in the transaction that moved it)."""
    await CommentHold.filter(comment_id=comment_id).using_db(connection).update(status=status)


async def reasons_by_comment_ids(
    viewer: Viewer, comment_ids: Sequence[int]
) -> dict[int, list[HoldReason] | None]:
    """Why each comment was held, for editors (an empty list: never held); None for
    anyone else, without reading anything."""
    if not viewer.is_editor:
        return {comment_id: None for comment_id in comment_ids}
    found: dict[int, list[HoldReason]] = defaultdict(list)
    rows = await CommentHold.filter(comment_id__in=list(comment_ids)).values_list(
        "comment_id", "reason"
    )
    for comment_id, reason in rows:
        found[comment_id].append(HoldReason(reason))
    return {comment_id: ordered(found.get(comment_id, ())) for comment_id in comment_ids}


@lru_cache(maxsize=8)
def _queue(after: bool, before: bool, from_end: bool) -> Statement:
    terms = []
    if after:
        terms.append("AND (h.created_at, h.comment_id) > (?, ?)")
    if before:
        terms.append("AND (h.created_at, h.comment_id) < (?, ?)")
    direction = " DESC" if from_end else ""
    return Statement(
        f"""SELECT {_COLUMNS} FROM comment_hold AS h {{indexed_by:comment_hold_idx}}
        JOIN comment AS c ON c.id = h.comment_id
        WHERE h.reason = ? AND h.status = ? {" ".join(terms)}
        ORDER BY h.created_at{direction}, h.comment_id{direction} LIMIT ?"""
    )


async def queue_of_reason(
    status: CommentStatus, reason: HoldReason, request: PageRequest
) -> Page[CommentRecord]:
    """Comments with this status held for `reason`, oldest first (editors only: checked
    by the caller): one walk of `comment_hold_idx` in order, each comment by its key."""
    size, from_end = page_size(request, 20)
    statement = _queue(bool(request.after), bool(request.before), from_end)
    values = [reason.value, status.value, *keyset_values(OLDEST_FIRST, request), size + 1]
    rows = [CommentRecord.of(row) for row in await fetch(statement, *values)]

    async def count() -> int:
        return await CommentHold.filter(reason=reason, status=status).count()

    return keyset_page(rows, OLDEST_FIRST, request, count, 20)
