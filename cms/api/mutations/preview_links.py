"""Editor mutations on preview links: create, revoke."""

from __future__ import annotations

import strawberry

from cms.api.context import Info
from cms.api.ids import decode_id, encode_id
from cms.api.permissions import IsEditor
from cms.api.types.preview_link import PreviewLink
from cms.services import preview_links
from cms.services.preview_links import DEFAULT_EXPIRES_IN_S


@strawberry.type
class PreviewLinkMutations:
    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="A signed link showing the post (any status) through `preview(token:)`; "
        "`expiresIn` is in seconds, from 60 to 2592000 (30 days).",
    )
    async def create_preview_link(
        self, info: Info, post_id: strawberry.ID, expires_in: int | None = DEFAULT_EXPIRES_IN_S
    ) -> PreviewLink:
        pk = decode_id(post_id, "Post", "postId")
        seconds = DEFAULT_EXPIRES_IN_S if expires_in is None else expires_in
        links = info.context.runtime.preview_links
        return PreviewLink.from_issued(await links.create(info.context.viewer, pk, seconds))

    @strawberry.mutation(
        permission_classes=[IsEditor],
        description="The link stops working at once; revoking it again changes nothing.",
    )
    async def revoke_preview_link(self, info: Info, id: strawberry.ID) -> strawberry.ID:
        pk = decode_id(id, "PreviewLink")
        await preview_links.revoke(info.context.viewer, pk)
        return strawberry.ID(encode_id("PreviewLink", pk))
