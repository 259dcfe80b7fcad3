"""Reading comment threads in batches: the first page of many posts in one statement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache, partial
from typing import Any, Literal

from tortoise.functions import Count

from cms.enums import CommentOrder
from cms.models import Comment, CommentStatus
from cms.principal import Viewer
from cms.services.pagination import (
    Cursors,
    Page,
    PageRequest,
    SortKey,
    keyset_page,
    keyset_sql,
    keyset_values,
    page_size,
    paginate,
)
from cms.services.read_statements import Ids, Statement, fetch
from cms.services.records import COMMENT_COLUMNS, CommentRecord
from cms.services.visibility import visible_comments

OLDEST_FIRST = SortKey(("created_at", "id"), descending=False, kinds=(datetime, int))
SORT_KEYS = {
    CommentOrder.OLDEST: OLDEST_FIRST,
    CommentOrder.NEWEST: SortKey(("created_at", "id"), descending=True, kinds=(datetime, int)),
    # A cursor holds the score its comment had when read: votes since do not move the boundary.
    CommentOrder.TOP: SortKey(("score", "id"), descending=True, kinds=(int, int)),
}
ParentField = Literal["post_id", "parent_id"]
ThreadComment = Comment | CommentRecord
# The index each thread walks in each order: a post's top-level comments, or replies
# (partial indexes, replies only).
_INDEXES = {
    ("post_id", False): "comment_thread_idx",
    ("post_id", True): "comment_top_idx",
    ("parent_id", False): "comment_reply_idx",
    ("parent_id", True): "comment_reply_top_idx",
}


def _thread_terms(parent_field: ParentField, editor: bool) -> str:
    top_level = "AND parent_id IS NULL" if parent_field == "post_id" else ""
    # The public sees comments under public ancestors only (services/threads.py).
    status = "" if editor else "AND is_public = TRUE"
    return f"{top_level} {status}"


def _index(parent_field: ParentField, order: CommentOrder) -> str:
    return _INDEXES[parent_field, order == CommentOrder.TOP]


@lru_cache(maxsize=32)
def _end_pages(
    parent_field: ParentField, editor: bool, from_end: bool, order: CommentOrder
) -> Statement:
    _, order_by = keyset_sql(SORT_KEYS[order], False, False, from_end)
    return Statement(
        f"""SELECT {COMMENT_COLUMNS} FROM (
        SELECT {COMMENT_COLUMNS}, ROW_NUMBER() OVER (
            PARTITION BY {parent_field} ORDER BY {order_by}) AS row_number
        FROM comment {{indexed_by:{_index(parent_field, order)}}}
        WHERE {parent_field} IN {{ids}} {_thread_terms(parent_field, editor)}
    ) AS ranked WHERE row_number <= ? ORDER BY {parent_field}, {order_by}"""
    )


@lru_cache(maxsize=64)
def _one_page(
    parent_field: ParentField,
    editor: bool,
    order: CommentOrder,
    after: bool,
    before: bool,
    from_end: bool,
) -> Statement:
    """A page of one parent (a post page, or a page after or before a cursor): a walk of
    the index that stops at the limit, where the window above reads the whole thread."""
    bounds, order_by = keyset_sql(SORT_KEYS[order], after, before, from_end)
    terms = "".join(f" AND {term}" for term in bounds)
    return Statement(
        f"""SELECT {COMMENT_COLUMNS} FROM comment {{indexed_by:{_index(parent_field, order)}}}
        WHERE {parent_field} = ? {_thread_terms(parent_field, editor)}{terms}
        ORDER BY {order_by} LIMIT ?"""
    )


async def end_pages(
    viewer: Viewer,
    parent_field: ParentField,
    parent_ids: list[int],
    size: int,
    *,
    from_end: bool = False,
    order: CommentOrder = CommentOrder.OLDEST,
) -> dict[int, list[CommentRecord]]:
    """Up to size+1 comments of each parent from its start (or end), in one query.

    Each list runs in the direction it was read: in `order`, or backwards when `from_end`.
    """
    if not parent_ids:
        return {}
    if len(parent_ids) == 1:
        statement = _one_page(parent_field, viewer.is_editor, order, False, False, from_end)
        parents: int | Ids = int(parent_ids[0])
    else:
        statement = _end_pages(parent_field, viewer.is_editor, from_end, order)
        parents = Ids.of(parent_ids)
    grouped: dict[int, list[CommentRecord]] = defaultdict(list)
    for row in await fetch(statement, parents, int(size) + 1):
        comment = CommentRecord.of(row)
        grouped[getattr(comment, parent_field)].append(comment)
    return grouped


async def _cursor_page(
    viewer: Viewer,
    parent_field: ParentField,
    parent_id: int,
    request: PageRequest,
    order: CommentOrder,
) -> Page[CommentRecord]:
    """A page after or before a cursor, in one statement over the thread's index."""
    key = SORT_KEYS[order]
    size, from_end = page_size(request, 20)
    statement = _one_page(
        parent_field, viewer.is_editor, order, bool(request.after), bool(request.before),
        from_end,
    )  # fmt: skip
    values = [parent_id, *keyset_values(key, request), size + 1]
    rows = [CommentRecord.of(row) for row in await fetch(statement, *values)]
    count = partial(_count_thread, viewer, parent_field, parent_id)
    return keyset_page(rows, key, request, count, 20)


