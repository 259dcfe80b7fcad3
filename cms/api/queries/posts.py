"""Queries over posts and stories, and Relay's `node`."""

from __future__ import annotations

import strawberry
from strawberry import relay

from cms.api import cache_keys
from cms.api.context import Info
from cms.api.ids import decode_any_id
from cms.api.types.comment import Comment
from cms.api.types.connection import Connection
from cms.api.types.enums import PostOrderEnum, PostStatusEnum, StoryKindEnum
from cms.api.types.post import Post
from cms.api.types.revision import Revision
from cms.api.types.section import Section
from cms.api.types.story import Story
from cms.enums import PostOrder
from cms.services import posts, revisions, stories
from cms.services.pagination import PageRequest


@strawberry.input
class PostFilter:
    tag: str | None = None
    search: str | None = strawberry.field(
        default=None, description="Full-text search over title, excerpt and section bodies."
    )
    status: PostStatusEnum | None = strawberry.field(
        default=None, description="Editors only; anonymous callers always get PUBLISHED."
    )


async def _node(info: Info, type_name: str, pk: int) -> relay.Node | None:
    loaders = info.context.loaders
    if type_name == "Post":
        post = await loaders.post_by_id.load(pk)
        return Post.from_model(post) if post else None
    if type_name == "Story":
        story = await loaders.story_by_id.load(pk)
        return Story.from_model(story) if story else None
    if type_name == "Section":
        section = await loaders.section_by_id.load(pk)
        if section is None or await loaders.post_by_id.load(section.post_id) is None:
            return None
        return Section.from_model(section)
    if type_name == "Revision":
        revision = await revisions.revision_by_id(info.context.viewer, pk)
        return Revision.from_model(revision) if revision else None
    if type_name == "Comment":
        comment = await loaders.comment_by_id.load(pk)
        if comment is None or await loaders.post_by_id.load(comment.post_id) is None:
            return None
        return Comment.from_model(comment)
    return None


@strawberry.type
class PostQueries:
    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> relay.Node | None:
        """Any object by its global id; null when it does not exist or is hidden."""
        type_name, pk = decode_any_id(id)
        node = await _node(info, type_name, pk)
        if node is None:
            cache_keys.found_nothing()
        return node

    @strawberry.field
    async def post(self, info: Info, slug: str) -> Post | None:
        found = await posts.get_post(info.context.viewer, slug)
        if found is None:
            cache_keys.found_nothing()
            return None
        return Post.from_model(found)

    @strawberry.field
    async def posts(
        self,
        info: Info,
        first: int | None = 10,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: PostFilter | None = None,
        order_by: PostOrderEnum | None = PostOrder.NEWEST,
    ) -> Connection[Post]:
        query = posts.PostQuery(
            tag=filter.tag if filter else None,
            search=filter.search if filter else None,
            status=filter.status if filter else None,
            order=order_by or PostOrder.NEWEST,
        )
        request = PageRequest.of(first, after, last, before, default_first=10)
        cache_keys.shows_list(query.tag)
        page = await posts.list_posts(info.context.viewer, query, request)
        return Connection.from_page(page, Post.from_model)

    @strawberry.field
    async def stories(
        self,
        info: Info,
        first: int | None = 10,
        after: str | None = None,
        kind: StoryKindEnum | None = None,
    ) -> Connection[Story]:
        request = PageRequest(first=first, after=after)
        cache_keys.shows_list()
        page = await stories.list_stories(info.context.viewer, kind, request)
        return Connection.from_page(page, Story.from_model)
