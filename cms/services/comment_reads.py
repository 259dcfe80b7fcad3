"""Reading comment threads in batches: the first page of many posts in one statement."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache, partial
from typing import Any, Literal

from tortoise.functions import Count
from tortoise.queryset import QuerySet

from cms.models import Comment, CommentStatus
from cms.principal import Viewer
from cms.services.pagination import (
    Cursors,
    Page,
    PageRequest,
    SortKey,
    page_size,
    paginate,
)
from cms.services.read_statements import Ids, Statement, fetch
from cms.services.records import COMMENT_COLUMNS, CommentRecord
from cms.services.visibility import visible_comments

OLDEST_FIRST = SortKey(("created_at", "id"), descending=False, kinds=(datetime, int))
ParentField = Literal["post_id", "parent_id"]
# First pages come as records, pages after a cursor through the ORM.
ThreadComment = Comment | CommentRecord


def _thread(viewer: Viewer, parent_field: ParentField, parent_id: int) -> QuerySet[Comment]:
    """Top-level comments of a post, or the replies to a comment, the viewer may see."""
    comments = visible_comments(viewer).filter(**{parent_field: parent_id})
    return comments.filter(parent_id=None) if parent_field == "post_id" else comments


@lru_cache(maxsize=16)
def _end_pages(parent_field: ParentField, editor: bool, from_end: bool) -> Statement:
    top_level = "AND parent_id IS NULL" if parent_field == "post_id" else ""
    # The public sees comments under public ancestors only (services/threads.py).
    status = "" if editor else "AND is_public = TRUE"
    order = "created_at DESC, id DESC" if from_end else "created_at, id"
    # Posts' threads walk comment_thread_idx, replies comment_reply_idx, each in order.
    index = "comment_thread_idx" if parent_field == "post_id" else "comment_reply_idx"
    return Statement(
        f"""SELECT {COMMENT_COLUMNS} FROM (
        SELECT {COMMENT_COLUMNS}, ROW_NUMBER() OVER (
            PARTITION BY {parent_field} ORDER BY {order}) AS row_number
        FROM comment {{indexed_by:{index}}}
        WHERE {parent_field} IN {{ids}} {top_level} {status}
    ) AS ranked WHERE row_number <= ? ORDER BY {parent_field}, {order}"""
    )


async def end_pages(
    viewer: Viewer,
    parent_field: ParentField,
    parent_ids: list[int],
    size: int,
    *,
    from_end: bool = False,
) -> dict[int, list[CommentRecord]]:
    """Up to size+1 comments of each parent from its start (or end), in one query.

    Each list runs in the direction it was read: oldest first, or newest first when
    `from_end`.
    """
    if not parent_ids:
        return {}
    statement = _end_pages(parent_field, viewer.is_editor, from_end)
    grouped: dict[int, list[CommentRecord]] = defaultdict(list)
    for row in await fetch(statement, Ids.of(parent_ids), int(size) + 1):
        comment = CommentRecord.of(row)
        grouped[getattr(comment, parent_field)].append(comment)
    return grouped


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
    viewer: Viewer, parent_field: ParentField, keys: list[tuple[int, PageRequest]]
) -> list[Page[ThreadComment]]:
    """Pages of several threads: first (or last) pages of one size share one statement.

    Only pages after or before a cursor, which belong to one thread, run on their own.
    """
    results: dict[int, Page[Any]] = {}
    end_page_indexes: dict[tuple[int, bool], list[int]] = defaultdict(list)
    for index, (parent_id, request) in enumerate(keys):
        if request.after or request.before:
            thread = _thread(viewer, parent_field, parent_id)
            results[index] = await paginate(thread, OLDEST_FIRST, request, 20)
        else:
            end_page_indexes[page_size(request, 20)].append(index)
    for (size, from_end), indexes in end_page_indexes.items():
        parent_ids = sorted({keys[i][0] for i in indexes})
        rows = await end_pages(viewer, parent_field, parent_ids, size, from_end=from_end)
        for index in indexes:
            parent_id = keys[index][0]
            found = rows.get(parent_id, [])
            items = found[:size][::-1] if from_end else found[:size]
            results[index] = Page(
                items=items,
                cursors=Cursors(items, OLDEST_FIRST.values_of),
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
