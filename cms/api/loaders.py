"""Per-request DataLoaders: every relation and count resolves in one batch per request."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader

from cms.principal import Viewer
from cms.services import comment_reads, posts, revisions, sections, stories
from cms.services.pagination import Page, PageRequest
from cms.services.views import ViewBuffer

if TYPE_CHECKING:
    from cms.models import Comment, Post, Revision, Section, Story

K = TypeVar("K")
V = TypeVar("V")


def _by_key(
    fetch: Callable[[list[K]], Awaitable[Mapping[K, V]]], missing: Callable[[], Any] = lambda: None
) -> DataLoader[K, Any]:
    """A loader over a batch function that returns a mapping keyed like the input."""

    async def load(keys: Sequence[K]) -> list[Any]:
        found = await fetch(list(keys))
        return [found.get(key, missing()) for key in keys]

    return DataLoader(load_fn=load)


ThreadKey = tuple[int, PageRequest]
ThreadPage = Page[comment_reads.ThreadComment]


def _threads(
    viewer: Viewer, parent_field: comment_reads.ParentField
) -> DataLoader[ThreadKey, ThreadPage]:
    async def load(keys: Sequence[ThreadKey]) -> list[ThreadPage]:
        return await comment_reads.thread_pages(viewer, parent_field, list(keys))

    return DataLoader(load_fn=load)


def _counts(viewer: Viewer, parent_field: comment_reads.ParentField) -> DataLoader[int, int]:
    async def fetch(ids: Iterable[int]) -> Mapping[int, int]:
        return await comment_reads.thread_counts(viewer, parent_field, list(ids))

    return _by_key(fetch, missing=lambda: 0)


@dataclass
class Loaders:
    """Named `XByY`; built for one request and one viewer, never shared."""

    viewer: Viewer
    views: ViewBuffer | None = None
    post_by_id: DataLoader[int, Post | None] = field(init=False)
    section_by_id: DataLoader[int, Section | None] = field(init=False)
    story_by_id: DataLoader[int, Story | None] = field(init=False)
    comment_by_id: DataLoader[int, Comment | None] = field(init=False)
    sections_by_post_id: DataLoader[int, list[Section]] = field(init=False)
    stories_by_post_id: DataLoader[int, list[Story]] = field(init=False)
    stories_by_section_id: DataLoader[int, list[Story]] = field(init=False)
    tags_by_post_id: DataLoader[int, list[str]] = field(init=False)
    comment_page_by_post_id: DataLoader[ThreadKey, ThreadPage] = field(init=False)
    reply_page_by_comment_id: DataLoader[ThreadKey, ThreadPage] = field(init=False)
    comment_total_by_post_id: DataLoader[int, int] = field(init=False)
    reply_total_by_comment_id: DataLoader[int, int] = field(init=False)
    public_comments_by_post_id: DataLoader[int, list[Comment]] = field(init=False)
    revisions_by_post_id: DataLoader[int, list[Revision]] = field(init=False)
    pending_views_by_post_id: DataLoader[int, int] = field(init=False)

    def __post_init__(self) -> None:
        viewer = self.viewer
        self.post_by_id = _by_key(lambda ids: posts.posts_by_ids(viewer, ids))
        self.section_by_id = _by_key(sections.sections_by_ids)
        self.story_by_id = _by_key(lambda ids: stories.stories_by_ids(viewer, ids))
        self.comment_by_id = _by_key(lambda ids: comment_reads.comments_by_ids(viewer, ids))
        self.sections_by_post_id = _by_key(sections.sections_by_post_ids, missing=list)
        self.stories_by_post_id = _by_key(stories.stories_by_post_ids, missing=list)
        self.stories_by_section_id = _by_key(stories.stories_by_section_ids, missing=list)
        self.tags_by_post_id = _by_key(posts.tags_by_post_ids, missing=list)
        self.comment_page_by_post_id = _threads(viewer, "post_id")
        self.reply_page_by_comment_id = _threads(viewer, "parent_id")
        self.comment_total_by_post_id = _counts(viewer, "post_id")
        self.reply_total_by_comment_id = _counts(viewer, "parent_id")
        self.public_comments_by_post_id = _by_key(
            comment_reads.public_comments_by_post_ids, missing=list
        )
        self.revisions_by_post_id = _by_key(revisions.revisions_by_post_ids, missing=list)
        self.pending_views_by_post_id = _by_key(self._pending_views, missing=lambda: 0)

    async def _pending_views(self, post_ids: list[int]) -> Mapping[int, int]:
        return await self.views.pending(post_ids) if self.views is not None else {}