async def thread_counts(
    viewer: Viewer, parent_field: ParentField, parent_ids: list[int]
) -> dict[int, int]:
    """How many comments each parent's thread holds, for totalCount."""
    comments = visible_comments(viewer).filter(**{f"{parent_field}__in": parent_ids})
    if parent_field == "post_id":
        comments = comments.filter(parent_id=None)
    rows = (
        await comments.annotate(n=Count("id")).group_by(parent_field).values_list(parent_field, "n")
    )
    return {parent: n for parent, n in rows}


async def _count_thread(viewer: Viewer, parent_field: ParentField, parent_id: int) -> int:
    return (await thread_counts(viewer, parent_field, [parent_id])).get(parent_id, 0)


async def thread_pages(
    viewer: Viewer,
    parent_field: ParentField,
    keys: list[tuple[int, PageRequest]],
    order: CommentOrder = CommentOrder.OLDEST,
) -> list[Page[ThreadComment]]:
    """Pages of several threads in `order`: first (or last) pages of one size share one
    statement. Only pages after or before a cursor, which belong to one thread, run on
    their own."""
    key = SORT_KEYS[order]
    results: dict[int, Page[Any]] = {}
    end_page_indexes: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for index, (parent_id, request) in enumerate(keys):
        if request.after or request.before:
            results[index] = await _cursor_page(viewer, parent_field, parent_id, request, order)
        else:
            end_page_indexes[page_size(request, 20)].append(index)
    for (size, from_end), indexes in end_page_indexes.items():
        parent_ids = sorted({keys[i][0] for i in indexes})
        rows = await end_pages(
            viewer, parent_field, parent_ids, size, from_end=from_end, order=order
        )
        for index in indexes:
            parent_id = keys[index][0]
            found = rows.get(parent_id, [])
            items = found[:size][::-1] if from_end else found[:size]
            results[index] = Page(
                items=items,
                cursors=Cursors(items, key.values_of),
                has_next=False if from_end else len(found) > size,
                has_previous=len(found) > size if from_end else False,
                count=partial(_count_thread, viewer, parent_field, parent_id),
            )
    return [results[i] for i in range(len(keys))]


async def comments_by_ids(viewer: Viewer, ids: Iterable[int]) -> dict[int, Comment]:
    return {c.id: c for c in await visible_comments(viewer).filter(id__in=list(ids))}


async def moderation_queue(status: CommentStatus, request: PageRequest) -> Page[Comment]:
    """Comments with this status, oldest first (editors only: checked by the caller)."""
    return await paginate(Comment.filter(status=status), OLDEST_FIRST, request, 20)


async def public_comments_by_post_ids(post_ids: Iterable[int]) -> dict[int, list[Comment]]:
    """Every comment of each post the public sees, replies included, oldest first."""
    grouped: dict[int, list[Comment]] = defaultdict(list)
    approved = Comment.filter(post_id__in=list(post_ids), is_public=True)
    for comment in await approved.order_by("created_at", "id"):
        grouped[comment.post_id].append(comment)
    return grouped
