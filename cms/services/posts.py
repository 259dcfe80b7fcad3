"""Reading posts: lookups, feeds, filters and search, always through visibility."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from cms.enums import PostOrder, PostStatus
from cms.principal import Viewer
from cms.services import search, validation
from cms.services.pagination import (
    Page,
    PageRequest,
    SortKey,
    keyset_page,
    keyset_sql,
    keyset_values,
    page_of_list,
    page_size,
)
from cms.services.read_statements import Ids, Statement, fetch
from cms.services.records import POST_COLUMNS, PostRecord
from cms.services.visibility import can_see_post, post_visibility_sql, visible_posts

SORT_KEYS = {
    PostOrder.NEWEST: SortKey(("feed_at", "id"), descending=True, kinds=(datetime, int)),
    PostOrder.OLDEST: SortKey(("feed_at", "id"), descending=False, kinds=(datetime, int)),
    PostOrder.MOST_LIKED: SortKey(("like_count", "id"), descending=True, kinds=(int, int)),
    PostOrder.MOST_VIEWED: SortKey(("view_count", "id"), descending=True, kinds=(int, int)),
    # `services/activity.py` keeps the score of the last days on the row.
    PostOrder.TRENDING: SortKey(("trending_score", "id"), descending=True, kinds=(int, int)),
}
# The index each public feed order walks, stopping after one page.
_FEED_INDEXES = {
    PostOrder.NEWEST: "post_live_feed_idx",
    PostOrder.OLDEST: "post_live_feed_idx",
    PostOrder.MOST_LIKED: "post_likes_idx",
    PostOrder.MOST_VIEWED: "post_views_idx",
    PostOrder.TRENDING: "post_trending_idx",
}


@dataclass(frozen=True)
class PostQuery:
    """What a feed asks for; `status` is ignored for anonymous viewers."""

    tag: str | None = None
    search: str | None = None
    status: PostStatus | None = None
    order: PostOrder = PostOrder.NEWEST


def _and(*terms: str) -> str:
    return " AND ".join(term for term in terms if term) or "TRUE"


# Lookups read by the unique key alone and apply visibility to the row they find, so no
# planner can prefer a status index that reads every live post.
_BY_SLUG = Statement(f"SELECT {POST_COLUMNS} FROM post WHERE slug = ?")
_BY_IDS = Statement(
    f"SELECT {POST_COLUMNS} FROM post {{indexed_by:primary_key}} WHERE id IN {{ids}}"
)


async def get_post(viewer: Viewer, slug: str) -> PostRecord | None:
    """The post with this slug, or None when it does not exist or is hidden from the viewer."""
    if "\x00" in slug:  # no slug holds one, and PostgreSQL refuses it in text
        return None
    rows = await fetch(_BY_SLUG, slug)
    post = PostRecord.of(rows[0]) if rows else None
    return post if post is not None and can_see_post(viewer, post) else None


async def posts_by_ids(viewer: Viewer, ids: Iterable[int]) -> dict[int, PostRecord]:
    found = (PostRecord.of(row) for row in await fetch(_BY_IDS, Ids.of(ids)))
    return {post.id: post for post in found if can_see_post(viewer, post)}


@lru_cache(maxsize=256)
def _feed(
    order: PostOrder, visibility: str, tagged: bool, after: bool, before: bool, from_end: bool
) -> Statement:
    """A page of a feed: keyset bounds as row values, the order's index walked when public."""
    bounds, order_by = keyset_sql(SORT_KEYS[order], after, before, from_end)
    terms = [visibility, *bounds]
    if tagged:
        source = "post_tag {indexed_by:post_tag_tag_idx} JOIN post ON post.id = post_tag.post_id"
        terms.insert(0, "post_tag.tag_id = (SELECT id FROM tag WHERE name = ?)")
        columns = ", ".join(f"post.{c.strip()}" for c in POST_COLUMNS.split(","))
    else:
        public = visibility.startswith("status IN")
        source = f"post {{indexed_by:{_FEED_INDEXES[order]}}}" if public else "post"
        columns = POST_COLUMNS
    return Statement(
        f"SELECT {columns} FROM {source} WHERE {_and(*terms)} ORDER BY {order_by} LIMIT ?"
    )


async def _feed_page(viewer: Viewer, query: PostQuery, request: PageRequest) -> Page[PostRecord]:
    """One page of a feed in one statement (+1 when totalCount is asked for)."""
    size, from_end = page_size(request)
    key = SORT_KEYS[query.order]
    visibility, params = post_visibility_sql(viewer, query.status)
    tag = _tag(query)
    statement = _feed(
        query.order, visibility, tag is not None, bool(request.after), bool(request.before),
        from_end,
    )  # fmt: skip
    values = [*([tag] if tag else []), *params, *keyset_values(key, request), size + 1]
    rows = [PostRecord.of(row) for row in await fetch(statement, *values)]

    async def count() -> int:  # only when totalCount is asked for
        counted = visible_posts(viewer, query.status if viewer.is_editor else None)
        return await (counted.filter(tags__name=tag) if tag else counted).count()

    return keyset_page(rows, key, request, count)


def _tag(query: PostQuery) -> str | None:
    """The tag filtered by, as tags are stored (trimmed, lower case)."""
    return query.tag.strip().lower() if query.tag else None


async def list_posts(viewer: Viewer, query: PostQuery, request: PageRequest) -> Page[PostRecord]:
    """A page of the feed; with `search`, ordered by relevance instead of `order`."""
    tag = _tag(query)
    if tag is not None and (len(tag) > validation.MAX_TAG or "\x00" in tag):
        return page_of_list([], lambda p: [p.id], request, kinds=(int,))  # no such tag
    if query.search is None or not query.search.strip():
        return await _feed_page(viewer, query, request)
    ranked = await search.ranked_post_ids(query.search)
    found = await posts_by_ids(viewer, (pid for pid, _ in ranked))
    if viewer.is_editor and query.status is not None:
        found = {pid: p for pid, p in found.items() if can_see_post(viewer, p, query.status)}
    if tag is not None:
        tagged = await tags_by_post_ids(found)
        found = {pid: post for pid, post in found.items() if tag in tagged.get(pid, ())}
    rank_of = dict(ranked)
    matches = [found[pid] for pid, _ in ranked if pid in found]
    return page_of_list(matches, lambda p: [-rank_of[p.id], p.id], request, kinds=(float, int))


_TAGS = Statement(
    "SELECT post_tag.post_id, tag.name FROM post_tag JOIN tag ON tag.id = post_tag.tag_id "
    "WHERE post_tag.post_id IN {ids} ORDER BY tag.name"
)


async def tags_by_post_ids(post_ids: Iterable[int]) -> dict[int, list[str]]:
    """Tag names of each post, alphabetical."""
    tags: dict[int, list[str]] = defaultdict(list)
    for post_id, name in await fetch(_TAGS, Ids.of(post_ids)):
        tags[post_id].append(name)
    return tags
