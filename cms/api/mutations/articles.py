"""`importArticle`: editors bring whole articles in the plain-text format."""

from __future__ import annotations

import strawberry

from cms.api.context import Info
from cms.api.permissions import IsEditor
from cms.api.types.post import Post
from cms.services.article_import import import_article
from cms.services.post_editing import post_for_edit


@strawberry.type
class ArticleMutations:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description=(
            "Imports one article in the plain-text format (docs/article-format.md): found by "
            "slug and merged in, readers' comments and counts kept. `publish: false` makes a "
            "new post a draft; an existing post keeps its status unless the text states one."
        ),
    )
    async def import_article(self, info: Info, text: str, publish: bool | None = True) -> Post:
        context = info.context
        result = await import_article(
            context.viewer,
            text,
            publish=publish is not False,
            engagement=context.runtime.engagement,
        )
        return Post.from_model(await post_for_edit(result.post_id))
