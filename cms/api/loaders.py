"""Per-request DataLoaders: every relation and count resolves in one batch per request."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from strawberry.dataloader import DataLoader

from cms.enums import CommentOrder, HoldReason
from cms.principal import Viewer
from cms.services import (
    activity_reads,
    comment_reads,
    holds,
    posts,
    reaction_reads,
    revisions,
    sections,
    stories,
)
from cms.services.pagination import Page, PageRequest
from cms.services.records import PostRecord
from cms.services.views import ViewBuffer

if TYPE_CHECKING:
    from cms.models import Comment, Revision, Section, Story

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class SharedLoader(DataLoader[K, T]):
    """A DataLoader whose askers of one key cannot cancel each other.

    Every asker of a key awaits the same future. graphql-core cancels the pending
    siblings of a failed field, and cancelling an awaiting task cancels the future it
    awaits: without the shield, another part of the query asking for the same key would
    end with CancelledError (the whole request failing) instead of its value.
    """

    def load(self, key: K) -> Awaitable[T]:
        return asyncio.shield(super().load(key))


def _by_key(
    fetch: Callable[[list[K]], Awaitable[Mapping[K, V]]], missing: Callable[[], Any] = lambda: None
) -> DataLoader[K, Any]:
    """A loader over a batch function that returns a mapping keyed like the input."""

    async def load(keys: Sequence[K]) -> list[Any]:
        found = await fetch(list(keys))
        return [found.get(key, missing()) for key in keys]

    return SharedLoader(load_fn=load)


VisitorKey = tuple[int, str]


def _by_visitor(
    fetch: Callable[[str, list[int]], Awaitable[Mapping[int, V]]], missing: Callable[[], Any]
) -> DataLoader[VisitorKey, Any]:
    """A loader over (id, visitor id) keys: one batch call per visitor (a page names one)."""

    async def load(keys: Sequence[VisitorKey]) -> list[Any]:
        by_visitor: dict[str, list[int]] = {}
        for target_id, visitor_id in keys:
            by_visitor.setdefault(visitor_id, []).append(target_id)
        found = {visitor: await fetch(visitor, ids) for visitor, ids in by_visitor.items()}
        return [found[visitor].get(target_id, missing()) for target_id, visitor in keys]

    return SharedLoader(load_fn=load)


ActivityKey = tuple[int, activity_reads.ActivityRange]
ActivityBuckets = list[activity_reads.ActivityBucket]


async def _activity(keys: Sequence[ActivityKey]) -> list[ActivityBuckets]:
    """One statement per distinct range (a page asks for one or two) for all its posts."""
    by_range: dict[activity_reads.ActivityRange, list[int]] = {}
    for post_id, span in keys:
        by_range.setdefault(span, []).append(post_id)
    found = {
        span: await activity_reads.activity_by_post_ids(ids, span) for span, ids in by_range.items()
    }
    return [found[span][post_id] for post_id, span in keys]


ThreadKey = tuple[int, PageRequest, CommentOrder]
ThreadPage = Page[comment_reads.ThreadComment]


def _threads(
    viewer: Viewer, parent_field: comment_reads.ParentField
) -> DataLoader[ThreadKey, ThreadPage]:
    async def load(keys: Sequence[ThreadKey]) -> list[ThreadPage]:
        """One batch per order (a page usually asks for one)."""
        by_order: dict[CommentOrder, list[int]] = {}
        for index, (_, _, order) in enumerate(keys):
            by_order.setdefault(order, []).append(index)
        pages: dict[int, ThreadPage] = {}
        for order, indexes in by_order.items():
            wanted = [(keys[i][0], keys[i][1]) for i in indexes]
            found = await comment_reads.thread_pages(viewer, parent_field, wanted, order)
            pages.update(zip(indexes, found, strict=True))
        return [pages[i] for i in range(len(keys))]

    return SharedLoader(load_fn=load)


def _counts(viewer: Viewer, parent_field: comment_reads.ParentField) -> DataLoader[int, int]:
    async def fetch(ids: Iterable[int]) -> Mapping[int, int]:
        return await comment_reads.thread_counts(viewer, parent_field, list(ids))

    return _by_key(fetch, missing=lambda: 0)


@dataclass
class Loaders:
    """Named `XByY`; built for one request and one viewer, never shared. Each loader is
    made on first use: a page touches a few of them. No loader refers back to this
    object (closures take the viewer, never `self`): a request's loaders and every row
    they cached are freed by reference counting when the request ends, without a
    collection of the garbage collector."""

    viewer: Viewer
    views: ViewBuffer | None = None

    @cached_property
    def post_by_id(self) -> DataLoader[int, PostRecord | None]:
        viewer = self.viewer
        return _by_key(lambda ids: posts.posts_by_ids(viewer, ids))

    @cached_property
    def section_by_id(self) -> DataLoader[int, Section | None]:
        return _by_key(sections.sections_by_ids)

    @cached_property
    def story_by_id(self) -> DataLoader[int, Story | None]:
        viewer = self.viewer
        return _by_key(lambda ids: stories.stories_by_ids(viewer, ids))

    @cached_property
    def comment_by_id(self) -> DataLoader[int, Comment | None]:
        viewer = self.viewer
        return _by_key(lambda ids: comment_reads.comments_by_ids(viewer, ids))

    @cached_property
    def sections_by_post_id(self) -> DataLoader[int, list[Section]]:
        return _by_key(sections.sections_by_post_ids, missing=list)

    @cached_property
    def stories_by_post_id(self) -> DataLoader[int, list[Story]]:
        return _by_key(stories.stories_by_post_ids, missing=list)

    @cached_property
    def stories_by_section_id(self) -> DataLoader[int, list[Story]]:
        return _by_key(stories.stories_by_section_ids, missing=list)

    @cached_property
    def tags_by_post_id(self) -> DataLoader[int, list[str]]:
        return _by_key(posts.tags_by_post_ids, missing=list)

    @cached_property
    def comment_page_by_post_id(self) -> DataLoader[ThreadKey, ThreadPage]:
        return _threads(self.viewer, "post_id")

    @cached_property
    def reply_page_by_comment_id(self) -> DataLoader[ThreadKey, ThreadPage]:
        return _threads(self.viewer, "parent_id")

    @cached_property
    def comment_total_by_post_id(self) -> DataLoader[int, int]:
        return _counts(self.viewer, "post_id")

    @cached_property
    def reply_total_by_comment_id(self) -> DataLoader[int, int]:
        return _counts(self.viewer, "parent_id")

    @cached_property
    def public_comments_by_post_id(self) -> DataLoader[int, list[Comment]]:
        return _by_key(comment_reads.public_comments_by_post_ids, missing=list)

    @cached_property
    def revisions_by_post_id(self) -> DataLoader[int, list[Revision]]:
        return _by_key(revisions.revisions_by_post_ids, missing=list)

    @cached_property
    def pending_views_by_post_id(self) -> DataLoader[int, int]:
        views = self.views

        async def pending(post_ids: list[int]) -> Mapping[int, int]:
            return await views.pending(post_ids) if views is not None else {}

        return _by_key(pending, missing=lambda: 0)

    @cached_property
    def hold_reasons_by_comment_id(self) -> DataLoader[int, list[HoldReason] | None]:
        viewer = self.viewer
        return _by_key(lambda ids: holds.reasons_by_comment_ids(viewer, ids))

    @cached_property
    def activity_by_post_id(self) -> DataLoader[ActivityKey, ActivityBuckets]:
        return SharedLoader(load_fn=_activity)

    @cached_property
    def reaction_counts_by_post_id(self) -> DataLoader[int, dict[str, int]]:
        return _by_key(lambda ids: reaction_reads.reaction_counts("post", ids), missing=dict)

    @cached_property
    def reaction_counts_by_comment_id(self) -> DataLoader[int, dict[str, int]]:
        return _by_key(lambda ids: reaction_reads.reaction_counts("comment", ids), missing=dict)

    @cached_property
    def visitor_reactions_by_post_id(self) -> DataLoader[VisitorKey, frozenset[str]]:
        return _by_visitor(
            lambda visitor, ids: reaction_reads.visitor_reactions("post", visitor, ids),
            missing=frozenset,
        )

    @cached_property
    def visitor_reactions_by_comment_id(self) -> DataLoader[VisitorKey, frozenset[str]]:
        return _by_visitor(
            lambda visitor, ids: reaction_reads.visitor_reactions("comment", visitor, ids),
            missing=frozenset,
        )

    @cached_property
    def visitor_vote_by_comment_id(self) -> DataLoader[VisitorKey, int]:
        return _by_visitor(reaction_reads.visitor_votes, missing=lambda: 0)
