"""Reading posts: lookups, feeds, filters and search, always through visibility."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from cms.enums import PostOrder, PostStatus
from cms.models import Post, Tag
from cms.principal import Viewer
from cms.services import search
from cms.services.pagination import Page, PageRequest, SortKey, page_of_list, paginate
from cms.services.visibility import visible_posts

SORT_KEYS = {
    PostOrder.NEWEST: SortKey(("feed_at", "id"), descending=True, kinds=(datetime, int)),
    PostOrder.OLDEST: SortKey(("feed_at", "id"), descending=False, kinds=(datetime, int)),
    PostOrder.MOST_LIKED: SortKey(("like_count", "id"), descending=True, kinds=(int, int)),
    PostOrder.MOST_VIEWED: SortKey(("view_count", "id"), descending=True, kinds=(int, int)),
}


@dataclass(frozen=True)
class PostQuery:
    """What a feed asks for; `status` is ignored for anonymous viewers."""

    tag: str | None = None
    search: str | None = None
    status: PostStatus | None = None
    order: PostOrder = PostOrder.NEWEST


async def get_post(viewer: Viewer, slug: str) -> Post | None:
    """The post with this slug, or None when it does not exist or is hidden from the viewer."""
    return await visible_posts(viewer).get_or_none(slug=slug)


async def posts_by_ids(viewer: Viewer, ids: Iterable[int]) -> dict[int, Post]:
    return {post.id: post for post in await visible_posts(viewer).filter(id__in=list(ids))}


async def list_posts(viewer: Viewer, query: PostQuery, request: PageRequest) -> Page[Post]:
    """A page of the feed; with `search`, ordered by relevance instead of `order`."""
    posts = visible_posts(viewer, query.status if viewer.is_editor else None)
    if query.tag:
        posts = posts.filter(tags__name=query.tag.strip().lower())
    if query.search is None or not query.search.strip():
        return await paginate(posts, SORT_KEYS[query.order], request)
    ranked = await search.ranked_post_ids(query.search)
    found = {post.id: post for post in await posts.filter(id__in=[pid for pid, _ in ranked])}
    rank_of = dict(ranked)
    matches = [found[pid] for pid, _ in ranked if pid in found]
    return page_of_list(matches, lambda p: [-rank_of[p.id], p.id], request, kinds=(float, int))


async def tags_by_post_ids(post_ids: Iterable[int]) -> dict[int, list[str]]:
    """Tag names of each post, alphabetical."""
    rows = await Tag.filter(posts__id__in=list(post_ids)).values_list("posts__id", "name")
    tags: dict[int, list[str]] = defaultdict(list)
    for post_id, name in sorted(rows, key=lambda row: row[1]):
        tags[post_id].append(name)
    return tags
