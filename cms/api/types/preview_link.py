"""The PreviewLink type: an editor's signed, expiring link to one post."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry import relay

from cms.api.context import Info
from cms.errors import NotFound
from cms.services.preview_links import IssuedLink

if TYPE_CHECKING:
    from cms.api.types.post import Post

PostRef = Annotated["Post", strawberry.lazy("cms.api.types.post")]


@strawberry.type(
    description="A signed link that shows one post, whatever its status, to anyone holding "
    "it (the `preview` query) until it expires or is revoked."
)
class PreviewLink(relay.Node):
    id: relay.NodeID[int]
    url: str = strawberry.field(description="The frontend's preview page for this link.")
    token: str = strawberry.field(description="What `preview(token:)` takes.")
    expires_at: datetime
    created_at: datetime
    created_by: str = strawberry.field(description="The name of the token that made the link.")
    revoked_at: datetime | None
    post_id: strawberry.Private[int]

    @classmethod
    def from_issued(cls, issued: IssuedLink) -> PreviewLink:
        link = issued.link
        return cls(
            id=link.id,
            url=issued.url,
            token=issued.token,
            expires_at=link.expires_at,
            created_at=link.created_at,
            created_by=link.created_by,
            revoked_at=link.revoked_at,
            post_id=link.post_id,
        )

    @strawberry.field
    async def post(self, info: Info) -> PostRef:
        from cms.api.types.post import Post

        post = await info.context.loaders.post_by_id.load(self.post_id)
        if post is None:
            raise NotFound("The post of this preview link was deleted.")
        return Post.from_model(post)
