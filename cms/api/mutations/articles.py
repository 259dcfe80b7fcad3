"""`importArticle`: editors bring whole articles in the plain-text format."""

from __future__ import annotations

import strawberry

from cms.api.context import Info
from cms.api.permissions import IsEditor
from cms.api.types.post import Post
from cms.ingest.importer import import_article
from cms.services.posts import get_post


@strawberry.type
class ArticleMutations:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="Imports one article in the plain-text format (see seeds/); upserts by slug.",
    )
    async def import_article(self, info: Info, text: str, publish: bool | None = True) -> Post:
        result = await import_article(text, publish=publish is not False)
        post = await get_post(info.context.viewer, result.slug)
        assert post is not None  # editors see every post
        return Post.from_model(post)
