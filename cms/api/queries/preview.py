"""Preview links: the public `preview(token:)` and the editors' list of a post's links."""

from __future__ import annotations

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id
from cms.api.permissions import IsEditor
from cms.api.types.connection import Connection
from cms.api.types.post import Post
from cms.api.types.preview_link import PreviewLink
from cms.services.pagination import PageRequest


@strawberry.type
class PreviewQueries:
    @strawberry.field(
        description="The post of a preview link, whatever its status, with no token needed; "
        "FORBIDDEN when the link is forged, expired or revoked, NOT_FOUND when its post was "
        "deleted. Comments are the public ones. Never cached."
    )
    async def preview(self, info: Info, token: str) -> Post | None:
        info.context.forbid_caching()
        record = await info.context.runtime.preview_links.open(token)
        # Within this request the post is visible wherever it is reached (`section.post`).
        info.context.loaders.post_by_id.prime(record.id, record)
        return Post.from_model(record)

    @strawberry.field(
        permission_classes=[IsEditor],
        description="Editors only: the post's preview links, newest first, expired and "
        "revoked ones included.",
    )
    async def preview_links(
        self, info: Info, post_id: strawberry.ID, first: int | None = 20, after: str | None = None
    ) -> Connection[PreviewLink]:
        pk = decode_id(post_id, "Post", "postId")
        request = PageRequest(first=first, after=after)
        page = await info.context.runtime.preview_links.list(info.context.viewer, pk, request)
        return Connection.from_page(page, PreviewLink.from_issued)
